/**
 * POST /api/v1/connect/orders/faktura/create — FPGO Connect's Send E-Faktura (SPEC §2.1, §2.2, §5).
 * Validates the whole body (every failing field at once), recomputes the totals in øre, and writes
 * the customer, order, lines, first event and Idempotency-Key in one statement before answering 201.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RouteContext } from '../app.ts';
import { success } from '../envelope.ts';
import { ApiError, validationError } from '../errors.ts';
import { createOrderBodySchema, validateCreateOrder, type CreateOrderPolicy, type ValidatedOrder } from '../validation/create-order.ts';
import { newCustomerUuid, newOrderUuid } from '../../domain/ids.ts';
import { uniqueViolation } from '../../store/db.ts';
import type { Merchant } from '../../store/merchants.ts';
import {
  expireIdempotencyKeys,
  findIdempotentOrder,
  insertOrder,
  requestHash,
  type CreatedOrder,
  type IdempotencyClaim,
} from '../../store/orders.ts';
import { envelopeSchema, errorSchema } from '../openapi.ts';

const MAX_ID_COLLISION_RETRIES = 5;

export function policyOf(merchant: Merchant): CreateOrderPolicy {
  return { allowedTaxRates: merchant.allowedTaxRates, allowedMaturityDays: merchant.allowedMaturityDays };
}

function idempotencyKeyOf(request: FastifyRequest): string | null {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return null;
  const key = Array.isArray(raw) ? raw.join(',') : raw;
  const problems: string[] = [];
  if (key.trim() === '') problems.push('The idempotency key header must not be empty.');
  if (key.length > 255) problems.push('The idempotency key header must not be greater than 255 characters.');
  if (problems.length > 0) throw validationError(problems, { 'Idempotency-Key': problems });
  return key;
}

export function registerCreateOrder(api: FastifyInstance, ctx: RouteContext): void {
  // Requests with an Idempotency-Key in flight on this node: a concurrent retry gets 409 at once
  // (SPEC §2.1). Across nodes the database serialises them and the later one replays the first.
  const inFlight = new Set<string>();

  api.post(
    '/orders/faktura/create',
    {
      schema: {
        summary: 'Send E-Faktura: create an order to be invoiced',
        description:
          'Wire-compatible with FPGO Connect "Send E-Faktura". `products` may be an array or an object keyed "0", "1", …; numeric fields accept numbers or decimal strings. Optional `Idempotency-Key` header (≤ 255 chars, kept 24 h).',
        tags: ['orders'],
        security: [{ bearerAuth: [] }],
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', maxLength: 255 } },
        },
        body: createOrderBodySchema,
        response: {
          201: envelopeSchema(
            { type: 'object', properties: { uuid: { type: 'string', example: 'ODR3506777330' }, customerUuid: { type: 'string', example: 'CSRT3463048878' } } },
            'orderAddedSuccessfully',
          ),
          401: errorSchema('unauthenticated'),
          409: errorSchema('idempotencyKeyInProgress'),
          417: errorSchema('payloadValidationErrors'),
          422: errorSchema('idempotencyKeyReused'),
          429: errorSchema('tooManyRequests'),
        },
      },
    },
    async (request, reply) => {
      const merchant = request.merchant!;
      const key = idempotencyKeyOf(request);
      const result = validateCreateOrder(request.body, policyOf(merchant));
      if (!result.ok) throw validationError(result.errors, result.fieldErrors);

      const claim: IdempotencyClaim | null = key === null ? null : { key, requestHash: requestHash(request.body) };
      const flightKey = `${merchant.id}\u0000${key}`;
      if (claim !== null) {
        if (inFlight.has(flightKey)) {
          throw new ApiError('idempotencyKeyInProgress', {
            errors: ['A request with this Idempotency-Key is still being processed; retry shortly.'],
            headers: { 'retry-after': '1' },
          });
        }
        inFlight.add(flightKey);
      }
      try {
        const created = await createWithRetries(ctx, merchant.id, result.value, claim);
        if (created.replayed) reply.header('idempotent-replayed', 'true');
        return reply
          .code(201)
          .send(success(201, 'orderAddedSuccessfully', { uuid: created.uuid, customerUuid: created.customerUuid }, false));
      } finally {
        if (claim !== null) inFlight.delete(flightKey);
      }
    },
  );
}

async function createWithRetries(
  ctx: RouteContext,
  merchantId: number,
  order: ValidatedOrder,
  claim: IdempotencyClaim | null,
): Promise<CreatedOrder & { replayed: boolean }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const created = await insertOrder(
        ctx.db,
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
        const first = await findIdempotentOrder(ctx.db, merchantId, claim.key, ctx.config.idempotencyTtlHours);
        if (first === null) {
          // The remembered key has expired: forget it and create the order anew.
          await expireIdempotencyKeys(ctx.db, ctx.config.idempotencyTtlHours);
          continue;
        }
        if (!first.requestHash.equals(claim.requestHash)) {
          throw new ApiError('idempotencyKeyReused', {
            errors: ['This Idempotency-Key was already used with a different request body.'],
          });
        }
        return { uuid: first.uuid, customerUuid: first.customerUuid, replayed: true };
      }
      // A random ODR/CSRT id collided with an existing one: draw new ids and try again.
    }
  }
}
