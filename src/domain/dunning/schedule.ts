/**
 * When an unpaid invoice takes its next dunning step, and what the step claims (SPEC §7, inkassoloven § 9,
 * inkassoforskriften § 1-2, reference note §5.4). Pure: the run (app/dunning) loads the invoice and its
 * steps, asks here, and writes what comes back.
 *
 * Glossary: reminder = betalingspåminnelse/purring; notice = inkassovarsel (debt-collection notice);
 * collection = the claim is handed to debt collection (the order becomes INKASSO).
 *
 * The chain, each step counted from the previous deadline moved to the next banking day when it is not one
 * (a payment on that banking day is on time, SPEC §6.3):
 *   invoice due  ──14 days──▶ reminder (fee, new due date ≥ 14 days later, on a banking day)
 *   reminder due ──14 days──▶ notice   (fee, says the claim goes to collection, due ≥ 14 days later)
 *   notice due   ──14 days──▶ collection (INKASSO, no fee)
 * Waiting longer than the law requires is always lawful; a run that missed days takes one step per run
 * (never two at once), so the customer always gets each deadline in full.
 *
 * Fees: the law allows at most two fees for one claim, each at most the cap (two reminders, or one reminder
 * and one notice). efaktura sends one reminder and one notice, so each may carry the merchant's fee, capped
 * by the cap of the claim's due date; the collection step carries none. Interest: rates.ts, interest.ts.
 */
import { latestOnTimePaymentDate } from '../invoicing/due-date.ts';
import type { CalendarDate } from '../invoicing/types.ts';
import { addDays } from '../time/oslo.ts';
import { lateInterestOre } from './interest.ts';
import { LATE_INTEREST_RATES, reminderFeeCapOre, type LateInterestRate } from './rates.ts';

export const DUNNING_KINDS = ['reminder', 'notice', 'collection'] as const;
export type DunningKind = (typeof DUNNING_KINDS)[number];

/** Days between a missed deadline and the next step, and a step's payment period (SPEC §7: 14 and 14). */
export const DAYS_AFTER_DEADLINE = 14;
export const PAYMENT_DAYS = 14;
/** At most two fees per claim (reference note §5.4 [41]). */
export const MAX_FEES = 2;

export interface DunningStepSoFar {
  kind: DunningKind;
  date: CalendarDate;
  feeOre: number;
  /** The step's own payment deadline; null for collection. */
  dueDate: CalendarDate | null;
}

export interface DunningSituation {
  /** The invoice's printed due date. */
  invoiceDueDate: CalendarDate;
  /** Total − credited − paid, never below zero (SPEC §7). */
  outstandingOre: number;
  /** The merchant's reminder fee setting (already ≤ the cap when stored; capped here again by date). */
  merchantFeeOre: number;
  /** Steps taken so far, oldest first. */
  steps: readonly DunningStepSoFar[];
}

export interface DunningStep {
  kind: DunningKind;
  date: CalendarDate;
  feeOre: number;
  /** Interest from the invoice's first late day to the step's date, on the outstanding amount. */
  interestOre: number;
  /** The new payment deadline (a banking day); null for collection. */
  dueDate: CalendarDate | null;
  /** What the customer is asked to pay: outstanding + every fee so far (this one included) + interest. */
  totalOre: number;
}

/** The first day after `deadline` (moved to a banking day) plus `days`: the earliest day of the next step. */
export function earliestStepDate(deadline: CalendarDate, days = DAYS_AFTER_DEADLINE): CalendarDate {
  return addDays(latestOnTimePaymentDate(deadline), days);
}

/** A step's payment deadline: `PAYMENT_DAYS` after it, moved to the next banking day when it is not one. */
export function stepDueDate(stepDate: CalendarDate): CalendarDate {
  return latestOnTimePaymentDate(addDays(stepDate, PAYMENT_DAYS));
}

/** The first late day of an invoice: interest runs from here (the day after the last on-time payment day). */
export function firstLateDay(invoiceDueDate: CalendarDate): CalendarDate {
  return addDays(latestOnTimePaymentDate(invoiceDueDate), 1);
}

/** The step due on `asOf`, or null: nothing owed, the chain is complete, or the next step's day has not come. */
export function nextDunningStep(
  s: DunningSituation,
  asOf: CalendarDate,
  rates: readonly LateInterestRate[] = LATE_INTEREST_RATES,
): DunningStep | null {
  if (!Number.isSafeInteger(s.outstandingOre) || s.outstandingOre <= 0) return null;
  const last = s.steps.at(-1);
  const kind: DunningKind | null = last === undefined ? 'reminder' : last.kind === 'reminder' ? 'notice' : last.kind === 'notice' ? 'collection' : null;
  if (kind === null) return null;
  const deadline = last === undefined ? s.invoiceDueDate : last.dueDate;
  if (deadline === null) return null;
  if (asOf < earliestStepDate(deadline)) return null;

  const feesSoFar = s.steps.filter((step) => step.feeOre > 0);
  const feesOre = feesSoFar.reduce((sum, step) => sum + step.feeOre, 0);
  const feeAllowed = kind !== 'collection' && feesSoFar.length < MAX_FEES;
  const feeOre = feeAllowed ? Math.max(0, Math.min(s.merchantFeeOre, reminderFeeCapOre(s.invoiceDueDate))) : 0;
  const interestOre = lateInterestOre(s.outstandingOre, firstLateDay(s.invoiceDueDate), asOf, rates);
  return {
    kind,
    date: asOf,
    feeOre,
    interestOre,
    dueDate: kind === 'collection' ? null : stepDueDate(asOf),
    totalOre: s.outstandingOre + feesOre + feeOre + interestOre,
  };
}

/** The order status a step moves the invoice's orders to (SPEC §3): null = the status stays. */
export function statusAfterStep(kind: DunningKind): 'PURRING' | 'INKASSO' | null {
  return kind === 'reminder' ? 'PURRING' : kind === 'collection' ? 'INKASSO' : null;
}
