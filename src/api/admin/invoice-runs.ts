/**
 * POST /api/v1/admin/invoice-runs {asOf?, merchantId?} (SPEC §6.2): every invoice run due up to `asOf`
 * (default today, Europe/Oslo), now, and the interval-0 orders still waiting; answers what was invoiced.
 * A future `asOf` is refused unless EFAKTURA_ALLOW_FUTURE_RUNS=1.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import { validOrThrow } from '../validation/assert-valid.ts';
import { runInvoicesByHand } from '../../app/invoicing/run-invoices.ts';
import { checkRunDate } from '../../app/invoicing/run-date.ts';
import { envelopeSchema, errorSchema } from '../openapi.ts';

export function registerAdminInvoiceRuns(admin: FastifyInstance, ctx: RouteContext): void {
  admin.post(
    '/invoice-runs',
    {
      schema: {
        summary: 'Run invoicing now',
        tags: ['admin'],
        security: [{ bearerAuth: [] }],
        body: {
          type: 'object',
          properties: {
            asOf: { type: 'string', format: 'date', example: '2026-12-01', description: 'default: today in Europe/Oslo' },
            merchantId: { type: 'integer', minimum: 1, description: 'default: every merchant' },
          },
        },
        response: { 200: envelopeSchema({ type: 'object' }, 'invoiceRunsDone'), 401: errorSchema('unauthenticated'), 417: errorSchema('payloadValidationErrors') },
      },
    },
    async (request) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const fieldErrors: Record<string, string[]> = {};
      if (typeof body !== 'object' || Array.isArray(body)) fieldErrors[''] = ['The request body must be a JSON object.'];
      for (const key of Object.keys(body)) if (key !== 'asOf' && key !== 'merchantId') (fieldErrors[key] ??= []).push(`${key} is not a field of an invoice run.`);
      const date = checkRunDate(body.asOf, ctx.clock, ctx.config.allowFutureRuns);
      if (!date.ok) fieldErrors.asOf = [`The as of ${date.problem}`];
      const merchantId = body.merchantId;
      if (merchantId !== undefined && merchantId !== null && !(typeof merchantId === 'number' && Number.isSafeInteger(merchantId) && merchantId >= 1)) {
        fieldErrors.merchantId = ['The merchant id must be a positive whole number.'];
      }
      if (Object.keys(fieldErrors).length > 0) validOrThrow({ ok: false, errors: Object.values(fieldErrors).flat(), fieldErrors });
      const result = await runInvoicesByHand(ctx.db, ctx.clock, {
        asOf: (date as { asOf: string }).asOf,
        merchantId: typeof merchantId === 'number' ? merchantId : undefined,
        runHour: ctx.config.invoiceRunHour,
        batchSize: ctx.config.invoiceBatchSize,
      });
      if (result.immediate.invoices > 0 || result.runs.length > 0) ctx.wakeWorker?.();
      return success(200, 'invoiceRunsDone', {
        asOf: (date as { asOf: string }).asOf,
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
