/**
 * The operator's view of the callback outbox (SPEC §4), under /api/v1/admin (admin token only):
 * `GET /callbacks` lists events with their delivery state, `POST /callbacks/redeliver` queues events again
 * — one event, every event of an order, or every event that failed for good since a time. The CLI's
 * `efaktura callbacks …` offers the same through the same store functions.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import { assertValid, throwIfFailed } from '../validation/assert-valid.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../limits.ts';
import { envelopeSchema, errorSchema } from '../openapi.ts';
import {
  ErrorBag, attributeName, custom, gt, gte, inList, integer, maxValue, readPath, regex, string, toInteger, toJsonSchema,
  validateRules,
} from '../validation/rules.ts';
import type { RulesTable } from '../validation/rules.ts';
import { parseInstant } from '../../domain/time/instant.ts';
import { ORDER_UUID_PATTERN } from '../../domain/orders/ids.ts';
import { CALLBACK_STATES, listCallbackEvents, redeliverCallbacks, type CallbackState, type RedeliverTarget } from '../../store/callback-outbox.ts';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const listQueryRules: RulesTable = {
  order: { rules: [string(), regex(ORDER_UUID_PATTERN)], description: 'Only the callbacks of this order.' },
  status: { rules: [string(), inList(CALLBACK_STATES)], description: 'Only callbacks in this delivery state.' },
  merchant: { rules: [integer(), gt(0)], description: 'Only the callbacks of this merchant id.' },
  limit: { rules: [integer(), gte(1), maxValue(MAX_PAGE_SIZE)], description: 'At most this many, newest first.', default: DEFAULT_PAGE_SIZE },
};

const TARGETS = ['eventId', 'orderUuid', 'failedSince'] as const;

const redeliverBodyRules: RulesTable = {
  eventId: {
    rules: [string(), custom('uuid', 'constraint', (v) => typeof v === 'string' && UUID_PATTERN.test(v), 'The :attribute must be a valid UUID.', (s) =>
        Object.assign(s, { format: 'uuid' }),
      )],
    description: 'One callback event (the `efaktura-event-id` header the merchant received).',
  },
  orderUuid: { rules: [string(), regex(ORDER_UUID_PATTERN)], description: 'Every callback event of this order.' },
  failedSince: {
    rules: [
      custom(
        'date',
        'type',
        (v) => parseInstant(v) !== null,
        'The :attribute must be Unix seconds or an ISO 8601 time with a time zone, e.g. 2025-01-31T12:00:00Z.',
        (s) => Object.assign(s, { type: ['string', 'integer'] }),
      ),
    ],
    description: 'Every callback event created since this time that failed for good.',
  },
};

export const redeliverBodySchema = toJsonSchema(redeliverBodyRules, {
  title: 'Redeliver callbacks request',
  description: 'Exactly one of `eventId`, `orderUuid`, `failedSince`. Events already pending are left as they are.',
  oneOf: TARGETS.map((key) => ({ required: [key] })),
  examples: [{ orderUuid: 'ODR3506777330' }, { failedSince: '2025-01-31T00:00:00Z' }],
});


/** The rules, then exactly one target (Laravel's `required_without_all` and `prohibits` messages). */
function redeliverTargetOf(body: unknown): RedeliverTarget {
  const bag: ErrorBag = validateRules(redeliverBodyRules, body);
  const given = TARGETS.filter((key) => readPath(body, key) != null);
  const names = (keys: readonly string[]) => keys.map(attributeName).join(' / ');
  if (given.length === 0) {
    bag.add('eventId', `The :attribute field is required when none of ${names(TARGETS.slice(1))} are present.`);
  } else if (given.length > 1) {
    bag.add(given[0]!, `The :attribute field prohibits ${names(given.slice(1))} from being present.`);
  }
  throwIfFailed(bag);
  const key = given[0]!;
  const value = readPath(body, key);
  if (key === 'eventId') return { eventId: (value as string).toLowerCase() };
  if (key === 'orderUuid') return { orderUuid: value as string };
  return { failedSince: parseInstant(value)! };
}

const eventSchema = {
  type: 'object',
  properties: {
    eventId: { type: 'string', format: 'uuid' },
    orderUuid: { type: 'string' },
    status: { type: 'string', description: 'The order status the callback reports.' },
    state: { type: 'string', enum: CALLBACK_STATES },
    attempts: { type: 'integer' },
    nextAttemptAt: { type: ['string', 'null'], format: 'date-time' },
    lastError: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    deliveredAt: { type: ['string', 'null'], format: 'date-time' },
  },
};

export function registerAdminCallbacks(admin: FastifyInstance, ctx: RouteContext): void {
  admin.get(
    '/callbacks',
    {
      schema: {
        summary: 'List callback events',
        description: 'Callback events, newest first, with their delivery state: pending, delivered, failed (retries exhausted), gone (410) or refused (URL not allowed).',
        tags: ['admin'],
        security: [{ bearerAuth: [] }],
        querystring: toJsonSchema(listQueryRules),
        response: {
          200: envelopeSchema({ type: 'array', items: eventSchema }, 'callbacksRetrievedSuccessfully'),
          401: errorSchema('unauthenticated'),
          417: errorSchema('payloadValidationErrors'),
        },
      },
    },
    async (request) => {
      const query = request.query;
      assertValid(listQueryRules, query);
      const order = readPath(query, 'order') as string | null | undefined;
      const state = readPath(query, 'status') as CallbackState | null | undefined;
      const merchantId = toInteger(readPath(query, 'merchant'));
      const events = await listCallbackEvents(ctx.db, {
        ...(order != null ? { orderUuid: order } : {}),
        ...(state != null ? { state } : {}),
        ...(merchantId !== null ? { merchantId } : {}),
        limit: toInteger(readPath(query, 'limit')) ?? DEFAULT_PAGE_SIZE,
      });
      return success(200, 'callbacksRetrievedSuccessfully', events);
    },
  );

  admin.post(
    '/callbacks/redeliver',
    {
      schema: {
        summary: 'Redeliver callbacks',
        description:
          'Queues callback events again, attempts starting over (earlier attempts stay in the history): one event, every event of an order, or every event that failed for good since a time. Answers the event ids queued; an empty list when nothing matched or everything matched was still pending.',
        tags: ['admin'],
        security: [{ bearerAuth: [] }],
        body: redeliverBodySchema,
        response: {
          202: envelopeSchema(
            { type: 'object', properties: { redelivered: { type: 'array', items: { type: 'string', format: 'uuid' } } } },
            'callbacksQueuedForRedelivery',
          ),
          401: errorSchema('unauthenticated'),
          417: errorSchema('payloadValidationErrors'),
        },
      },
    },
    async (request, reply) => {
      const target = redeliverTargetOf(request.body);
      const redelivered = await redeliverCallbacks(ctx.db, target);
      if (redelivered.length > 0) ctx.wakeWorker?.();
      return reply.code(202).send(success(202, 'callbacksQueuedForRedelivery', { redelivered }));
    },
  );
}
