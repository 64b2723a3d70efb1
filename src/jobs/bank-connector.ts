/**
 * The bank connector as a job (issue #9): every EFAKTURA_BANK_POLL_MINUTES, and once when a worker
 * starts, yesterday's and today's payment files of each merchant account are fetched from the bank and
 * imported (app/payments/bank-connector.ts). Like housekeeping, each period is one job keyed by its start,
 * so however many workers run, a period is fetched once; the run of one period enqueues the next. A start
 * gets a job of its own (keyed by the start's instant): payments that arrived while no worker was up are
 * picked up at once, not an hour later. Fetching a day again imports nothing twice.
 */
import { systemClock } from '../clock.ts';
import { fetchAndImportBankFiles, type BankConnector } from '../app/payments/bank-connector.ts';
import { enqueueJob } from '../store/jobs.ts';
import type { JobHandler, JobKindOptions, WorkerDeps } from './types.ts';

export const BANK_FETCH_KIND = 'bank-fetch';

function periodMs(deps: WorkerDeps): number {
  return deps.config.bankPollMinutes * 60_000;
}

function periodJob(startMs: number) {
  return { kind: BANK_FETCH_KIND, key: new Date(startMs).toISOString(), runAt: new Date(startMs) };
}

/** Enqueues a fetch now (this start's own) — the chain of periods follows from its run. */
export async function scheduleBankFetch(deps: WorkerDeps): Promise<void> {
  const now = (deps.clock ?? systemClock).now();
  await enqueueJob(deps.db, { kind: BANK_FETCH_KIND, key: `start:${now.toISOString()}`, runAt: now });
}

export function bankFetchKind(deps: WorkerDeps, bank: BankConnector): [string, JobHandler, JobKindOptions] {
  const log = deps.logger.child({ component: 'bank-connector', bank: bank.name });
  const handler: JobHandler = async ({ clock }) => {
    const now = clock.now().getTime();
    const period = periodMs(deps);
    // The next period first, on its own: a fetch that fails must not end the chain.
    await enqueueJob(deps.db, periodJob(now - (now % period) + period));
    const { files, failures } = await fetchAndImportBankFiles(deps.db, bank, clock);
    const imported = files.reduce((n, f) => n + f.summary.imported, 0);
    if (imported > 0) {
      const sum = (k: 'matched' | 'partial' | 'overpaid' | 'unmatched' | 'reversed') => files.reduce((n, f) => n + f.summary[k], 0);
      log.info({ files: files.length, imported, matched: sum('matched'), partial: sum('partial'), overpaid: sum('overpaid'), unmatched: sum('unmatched'), reversed: sum('reversed') }, 'bank files imported');
    } else log.debug({ files: files.length }, 'bank files fetched; nothing new');
    // An unreachable bank or a refused file is tried again with the next period (both days are fetched
    // each time, so yesterday's file gets another chance); the job itself is done.
    for (const f of failures) log.warn(f, 'bank file not imported');
  };
  return [BANK_FETCH_KIND, handler, { concurrency: 1, leaseSeconds: 600, retrySchedule: [60, 300, 900] }];
}
