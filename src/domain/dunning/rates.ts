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
 * Finansdepartementet for each half year from 1 Jan and 1 Jul). Every regulation since the 2013 change has
 * been the policy rate on the first day of the half year + exactly 8 points. Rows say where their value comes
 * from: the regulation or Finansdepartementet's announcement where we could read it, otherwise the policy
 * rate Norges Bank published for that day + 8 points (marked "derived"). Days after the table earn NO
 * interest (we would rather under-claim than charge a rate we cannot source): the operator adds each new
 * half year with EFAKTURA_LATE_INTEREST_RATES (parseLateInterestRates) until the next release carries it.
 */
export const LATE_INTEREST_RATES: readonly LateInterestRate[] = [
  ...[
    ['2020-01-01', '2020-06-30', 950],
    ['2020-07-01', '2020-12-31', 800],
    ['2021-01-01', '2021-06-30', 800],
    ['2021-07-01', '2021-12-31', 800],
    ['2022-01-01', '2022-06-30', 850],
  ].map(([from, to, bp]) => ({
    from: from as CalendarDate, to: to as CalendarDate, basisPoints: bp as number,
    source: `${(bp as number) / 100} % p.a. (forsinkelsesrente.net, "Satsene på forsinkelsesrente": every half year since 1994)`,
  })),
  {
    from: '2022-07-01', to: '2022-12-31', basisPoints: 925,
    source: '9.25 % p.a., second half of 2022, FOR-2022-06-24-1178 (revisjonskompaniet.no; Visma community "Endringer i forsinkelsesrenten", 2022)',
  },
  {
    from: '2023-01-01', to: '2023-06-30', basisPoints: 1075,
    source: '10.75 % p.a. from 1 Jan 2023, forskrift 15 Dec 2022 (regjeringen.no id2951509; regnskapnorge.no)',
  },
  {
    from: '2023-07-01', to: '2023-12-31', basisPoints: 1175,
    source: '11.75 % p.a. from 1 Jul 2023 (zolva.com "Ny fastsatt forsinkelsesrente fra 1. juli", 30 Jun 2023; forsinkelsesrente.net)',
  },
  {
    from: '2024-01-01', to: '2024-06-30', basisPoints: 1250,
    source: '12.5 % p.a., first half of 2024 (regjeringen.no "Forsinkelsesrente og standardkompensasjon fra 1. januar 2024", id3019071)',
  },
  {
    from: '2024-07-01', to: '2024-12-31', basisPoints: 1250,
    source: 'derived: FOR-2024-06-26-1320; Norges Bank\'s policy rate was 4.5 % from December 2023 (rate decision 14 Aug 2024) + 8 points = 12.5 %',
  },
  {
    from: '2025-01-01', to: '2025-06-30', basisPoints: 1250,
    source: '12.5 % p.a. from 1 Jan 2025, FOR-2024-12-19-3279 § 1 (lovdata; reference note §5.4 [43])',
  },
  {
    from: '2025-07-01', to: '2025-12-31', basisPoints: 1225,
    source: 'derived: FOR-2025-06-23-1321; Norges Bank reduced the policy rate to 4.25 % on 18 June 2025 (press release 19 Jun 2025) + 8 points = 12.25 %',
  },
  {
    from: '2026-01-01', to: '2026-06-30', basisPoints: 1200,
    source: 'derived: Norges Bank kept the policy rate at 4 % on 17 Dec 2025 (rate decision December 2025; cut to 4 % in September 2025) + 8 points = 12 %',
  },
];

/**
 * The operator's rows (EFAKTURA_LATE_INTEREST_RATES): `FROM=PERCENT` pairs, comma-separated, each FROM a
 * 1 January or 1 July, e.g. `2026-07-01=11.75`. Each row covers its half year. Rows may only extend the
 * table (a half year the table has is refused: its value was sourced; a release corrects it, not a setting).
 * Throws a RangeError naming the bad part.
 */
export function parseLateInterestRates(text: string, table: readonly LateInterestRate[] = LATE_INTEREST_RATES): LateInterestRate[] {
  const rows: LateInterestRate[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const m = /^(\d{4})-(01|07)-01=(\d{1,2})(?:\.(\d{1,2}))?$/.exec(part);
    if (m === null) throw new RangeError(`"${part}" is not FROM=PERCENT with FROM a 1 January or 1 July (e.g. 2026-07-01=11.75)`);
    const [, year, month, whole, frac = ''] = m;
    const basisPoints = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
    const from = `${year}-${month}-01` as CalendarDate;
    const to = (month === '01' ? `${year}-06-30` : `${year}-12-31`) as CalendarDate;
    if ([...table, ...rows].some((r) => r.from <= to && from <= r.to)) {
      throw new RangeError(`"${part}": the half year from ${from} already has a rate`);
    }
    rows.push({ from, to, basisPoints, source: `operator setting EFAKTURA_LATE_INTEREST_RATES (${part})` });
  }
  return [...table, ...rows].sort((a, b) => (a.from < b.from ? -1 : 1));
}
