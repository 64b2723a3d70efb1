/**
 * Cancel an order (SPEC §2.3, §3): lock, let the lifecycle decide, and write the status change with its
 * event and callback in one transaction. A refused cancel writes nothing.
 */
import { ApiError } from '../errors.ts';
import { decideCancel } from '../../domain/orders/lifecycle.ts';
import type { Db } from '../../store/db/db.ts';
import { transitionOrder } from '../../store/order-transitions.ts';
import { lifecycleRefusal, lockOrder } from './lock-order.ts';

export async function cancelOrder(db: Db, merchantId: number, uuid: string, note: string): Promise<void> {
  await db.transaction(async (tx) => {
    const order = await lockOrder(tx, merchantId, uuid);
    const decision = decideCancel(order.status);
    if (!decision.ok) throw lifecycleRefusal(decision.error, 'cancelled', order);
    // An issued invoice is voided only by a credit note, written in this same transaction. Until the
    // invoicing module issues credit notes, an invoiced order is refused rather than silently voided.
    if (decision.needsCreditNote) throw creditNoteRequired(order.uuid, order.status, 'cancelled');
    await transitionOrder(tx, order, 'CANCELLED', { reason: note, actor: `merchant:${merchantId}` }, { cancellationNote: note });
  });
}

export function creditNoteRequired(uuid: string, status: string, action: 'cancelled' | 'refunded'): ApiError {
  return new ApiError('creditNoteRequired', {
    errors: [
      `Order ${uuid} cannot be ${action}: it has been invoiced (status ${status}), and an issued invoice can only be corrected by a credit note, which this server does not issue yet.`,
    ],
  });
}
