/**
 * POST /api/v1/connect/orders/faktura/create — FPGO Connect's Send E-Faktura (SPEC §2.1, §2.2, §5).
 * Validates the whole body (every failing field at once), recomputes the totals in øre, and writes
 * the customer, order, lines, first event and Idempotency-Key in one statement before answering 201.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import { ApiError, validationError } from '../../app/errors.ts';
import { validOrThrow } from '../validation/assert-valid.ts';
import { createOrderBodySchema, validateCreateOrder, type CreateOrderPolicy } from '../validation/create-order.ts';
import { createOrder, replayIdempotentRequest } from '../../app/orders/create-order.ts';
import type { Merchant } from '../../store/merchants.ts';
import { requestHash, type IdempotencyClaim } from '../../store/orders.ts';
import { envelopeSchema, errorSchema } from '../openapi.ts';

function policyOf(merchant: Merchant): CreateOrderPolicy {
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
        const ttl = ctx.config.idempotencyTtlHours;
        // A retry is answered from the first request before validation (see replayIdempotentRequest).
        const replay = claim === null ? null : await replayIdempotentRequest(ctx.db, merchant.id, claim, ttl);
        const created =
          replay ?? (await createOrder(ctx.db, merchant.id, validOrThrow(validateCreateOrder(request.body, policyOf(merchant))), claim, ttl));
        if (created.replayed) reply.header('idempotent-replayed', 'true');
        else ctx.wakeWorker?.(); // an interval-0 order is invoiced at once (SPEC §6.2)
        return reply
          .code(201)
          .send(success(201, 'orderAddedSuccessfully', { uuid: created.uuid, customerUuid: created.customerUuid }, false));
      } finally {
        if (claim !== null) inFlight.delete(flightKey);
      }
    },
  );
}
