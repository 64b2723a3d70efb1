/**
 * The dated legal amounts of dunning (SPEC §7, reference note §5.4), kept as tables, not in code paths:
 * rates change twice a year and fee caps with regulations. Each row names its source. Add a row when a new
 * regulation is published; never edit a past row (old claims keep the rules of their time).
 */
import type { CalendarDate } from '../invoicing/types.ts';

export interface ReminderFeeCap {
  /** The cap applies to claims whose due date is on or after this date. */
  claimsDueFrom: CalendarDate;
  capOre: number;
  source: string;
}

/**
 * The reminder fee (purregebyr) cap, per written reminder or debt-collection notice: inkassoforskriften
 * § 1-2 ties it to the inkassosats (700 kr since 2017). It was 1/10 of it (70 kr) and was halved to 35 kr
 * for claims due on or after 1 Oct 2020 (reference note §5.4, sources [39][40]; Kred's 2025 list: purring
 * 35, inkassovarsel 35).
 */
export const REMINDER_FEE_CAPS: readonly ReminderFeeCap[] = [
  { claimsDueFrom: '2017-01-01', capOre: 7000, source: 'inkassoforskriften § 1-2: 1/10 of the inkassosats of 700 kr (reference note §5.4 [40])' },
  { claimsDueFrom: '2020-10-01', capOre: 3500, source: 'inkassoforskriften § 1-2 as amended from 1 Oct 2020: 35 kr (reference note §5.4 [39][40][41])' },
];

/** The legal cap of one fee for a claim due on `claimDueDate`; the oldest row applies before the table starts. */
export function reminderFeeCapOre(claimDueDate: CalendarDate, caps: readonly ReminderFeeCap[] = REMINDER_FEE_CAPS): number {
  let cap = caps[0]!.capOre;
  for (const row of caps) if (row.claimsDueFrom <= claimDueDate) cap = row.capOre;
  return cap;
}

export interface LateInterestRate {
  /** First day (inclusive) and last day (inclusive) the rate applies to. */
  from: CalendarDate;
  to: CalendarDate;
  /** Per cent per year in basis points: 1250 = 12.50 % p.a. */
  basisPoints: number;
  source: string;
}

/**
 * Forsinkelsesrente (forsinkelsesrenteloven § 3: Norges Bank's policy rate + at least 8 points, fixed by
 * Finansdepartementet for each half year from 1 Jan and 1 Jul). Only rates we could confirm from a published
 * source are listed; each covers its half year. Days in a half year missing from this table earn NO interest
 * (we would rather under-claim than charge a rate we cannot source): 1 Jul 2023 – 31 Dec 2024 and every day
 * from 1 Jul 2025 are not covered yet (the regulation FOR-2025-06-23-1321 replaced FOR-2024-12-19-3279 from
 * 1 Jul 2025; its rate is not in our sources — see the reference note §8 question 4). An operator adds the
 * rows when confirmed, each with its regulation.
 */
export const LATE_INTEREST_RATES: readonly LateInterestRate[] = [
  {
    from: '2022-07-01', to: '2022-12-31', basisPoints: 925,
    source: '9.25 % p.a., second half of 2022 (revisjonskompaniet.no, "Forsinkelsesrente og standardkompensasjon for andre halvår 2022")',
  },
  {
    from: '2023-01-01', to: '2023-06-30', basisPoints: 1075,
    source: '10.75 % p.a. from 1 Jan 2023, forskrift 15 Dec 2022 (regjeringen.no id2951509; regnskapnorge.no)',
  },
  {
    from: '2025-01-01', to: '2025-06-30', basisPoints: 1250,
    source: '12.5 % p.a. from 1 Jan 2025, FOR-2024-12-19-3279 § 1 (lovdata; reference note §5.4 [43])',
  },
];
