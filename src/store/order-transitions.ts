/**
 * The one way an order's status changes (SPEC §3, §4): the update, its event in the order's history
 * and its callback in the outbox, all in the caller's transaction. The lifecycle table decides what is
 * allowed; this module refuses anything else, so no status ever changes without a trace.
 */
import { canTransition, isOrderStatus, type OrderStatus } from '../domain/orders/lifecycle.ts';
import type { Queryable } from './db/db.ts';
import { enqueueCallback } from './callback-outbox.ts';

export class IllegalTransitionError extends Error {
  constructor(from: string, to: string) {
    super(`An order cannot go from ${from} to ${to}.`);
  }
}

export interface TransitionTarget {
  id: number;
  merchant_id: number;
  status: string;
  callback_url: string;
}

export interface TransitionChanges {
  /** Added to the order's refunded amount. */
  refundedOre?: number;
  /** Added to the order's paid amount. */
  paidOre?: number;
  cancellationNote?: string;
  /** The invoice that now carries the order (SPEC §6.3): set when the order becomes INVOICED. */
  invoice?: { id: number; number: number; kid: string | null; dueDate: string | null };
}

/**
 * Moves a locked order (SELECT … FOR UPDATE) to `to`; returns the callback's event id.
 * Throws IllegalTransitionError for a change the lifecycle forbids.
 */
export async function transitionOrder(
  tx: Queryable,
  order: TransitionTarget,
  to: OrderStatus,
  why: { reason: string | null; actor: string },
  changes: TransitionChanges = {},
): Promise<string> {
  if (!isOrderStatus(order.status) || !canTransition(order.status, to)) {
    throw new IllegalTransitionError(order.status, to);
  }
  const updated = await tx.query({
    name: 'transition_order',
    text: `UPDATE orders SET status = $2, updated_at = now(),
             refunded_ore = refunded_ore + $3, paid_ore = paid_ore + $4,
             cancellation_note = coalesce($5, cancellation_note),
             invoice_id = coalesce($7, invoice_id), invoice_number = coalesce($8, invoice_number),
             kid = coalesce($9, kid), due_date = coalesce($10::date, due_date)
           WHERE id = $1 AND status = $6 RETURNING id`,
    values: [
      order.id, to, changes.refundedOre ?? 0, changes.paidOre ?? 0, changes.cancellationNote ?? null, order.status,
      changes.invoice?.id ?? null, changes.invoice ? String(changes.invoice.number) : null,
      changes.invoice?.kid ?? null, changes.invoice?.dueDate ?? null,
    ],
  });
  // The caller holds the row lock, so the status cannot have moved under it; if it did, refuse.
  if (updated.length !== 1) throw new IllegalTransitionError(order.status, to);
  await tx.query({
    name: 'append_order_event',
    text: `INSERT INTO order_events (order_id, from_status, to_status, reason, actor) VALUES ($1, $2, $3, $4, $5)`,
    values: [order.id, order.status, to, why.reason, why.actor],
  });
  return enqueueCallback(tx, { orderId: order.id, merchantId: order.merchant_id, status: to, callbackUrl: order.callback_url });
}
