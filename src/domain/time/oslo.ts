/**
 * Calendar dates in Europe/Oslo (SPEC §6: every invoicing date is an Oslo calendar date), from instants,
 * with the zone rules of the runtime's ICU data through `Intl.DateTimeFormat`: no dependency, and daylight
 * saving time (last Sunday of March 02:00 → 03:00, last Sunday of October 03:00 → 02:00) handled there,
 * not by hand.
 *
 * A calendar date is the string `YYYY-MM-DD`; its arithmetic is done on the proleptic Gregorian calendar
 * in UTC, where every day has 24 hours, so adding days never meets a DST change.
 */
import type { CalendarDate } from '../invoicing/types.ts';

export const OSLO_TIME_ZONE = 'Europe/Oslo';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

// Built once: constructing a DateTimeFormat costs far more than formatting with it.
const osloFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: OSLO_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** What a clock in Oslo shows at `instant`. */
function osloWallClock(instant: Date): WallClock {
  const parts: Record<string, number> = {};
  for (const part of osloFormat.formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** The Oslo calendar date at `instant`. */
export function osloDate(instant: Date): CalendarDate {
  const c = osloWallClock(instant);
  return formatDate(c.year, c.month, c.day);
}

/** The hour (0–23) a clock in Oslo shows at `instant`. */
export function osloHour(instant: Date): number {
  return osloWallClock(instant).hour;
}

/** Oslo's offset from UTC at `instant` in milliseconds: one hour in winter, two in summer. */
export function osloOffsetMs(instant: Date): number {
  const c = osloWallClock(instant);
  const wall = Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second);
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The first instant at which Oslo's clock shows `date` at `hour`:00. When DST skips that hour (02:00 on the
 * last Sunday of March) that is the moment the clock jumps past it; when the hour happens twice (02:00 on the
 * last Sunday of October), the first time.
 */
export function osloInstant(date: CalendarDate, hour = 0): Date {
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new RangeError(`hour must be 0–23, got ${hour}`);
  const wall = dateToUtcMs(date) + hour * HOUR_MS;
  // The offsets a day before and a day after cover both sides of any transition on that date.
  const before = osloOffsetMs(new Date(wall - DAY_MS));
  const after = osloOffsetMs(new Date(wall + DAY_MS));
  const candidates = [wall - before, wall - after].filter((ms) => {
    const c = osloWallClock(new Date(ms));
    return Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second) === wall;
  });
  // No candidate: the wall time lies in the spring gap, which ends at wall − (offset before).
  return new Date(candidates.length > 0 ? Math.min(...candidates) : wall - before);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for an existing calendar date written `YYYY-MM-DD` (so `2026-02-30` is false). */
export function isCalendarDate(value: unknown): value is CalendarDate {
  if (typeof value !== 'string') return false;
  const m = DATE.exec(value);
  if (m === null) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** `date` plus `days` (negative to go back). */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  if (!Number.isSafeInteger(days)) throw new RangeError(`days must be an integer, got ${days}`);
  const d = new Date(dateToUtcMs(date) + days * DAY_MS);
  return formatDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((dateToUtcMs(to) - dateToUtcMs(from)) / DAY_MS);
}

/** -1, 0 or 1. (`YYYY-MM-DD` strings of years 1000–9999 order as text too; this also checks both are dates.) */
export function compareDates(a: CalendarDate, b: CalendarDate): number {
  assertDate(a);
  assertDate(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** 0 = Sunday … 6 = Saturday, as `Date#getUTCDay`. */
export function weekday(date: CalendarDate): number {
  return new Date(dateToUtcMs(date)).getUTCDay();
}

/** Builds `YYYY-MM-DD` from numbers (month 1–12); the day may overflow into the next month. */
export function calendarDate(year: number, month: number, day: number): CalendarDate {
  const d = new Date(Date.UTC(year, month - 1, day));
  return formatDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

function dateToUtcMs(date: CalendarDate): number {
  assertDate(date);
  return Date.parse(`${date}T00:00:00Z`);
}

function assertDate(date: CalendarDate): void {
  // Dates reach the domain already validated (isCalendarDate at the boundary); a bad one here is a bug.
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date (YYYY-MM-DD): "${date}"`);
}

function formatDate(year: number, month: number, day: number): CalendarDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
