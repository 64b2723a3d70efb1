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
import { validationError } from '../../app/errors.ts';
import { envelopeSchema, errorSchema } from '../openapi.ts';
import { custom, gte, inList, integer, maxValue, readPath, string, toInteger, toJsonSchema, validateRules } from '../validation/rules.ts';
import type { RulesTable } from '../validation/rules.ts';
import { ORDER_STATUSES } from '../../domain/orders/lifecycle.ts';
import { listOrderStatuses } from '../../store/order-list.ts';

/**
 * Every value the docs list for `type`. EXPIRED belongs to payment links; no e-faktura order reaches it,
 * so it is accepted (an integration may send it) and simply matches nothing.
 */
const STATUS_FILTERS: readonly string[] = [...ORDER_STATUSES, 'EXPIRED'];
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

// The cursor is opaque to clients; inside it is the id the next page starts below, with a version tag so
// its form can change without old cursors being misread.
const CURSOR_PATTERN = /^o1\.([1-9]\d{0,14})$/;

export function encodeCursor(afterId: number): string {
  return Buffer.from(`o1.${afterId}`, 'utf8').toString('base64url');
}

export function decodeCursor(value: unknown): number | null {
  if (typeof value !== 'string' || value.length > 64 || !/^[\w-]+$/.test(value)) return null;
  const match = CURSOR_PATTERN.exec(Buffer.from(value, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : null;
}

// Older docs write the filter title-cased ("Paid"); the status is matched case-insensitively.
const upperCase = (value: unknown): string | null => (typeof value === 'string' ? value.toUpperCase() : null);

const statusListQueryRules: RulesTable = {
  type: {
    rules: [string(), inList(STATUS_FILTERS, { normalize: upperCase })],
    description: 'Only orders in this status (case-insensitive). Absent: every order.',
  },
  limit: {
    rules: [integer(), gte(1), maxValue(MAX_LIMIT)],
    description: 'Orders per page (extension).',
    default: DEFAULT_LIMIT,
  },
  after: {
    rules: [
      string(),
      custom('cursor', 'constraint', (v) => decodeCursor(v) !== null, 'The :attribute is not a valid cursor; pass the next_cursor of the previous page.'),
    ],
    description: 'The `next_cursor` of the previous page (extension).',
  },
};

/** The envelope plus this endpoint's top-level `next_cursor`. */
function withNextCursor(envelope: Record<string, unknown>): Record<string, unknown> {
  const properties = envelope.properties as Record<string, unknown>;
  return {
    ...envelope,
    properties: {
      ...properties,
      next_cursor: { type: ['string', 'null'], description: 'Pass as `after` to get the next page; null on the last page.' },
    },
  };
}

export function registerOrderStatusList(api: FastifyInstance, ctx: RouteContext): void {
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
      const bag = validateRules(statusListQueryRules, query);
      if (!bag.isEmpty) {
        const failure = bag.toFailure();
        throw validationError(failure.errors, failure.fieldErrors);
      }
      const type = readPath(query, 'type');
      const page = await listOrderStatuses(ctx.db, request.merchant!.id, {
        status: type == null ? null : upperCase(type),
        afterId: decodeCursor(readPath(query, 'after')),
        limit: toInteger(readPath(query, 'limit')) ?? DEFAULT_LIMIT,
      });
      return {
        ...success(200, 'Order Status Retrieved Successfully', page.orders.map((o) => ({ uuid: o.uuid, status: o.status }))),
        next_cursor: page.nextAfterId === null ? null : encodeCursor(page.nextAfterId),
      };
    },
  );
}
