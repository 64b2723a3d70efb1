/** The rules a table is written with (see `rules.ts`), with Laravel 9's default messages. */
import { compareDecimal, decimalPlaces, parseDecimal } from '../../domain/money/money.ts';
import type { Decimal } from '../../domain/money/money.ts';
import { INDEX, asList, isRecord, toBoolean, toInteger } from './rules-engine.ts';
import type { JsonSchema, Rule, RuleKind } from './rules-engine.ts';

// A numeric field's rules (`numeric`, `gte`, `decimal`, `max`) see the same value in turn: parse it once.
// Only successful parses of primitives are kept, so no request object (and no long string) is retained.
let lastNumericInput: unknown;
let lastNumeric: Decimal | null = null;

/** `parseDecimal`, remembering the last value read. The result is shared: never modify it. */
export function numericValue(value: unknown): Decimal | null {
  if (lastNumeric !== null && value === lastNumericInput) return lastNumeric;
  const d = parseDecimal(value);
  if (d !== null) {
    lastNumericInput = value;
    lastNumeric = d;
  }
  return d;
}

const hasType = (node: JsonSchema, type: string) =>
  node.type === type || (Array.isArray(node.type) && node.type.includes(type));
const codePoints = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};
const NUMERIC_PATTERN = '^\\s*-?\\d+(\\.\\d+)?\\s*$';

export const required = (): Rule => ({ kind: 'presence', notation: 'required', check: () => null });

export const string = (): Rule => ({
  kind: 'type',
  notation: 'string',
  check: (v) => (typeof v === 'string' ? null : 'The :attribute must be a string.'),
  schema: (s) => void (s.type = 'string'),
});

/** A JSON number or a decimal string (see `parseDecimal`). */
export const numeric = (): Rule => ({
  kind: 'type',
  notation: 'numeric',
  check: (v) => (numericValue(v) === null ? 'The :attribute must be a number.' : null),
  schema: (s) => Object.assign(s, { type: ['number', 'string'], pattern: NUMERIC_PATTERN }),
});

export const integer = (): Rule => ({
  kind: 'type',
  notation: 'integer',
  check: (v) => (toInteger(v) === null ? 'The :attribute must be an integer.' : null),
  schema: (s) => Object.assign(s, { type: ['integer', 'string'], pattern: '^\\s*-?\\d+\\s*$' }),
});

export const boolean = (): Rule => ({
  kind: 'type',
  notation: 'boolean',
  check: (v) => (toBoolean(v) === null ? 'The :attribute field must be true or false.' : null),
  schema: (s) => void (s.enum = [true, false, 0, 1, '0', '1', 'true', 'false']),
});

/** A JSON object (Laravel calls every PHP array an "array", hence the message). */
export const object = (): Rule => ({
  kind: 'type',
  notation: 'array',
  check: (v) => (isRecord(v) ? null : 'The :attribute must be an array.'),
  schema: (s) => void (s.type = 'object'),
});

/** A JSON array or an object keyed "0".."n-1" (see `asList`). */
export const list = (): Rule => ({
  kind: 'type',
  notation: 'array',
  check: (v) => (asList(v) === null ? 'The :attribute must be an array.' : null),
  schema: (s) => void (s.type = 'array'),
  wrapSchema: ({ type: _type, items, minItems, maxItems, ...rest }) => ({
    ...rest,
    oneOf: [
      { type: 'array', items, minItems, maxItems },
      {
        type: 'object',
        description: 'The same list as an object keyed "0", "1", … without gaps (PHP\'s encoding of a list).',
        propertyNames: { pattern: INDEX.source },
        additionalProperties: items,
        minProperties: minItems,
        maxProperties: maxItems,
      },
    ].map((alt) => Object.fromEntries(Object.entries(alt).filter(([, value]) => value !== undefined))),
  }),
});

/** Characters of a string (code points, like mb_strlen) or items of a list. */
export const max = (limit: number): Rule => ({
  kind: 'constraint',
  notation: `max:${limit}`,
  check: (v) => {
    if (typeof v === 'string') return codePoints(v) > limit ? `The :attribute must not be greater than ${limit} characters.` : null;
    const items = asList(v);
    return items && items.length > limit ? `The :attribute must not have more than ${limit} items.` : null;
  },
  schema: (s) => void (hasType(s, 'array') ? (s.maxItems = limit) : (s.maxLength = limit)),
});

export const min = (limit: number): Rule => ({
  kind: 'constraint',
  notation: `min:${limit}`,
  check: (v) => {
    if (typeof v === 'string') return codePoints(v) < limit ? `The :attribute must be at least ${limit} characters.` : null;
    const items = asList(v);
    return items && items.length < limit ? `The :attribute must have at least ${limit} items.` : null;
  },
  schema: (s) => void (hasType(s, 'array') ? (s.minItems = limit) : (s.minLength = limit)),
});

function numericBound(notation: string, bound: number, fails: (c: number) => boolean, message: string, keyword: string): Rule {
  const limit = parseDecimal(bound) as Decimal;
  return {
    kind: 'constraint',
    notation: `${notation}:${bound}`,
    check: (v) => {
      const d = numericValue(v);
      return d !== null && fails(compareDecimal(d, limit)) ? message : null;
    },
    schema: (s) => void (s[keyword] = bound),
  };
}

/** Numeric value ≤ limit (Laravel's `max` on a numeric field). */
export const maxValue = (limit: number): Rule =>
  numericBound('max', limit, (c) => c > 0, `The :attribute must not be greater than ${limit}.`, 'maximum');
export const gt = (bound: number): Rule =>
  numericBound('gt', bound, (c) => c <= 0, `The :attribute must be greater than ${bound}.`, 'exclusiveMinimum');
export const gte = (bound: number): Rule =>
  numericBound('gte', bound, (c) => c < 0, `The :attribute must be greater than or equal to ${bound}.`, 'minimum');

/** At most `places` significant decimals (money: 2, SPEC §2.1). */
export const decimals = (places: number): Rule => ({
  kind: 'constraint',
  notation: `decimal:0,${places}`,
  check: (v) => {
    const d = numericValue(v);
    return d !== null && decimalPlaces(d) > places ? `The :attribute must not have more than ${places} decimal places.` : null;
  },
});

export interface InListOptions {
  /** Maps the input to the form the allowed values are written in (e.g. upper case); null = not allowed. */
  normalize?: (value: unknown) => string | null;
  /** Whether the schema lists the values as an `enum` (default: yes). */
  enumInSchema?: boolean;
}

const scalarText = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

export const inList = (values: readonly (string | number)[], options: InListOptions = {}): Rule => {
  const allowed = new Set(values.map(String));
  const normalize = options.normalize ?? scalarText;
  return {
    kind: 'constraint',
    notation: `in:${values.join(',')}`,
    check: (v) => {
      const key = normalize(v);
      return key !== null && allowed.has(key) ? null : 'The selected :attribute is invalid.';
    },
    schema: (s) => {
      if (options.enumInSchema === false) return;
      // Numbers are also accepted as strings ("1" for 1), as Laravel compares string forms.
      s.enum = values.flatMap((value) => (typeof value === 'number' ? [value, String(value)] : [value]));
    },
  };
};

export const regex = (pattern: RegExp): Rule => ({
  kind: 'constraint',
  notation: `regex:${pattern}`,
  check: (v) => {
    const text = scalarText(v);
    return text !== null && pattern.test(text) ? null : 'The :attribute format is invalid.';
  },
  schema: (s) => void (s.pattern = pattern.source),
});

/** Digits only, as a string or a non-negative JSON integer (Laravel's `digits`/`digits_between`). */
function digitCount(v: unknown): number | null {
  const text = typeof v === 'number' ? (Number.isSafeInteger(v) && v >= 0 ? String(v) : null) : scalarText(v);
  return text !== null && /^\d+$/.test(text) ? text.length : null;
}

export const digits = (count: number): Rule => ({
  kind: 'constraint',
  notation: `digits:${count}`,
  check: (v) => (digitCount(v) === count ? null : `The :attribute must be ${count} digits.`),
  schema: (s) => Object.assign(s, { type: s.type ?? ['string', 'integer'], pattern: `^\\d{${count}}$` }),
});

export const digitsBetween = (lo: number, hi: number): Rule => ({
  kind: 'constraint',
  notation: `digits_between:${lo},${hi}`,
  check: (v) => {
    const n = digitCount(v);
    return n !== null && n >= lo && n <= hi ? null : `The :attribute must be between ${lo} and ${hi} digits.`;
  },
  schema: (s) => Object.assign(s, { type: s.type ?? ['string', 'integer'], pattern: `^\\d{${lo},${hi}}$` }),
});

// Dot-atom local part and a dotted host name (or IP literal); a dot in the domain is required because an
// invoice is mailed to it, and Laravel's stricter `email:filter` requires it too.
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\u0080-\\uFFFF-]+";
const LABEL = '[A-Za-z0-9\\u0080-\\uFFFF](?:[A-Za-z0-9\\u0080-\\uFFFF-]{0,61}[A-Za-z0-9\\u0080-\\uFFFF])?';
const EMAIL = new RegExp(`^${ATOM}(?:\\.${ATOM})*@(?:(?:${LABEL}\\.)+${LABEL}|\\[[0-9A-Fa-f:.]+\\])$`, 'u');

export const email = (): Rule => ({
  kind: 'type',
  notation: 'email',
  check: (v) =>
    typeof v === 'string' && v.length <= 254 && EMAIL.test(v) ? null : 'The :attribute must be a valid email address.',
  schema: (s) => Object.assign(s, { type: 'string', format: 'email', maxLength: 254 }),
});

/** An absolute http(s) URL with a host; whitespace and control characters are refused, not encoded. */
export const url = (): Rule => ({
  kind: 'constraint',
  notation: 'url',
  check: (v) => {
    if (typeof v !== 'string' || /[\s\u0000-\u001F\u007F]/u.test(v)) return 'The :attribute must be a valid URL.';
    const parsed = URL.parse(v);
    const ok = parsed !== null && (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
    return ok && /^https?:\/\//i.test(v) ? null : 'The :attribute must be a valid URL.';
  },
  schema: (s) => Object.assign(s, { format: 'uri', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://' }),
});

/** A one-off rule with a fixed message, for formats specific to one endpoint. */
export const custom = (
  notation: string,
  kind: RuleKind,
  passes: (value: unknown) => boolean,
  message: string,
  schema?: (node: JsonSchema) => void,
): Rule => ({ kind, notation, check: (v) => (passes(v) ? null : message), ...(schema ? { schema } : {}) });
