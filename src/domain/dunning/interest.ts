/**
 * Late-payment interest (forsinkelsesrente, forsinkelsesrenteloven § 2–3) on an unpaid claim: simple
 * interest, actual days / 365, on the outstanding principal (not on fees), from the first late day to the
 * day of the reminder, inclusive. Computed exactly in integers (BigInt), summed over the rate periods, and
 * rounded once at the end to whole øre, half up. Days with no sourced rate (rates.ts) earn nothing.
 */
import type { CalendarDate } from '../invoicing/types.ts';
import { daysBetween } from '../time/oslo.ts';
import { LATE_INTEREST_RATES, type LateInterestRate } from './rates.ts';

/**
 * Interest in øre on `principalOre` for every day from `firstLateDay` to `lastDay` (both included); 0 when
 * `lastDay` is before `firstLateDay`.
 */
export function lateInterestOre(
  principalOre: number,
  firstLateDay: CalendarDate,
  lastDay: CalendarDate,
  rates: readonly LateInterestRate[] = LATE_INTEREST_RATES,
): number {
  if (!Number.isSafeInteger(principalOre) || principalOre < 0) throw new RangeError(`principal must be øre ≥ 0, got ${principalOre}`);
  if (principalOre === 0 || lastDay < firstLateDay) return 0;
  // Σ principal × basis points × days; one year's interest at 1 bp is principal / 10 000, per day / 365.
  let numerator = 0n;
  for (const rate of rates) {
    const from = rate.from > firstLateDay ? rate.from : firstLateDay;
    const to = rate.to < lastDay ? rate.to : lastDay;
    if (to < from) continue;
    const days = daysBetween(from, to) + 1;
    numerator += BigInt(principalOre) * BigInt(rate.basisPoints) * BigInt(days);
  }
  const denominator = 10_000n * 365n;
  return Number((numerator * 2n + denominator) / (denominator * 2n)); // half up (numerator ≥ 0)
}

/** The number of days from `firstLateDay` to `lastDay` inclusive (0 when not late yet). */
export function daysLate(firstLateDay: CalendarDate, lastDay: CalendarDate): number {
  return lastDay < firstLateDay ? 0 : daysBetween(firstLateDay, lastDay) + 1;
}
