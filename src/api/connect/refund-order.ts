/**
 * POST /api/v1/connect/orders/refund/{uuid} — FPGO Connect's "Refund Order" (SPEC §2.3, FPGO ref §3.1.7).
 * A refund names order lines by the `id` that Get Order Details shows and an amount for each. In one
 * transaction the order is locked, the lifecycle decides on the total, every line is checked against what
 * is left to refund on it, the lines and the order's refunded amount are raised, and the status change
 * (REFUNDED or PARTIAL REFUNDED) is written with its event and callback. A refused refund writes nothing.
 *
 * `type` is `regular` or `invoiced` as documented; every efaktura order is an invoice order, so both are
 * handled alike.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import { validOrThrow } from '../validation/assert-valid.ts';
import { MAX_LINES } from '../limits.ts';
import { envelopeSchema, errorSchema } from '../openapi.ts';
import {
  asList, decimals, gt, inList, integer, list, max, maxValue, min, numeric, object, readPath, required, string,
  toInteger, toJsonSchema, validateRules,
} from '../validation/rules.ts';
import type { RulesTable, Validation } from '../validation/rules.ts';
import { refundOrder } from '../../app/orders/refund-order.ts';
import { orderUuidParams } from '../schemas.ts';
import { REFUND_TYPES, type RefundRequest } from '../../domain/orders/refund.ts';
import { MAX_AMOUNT_ORE, formatOre, parseOre } from '../../domain/money/money.ts';

const MAX_NOK = MAX_AMOUNT_ORE / 100;

const refundBodyRules: RulesTable = {
  type: { rules: [required(), string(), inList(REFUND_TYPES)], description: 'Kind of refund as documented; both are handled alike here.' },
  grandTotal: {
    rules: [required(), numeric(), gt(0), decimals(2), maxValue(MAX_NOK)],
    description: 'The total refunded now, NOK: the sum of `products.*.amount`.',
  },
  products: {
    rules: [required(), list(), min(1), max(MAX_LINES)],
    description: 'The lines refunded: a JSON array, or an object keyed "0", "1", …; each line at most once.',
  },
  'products.*': { rules: [required(), object()], description: 'One refunded line.' },
  'products.*.id': { rules: [required(), integer()], description: 'The line\'s `id` from Get Order Details (`productList[].id`).' },
  'products.*.amount': {
    rules: [required(), numeric(), gt(0), decimals(2), maxValue(MAX_NOK)],
    description: 'NOK refunded on this line, at most its amount minus what was refunded on it before.',
  },
};

export const refundOrderBodySchema = toJsonSchema(refundBodyRules, {
  title: 'Refund Order request',
  examples: [{ type: 'regular', grandTotal: 10, products: [{ id: 5410, amount: 10 }] }],
});

/** The rules table, then what it cannot say: each line once, and the lines adding up to `grandTotal`. */
export function validateRefund(body: unknown): Validation<RefundRequest> {
  const bag = validateRules(refundBodyRules, body);
  if (!bag.isEmpty) return bag.toFailure();
  const count = asList(readPath(body, 'products'))!.length;
  const lines = Array.from({ length: count }, (_, i) => ({
    lineId: toInteger(readPath(body, `products.${i}.id`))!,
    ore: parseOre(readPath(body, `products.${i}.amount`))!,
  }));
  const seen = new Map<number, number>();
  for (const line of lines) seen.set(line.lineId, (seen.get(line.lineId) ?? 0) + 1);
  lines.forEach((line, i) => {
    // Laravel's `distinct`: every occurrence of a repeated value is reported.
    if (seen.get(line.lineId)! > 1) bag.add(`products.${i}.id`, 'The :attribute field has a duplicate value.');
  });
  const grandTotalOre = parseOre(readPath(body, 'grandTotal'))!;
  const sumOre = lines.reduce((sum, line) => sum + line.ore, 0);
  if (sumOre !== grandTotalOre) bag.add('grandTotal', `The :attribute must be ${formatOre(sumOre)} (the sum of products.*.amount).`);
  if (!bag.isEmpty) return bag.toFailure();
  return { ok: true, value: { type: readPath(body, 'type') as RefundRequest['type'], grandTotalOre, lines } };
}

export function registerRefundOrder(api: FastifyInstance, ctx: RouteContext): void {
  api.post<{ Params: { uuid: string } }>(
    '/orders/refund/:uuid',
    {
      schema: {
        summary: 'Refund order (full or partial)',
        description:
          'Refunds order lines of an invoiced order (INVOICED, PURRING, PAID or PARTIAL REFUNDED); take the line ids from Get Order Details. ' +
          'When everything is refunded the status becomes REFUNDED, otherwise PARTIAL REFUNDED, and the merchant is called back. ' +
          '400s: orderNotInvoicedYet (SENT), orderStatusAlreadyCancelled, orderStatusAlreadyRefunded, orderStatusInInkasso, ' +
          'requestProductIdNotAvailable (a line id not on this order), refundRejectionForProductAmountExceed (more than is left to refund on a line or the order).',
        tags: ['orders'],
        security: [{ bearerAuth: [] }],
        params: orderUuidParams,
        body: refundOrderBodySchema,
        response: {
          202: envelopeSchema({ type: 'null' }, 'orderRefundedSuccessfully'),
          400: errorSchema('refundRejectionForProductAmountExceed'),
          401: errorSchema('unauthenticated'),
          404: errorSchema('orderNotFound'),
          417: errorSchema('payloadValidationErrors'),
        },
      },
    },
    async (request, reply) => {
      const refund = validOrThrow(validateRefund(request.body));
      await refundOrder(ctx.db, ctx.clock, request.merchant!.id, request.params.uuid, refund);
      ctx.wakeWorker?.();
      return reply.code(202).send(success(202, 'orderRefundedSuccessfully', null, true));
    },
  );
}
