/** The `asOf` of a run by hand (SPEC §6.2): a real date, today by default, the future only when allowed. */
import type { Clock } from '../../clock.ts';
import type { CalendarDate } from '../../domain/invoicing/types.ts';
import { isCalendarDate, osloDate } from '../../domain/time/oslo.ts';

export function checkRunDate(
  raw: unknown,
  clock: Clock,
  allowFuture: boolean,
): { ok: true; asOf: CalendarDate } | { ok: false; problem: string } {
  const today = osloDate(clock.now());
  if (raw === undefined || raw === null) return { ok: true, asOf: today };
  if (!isCalendarDate(raw)) return { ok: false, problem: `"${String(raw)}" is not a date as YYYY-MM-DD.` };
  if (raw > today && !allowFuture) {
    return { ok: false, problem: `${raw} is in the future (today is ${today} in Oslo); set EFAKTURA_ALLOW_FUTURE_RUNS=1 to run ahead (tests and demos only).` };
  }
  return { ok: true, asOf: raw };
}
