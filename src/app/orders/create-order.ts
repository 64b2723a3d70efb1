/**
 * Create an order (SPEC §2.1): one statement writes the customer, the order, its lines, its first event
 * and the Idempotency-Key. Random ODR/CSRT ids that collide are drawn again; a key seen before replays
 * the first answer, or is refused when the body differs.
 */
import { ApiError } from '../errors.ts';
import { newCustomerUuid, newOrderUuid } from '../../domain/orders/ids.ts';
import type { ValidatedOrder } from '../../domain/orders/order.ts';
import { uniqueViolation, type Db } from '../../store/db/db.ts';
import {
  findIdempotentOrder,
  forgetExpiredIdempotencyKey,
  insertOrder,
  type CreatedOrder,
  type IdempotencyClaim,
} from '../../store/orders.ts';

const MAX_ID_COLLISION_RETRIES = 5;

export async function createOrder(
  db: Db,
  merchantId: number,
  order: ValidatedOrder,
  claim: IdempotencyClaim | null,
  idempotencyTtlHours: number,
): Promise<CreatedOrder & { replayed: boolean }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const created = await insertOrder(
        db,
        merchantId,
        order,
        { orderUuid: newOrderUuid(), customerUuid: newCustomerUuid() },
        `merchant:${merchantId}`,
        claim,
      );
      return { ...created, replayed: false };
    } catch (error) {
      const constraint = uniqueViolation(error);
      if (constraint === null || attempt >= MAX_ID_COLLISION_RETRIES) throw error;
      if (constraint === 'idempotency_keys_pkey' && claim !== null) {
        const first = await replayIdempotentRequest(db, merchantId, claim, idempotencyTtlHours);
        if (first === null) {
          // The remembered key has expired: forget it (only it) and create the order anew.
          await forgetExpiredIdempotencyKey(db, merchantId, claim.key, idempotencyTtlHours);
          continue;
        }
        return first;
      }
      // A random ODR/CSRT id collided with an existing one: draw new ids and try again.
    }
  }
}

/**
 * The answer to a retry: the order this Idempotency-Key created while it is remembered, a 422 when the body
 * differs, or null for a key not seen (or expired). Asked before the body is validated, so a retry is
 * answered as the first request was even if the merchant's policy (tax rates, maturity days) changed since.
 */
export async function replayIdempotentRequest(
  db: Db,
  merchantId: number,
  claim: IdempotencyClaim,
  idempotencyTtlHours: number,
): Promise<(CreatedOrder & { replayed: true }) | null> {
  const first = await findIdempotentOrder(db, merchantId, claim.key, idempotencyTtlHours);
  if (first === null) return null;
  if (!first.requestHash.equals(claim.requestHash)) {
    throw new ApiError('idempotencyKeyReused', {
      errors: ['This Idempotency-Key was already used with a different request body.'],
    });
  }
  return { uuid: first.uuid, customerUuid: first.customerUuid, replayed: true };
}
