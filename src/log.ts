/**
 * Structured JSON logs (pino). A personal number (fødselsnummer, D-number) never reaches a log line,
 * not even in part: its first six digits are the birth date, itself personal data (SPEC §8).
 *
 * Two rules, applied to every log object (also nested, also inside errors) and to the message:
 * - a field whose name says it is a personal number (`personalNumber`, `personal_number`, any case)
 *   is replaced whole, whatever it holds;
 * - in any text, every run of exactly 11 digits (also written 6+5 with a space, dot or dash) is
 *   masked. We mask every such run, not only those with a valid fødselsnummer checksum: a mistyped
 *   number is still somebody's birth date, and a pg error's `detail` quotes whatever was sent. The
 *   price is that account numbers and KIDs of 11 digits are masked in free text too.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export const MASKED = '[masked]';
const PERSONAL_NUMBER_KEY = /^(personal[_-]?number|f(oe|ø|o)dselsnummer|fnr|ssn|national[_-]?id)$/i;
const ELEVEN_DIGITS = /(?<!\d)\d{6}[ .-]?\d{5}(?!\d)/g;
const MAX_DEPTH = 10;

export function maskText(text: string): string {
  return text.replace(ELEVEN_DIGITS, MASKED);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** An error as pino's serializer would show it (type, message, stack, own fields), masked. */
function maskError(error: Error, seen: WeakSet<object>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { type: error.constructor?.name ?? 'Error', message: maskText(error.message) };
  if (error.stack !== undefined) out.stack = maskText(error.stack);
  for (const [key, value] of Object.entries(error)) out[key] = maskField(key, value, seen, depth + 1);
  if (error.cause !== undefined) out.cause = maskField('cause', error.cause, seen, depth + 1);
  return out;
}

function maskField(key: string, value: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (PERSONAL_NUMBER_KEY.test(key) && value !== null && value !== undefined) return MASKED;
  return maskValue(value, seen, depth);
}

/**
 * Masks strings, plain objects, arrays and errors. Other objects (Fastify's request and reply) are
 * left to their pino serializers, which log only method, URL and status.
 */
export function maskValue(value: unknown, seen = new WeakSet<object>(), depth = 0): unknown {
  if (typeof value === 'string') return maskText(value);
  if (typeof value === 'number' && Number.isInteger(value)) return maskText(String(value)) === String(value) ? value : MASKED;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH || seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => maskValue(item, seen, depth + 1));
  if (value instanceof Error) return maskError(value, seen, depth);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = maskField(key, item, seen, depth + 1);
  return out;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'efaktura' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { log: (object) => maskValue(object) as Record<string, unknown> },
      hooks: {
        // The message and its printf arguments are text too.
        logMethod(args, method) {
          return method.apply(this, args.map((arg) => (typeof arg === 'object' ? arg : maskValue(arg))) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
