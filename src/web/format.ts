/**
 * How the dashboard shows money and time: øre as `kr 1 234,50` in Norwegian (`NOK 1,234.50` in English),
 * computed with integers only (no float ever touches an amount), and instants in Europe/Oslo.
 */
import type { Language } from './i18n.ts';

const NBSP = '\u00a0';

/** Integer øre → `kr 1 234,50` (no) or `NOK 1,234.50` (en); negative amounts get a minus sign. */
export function formatMoney(ore: number, language: Language): string {
  if (!Number.isSafeInteger(ore)) throw new RangeError(`not an amount in øre: ${ore}`);
  const negative = ore < 0;
  const abs = BigInt(Math.abs(ore));
  const kroner = (abs / 100n).toString();
  const cents = (abs % 100n).toString().padStart(2, '0');
  const group = language === 'no' ? NBSP : ',';
  const grouped = kroner.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const sign = negative ? '−' : '';
  return language === 'no' ? `${sign}kr${NBSP}${grouped},${cents}` : `${sign}NOK${NBSP}${grouped}.${cents}`;
}

const dateTimeFormats = {
  no: new Intl.DateTimeFormat('nb-NO', { timeZone: 'Europe/Oslo', dateStyle: 'short', timeStyle: 'medium' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Oslo', dateStyle: 'medium', timeStyle: 'medium' }),
};

/** An instant as a date and time in Europe/Oslo, e.g. `01.12.2026, 08:15:02` (no). */
export function formatInstant(at: Date, language: Language): string {
  return dateTimeFormats[language].format(at);
}

/** A calendar date `YYYY-MM-DD` as the language writes it: `01.12.2026` (no), `1 Dec 2026` (en). */
export function formatCalendarDate(date: string | null, language: Language): string {
  if (date === null) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  if (language === 'no') return `${m[3]}.${m[2]}.${m[1]}`;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${Number(m[3])} ${months[Number(m[2]) - 1]} ${m[1]}`;
}
