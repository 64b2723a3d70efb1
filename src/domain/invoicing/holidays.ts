/**
 * Norwegian public holidays (lov om helligdager og helligdagsfred § 1, and 1 and 17 May by lov om 1. og
 * 17. mai som høgtidsdager) and banking days, for the due-date rule of SPEC §6.3. Easter is computed here
 * (the anonymous Gregorian algorithm, Meeus/Jones/Butcher), so no holiday table needs yearly updates.
 */
import type { CalendarDate } from './types.ts';
import { addDays, calendarDate, weekday } from '../time/oslo.ts';

export interface PublicHoliday {
  date: CalendarDate;
  /** The Norwegian name, as a calendar prints it. */
  name: string;
}

/** Easter Sunday of a Gregorian year. */
export function easterSunday(year: number): CalendarDate {
  if (!Number.isInteger(year) || year < 1583 || year > 9999) throw new RangeError(`year must be 1583–9999, got ${year}`);
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return calendarDate(year, month, day);
}

/** The twelve public holidays of `year`, in date order. */
export function norwegianPublicHolidays(year: number): PublicHoliday[] {
  const easter = easterSunday(year);
  const holidays: PublicHoliday[] = [
    { date: calendarDate(year, 1, 1), name: 'Første nyttårsdag' },
    { date: addDays(easter, -3), name: 'Skjærtorsdag' },
    { date: addDays(easter, -2), name: 'Langfredag' },
    { date: easter, name: 'Første påskedag' },
    { date: addDays(easter, 1), name: 'Andre påskedag' },
    { date: calendarDate(year, 5, 1), name: 'Arbeidernes dag' },
    { date: calendarDate(year, 5, 17), name: 'Grunnlovsdagen' },
    { date: addDays(easter, 39), name: 'Kristi himmelfartsdag' },
    { date: addDays(easter, 49), name: 'Første pinsedag' },
    { date: addDays(easter, 50), name: 'Andre pinsedag' },
    { date: calendarDate(year, 12, 25), name: 'Første juledag' },
    { date: calendarDate(year, 12, 26), name: 'Andre juledag' },
  ];
  // Ascension can fall on 1 or 17 May; both stay listed, sorting keeps the calendar order.
  return holidays.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
}

// Holidays per year, computed once: the due-date rule asks about the same few years again and again.
const holidayCache = new Map<number, ReadonlySet<CalendarDate>>();

function holidaySet(year: number): ReadonlySet<CalendarDate> {
  let set = holidayCache.get(year);
  if (set === undefined) {
    set = new Set(norwegianPublicHolidays(year).map((h) => h.date));
    holidayCache.set(year, set);
  }
  return set;
}

export function isPublicHoliday(date: CalendarDate): boolean {
  return holidaySet(Number(date.slice(0, 4))).has(date);
}

/** Monday to Friday and not a public holiday: a day on which a bank payment is made (SPEC §6.3). */
export function isBankingDay(date: CalendarDate): boolean {
  const day = weekday(date);
  return day !== 0 && day !== 6 && !isPublicHoliday(date);
}

/** The first banking day after `date` (never `date` itself). */
export function nextBankingDay(date: CalendarDate): CalendarDate {
  let next = addDays(date, 1);
  // At most 6 steps: the longest run of non-banking days is the five from Maundy Thursday to Easter Monday.
  while (!isBankingDay(next)) next = addDays(next, 1);
  return next;
}
