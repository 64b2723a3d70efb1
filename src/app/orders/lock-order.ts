/**
 * Finding and locking one merchant's order, shared by every use case that changes an order. Another
 * merchant's order is exactly as unknown as a missing one: `orderNotFound`.
 */
import { ApiError } from '../errors.ts';
import { ORDER_UUID_PATTERN } from '../../domain/orders/ids.ts';
import { isOrderStatus, type LifecycleErrorCode, type OrderStatus } from '../../domain/orders/lifecycle.ts';
import type { Queryable } from '../../store/db/db.ts';
import { findOrder, type OrderRow } from '../../store/orders.ts';

/** The reason each lifecycle refusal gives, in the 400's `errors` sentence. */
const REFUSAL_REASONS: Readonly<Record<LifecycleErrorCode, string>> = {
  orderStatusAlreadyPaid: 'it is already paid',
  orderStatusAlreadyCancelled: 'it is already cancelled',
  orderStatusAlreadyRefunded: 'it has already been refunded',
  orderStatusInInkasso: 'it is with debt collection, which settles it from now on',
  orderNotInvoicedYet: 'it has not been invoiced yet',
  refundRejectionForProductAmountExceed: 'the amount is more than is left to refund',
};

/** A lifecycle refusal (400 Conflict of Business Logic) with a sentence naming the order and its status. */
export function lifecycleRefusal(code: LifecycleErrorCode, action: 'cancelled' | 'refunded', order: OrderRow): ApiError {
  return new ApiError(code, {
    errors: [`Order ${order.uuid} cannot be ${action}: ${REFUSAL_REASONS[code]} (status ${order.status}).`],
  });
}

/** The merchant's order (no lock), or `orderNotFound`. */
export async function findMerchantOrder(db: Queryable, merchantId: number, uuid: string): Promise<OrderRow> {
  const order = ORDER_UUID_PATTERN.test(uuid) ? await findOrder(db, merchantId, uuid) : null;
  if (order === null) throw new ApiError('orderNotFound');
  return order;
}

/**
 * The merchant's order locked for the rest of the transaction (SELECT … FOR UPDATE), so concurrent actions
 * on one order run one after the other and each decides on the status the previous one left.
 */
export async function lockOrder(tx: Queryable, merchantId: number, uuid: string): Promise<OrderRow & { status: OrderStatus }> {
  const order = ORDER_UUID_PATTERN.test(uuid) ? await findOrder(tx, merchantId, uuid, { forUpdate: true }) : null;
  if (order === null) throw new ApiError('orderNotFound');
  // Only statuses of the lifecycle are ever written; anything else is a corrupted row, not a client error.
  if (!isOrderStatus(order.status)) throw new Error(`Order ${order.uuid} has an unknown status "${order.status}".`);
  return order as OrderRow & { status: OrderStatus };
}
