/** Points in time as people write them on a command line or in an admin request. */

/** Year 9999, as for order dates: also refuses millisecond timestamps sent by mistake. */
export const MAX_UNIX_SECONDS = 253_402_300_799;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A point in time as an operator writes it: Unix seconds (a number or digit string), an ISO 8601 date
 * (midnight UTC) or an ISO 8601 date-time with a zone (`2025-01-31T12:00:00Z`, `…+01:00`). A date-time
 * without a zone is refused rather than read in whatever zone the server runs in. Null when unreadable.
 */
export function parseInstant(value: unknown): Date | null {
  let ms: number;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0 || value > MAX_UNIX_SECONDS) return null;
    ms = value * 1000;
  } else if (typeof value !== 'string') {
    return null;
  } else if (/^\d{1,12}$/.test(value.trim())) {
    const seconds = Number(value.trim());
    if (seconds > MAX_UNIX_SECONDS) return null;
    ms = seconds * 1000;
  } else {
    const text = value.trim();
    const m = ISO_DATE_TIME.exec(text);
    if (ISO_DATE.test(text)) ms = Date.parse(`${text}T00:00:00Z`);
    else if (m) {
      const zone = m[3]!.toUpperCase() === 'Z' ? 'Z' : m[3]!.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
      ms = Date.parse(`${m[1]}T${m[2]}${zone}`);
    } else return null;
  }
  return Number.isFinite(ms) ? new Date(ms) : null;
}
