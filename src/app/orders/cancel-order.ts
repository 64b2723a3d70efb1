/**
 * Cancel an order (SPEC §2.3, §3, §6.3): lock, let the lifecycle decide, and write the status change with
 * its event and callback in one transaction. An invoiced order is voided by a credit note for what is
 * left on its lines, issued in that same transaction; the fee is credited with the invoice's last order
 * (domain/invoicing/credit-note.ts).
 * A refused cancel writes nothing.
 */
import type { Clock } from '../../clock.ts';
import { decideCancel } from '../../domain/orders/lifecycle.ts';
import type { Db } from '../../store/db/db.ts';
import { transitionOrder } from '../../store/order-transitions.ts';
import { issueCreditNote } from '../invoicing/issue-credit-note.ts';
import { lifecycleRefusal, lockOrder } from './lock-order.ts';

export async function cancelOrder(db: Db, clock: Clock, merchantId: number, uuid: string, note: string): Promise<{ creditNoteNumber: number | null }> {
  return db.transaction(async (tx) => {
    const order = await lockOrder(tx, merchantId, uuid);
    const decision = decideCancel(order.status);
    if (!decision.ok) throw lifecycleRefusal(decision.error, 'cancelled', order);
    let creditNoteNumber: number | null = null;
    if (decision.needsCreditNote) {
      creditNoteNumber = await issueCreditNote(tx, clock, {
        merchantId, orderId: order.id, orderUuid: order.uuid, credit: { kind: 'cancel' }, note,
      });
    }
    const reason = creditNoteNumber === null ? note : `${note} (credit note ${creditNoteNumber})`;
    await transitionOrder(tx, order, 'CANCELLED', { reason, actor: `merchant:${merchantId}` }, { cancellationNote: note });
    return { creditNoteNumber };
  });
}
