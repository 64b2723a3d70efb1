/**
 * POST /api/v1/admin/invoice-runs {asOf?, merchantId?} (SPEC §6.2): every invoice run due up to `asOf`
 * (default today, Europe/Oslo), now, and the interval-0 orders still waiting; answers what was invoiced.
 * A future `asOf` is refused unless EFAKTURA_ALLOW_FUTURE_RUNS=1.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import { runInvoicesByHand } from '../../app/invoicing/run-invoices.ts';
import { envelopeSchema, errorSchema } from '../openapi.ts';
import { RUN_REQUEST_BODY, runRequest } from '../validation/run-request.ts';

export function registerAdminInvoiceRuns(admin: FastifyInstance, ctx: RouteContext): void {
  admin.post(
    '/invoice-runs',
    {
      schema: {
        summary: 'Run invoicing now',
        tags: ['admin'],
        security: [{ bearerAuth: [] }],
        body: RUN_REQUEST_BODY,
        response: { 200: envelopeSchema({ type: 'object' }, 'invoiceRunsDone'), 401: errorSchema('unauthenticated'), 417: errorSchema('payloadValidationErrors') },
      },
    },
    async (request) => {
      const { asOf, merchantId } = runRequest(request.body, ctx, 'an invoice run');
      const result = await runInvoicesByHand(ctx.db, ctx.clock, {
        asOf,
        merchantId,
        runHour: ctx.config.invoiceRunHour,
        batchSize: ctx.config.invoiceBatchSize,
      });
      if (result.immediate.invoices > 0 || result.runs.length > 0) ctx.wakeWorker?.();
      return success(200, 'invoiceRunsDone', {
        asOf,
        immediate: { orders: result.immediate.orders, invoices: result.immediate.invoices },
        runs: result.runs.map((r) => ({
          merchantId: r.merchant_id, interval: r.invoice_interval, period: r.period, invoiceDate: r.invoice_date,
          orders: r.orders_invoiced, invoices: r.invoices_created, finishedAt: r.finished_at?.toISOString() ?? null,
        })),
        refused: result.refused,
      });
    },
  );
}
