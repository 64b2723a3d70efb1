/**
 * The operator's view of deliveries (SPEC §6.5), under /api/v1/admin (admin token only), the same use
 * cases as `efaktura deliveries …`: `GET /deliveries?status=&merchantId=&limit=` lists them newest first;
 * `POST /deliveries/retry` with `{"number", "merchantId"?}` or `{"allUndelivered": true}` starts a new
 * chain through the merchant's channels for undelivered documents.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import { envelopeSchema, errorSchema } from '../openapi.ts';
import { validOrThrow } from '../validation/assert-valid.ts';
import { DELIVERY_STATUSES, deliveryList, retryDeliveries, type DeliveryStatus, type RetryTarget } from '../../app/delivery/retry-deliveries.ts';
import { ApiError } from '../../app/errors.ts';

const MAX_LIMIT = 1000;
const ID = /^[1-9]\d{0,14}$/;
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;

function refuse(fieldErrors: Record<string, string[]>): void {
  if (Object.keys(fieldErrors).length > 0) validOrThrow({ ok: false, errors: Object.values(fieldErrors).flat(), fieldErrors });
}

export function registerAdminDeliveries(admin: FastifyInstance, ctx: RouteContext): void {
  admin.get<{ Querystring: { status?: string; merchantId?: string; limit?: string } }>(
    '/deliveries',
    {
      schema: {
        summary: 'List deliveries, newest first',
        tags: ['admin'],
        security: [{ bearerAuth: [] }],
        querystring: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: [...DELIVERY_STATUSES] },
            merchantId: { type: 'string', pattern: '^[1-9][0-9]*$' },
            limit: { type: 'string', pattern: '^[0-9]+$', description: `default 100, at most ${MAX_LIMIT}` },
          },
        },
        response: { 200: envelopeSchema({ type: 'array' }, 'deliveriesRetrievedSuccessfully'), 401: errorSchema('unauthenticated'), 417: errorSchema('payloadValidationErrors') },
      },
    },
    async (request) => {
      const q = request.query;
      const fieldErrors: Record<string, string[]> = {};
      if (q.status !== undefined && !(DELIVERY_STATUSES as readonly string[]).includes(q.status)) {
        fieldErrors.status = [`The status must be one of ${DELIVERY_STATUSES.join(', ')}.`];
      }
      if (q.merchantId !== undefined && !ID.test(q.merchantId)) fieldErrors.merchantId = ['The merchant id must be a positive whole number.'];
      if (q.limit !== undefined && !(/^\d{1,4}$/.test(q.limit) && Number(q.limit) >= 1 && Number(q.limit) <= MAX_LIMIT)) {
        fieldErrors.limit = [`The limit must be between 1 and ${MAX_LIMIT}.`];
      }
      refuse(fieldErrors);
      const items = await deliveryList(ctx.db, {
        ...(q.status !== undefined ? { status: q.status as DeliveryStatus } : {}),
        ...(q.merchantId !== undefined ? { merchantId: Number(q.merchantId) } : {}),
        limit: q.limit === undefined ? 100 : Number(q.limit),
      });
      return success(200, 'deliveriesRetrievedSuccessfully', items.map((d) => ({ ...d, updatedAt: d.updatedAt.toISOString() })));
    },
  );

  admin.post(
    '/deliveries/retry',
    {
      schema: {
        summary: 'Deliver undelivered documents again',
        description: 'Exactly one of `number` (with `merchantId` when several merchants have that number) or `allUndelivered: true`.',
        tags: ['admin'],
        security: [{ bearerAuth: [] }],
        body: {
          type: 'object',
          properties: {
            number: { type: 'integer', minimum: 1, description: 'the invoice or credit note number' },
            merchantId: { type: 'integer', minimum: 1 },
            allUndelivered: { type: 'boolean', enum: [true] },
          },
          examples: [{ number: 12, merchantId: 1 }, { allUndelivered: true }],
        },
        response: {
          200: envelopeSchema({ type: 'object' }, 'deliveriesRetried'),
          401: errorSchema('unauthenticated'),
          404: errorSchema('notFound'),
          417: errorSchema('payloadValidationErrors'),
        },
      },
    },
    async (request) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const fieldErrors: Record<string, string[]> = {};
      if (typeof body !== 'object' || Array.isArray(body)) fieldErrors[''] = ['The request body must be a JSON object.'];
      for (const key of Object.keys(body)) {
        if (!['number', 'merchantId', 'allUndelivered'].includes(key)) (fieldErrors[key] ??= []).push(`${key} is not a field of a delivery retry.`);
      }
      const byNumber = body.number !== undefined;
      const all = body.allUndelivered !== undefined;
      if (byNumber === all) fieldErrors[''] = ['Give exactly one of number or allUndelivered.'];
      if (byNumber && !isId(body.number)) fieldErrors.number = ['The number must be a positive whole number.'];
      if (body.merchantId !== undefined && (!isId(body.merchantId) || all)) {
        fieldErrors.merchantId = [all ? 'The merchant id goes with a number only.' : 'The merchant id must be a positive whole number.'];
      }
      if (all && body.allUndelivered !== true) fieldErrors.allUndelivered = ['The all undelivered must be true.'];
      refuse(fieldErrors);
      const target: RetryTarget = byNumber
        ? { number: body.number as number, ...(body.merchantId !== undefined ? { merchantId: body.merchantId as number } : {}) }
        : { allUndelivered: true };
      const result = await retryDeliveries(ctx.db, ctx.clock, target);
      if (!result.ok) throw new ApiError('notFound', { errors: [result.problem] });
      if (result.retried.length > 0) ctx.wakeWorker?.();
      return success(200, 'deliveriesRetried', { retried: result.retried });
    },
  );
}
