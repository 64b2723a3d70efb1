/**
 * The background runner: one loop, many kinds. It runs inside `efaktura serve` and standalone as
 * `efaktura worker`, and claims work from the database with FOR UPDATE SKIP LOCKED and a fenced lease
 * (store/jobs.ts), so any number of runners can share one database (SPEC §8).
 *
 * Wake-ups: after a local commit (`wake()`), on NOTIFY from other processes, when an item finishes (a
 * slot is free and the next item of its ordering key may be due), and on a timer for the earliest
 * runnable item. Idle waits are floored (review M3): new work always comes with a wake-up, so a short
 * timer would only poll for nothing.
 *
 * Claims are batched (see `CLAIM_MIN_FREED`): once a claim came back short, everything due was taken or
 * belongs to a key at its quota, and a claim for each finished item would mostly find one slot of one
 * saturated key, at the price of a transaction.
 */
import { systemClock, type Clock } from '../clock.ts';
import type { Queryable } from '../store/db/db.ts';
import { claimJobs, completeJob, failJob, JOBS_CHANNEL, secondsUntilNextJob, type ClaimedJob } from '../store/jobs.ts';
import { bankFetchKind, scheduleBankFetch } from './bank-connector.ts';
import { callbackQueue } from './callbacks.ts';
import { deliveryKind } from './delivery.ts';
import { dunningRenderKind, dunningRunKind, dunningScheduleKind, scheduleDunningRuns } from './dunning.ts';
import { housekeepingKind, scheduleHousekeeping } from './housekeeping.ts';
import { immediateInvoicingQueue, invoiceRunKind, invoiceScheduleKind, renderKind, scheduleInvoiceRuns } from './invoicing.ts';
import {
  FinalJobError,
  LeaseLostError,
  type JobHandler,
  type JobKindOptions,
  type Queue,
  type WorkerDeps,
} from './types.ts';
export type { WorkerDeps } from './types.ts';

/** The longest the loop sleeps; NOTIFY and wake() cut it short, this only catches missed wake-ups. */
const IDLE_MAX_MS = 1000;
/** The shortest idle sleep: work due "now" that could not be claimed (a host at its quota) waits this. */
const IDLE_MIN_MS = 250;
const CLAIM_BATCH = 100;
/**
 * After a short claim, finishing items trigger the next claim of their queue only once this many have
 * finished (or the queue's concurrency, if smaller), or CLAIM_COALESCE_MS after the first of them, or when
 * none is left running. A wake-up for new work (wake(), NOTIFY) or a timer claims at once.
 */
const CLAIM_MIN_FREED = 4;
const CLAIM_COALESCE_MS = 5;
const ERROR_BACKOFF_MS = 1000;
const DEFAULT_JOB_RETRY_SCHEDULE = [5, 30, 300, 1800, 3600];

export interface Runner {
  /** Adds a source of work; call before `start()`. */
  addQueue<T>(queue: Queue<T>): void;
  /** Runs jobs of `kind` from the `jobs` table with `handler`; call before `start()`. */
  register(kind: string, handler: JobHandler, options?: JobKindOptions): void;
  start(): Promise<void>;
  /** Look for work now (called after a commit that added some). */
  wake(): void;
  /** Stops claiming, waits for the items in flight to finish, stops listening. */
  stop(): Promise<void>;
}

interface Entry {
  queue: Queue<unknown>;
  running: Set<Promise<void>>;
  /** The last claim took fewer items than it asked for: the next may wait for more free slots. */
  short: boolean;
  /** Items finished since the last claim, and when the first of them finished (performance.now()). */
  freed: number;
  firstFreedAt: number;
}

export function createRunner(deps: WorkerDeps): Runner {
  const clock = deps.clock ?? systemClock;
  const log = deps.logger.child({ component: 'runner' });
  const queues: Entry[] = [];
  let stopped = false;
  let looping: Promise<void> | null = null;
  const unlisteners: Array<() => Promise<void>> = [];

  /** Something new may be due (wake(), NOTIFY, a timer): every queue claims at once. */
  let wakeRequested = false;
  /** Only items finished: their queues claim once enough slots are free (CLAIM_MIN_FREED). */
  let finishedSinceLoop = false;
  let wakeUp: (() => void) | null = null;
  const wake = () => {
    wakeRequested = true;
    wakeUp?.();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (wakeRequested || finishedSinceLoop || stopped) return resolve();
      const timer = setTimeout(() => {
        wakeRequested = true;
        done();
      }, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });

  function start(entry: Entry, item: unknown): void {
    const task = entry.queue
      .run(item)
      .catch((error) => log.error({ err: error, queue: entry.queue.name }, 'job run threw'))
      .finally(() => {
        entry.running.delete(task);
        if (entry.freed++ === 0) entry.firstFreedAt = performance.now();
        finishedSinceLoop = true;
        wakeUp?.();
      });
    entry.running.add(task);
  }

  /** Ms this queue's next claim should still wait for more finished items; 0: claim now. */
  function holdOff(entry: Entry, free: number): number {
    if (!entry.short || entry.running.size === 0) return 0;
    if (entry.freed >= Math.min(CLAIM_MIN_FREED, free, entry.queue.concurrency)) return 0;
    if (entry.freed === 0) return IDLE_MAX_MS; // nothing finished: only a wake-up or the timer brings work
    return Math.max(0, CLAIM_COALESCE_MS - (performance.now() - entry.firstFreedAt));
  }

  async function loop(): Promise<void> {
    let everything = true; // the first pass claims from every queue
    while (!stopped) {
      everything ||= wakeRequested;
      wakeRequested = false;
      finishedSinceLoop = false;
      let waitMs = IDLE_MAX_MS;
      try {
        const now = clock.now();
        let full = false;
        let claimedAny = false;
        for (const entry of queues) {
          const free = Math.min(CLAIM_BATCH, entry.queue.concurrency - entry.running.size);
          if (free <= 0) continue;
          const hold = everything ? 0 : holdOff(entry, free);
          if (hold > 0) {
            waitMs = Math.min(waitMs, hold);
            continue;
          }
          const items = await entry.queue.claim(free, now);
          entry.short = items.length < free;
          entry.freed = 0;
          for (const item of items) start(entry, item);
          claimedAny ||= items.length > 0;
          full ||= items.length === free;
        }
        everything = false;
        if (full) continue; // there may be more due right now
        if (!claimedAny) {
          let next: number | null = null;
          for (const entry of queues) {
            if (entry.running.size > 0) continue; // a finishing item wakes us; no need to ask the database
            const due = await entry.queue.secondsUntilDue(now);
            if (due !== null) next = next === null ? due : Math.min(next, due);
          }
          if (next !== null) waitMs = Math.min(waitMs, Math.max(IDLE_MIN_MS, next * 1000));
        }
      } catch (error) {
        if (stopped) break;
        log.error({ err: error }, 'runner could not claim work');
        waitMs = ERROR_BACKOFF_MS;
      }
      await sleep(waitMs);
    }
  }

  return {
    addQueue(queue) {
      queues.push(entryOf(queue as Queue<unknown>));
    },
    register(kind, handler, options = {}) {
      queues.push(entryOf(jobQueue(deps, clock, kind, handler, options) as Queue<unknown>));
    },
    async start() {
      const channels = new Set(queues.map((e) => e.queue.channel));
      for (const channel of channels) {
        unlisteners.push(
          await deps.db.listen(channel, wake, {
            onDown: (error) => log.warn({ err: error, channel }, 'LISTEN connection lost; reconnecting (polling meanwhile)'),
            onUp: () => log.info({ channel }, 'LISTEN connection restored'),
          }),
        );
      }
      looping = loop();
    },
    wake,
    async stop() {
      stopped = true;
      wake();
      await looping;
      await Promise.allSettled(queues.flatMap((e) => [...e.running]));
      await Promise.allSettled(unlisteners.map((u) => u()));
      for (const e of queues) e.queue.close?.();
    },
  };
}

function entryOf(queue: Queue<unknown>): Entry {
  return { queue, running: new Set(), short: false, freed: 0, firstFreedAt: 0 };
}

/** Seconds to wait after the `failures`-th failure (1-based), or null when the schedule is exhausted. */
export function jobRetryDelay(failures: number, schedule: readonly number[]): number | null {
  return failures <= schedule.length ? schedule[failures - 1]! : null;
}

/** The `jobs` table, one kind, as a queue of the runner. */
function jobQueue(deps: WorkerDeps, clock: Clock, kind: string, handler: JobHandler, options: JobKindOptions): Queue<ClaimedJob> {
  const { db } = deps;
  const log = deps.logger.child({ component: 'jobs', kind });
  const leaseSeconds = options.leaseSeconds ?? 60;
  const schedule = options.retrySchedule ?? DEFAULT_JOB_RETRY_SCHEDULE;
  return {
    name: kind,
    concurrency: options.concurrency ?? 1,
    channel: JOBS_CHANNEL,
    claim: (limit, now) => claimJobs(db, { kind, limit, leaseSeconds, now, perKeyQuota: options.perKeyConcurrency ?? null }),
    secondsUntilDue: (now) => secondsUntilNextJob(db, kind, now),
    async run(job) {
      let completed = false;
      const complete = async (tx: Queryable) => {
        if (!(await completeJob(tx, job, clock.now()))) throw new LeaseLostError(`job ${job.id} (${kind}) is no longer leased to this worker`);
        completed = true;
      };
      try {
        await handler({ job, clock, complete });
        if (!completed && !(await completeJob(db, job, clock.now()))) {
          log.warn({ jobId: job.id }, 'stale job result dropped: the lease was lost before the job finished');
        }
      } catch (error) {
        if (error instanceof LeaseLostError) {
          log.warn({ jobId: job.id }, 'stale job result dropped: the lease was lost before the job finished');
          return;
        }
        // Only a failure the handler marks final is final; anything else, a programming error included,
        // is retried (review m6), and shows up in the log and `last_error` meanwhile.
        const delay = error instanceof FinalJobError ? null : jobRetryDelay(job.attempts + 1, schedule);
        const message = String((error as Error)?.stack ?? error);
        const state = await failJob(db, job, { now: clock.now(), error: message, retryDelaySeconds: delay });
        if (state === null) log.warn({ jobId: job.id, err: error }, 'stale job result dropped: the lease was lost before the job failed');
        else log.warn({ jobId: job.id, err: error, state, retryInSeconds: delay }, 'job failed');
      }
    },
  };
}

export interface Worker {
  /** Look for work now (called after a commit that added some). */
  wake(): void;
  stop(): Promise<void>;
  readonly runner: Runner;
}

/** The runner with every job kind of efaktura: callbacks, invoicing, documents, delivery, housekeeping and the bank connector. */
export async function startWorker(deps: WorkerDeps): Promise<Worker> {
  const runner = createRunner(deps);
  runner.addQueue(callbackQueue(deps));
  runner.addQueue(immediateInvoicingQueue(deps));
  runner.register(...invoiceRunKind(deps));
  runner.register(...invoiceScheduleKind(deps));
  if (deps.documents) runner.register(...renderKind(deps, deps.documents));
  if (deps.delivery) runner.register(...deliveryKind(deps, deps.delivery));
  runner.register(...dunningScheduleKind(deps));
  runner.register(...dunningRunKind(deps));
  if (deps.documents?.dunningPdf) runner.register(...dunningRenderKind(deps, deps.documents.dunningPdf));
  runner.register(...housekeepingKind(deps));
  if (deps.bank) runner.register(...bankFetchKind(deps, deps.bank));
  await runner.start();
  // Not awaited: on the embedded database these wait their turn behind whatever backlog the runner found,
  // and the process is ready (and says so) before that is worked off.
  void scheduleHousekeeping(deps).catch((error) => deps.logger.warn({ err: error }, 'could not schedule housekeeping'));
  // Runs missed while no worker was up are found by the first look, at once.
  void scheduleInvoiceRuns(deps).catch((error) => deps.logger.warn({ err: error }, 'could not schedule invoice runs'));
  if (deps.bank) void scheduleBankFetch(deps).catch((error) => deps.logger.warn({ err: error }, 'could not schedule the bank connector'));
  void scheduleDunningRuns(deps).catch((error) => deps.logger.warn({ err: error }, 'could not schedule dunning runs'));
  return { runner, wake: runner.wake, stop: runner.stop };
}

/** A runner that only delivers callbacks (tests, benchmarks). */
export async function startCallbackDelivery(deps: WorkerDeps): Promise<Runner> {
  const runner = createRunner(deps);
  runner.addQueue(callbackQueue(deps));
  await runner.start();
  return runner;
}
