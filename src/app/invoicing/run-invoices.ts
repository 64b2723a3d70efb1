/**
 * Invoice runs (SPEC §6.2). Interval 0 is invoiced as soon as the worker sees it; intervals 1 and 2 by
 * scheduled runs, one per (merchant, interval, period), stored and resumable: starting a run again (on
 * another worker, after a crash, or by hand) continues it and creates nothing twice, because each batch
 * only takes orders that are still SENT. A run made up late (the server was down on its date) is dated
 * the day it actually runs, so no customer receives an invoice that is already overdue.
 */
import type { Clock } from '../../clock.ts';
import { runPeriodOf, runsDueAt, runsDueOn, type ScheduledInterval, type ScheduledRun } from '../../domain/invoicing/run-schedule.ts';
import type { CalendarDate } from '../../domain/invoicing/types.ts';
import { osloDate } from '../../domain/time/oslo.ts';
import type { Db } from '../../store/db/db.ts';
import { merchantsWithOrdersToInvoice, oldestOrderToInvoice } from '../../store/invoices.ts';
import { finishInvoiceRun, startInvoiceRun, type InvoiceRunRow } from '../../store/invoice-runs.ts';
import { enqueueJob } from '../../store/jobs.ts';
import { InvoicingSettingsError, issueInvoiceBatch } from './issue-invoices.ts';

export const INVOICE_RUN_JOB = 'invoice-run';
export const SCHEDULED_INTERVALS: readonly ScheduledInterval[] = [1, 2];

export interface RunOptions {
  /** Orders per transaction. */
  batchSize: number;
}

export interface ImmediateResult {
  orders: number;
  invoices: number;
  /** Merchants whose settings stop invoicing (no account number), with the reason. */
  refused: Array<{ merchantId: number; reason: string }>;
}

/** Invoices every SENT interval-0 order (of one merchant, or all), one invoice each. */
export async function invoiceImmediateOrders(
  db: Db,
  clock: Clock,
  opts: RunOptions & { merchantId?: number; /** Stop after this many batches per merchant (the worker comes back for the rest). */ maxBatches?: number },
): Promise<ImmediateResult> {
  const now = clock.now();
  const result: ImmediateResult = { orders: 0, invoices: 0, refused: [] };
  const merchants = opts.merchantId === undefined ? await merchantsWithOrdersToInvoice(db, 0, now) : [opts.merchantId];
  for (const merchantId of merchants) {
    try {
      for (let batch = 1; ; batch++) {
        const r = await issueInvoiceBatch(db, { merchantId, interval: 0, cutoff: now, invoiceDate: osloDate(now), runId: null, batchSize: opts.batchSize });
        result.orders += r.orders;
        result.invoices += r.invoices;
        if (!r.more || batch >= (opts.maxBatches ?? Infinity)) break;
      }
    } catch (error) {
      if (!(error instanceof InvoicingSettingsError)) throw error;
      result.refused.push({ merchantId, reason: error.message });
    }
  }
  return result;
}

export interface RunPayload {
  merchantId: number;
  interval: ScheduledInterval;
  period: CalendarDate;
  cutoff: string;
}

/** Runs (or resumes) one scheduled run to the end; returns its record with the counts. */
export async function runInvoiceRun(db: Db, clock: Clock, run: RunPayload, opts: RunOptions): Promise<InvoiceRunRow> {
  const now = clock.now();
  const today = osloDate(now);
  const record = await startInvoiceRun(db, {
    merchantId: run.merchantId,
    interval: run.interval,
    period: run.period,
    cutoff: new Date(run.cutoff),
    invoiceDate: run.period > today ? run.period : today,
    now,
  });
  for (;;) {
    const r = await issueInvoiceBatch(db, {
      merchantId: run.merchantId,
      interval: run.interval,
      cutoff: record.cutoff,
      invoiceDate: record.invoice_date,
      runId: record.id,
      batchSize: opts.batchSize,
    });
    if (!r.more) break;
  }
  return finishInvoiceRun(db, record.id, clock.now());
}

/**
 * The scheduled runs due now for every merchant with SENT orders of a scheduled interval, oldest first,
 * including runs missed while the server was down. Only runs that have orders to invoice are listed.
 */
export async function dueRuns(
  db: Db,
  clock: Clock,
  opts: { runHour: number; asOf?: CalendarDate; merchantId?: number },
): Promise<RunPayload[]> {
  const now = clock.now();
  const due: RunPayload[] = [];
  for (const interval of SCHEDULED_INTERVALS) {
    // Every merchant with SENT orders of the interval; the runs then decide which of them are due.
    const farFuture = new Date(now.getTime() + 400 * 86_400_000);
    const merchants = opts.merchantId === undefined ? await merchantsWithOrdersToInvoice(db, interval, farFuture) : [opts.merchantId];
    for (const merchantId of merchants) {
      const oldest = await oldestOrderToInvoice(db, merchantId, interval);
      if (oldest === null) continue;
      const since = runPeriodOf(interval, oldest);
      const runs: ScheduledRun[] = opts.asOf === undefined
        ? runsDueAt({ interval, now, runHour: opts.runHour, since })
        : runsDueOn(interval, opts.asOf, since, opts.runHour);
      for (const run of runs) {
        due.push({ merchantId, interval, period: run.period, cutoff: run.cutoff.toISOString() });
      }
    }
  }
  return due;
}

/** Queues a job per due run; a run already queued (by this or another worker) is not queued again. */
export async function scheduleDueRuns(db: Db, clock: Clock, runHour: number): Promise<number> {
  let queued = 0;
  for (const run of await dueRuns(db, clock, { runHour })) {
    const id = await enqueueJob(db, {
      kind: INVOICE_RUN_JOB,
      key: `${run.merchantId}:${run.interval}:${run.period}`,
      payload: run,
      // Runs of one merchant go one after the other, oldest period first.
      orderingKey: `invoice-run:${run.merchantId}`,
    });
    if (id !== null) queued++;
  }
  return queued;
}

/** `efaktura invoice-run` and `POST /api/v1/admin/invoice-runs`: every run due up to `asOf`, now. */
export async function runInvoicesByHand(
  db: Db,
  clock: Clock,
  opts: RunOptions & { asOf: CalendarDate; merchantId?: number; runHour: number },
): Promise<{ immediate: ImmediateResult; runs: InvoiceRunRow[]; refused: Array<{ merchantId: number; reason: string }> }> {
  const immediate = await invoiceImmediateOrders(db, clock, { batchSize: opts.batchSize, merchantId: opts.merchantId });
  const runs: InvoiceRunRow[] = [];
  const refused = [...immediate.refused];
  for (const run of await dueRuns(db, clock, { runHour: opts.runHour, asOf: opts.asOf, merchantId: opts.merchantId })) {
    try {
      runs.push(await runInvoiceRun(db, clock, run, opts));
    } catch (error) {
      if (!(error instanceof InvoicingSettingsError)) throw error;
      refused.push({ merchantId: run.merchantId, reason: error.message });
    }
  }
  return { immediate, runs, refused };
}
