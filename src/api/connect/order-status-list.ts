/**
 * GET /api/v1/connect/orders/status — FPGO Connect's "Get All Order Status" (SPEC §2.3, FPGO ref §3.1.8):
 * the merchant's orders as `[{uuid, status}]`, newest first, optionally filtered by `type`.
 *
 * Beyond the docs: pages of `limit` orders (default 100, at most 1000) with an opaque `after` cursor; the
 * body carries a top-level `next_cursor` (null on the last page). An empty result is a 200 with `data: []`
 * (the live service was seen answering 404 there, which no client can tell from a wrong URL).
 */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import { throwIfFailed } from '../validation/assert-valid.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../limits.ts';
import { CURSOR_CHARS, cursorCipherKey, decodeCursor, encodeCursor } from '../order-cursor.ts';
import { envelopeSchema, errorSchema, withNextCursor } from '../openapi.ts';
import { custom, gte, inList, integer, maxValue, readPath, string, toInteger, toJsonSchema, validateRules } from '../validation/rules.ts';
import type { RulesTable } from '../validation/rules.ts';
import { ORDER_STATUSES } from '../../domain/orders/lifecycle.ts';
import { listOrderStatuses } from '../../store/order-list.ts';

/**
 * Every value the docs list for `type`. EXPIRED belongs to payment links; no e-faktura order reaches it,
 * so it is accepted (an integration may send it) and simply matches nothing.
 */
const STATUS_FILTERS: readonly string[] = [...ORDER_STATUSES, 'EXPIRED'];
const CURSOR_MESSAGE = 'The :attribute is not a valid cursor; pass the next_cursor of the previous page.';

// Older docs write the filter title-cased ("Paid"); the status is matched case-insensitively.
const upperCase = (value: unknown): string | null => (typeof value === 'string' ? value.toUpperCase() : null);

const statusListQueryRules: RulesTable = {
  type: {
    rules: [string(), inList(STATUS_FILTERS, { normalize: upperCase })],
    description: 'Only orders in this status (case-insensitive). Absent: every order.',
  },
  limit: {
    rules: [integer(), gte(1), maxValue(MAX_PAGE_SIZE)],
    description: 'Orders per page (extension).',
    default: DEFAULT_PAGE_SIZE,
  },
  after: {
    // The shape here; whether it opens with this merchant's key is checked once the rules pass.
    rules: [string(), custom('cursor', 'constraint', (v) => typeof v === 'string' && v.length === CURSOR_CHARS, CURSOR_MESSAGE)],
    description: 'The `next_cursor` of the previous page (extension).',
  },
};

export function registerOrderStatusList(api: FastifyInstance, ctx: RouteContext): void {
  const cursorKey = cursorCipherKey(ctx.cursorSecret);
  api.get(
    '/orders/status',
    {
      schema: {
        summary: 'Get all order status',
        description:
          'The merchant\'s orders, newest first. `type` filters by status (SENT, PAID, CANCELLED, EXPIRED, INVOICED, REFUNDED, PARTIAL REFUNDED, PURRING, INKASSO; case-insensitive). Extension: pages of `limit` orders; while more exist, the body\'s top-level `next_cursor` is the `after` of the next page (null on the last page).',
        tags: ['orders'],
        security: [{ bearerAuth: [] }],
        querystring: toJsonSchema(statusListQueryRules),
        response: {
          200: withNextCursor(
            envelopeSchema(
              { type: 'array', items: { type: 'object', properties: { uuid: { type: 'string', example: 'ODR3506777330' }, status: { type: 'string', example: 'PAID' } } } },
              'Order Status Retrieved Successfully',
            ),
          ),
          401: errorSchema('unauthenticated'),
          417: errorSchema('payloadValidationErrors'),
        },
      },
    },
    async (request) => {
      const query = request.query;
      const merchantId = request.merchant!.id;
      const bag = validateRules(statusListQueryRules, query);
      const after = readPath(query, 'after');
      const afterId = after == null || bag.has('after') ? null : decodeCursor(cursorKey, merchantId, after);
      if (after != null && afterId === null && !bag.has('after')) bag.add('after', CURSOR_MESSAGE);
      throwIfFailed(bag);
      const type = readPath(query, 'type');
      const page = await listOrderStatuses(ctx.db, merchantId, {
        status: type == null ? null : upperCase(type),
        afterId,
        limit: toInteger(readPath(query, 'limit')) ?? DEFAULT_PAGE_SIZE,
      });
      return {
        ...success(200, 'Order Status Retrieved Successfully', page.orders.map((o) => ({ uuid: o.uuid, status: o.status }))),
        next_cursor: page.nextAfterId === null ? null : encodeCursor(cursorKey, merchantId, page.nextAfterId),
      };
    },
  );
}
