/**
 * POST /api/v1/connect/orders/cancel/{uuid} — FPGO Connect's "Cancel Order" (SPEC §2.3, FPGO ref §3.1.6).
 * The order is locked, the lifecycle decides, and the status change, its event and its callback are written
 * in one transaction; a refused cancel answers the catalogue's 400 and writes nothing.
 */
import { orderUuidParams } from './order-reads.ts';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../app.ts';
import { success } from '../envelope.ts';
import { ApiError, validationError } from '../errors.ts';
import { envelopeSchema, errorSchema } from '../openapi.ts';
import { max, readPath, required, string, toJsonSchema, validateRules } from '../validation/rules.ts';
import type { RulesTable } from '../validation/rules.ts';
import { ORDER_UUID_PATTERN } from '../../domain/ids.ts';
import { decideCancel, isOrderStatus, type LifecycleErrorCode, type OrderStatus } from '../../domain/lifecycle.ts';
import type { Queryable } from '../../store/db.ts';
import { findOrder, type OrderRow } from '../../store/orders.ts';
import { transitionOrder } from '../../store/order-transitions.ts';

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

const MAX_NOTE_CHARS = 1000;

const cancelBodyRules: RulesTable = {
  cancellationNote: {
    rules: [required(), string(), max(MAX_NOTE_CHARS)],
    description: 'Why the order is cancelled; kept with the order and its history.',
    examples: ['Customer withdrew the order'],
  },
};

export const cancelOrderBodySchema = toJsonSchema(cancelBodyRules, { title: 'Cancel Order request' });

export function registerCancelOrder(api: FastifyInstance, ctx: RouteContext): void {
  api.post<{ Params: { uuid: string } }>(
    '/orders/cancel/:uuid',
    {
      schema: {
        summary: 'Cancel order',
        description:
          'Cancels an order that is SENT (not invoiced yet), INVOICED or PURRING. A PAID order answers 400 orderStatusAlreadyPaid; CANCELLED, (PARTIAL) REFUNDED and INKASSO orders answer their own 400. The merchant is called back with status CANCELLED.',
        tags: ['orders'],
        security: [{ bearerAuth: [] }],
        params: orderUuidParams,
        body: cancelOrderBodySchema,
        response: {
          202: envelopeSchema({ type: 'null' }, 'cancelledOrderSuccessfully'),
          400: errorSchema('orderStatusAlreadyPaid'),
          401: errorSchema('unauthenticated'),
          404: errorSchema('orderNotFound'),
          417: errorSchema('payloadValidationErrors'),
        },
      },
    },
    async (request, reply) => {
      const bag = validateRules(cancelBodyRules, request.body);
      if (!bag.isEmpty) {
        const failure = bag.toFailure();
        throw validationError(failure.errors, failure.fieldErrors);
      }
      const note = readPath(request.body, 'cancellationNote') as string;
      const merchantId = request.merchant!.id;
      await ctx.db.transaction(async (tx) => {
        const order = await lockOrder(tx, merchantId, request.params.uuid);
        const decision = decideCancel(order.status);
        if (!decision.ok) throw lifecycleRefusal(decision.error, 'cancelled', order);
        // decision.needsCreditNote: the credit note that voids an issued invoice belongs to the invoicing module.
        await transitionOrder(tx, order, 'CANCELLED', { reason: note, actor: `merchant:${merchantId}` }, { cancellationNote: note });
      });
      ctx.wakeWorker?.();
      return reply.code(202).send(success(202, 'cancelledOrderSuccessfully', null, false));
    },
  );
}
