/**
 * Dunning in the background (SPEC §7): a look once a minute (one job per minute slot, however many workers)
 * queues the day's run once the Oslo hour reaches EFAKTURA_DUNNING_RUN_HOUR, as a job keyed by the date,
 * so each date is run once; the run itself is resumable (each invoice is its own transaction and a step
 * is taken once), so a retried run only finishes what is left. Each step's PDF is rendered by a job of its
 * own, which then queues its delivery.
 */
import { renderDunningDocument, type DunningPdfRenderer } from '../app/dunning/render-dunning-document.ts';
import { DUNNING_RENDER_JOB, DUNNING_RUN_JOB, dunningRunJob, runDunning } from '../app/dunning/run-dunning.ts';
import { systemClock } from '../clock.ts';
import { osloDate, osloHour } from '../domain/time/oslo.ts';
import { enqueueJob } from '../store/jobs.ts';
import type { JobHandler, JobKindOptions, WorkerDeps } from './types.ts';

export const DUNNING_SCHEDULE_JOB = 'dunning-schedule';
const SLOT_MS = 60_000;

function slotJob(slotStartMs: number) {
  return { kind: DUNNING_SCHEDULE_JOB, key: new Date(slotStartMs).toISOString(), runAt: new Date(slotStartMs) };
}

/** Queues the current minute's look (at start); a missed day's run is not made up: the next run catches up. */
export async function scheduleDunningRuns(deps: WorkerDeps): Promise<void> {
  const now = (deps.clock ?? systemClock).now().getTime();
  await enqueueJob(deps.db, slotJob(now - (now % SLOT_MS)));
}

export function dunningScheduleKind(deps: WorkerDeps): [string, JobHandler, JobKindOptions] {
  const handler: JobHandler = async ({ job, clock, complete }) => {
    const now = clock.now();
    const slot = Date.parse(job.key ?? now.toISOString());
    await deps.db.transaction(async (tx) => {
      await enqueueJob(tx, slotJob(Math.max(slot, now.getTime() - (now.getTime() % SLOT_MS)) + SLOT_MS));
      if (osloHour(now) >= deps.config.dunningRunHour) await enqueueJob(tx, dunningRunJob(osloDate(now)));
      await complete(tx);
    });
  };
  return [DUNNING_SCHEDULE_JOB, handler, { concurrency: 1, leaseSeconds: 120, retrySchedule: [30, 60, 300] }];
}

export function dunningRunKind(deps: WorkerDeps): [string, JobHandler, JobKindOptions] {
  const handler: JobHandler = async ({ job, complete }) => {
    const { asOf } = job.payload as { asOf: string };
    const summary = await runDunning(deps.db, { asOf, actor: 'dunning-run', lateInterestRates: deps.config.lateInterestRates });
    await deps.db.transaction((tx) => complete(tx));
    deps.logger.info(summary, 'dunning run finished');
  };
  return [DUNNING_RUN_JOB, handler, { concurrency: 1, leaseSeconds: 600, retrySchedule: [60, 300, 900, 3600] }];
}

export function dunningRenderKind(deps: WorkerDeps, render: DunningPdfRenderer): [string, JobHandler, JobKindOptions] {
  const handler: JobHandler = async ({ job, complete }) => {
    const { stepId } = job.payload as { stepId: number };
    await renderDunningDocument(deps.db, render, stepId, complete);
  };
  return [DUNNING_RENDER_JOB, handler, { concurrency: deps.config.renderConcurrency, leaseSeconds: 60 }];
}
