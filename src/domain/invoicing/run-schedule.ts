/**
 * When orders are invoiced (SPEC §6.2). `invoiceInterval` 0 is invoiced at once, one by one, by the worker;
 * 1 is a monthly run on the 1st, 2 runs on the 1st and the 16th. A scheduled run starts at the run hour
 * (`EFAKTURA_INVOICE_RUN_HOUR`, default 6) Oslo time and invoices the SENT orders of its interval created
 * before its date began (midnight Oslo): an order made on the 1st at 05:00 waits for the next run, so what a
 * run takes never depends on the hour it happened to start.
 *
 * A run's period key is its date (`2026-12-01`), which is also the invoice date. The store keeps one run per
 * (merchant, interval, period); these functions only say which runs are due, so asking twice is harmless.
 */
import type { CalendarDate } from './types.ts';
import { addDays, calendarDate, osloDate, osloInstant } from '../time/oslo.ts';

export type InvoiceInterval = 0 | 1 | 2;
export type ScheduledInterval = 1 | 2;

export const DEFAULT_INVOICE_RUN_HOUR = 6;

export interface ScheduledRun {
  interval: ScheduledInterval;
  /** The run's date: its key (one run per merchant, interval and period) and the invoice date. */
  period: CalendarDate;
  /** The run hour on its date, Oslo time: a run is due from this instant. */
  startsAt: Date;
  /** Midnight Oslo at the start of its date: orders created before this instant belong to the run. */
  cutoff: Date;
}

const RUN_DAYS: Record<ScheduledInterval, readonly number[]> = { 1: [1], 2: [1, 16] };

/** 0 is invoiced immediately, never by a scheduled run. */
export function isScheduledInterval(interval: InvoiceInterval): interval is ScheduledInterval {
  return interval === 1 || interval === 2;
}

export function isValidRunHour(hour: unknown): hour is number {
  return typeof hour === 'number' && Number.isInteger(hour) && hour >= 0 && hour <= 23;
}

/** The run dates of `interval` from `from` to `to`, both included, in order. */
export function runDatesBetween(interval: ScheduledInterval, from: CalendarDate, to: CalendarDate): CalendarDate[] {
  const dates: CalendarDate[] = [];
  let year = Number(from.slice(0, 4));
  let month = Number(from.slice(5, 7));
  for (;;) {
    for (const day of RUN_DAYS[interval]) {
      const date = calendarDate(year, month, day);
      if (date > to) return dates; // YYYY-MM-DD strings order as dates
      if (date >= from) dates.push(date);
    }
    month += 1;
    if (month === 13) [year, month] = [year + 1, 1];
  }
}

/** The run of `interval` on `period` (a run date), with its start and cut-off instants. */
export function scheduledRun(interval: ScheduledInterval, period: CalendarDate, runHour = DEFAULT_INVOICE_RUN_HOUR): ScheduledRun {
  if (!isValidRunHour(runHour)) throw new RangeError(`the invoice run hour must be 0–23, got ${runHour}`);
  if (!RUN_DAYS[interval].includes(Number(period.slice(8, 10)))) {
    throw new RangeError(`${period} is not a run date of invoice interval ${interval}`);
  }
  return { interval, period, startsAt: osloInstant(period, runHour), cutoff: osloInstant(period) };
}

export interface RunsDueAt {
  interval: InvoiceInterval;
  /** The current instant (the clock is a parameter). */
  now: Date;
  runHour: number;
  /** The earliest run date to consider (included), e.g. the day after the last finished run's period. */
  since: CalendarDate;
}

/**
 * The runs due at `now`, oldest first: every run date from `since` to today (Oslo) whose start hour has
 * come. Runs missed while the server was down are in the list, so a start makes them up.
 */
export function runsDueAt({ interval, now, runHour, since }: RunsDueAt): ScheduledRun[] {
  if (!isScheduledInterval(interval)) return [];
  return runDatesBetween(interval, since, osloDate(now))
    .map((period) => scheduledRun(interval, period, runHour))
    .filter((run) => run.startsAt.getTime() <= now.getTime());
}

/**
 * The runs due up to the date `asOf`, oldest first (`efaktura invoice-run --as-of`): a run by hand does not
 * wait for the run hour, so the run on `asOf` itself is included.
 */
export function runsDueOn(interval: InvoiceInterval, asOf: CalendarDate, since: CalendarDate, runHour = DEFAULT_INVOICE_RUN_HOUR): ScheduledRun[] {
  if (!isScheduledInterval(interval)) return [];
  return runDatesBetween(interval, since, asOf).map((period) => scheduledRun(interval, period, runHour));
}

/**
 * The period of the run that invoices an order of `interval` created at `createdAt`: the first run date
 * after the order's Oslo creation date. Orders on one combined invoice share it (SPEC §6.2).
 */
export function runPeriodOf(interval: ScheduledInterval, createdAt: Date): CalendarDate {
  const created = osloDate(createdAt);
  const next = runDatesBetween(interval, addDays(created, 1), addDays(created, 31))[0];
  if (next === undefined) throw new Error('unreachable: every month has a 1st');
  return next;
}
