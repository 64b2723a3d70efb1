/**
 * Reading orders back (SPEC §2.3): status by uuid and the full details. Another merchant's order
 * answers exactly like an unknown one: 404 orderNotFound.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import { findMerchantOrder } from '../../app/orders/lock-order.ts';
import { orderUuidParams } from '../schemas.ts';
import { formatOre } from '../../domain/money/money.ts';
import { findOrderEvents, findOrderLines, type OrderRow } from '../../store/orders.ts';
import { envelopeSchema, errorSchema } from '../openapi.ts';
import { callbackHistory } from '../../store/callback-outbox.ts';
import { documentedOnly, ORDER_DETAILS_SCHEMA } from '../read-schemas.ts';

/** Amounts in the status body are JSON numbers, as documented (`orderAmount: 40`). */
const oreToNumber = (ore: number): number => Number(formatOre(ore));

export function registerOrderReads(api: FastifyInstance, ctx: RouteContext): void {
  api.get<{ Params: { uuid: string } }>(
    '/orders/status/:uuid',
    {
      schema: {
        summary: 'Get order status by uuid',
        tags: ['orders'],
        security: [{ bearerAuth: [] }],
        params: orderUuidParams,
        response: {
          200: envelopeSchema(
            {
              type: 'object',
              properties: {
                uuid: { type: 'string' },
                status: { type: 'string', example: 'SENT' },
                orderAmount: { type: 'number', example: 51 },
                refundedAmount: { type: 'number', example: 0 },
              },
            },
            'Order Status Retrieved Successfully',
          ),
          404: errorSchema('orderNotFound'),
        },
      },
    },
    async (request) => {
      const order = await findMerchantOrder(ctx.db, request.merchant!.id, request.params.uuid);
      return success(200, 'Order Status Retrieved Successfully', {
        uuid: order.uuid,
        status: order.status,
        orderAmount: oreToNumber(order.grand_total_ore),
        refundedAmount: oreToNumber(order.refunded_ore),
      });
    },
  );

  api.get<{ Params: { uuid: string } }>(
    '/orders/details/:uuid',
    {
      schema: {
        summary: 'Get order details by uuid',
        description:
          'The order as stored: products (each with the `id` that refunds refer to), the server-computed summary, the customer snapshot taken when the order was sent (`type` `private` with its `personalNumber`, or `corporate` with its `organizationId`), status, invoice number, KID, due date, amounts paid and refunded (in total and per line as `refunded`), the order event history (`events`), and every callback with its attempts (`callbacks`).',
        tags: ['orders'],
        security: [{ bearerAuth: [] }],
        params: orderUuidParams,
        response: { 200: envelopeSchema(ORDER_DETAILS_SCHEMA, 'orderRetrievedSuccessfully'), 404: errorSchema('orderNotFound') },
      },
      serializerCompiler: documentedOnly,
    },
    async (request) => {
      const order = await findMerchantOrder(ctx.db, request.merchant!.id, request.params.uuid);
      const [lines, events, callbacks] = await Promise.all([
        findOrderLines(ctx.db, order.id),
        findOrderEvents(ctx.db, order.id),
        callbackHistory(ctx.db, order.id),
      ]);
      return success(200, 'orderRetrievedSuccessfully', orderDetails(order, lines, events, callbacks));
    },
  );
}

export function orderDetails(
  order: OrderRow,
  lines: Awaited<ReturnType<typeof findOrderLines>>,
  events: Awaited<ReturnType<typeof findOrderEvents>>,
  callbacks: Awaited<ReturnType<typeof callbackHistory>> = [],
): Record<string, unknown> {
  const customer = order.customer_snapshot as Record<string, unknown>;
  // A business customer (Send EHF Invoice) has its organisation number in the snapshot; FPGO calls it `corporate`.
  const type = typeof customer.organizationId === 'string' ? 'corporate' : 'private';
  return {
    type,
    orderUuid: order.uuid,
    invoiceNumber: order.invoice_number,
    kid: order.kid,
    status: order.status,
    orderDate: String(order.order_date),
    dueDate: order.due_date,
    invoiceInterval: order.invoice_interval,
    invoiceMaturity: order.invoice_maturity,
    invoiceFeeApplicable: order.invoice_fee_applicable,
    separateInvoices: order.separate_invoices,
    referenceNo: order.reference_no,
    customerReference: order.customer_reference,
    callbackUrl: order.callback_url,
    cancellationNote: order.cancellation_note,
    productList: lines.map((l) => ({
      id: l.id,
      name: l.name,
      productId: l.product_id,
      quantity: l.quantity,
      rate: formatOre(l.rate_ore),
      discount: formatOre(l.discount_ore),
      tax: l.tax_rate,
      amount: formatOre(l.amount_ore),
      vat: formatOre(l.vat_ore),
      refunded: formatOre(l.refunded_ore),
    })),
    orderSummary: {
      subTotal: formatOre(order.sub_total_ore),
      tax: formatOre(order.total_tax_ore),
      discount: formatOre(order.total_discount_ore),
      grandTotal: formatOre(order.grand_total_ore),
    },
    amountPaid: formatOre(order.paid_ore),
    amountRefunded: formatOre(order.refunded_ore),
    customerDetails: { type, uuid: order.customer_uuid, organizationId: null, ...customer },
    createdAt: Math.floor(order.created_at.getTime() / 1000),
    events: events.map((e) => ({
      from: e.from_status,
      to: e.to_status,
      reason: e.reason,
      actor: e.actor,
      at: e.created_at.toISOString(),
    })),
    // Every callback of the order with each attempt (SPEC §4), so a merchant can see what reached them.
    callbacks: callbacks.map((c) => ({
      eventId: c.eventId,
      status: c.status,
      state: c.state,
      attempts: c.attempts,
      nextAttemptAt: c.nextAttemptAt?.toISOString() ?? null,
      lastError: c.lastError,
      createdAt: c.createdAt.toISOString(),
      deliveredAt: c.deliveredAt?.toISOString() ?? null,
      attemptLog: c.attemptLog.map((a) => ({
        attemptedAt: a.attemptedAt.toISOString(),
        url: a.url,
        httpStatus: a.httpStatus,
        latencyMs: a.latencyMs,
        outcome: a.outcome,
        error: a.error,
      })),
    })),
  };
}
