/**
 * Housekeeping as a job: expired idempotency keys, and finished jobs older than a week. It runs once per
 * ten-minute slot of the clock however many workers there are: each slot is one job keyed by its start,
 * and the run of one slot enqueues the next in the transaction that completes it.
 */
import { systemClock } from '../clock.ts';
import { deleteFinishedJobs, enqueueJob } from '../store/jobs.ts';
import { expireIdempotencyKeys } from '../store/orders.ts';
import type { JobHandler, JobKindOptions, WorkerDeps } from './types.ts';

export const HOUSEKEEPING_KIND = 'housekeeping';
const SLOT_MS = 10 * 60 * 1000;
const KEEP_FINISHED_JOBS_MS = 7 * 24 * 3600 * 1000;

function slotJob(slotStartMs: number) {
  return { kind: HOUSEKEEPING_KIND, key: new Date(slotStartMs).toISOString(), runAt: new Date(slotStartMs) };
}

/** Enqueues the current slot's run (once-only per slot); called when a worker starts. */
export async function scheduleHousekeeping(deps: WorkerDeps): Promise<void> {
  const now = (deps.clock ?? systemClock).now().getTime();
  await deps.db.transaction((tx) => enqueueJob(tx, slotJob(now - (now % SLOT_MS))));
}

export function housekeepingKind(deps: WorkerDeps): [string, JobHandler, JobKindOptions] {
  const log = deps.logger.child({ component: 'housekeeping' });
  const handler: JobHandler = async ({ job, clock, complete }) => {
    const now = clock.now();
    const slot = Date.parse(job.key ?? now.toISOString());
    // The next slot first, on its own: a run that fails for good must not end the chain.
    await enqueueJob(deps.db, slotJob(Math.max(slot, now.getTime() - (now.getTime() % SLOT_MS)) + SLOT_MS));
    const { expiredKeys, droppedJobs } = await deps.db.transaction(async (tx) => {
      const counts = {
        expiredKeys: await expireIdempotencyKeys(tx, deps.config.idempotencyTtlHours),
        droppedJobs: await deleteFinishedJobs(tx, new Date(now.getTime() - KEEP_FINISHED_JOBS_MS)),
      };
      await complete(tx);
      return counts;
    });
    if (expiredKeys + droppedJobs > 0) log.info({ expiredKeys, droppedJobs }, 'housekeeping done');
  };
  return [HOUSEKEEPING_KIND, handler, { concurrency: 1, leaseSeconds: 300, retrySchedule: [60, 300, 600] }];
}
