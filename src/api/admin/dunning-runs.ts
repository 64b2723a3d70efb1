/**
 * POST /api/v1/admin/dunning-runs {asOf?, merchantId?} (SPEC §7): the dunning steps due on `asOf` (default
 * today, Europe/Oslo), now; answers `{asOf, reminders, notices, collections}`. A future `asOf` is refused
 * unless EFAKTURA_ALLOW_FUTURE_RUNS=1, as for invoice runs.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import { runDunning } from '../../app/dunning/run-dunning.ts';
import { envelopeSchema, errorSchema } from '../openapi.ts';
import { RUN_REQUEST_BODY, runRequest } from '../validation/run-request.ts';

export function registerAdminDunningRuns(admin: FastifyInstance, ctx: RouteContext): void {
  admin.post(
    '/dunning-runs',
    {
      schema: {
        summary: 'Run dunning (reminders, debt-collection notices, collection) now',
        tags: ['admin'],
        security: [{ bearerAuth: [] }],
        body: RUN_REQUEST_BODY,
        response: { 200: envelopeSchema({ type: 'object' }, 'dunningRunDone'), 401: errorSchema('unauthenticated'), 417: errorSchema('payloadValidationErrors') },
      },
    },
    async (request) => {
      const { asOf, merchantId } = runRequest(request.body, ctx, 'a dunning run');
      const summary = await runDunning(ctx.db, {
        asOf,
        ...(merchantId !== undefined ? { merchantId } : {}),
        actor: 'admin dunning-run',
        lateInterestRates: ctx.config.lateInterestRates,
      });
      if (summary.reminders + summary.notices + summary.collections > 0) ctx.wakeWorker?.();
      return success(200, 'dunningRunDone', summary);
    },
  );
}
