/**
 * GET /api/v1/connect/orders/invoice-number/{uuid} — FPGO Connect's "Get Invoice Number By UUID"
 * (SPEC §2.3, FPGO ref §3.1.11). Only an order in a status that carries an invoice number answers 200;
 * the docs do not show the answer for one that has none, so it is `400 orderNotInvoicedYet` with a
 * sentence saying why (a 404 would wrongly suggest the order does not exist).
 */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import { ApiError } from '../../app/errors.ts';
import { envelopeSchema, errorSchema } from '../openapi.ts';
import { findMerchantOrder } from '../../app/orders/lock-order.ts';
import { orderUuidParams } from '../schemas.ts';
import { hasInvoiceNumber, isOrderStatus } from '../../domain/orders/lifecycle.ts';

export function registerInvoiceNumber(api: FastifyInstance, ctx: RouteContext): void {
  api.get<{ Params: { uuid: string } }>(
    '/orders/invoice-number/:uuid',
    {
      schema: {
        summary: 'Get invoice number by uuid',
        description:
          'The invoice number of an invoiced order: status INVOICED, PURRING, INKASSO, PAID, REFUNDED or PARTIAL REFUNDED. Any other status answers 400 orderNotInvoicedYet.',
        tags: ['orders'],
        security: [{ bearerAuth: [] }],
        params: orderUuidParams,
        response: {
          200: envelopeSchema(
            {
              type: 'object',
              properties: {
                orderUuid: { type: 'string', example: 'ODR2005869234' },
                invoiceNumber: { type: 'string', example: '99900753' },
                status: { type: 'string', example: 'REFUNDED' },
              },
            },
            'orderInvoiceNoRetrievedSuccessfully',
          ),
          400: errorSchema('orderNotInvoicedYet'),
          401: errorSchema('unauthenticated'),
          404: errorSchema('orderNotFound'),
        },
      },
    },
    async (request) => {
      const order = await findMerchantOrder(ctx.db, request.merchant!.id, request.params.uuid);
      // Both must hold: a numbered status without a number would be an inconsistency, and answering 200
      // with `invoiceNumber: null` would break clients that rely on the documented string.
      if (!isOrderStatus(order.status) || !hasInvoiceNumber(order.status) || order.invoice_number === null) {
        throw new ApiError('orderNotInvoicedYet', {
          errors: [
            order.status === 'SENT'
              ? `Order ${order.uuid} has not been invoiced yet; it gets an invoice number in its invoice run.`
              : `Order ${order.uuid} has no invoice number in status ${order.status}.`,
          ],
        });
      }
      return success(200, 'orderInvoiceNoRetrievedSuccessfully', {
        orderUuid: order.uuid,
        invoiceNumber: order.invoice_number,
        status: order.status,
      });
    },
  );
}
