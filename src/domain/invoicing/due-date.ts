/**
 * Due dates (SPEC §6.3): due date = invoice date + the order's `invoiceMaturity` days. A due date on a
 * Saturday, Sunday or public holiday moves nothing on the invoice, but payment on the next banking day is
 * on time: no lateness (reminders, interest) is counted before it.
 */
import type { CalendarDate } from './types.ts';
import { addDays } from '../time/oslo.ts';
import { isBankingDay, nextBankingDay } from './holidays.ts';

/** The due date printed on the invoice: exactly `maturityDays` after the invoice date. */
export function dueDate(invoiceDate: CalendarDate, maturityDays: number): CalendarDate {
  // Order validation allows only the merchant's maturities; anything else here is a bug upstream.
  if (!Number.isSafeInteger(maturityDays) || maturityDays < 0) throw new RangeError(`maturity must be ≥ 0 days, got ${maturityDays}`);
  return addDays(invoiceDate, maturityDays);
}

/** The last day a payment is on time: the due date, or the next banking day when the due date is not one. */
export function latestOnTimePaymentDate(due: CalendarDate): CalendarDate {
  return isBankingDay(due) ? due : nextBankingDay(due);
}

/** True when a payment made on `paidOn` is on time for an invoice due on `due`. */
export function isPaidOnTime(due: CalendarDate, paidOn: CalendarDate): boolean {
  return paidOn <= latestOnTimePaymentDate(due); // YYYY-MM-DD strings order as dates
}

/** The first day on which an unpaid invoice is late: the day after the last on-time payment date. */
export function firstLateDate(due: CalendarDate): CalendarDate {
  return addDays(latestOnTimePaymentDate(due), 1);
}
