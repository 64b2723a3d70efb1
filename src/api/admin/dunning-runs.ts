/**
 * POST /api/v1/admin/dunning-runs {asOf?, merchantId?} (SPEC §7): the dunning steps due on `asOf` (default
 * today, Europe/Oslo), now; answers `{asOf, reminders, notices, collections}`. A future `asOf` is refused
 * unless EFAKTURA_ALLOW_FUTURE_RUNS=1, as for invoice runs.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import { validOrThrow } from '../validation/assert-valid.ts';
import { runDunning } from '../../app/dunning/run-dunning.ts';
import { checkRunDate } from '../../app/invoicing/run-date.ts';
import { envelopeSchema, errorSchema } from '../openapi.ts';

export function registerAdminDunningRuns(admin: FastifyInstance, ctx: RouteContext): void {
  admin.post(
    '/dunning-runs',
    {
      schema: {
        summary: 'Run dunning (reminders, debt-collection notices, collection) now',
        tags: ['admin'],
        security: [{ bearerAuth: [] }],
        body: {
          type: 'object',
          properties: {
            asOf: { type: 'string', format: 'date', example: '2026-12-01', description: 'default: today in Europe/Oslo' },
            merchantId: { type: 'integer', minimum: 1, description: 'default: every merchant' },
          },
        },
        response: { 200: envelopeSchema({ type: 'object' }, 'dunningRunDone'), 401: errorSchema('unauthenticated'), 417: errorSchema('payloadValidationErrors') },
      },
    },
    async (request) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const fieldErrors: Record<string, string[]> = {};
      if (typeof body !== 'object' || Array.isArray(body)) fieldErrors[''] = ['The request body must be a JSON object.'];
      for (const key of Object.keys(body)) if (key !== 'asOf' && key !== 'merchantId') (fieldErrors[key] ??= []).push(`${key} is not a field of a dunning run.`);
      const date = checkRunDate(body.asOf, ctx.clock, ctx.config.allowFutureRuns);
      if (!date.ok) fieldErrors.asOf = [`The as of ${date.problem}`];
      const merchantId = body.merchantId;
      if (merchantId !== undefined && merchantId !== null && !(typeof merchantId === 'number' && Number.isSafeInteger(merchantId) && merchantId >= 1)) {
        fieldErrors.merchantId = ['The merchant id must be a positive whole number.'];
      }
      if (Object.keys(fieldErrors).length > 0) validOrThrow({ ok: false, errors: Object.values(fieldErrors).flat(), fieldErrors });
      const summary = await runDunning(ctx.db, {
        asOf: (date as { asOf: string }).asOf,
        ...(typeof merchantId === 'number' ? { merchantId } : {}),
        actor: 'admin dunning-run',
      });
      if (summary.reminders + summary.notices + summary.collections > 0) ctx.wakeWorker?.();
      return success(200, 'dunningRunDone', summary);
    },
  );
}
