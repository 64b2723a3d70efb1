/**
 * Creating orders (SPEC §2.1, §2.2, §5; FPGO ref §3.1.3, §3.1.4, §7): four paths, two kinds of customer.
 * - `POST /orders/faktura/create` — Send E-Faktura, a private customer (personal number);
 * - `POST /orders/invoice/create/faktura` — its older documented path (FPGO rev 1004), still used by clients
 *   such as the frontgo gem: the same route, answered byte for byte alike;
 * - `POST /orders/ehf/create` — Send EHF Invoice, a business customer (organisation number), invoiced as a
 *   Peppol EHF to 0192:<organizationId>;
 * - `POST /orders/invoice/create/ehf` — its older path (FPGO rev 1014).
 * Each validates the whole body (every failing field at once), recomputes the totals in øre, and writes the
 * customer, order, lines, first event and Idempotency-Key in one statement before answering 201. Orders of
 * both kinds share everything after that: lifecycle, callbacks, invoice runs and numbering.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import { ApiError, validationError } from '../../app/errors.ts';
import { validOrThrow } from '../validation/assert-valid.ts';
import {
  createEhfOrderBodySchema, createOrderBodySchema, validateCreateEhfOrder, validateCreateOrder, type CreateOrderPolicy, type CustomerKind,
  type Validation, type ValidatedOrder,
} from '../validation/create-order.ts';
import { createOrder, replayIdempotentRequest } from '../../app/orders/create-order.ts';
import type { Merchant } from '../../store/merchants.ts';
import { requestHash, type IdempotencyClaim } from '../../store/orders.ts';
import { createHash } from 'node:crypto';
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

interface CreateRoute {
  path: string;
  kind: CustomerKind;
  /** The older documented path of the same endpoint: marked deprecated in the OpenAPI document. */
  deprecated: boolean;
}

const CREATE_ROUTES: readonly CreateRoute[] = [
  { path: '/orders/faktura/create', kind: 'private', deprecated: false },
  { path: '/orders/invoice/create/faktura', kind: 'private', deprecated: true },
  { path: '/orders/ehf/create', kind: 'business', deprecated: false },
  { path: '/orders/invoice/create/ehf', kind: 'business', deprecated: true },
];

const VALIDATE: Record<CustomerKind, (body: unknown, policy: CreateOrderPolicy) => Validation<ValidatedOrder>> = {
  private: validateCreateOrder,
  business: validateCreateEhfOrder,
};

/**
 * The hash an Idempotency-Key is remembered with. Send E-Faktura's is the body's own (so keys remembered
 * before the EHF endpoint existed still match, and its older path shares them); Send EHF Invoice's also
 * names the endpoint, so one key and one body sent to both endpoints is a reuse (422), never a replay of
 * the other kind of order.
 */
function idempotencyHash(kind: CustomerKind, body: unknown): Buffer {
  const hash = requestHash(body);
  return kind === 'private' ? hash : createHash('sha256').update('send-ehf-invoice\u0000').update(hash).digest();
}

function routeDocs(route: CreateRoute): { summary: string; description: string } {
  const common =
    '`products` may be an array or an object keyed "0", "1", …; numeric fields accept numbers or decimal strings. Optional `Idempotency-Key` header (≤ 255 chars, kept 24 h).';
  const older = (current: string) => `The older documented path of \`POST /api/v1/connect${current}\`, kept for existing integrations: same body, validation and answers. `;
  if (route.kind === 'private') {
    return {
      summary: route.deprecated ? 'Send E-Faktura (older path)' : 'Send E-Faktura: create an order for a private customer',
      description: `${route.deprecated ? older('/orders/faktura/create') : ''}Wire-compatible with FPGO Connect "Send E-Faktura"; the customer is a person (\`personalNumber\`). ${common}`,
    };
  }
  return {
    summary: route.deprecated ? 'Send EHF Invoice (older path)' : 'Send EHF Invoice: create an order for a business customer',
    description:
      `${route.deprecated ? older('/orders/ehf/create') : ''}Wire-compatible with FPGO Connect "Send EHF Invoice"; the customer is a business ` +
      '(`organizationId`, 9 digits with a MOD11 check digit; no `personalNumber`), invoiced as a Peppol BIS Billing 3.0 EHF to `0192:<organizationId>`. ' +
      common,
  };
}

export function registerCreateOrder(api: FastifyInstance, ctx: RouteContext): void {
  // Requests with an Idempotency-Key in flight on this node: a concurrent retry gets 409 at once
  // (SPEC §2.1). Across nodes the database serialises them and the later one replays the first.
  // One set for all four paths: the key is the merchant's, whichever path it was sent to.
  const inFlight = new Set<string>();

  for (const route of CREATE_ROUTES) {
    const validate = VALIDATE[route.kind];
    api.post(
      route.path,
      {
        schema: {
          ...routeDocs(route),
          ...(route.deprecated ? { deprecated: true } : {}),
          tags: ['orders'],
          security: [{ bearerAuth: [] }],
          headers: {
            type: 'object',
            properties: { 'idempotency-key': { type: 'string', maxLength: 255 } },
          },
          body: route.kind === 'private' ? createOrderBodySchema : createEhfOrderBodySchema,
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
        const claim: IdempotencyClaim | null = key === null ? null : { key, requestHash: idempotencyHash(route.kind, request.body) };
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
            replay ?? (await createOrder(ctx.db, merchant.id, validOrThrow(validate(request.body, policyOf(merchant))), claim, ttl));
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
}
