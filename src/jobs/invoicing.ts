/**
 * Invoicing in the background (SPEC §6.2, §6.4): interval-0 orders are invoiced as soon as the runner
 * sees them; scheduled runs are queued once per (merchant, interval, period) by a job that looks every
 * minute, and run as jobs of their own (resumable); each issued document is rendered by a job of its own.
 */
import type { DocumentRenderers } from '../app/invoicing/render-documents.ts';
import { RENDER_JOB, renderDocuments } from '../app/invoicing/render-documents.ts';
import { INVOICE_RUN_JOB, invoiceImmediateOrders, runInvoiceRun, scheduleDueRuns, type RunPayload } from '../app/invoicing/run-invoices.ts';
import { systemClock } from '../clock.ts';
import { enqueueJob, JOBS_CHANNEL } from '../store/jobs.ts';
import { merchantsWithOrdersToInvoice } from '../store/invoices.ts';
import type { JobHandler, JobKindOptions, Queue, WorkerDeps } from './types.ts';

export const INVOICE_SCHEDULE_JOB = 'invoice-schedule';
const SCHEDULE_SLOT_MS = 60_000;
/** After finding nothing to invoice, the immediate queue looks again after this long at the earliest. */
const IMMEDIATE_IDLE_MS = 250;
/** A merchant whose settings stop invoicing (no account number) is tried again after this long. */
const REFUSED_RETRY_MS = 60_000;

/** Interval-0 orders, per merchant: claims merchants with SENT interval-0 orders and invoices them. */
export function immediateInvoicingQueue(deps: WorkerDeps): Queue<number> {
  const clock = deps.clock ?? systemClock;
  const log = deps.logger.child({ component: 'invoicing' });
  const inFlight = new Set<number>();
  const refusedUntil = new Map<number, number>();
  let idleUntil = 0;
  return {
    name: 'invoice-immediate',
    concurrency: 2,
    channel: JOBS_CHANNEL,
    async claim(limit, now) {
      // The runner asks on every wake-up; after an empty answer, look again only after a short while.
      if (now.getTime() < idleUntil) return [];
      const merchants = (await merchantsWithOrdersToInvoice(deps.db, 0, now)).filter(
        (id) => !inFlight.has(id) && (refusedUntil.get(id) ?? 0) <= now.getTime(),
      );
      if (merchants.length === 0) idleUntil = now.getTime() + IMMEDIATE_IDLE_MS;
      const claimed = merchants.slice(0, limit);
      for (const id of claimed) inFlight.add(id);
      return claimed;
    },
    async run(merchantId) {
      try {
        // A bounded share per turn, so a stop (SIGTERM) never waits for a whole backlog.
        const r = await invoiceImmediateOrders(deps.db, clock, { merchantId, batchSize: deps.config.invoiceBatchSize, maxBatches: 10 });
        for (const refusal of r.refused) {
          refusedUntil.set(refusal.merchantId, clock.now().getTime() + REFUSED_RETRY_MS);
          log.warn(refusal, 'orders not invoiced: the merchant settings stop it');
        }
        if (r.invoices > 0) log.debug({ merchantId, orders: r.orders, invoices: r.invoices }, 'orders invoiced');
        if (r.invoices > 0) idleUntil = 0; // there may be more: look again at once
      } catch (error) {
        log.error({ err: error, merchantId }, 'invoicing failed; retried shortly');
      } finally {
        inFlight.delete(merchantId);
      }
    },
    async secondsUntilDue() {
      return null; // new orders wake the runner (in process) or are seen within the idle poll (≤ 1 s)
    },
  };
}

export function renderKind(deps: WorkerDeps, renderers: DocumentRenderers): [string, JobHandler, JobKindOptions] {
  const handler: JobHandler = async ({ job, complete }) => {
    const { invoiceId } = job.payload as { invoiceId: number };
    await renderDocuments(deps.db, renderers, invoiceId, complete);
  };
  return [RENDER_JOB, handler, { concurrency: deps.config.renderConcurrency, leaseSeconds: 60 }];
}

export function invoiceRunKind(deps: WorkerDeps): [string, JobHandler, JobKindOptions] {
  const handler: JobHandler = async ({ job, clock, complete }) => {
    const run = job.payload as RunPayload;
    const record = await runInvoiceRun(deps.db, clock, run, { batchSize: deps.config.invoiceBatchSize });
    await deps.db.transaction((tx) => complete(tx));
    deps.logger.info(
      { merchantId: run.merchantId, interval: run.interval, period: run.period, orders: record.orders_invoiced, invoices: record.invoices_created },
      'invoice run finished',
    );
  };
  // A run is many short transactions; its lease only has to outlive one batch.
  return [INVOICE_RUN_JOB, handler, { concurrency: 1, leaseSeconds: 300, retrySchedule: [30, 60, 300, 900, 3600] }];
}

function scheduleSlotJob(slotStartMs: number) {
  return { kind: INVOICE_SCHEDULE_JOB, key: new Date(slotStartMs).toISOString(), runAt: new Date(slotStartMs) };
}

/** Queues the current minute's look for due runs (once per minute however many workers); at start. */
export async function scheduleInvoiceRuns(deps: WorkerDeps): Promise<void> {
  const now = (deps.clock ?? systemClock).now().getTime();
  await enqueueJob(deps.db, scheduleSlotJob(now - (now % SCHEDULE_SLOT_MS)));
}

export function invoiceScheduleKind(deps: WorkerDeps): [string, JobHandler, JobKindOptions] {
  const handler: JobHandler = async ({ job, clock, complete }) => {
    const now = clock.now().getTime();
    const slot = Date.parse(job.key ?? new Date(now).toISOString());
    await enqueueJob(deps.db, scheduleSlotJob(Math.max(slot, now - (now % SCHEDULE_SLOT_MS)) + SCHEDULE_SLOT_MS));
    const queued = await scheduleDueRuns(deps.db, clock, deps.config.invoiceRunHour);
    await deps.db.transaction((tx) => complete(tx));
    if (queued > 0) deps.logger.info({ queued }, 'invoice runs queued');
  };
  return [INVOICE_SCHEDULE_JOB, handler, { concurrency: 1, leaseSeconds: 120, retrySchedule: [30, 60, 300] }];
}
