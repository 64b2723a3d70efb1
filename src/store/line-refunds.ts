/**
 * Per-line refunds (SPEC §2.3, `POST /orders/refund/{uuid}`): what each order line has had refunded, in øre.
 * The order's own total (`orders.refunded_ore`) moves with the status change in `transitionOrder`; the lines
 * are written here, in the same transaction, while the caller holds the order's row lock.
 */
import type { Queryable } from './db/db.ts';

export interface LineRefund {
  lineId: number;
  ore: number;
}

export class LineRefundConflictError extends Error {}

/**
 * Adds each amount to its line's `refunded_ore`. A line may never be refunded beyond its amount: the
 * statement re-checks that, and throws (rolling the caller's transaction back) if any line of the refund
 * is not on the order or would exceed it — the route checks first, so this only guards against a bug.
 */
export async function addLineRefunds(tx: Queryable, orderId: number, refunds: readonly LineRefund[]): Promise<void> {
  const rows = await tx.query<{ id: number }>({
    name: 'add_line_refunds',
    text: `UPDATE order_lines l SET refunded_ore = l.refunded_ore + r.ore
           FROM jsonb_to_recordset($2::jsonb) AS r(line_id bigint, ore bigint)
           WHERE l.id = r.line_id AND l.order_id = $1 AND l.refunded_ore + r.ore <= l.amount_ore
           RETURNING l.id`,
    values: [orderId, JSON.stringify(refunds.map((r) => ({ line_id: r.lineId, ore: r.ore })))],
  });
  if (rows.length !== refunds.length) {
    throw new LineRefundConflictError(`Only ${rows.length} of ${refunds.length} line refunds of order ${orderId} fit their lines.`);
  }
}
