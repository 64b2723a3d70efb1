/**
 * POST /api/v1/connect/orders/cancel/{uuid} — FPGO Connect's "Cancel Order" (SPEC §2.3, FPGO ref §3.1.6).
 * The order is locked, the lifecycle decides, and the status change, its event and its callback are written
 * in one transaction; a refused cancel answers the catalogue's 400 and writes nothing.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import { assertValid } from '../validation/assert-valid.ts';
import { cancelOrder } from '../../app/orders/cancel-order.ts';
import { orderUuidParams } from '../schemas.ts';
import { envelopeSchema, errorSchema } from '../openapi.ts';
import { max, readPath, required, string, toJsonSchema } from '../validation/rules.ts';
import type { RulesTable } from '../validation/rules.ts';

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
      assertValid(cancelBodyRules, request.body);
      const note = readPath(request.body, 'cancellationNote') as string;
      await cancelOrder(ctx.db, ctx.clock, request.merchant!.id, request.params.uuid, note);
      ctx.wakeWorker?.();
      return reply.code(202).send(success(202, 'cancelledOrderSuccessfully', null, false));
    },
  );
}
