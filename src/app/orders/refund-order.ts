/**
 * Refund order lines (SPEC §2.3): in one transaction the order is locked, the lifecycle decides on the
 * total, every line is checked against what is left to refund on it, the lines and the order's refunded
 * amount are raised, and the status change (REFUNDED or PARTIAL REFUNDED) is written with its event and
 * callback, with the credit note for the refunded amounts (SPEC §6.3). A refused refund writes nothing.
 */
import { ApiError } from '../errors.ts';
import { decideRefund } from '../../domain/orders/lifecycle.ts';
import { formatOre } from '../../domain/money/money.ts';
import type { RefundRequest } from '../../domain/orders/refund.ts';
import type { Db } from '../../store/db/db.ts';
import { findOrderLines } from '../../store/orders.ts';
import type { Clock } from '../../clock.ts';
import { addLineRefunds } from '../../store/line-refunds.ts';
import { transitionOrder } from '../../store/order-transitions.ts';
import { issueCreditNote } from '../invoicing/issue-credit-note.ts';
import { lifecycleRefusal, lockOrder } from './lock-order.ts';

export async function refundOrder(
  db: Db,
  clock: Clock,
  merchantId: number,
  uuid: string,
  refund: RefundRequest,
): Promise<{ creditNoteNumber: number | null }> {
  return db.transaction(async (tx) => {
    const order = await lockOrder(tx, merchantId, uuid);
    const decision = decideRefund(order.status, order.grand_total_ore, order.refunded_ore, refund.grandTotalOre);
    // A total over what is left is reported after the line checks, which say which line is at fault.
    if (!decision.ok && decision.error !== 'refundRejectionForProductAmountExceed') {
      throw lifecycleRefusal(decision.error, 'refunded', order);
    }
    const orderLines = new Map((await findOrderLines(tx, order.id)).map((line) => [line.id, line]));
    const unknown = refund.lines.filter((line) => !orderLines.has(line.lineId));
    if (unknown.length > 0) {
      throw new ApiError('requestProductIdNotAvailable', {
        errors: unknown.map((line) => `Product id ${line.lineId} is not a line of order ${order.uuid}; take the ids from Get Order Details.`),
      });
    }
    const exceeding = refund.lines.flatMap((line) => {
      const stored = orderLines.get(line.lineId)!;
      const leftOre = stored.amount_ore - stored.refunded_ore;
      return line.ore > leftOre
        ? [`Product id ${line.lineId} of order ${order.uuid} has ${formatOre(leftOre)} left to refund; ${formatOre(line.ore)} was requested.`]
        : [];
    });
    if (exceeding.length > 0) throw new ApiError('refundRejectionForProductAmountExceed', { errors: exceeding });
    if (!decision.ok) throw lifecycleRefusal(decision.error, 'refunded', order);

    // Every refundable order has an issued invoice, which only a credit note corrects (SPEC §6.3).
    const creditNoteNumber = await issueCreditNote(tx, clock, {
      merchantId,
      orderId: order.id,
      orderUuid: order.uuid,
      credit: { kind: 'refund', lines: refund.lines.map((l) => ({ position: orderLines.get(l.lineId)!.position, ore: l.ore })) },
      note: `Refund (${refund.type})`,
    });
    await addLineRefunds(tx, order.id, refund.lines);
    const reason = `refund (${refund.type}) of ${formatOre(refund.grandTotalOre)}: ${refund.lines
      .map((line) => `line ${line.lineId} ${formatOre(line.ore)}`)
      .join(', ')} (credit note ${creditNoteNumber})`;
    await transitionOrder(tx, order, decision.to, { reason, actor: `merchant:${merchantId}` }, { refundedOre: refund.grandTotalOre });
    return { creditNoteNumber };
  });
}
