/**
 * Money and decimal numbers (SPEC §5): every amount inside efaktura is an integer number of øre held in a
 * JS `number` that is always a safe integer. Values arriving from JSON are never multiplied as floats:
 * a JSON number is read through its shortest decimal string (`51.1` → "51.1" → 5110 øre), so what the
 * merchant wrote is what we store.
 */

/** An exact decimal: value = units / 10^scale (scale ≥ 0). Not necessarily normalized ("51.00" keeps scale 2). */
export type Decimal = { units: bigint; scale: number };

/**
 * The largest amount of one line or one order: 1 000 000 000 NOK. Far above any consumer invoice, and low
 * enough that 500 lines of it (SPEC §2.1) still sum to a safe integer, so no total can lose precision.
 */
export const MAX_AMOUNT_ORE = 100_000_000_000;

/**
 * Longer inputs are refused as "not a number": no invoice needs 100 digits, and bounding the length keeps
 * BigInt parsing cheap whatever a client sends (a body may be 1 MB).
 */
const MAX_DECIMAL_CHARS = 100;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

// A decimal string has the shape /^(-?)(\d+)(?:\.(\d+))?$/; `parseDecimalText` reads it by hand.

// The shapes `String(n)` gives for a finite JS number, e.g. "51", "-0.5", "1e+21", "1.5e-7".
const NUMBER_STRING = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

/**
 * Reads a "numeric" request value (SPEC §2.1): a finite JSON number, or a string holding a plain decimal
 * (`"51.00"`, `"1"`, `"-3"`; surrounding whitespace is trimmed, as Laravel's TrimStrings does). Exponent
 * notation is accepted only from JSON numbers (`1e-7` is exactly 0.0000001); strings like `"1e5"`, `".5"`,
 * `"5."`, `"+5"` are refused. Anything else (booleans, arrays, `"abc"`, `""`, NaN) gives null.
 */
export function parseDecimal(value: unknown): Decimal | null {
  if (typeof value === 'number') {
    // A safe integer prints as plain digits, so this is what the NUMBER_STRING route would give.
    if (Number.isSafeInteger(value)) return { units: BigInt(value), scale: 0 };
    if (!Number.isFinite(value)) return null;
    return fromMatch(NUMBER_STRING.exec(String(value)));
  }
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.length > MAX_DECIMAL_CHARS) return null;
    return parseDecimalText(text);
  }
  return null;
}

const ZERO = 48; // '0'
const NINE = 57;
const MINUS = 45;
const DOT = 46;

/** DECIMAL_STRING read by hand (the common path: short strings such as "51.00"); null when it does not match. */
function parseDecimalText(text: string): Decimal | null {
  const start = text.charCodeAt(0) === MINUS ? 1 : 0;
  let dot = -1;
  let digits = 0;
  let number = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      number = number * 10 + (c - ZERO);
      digits++;
    } else if (c === DOT && dot === -1 && i > start) {
      dot = i;
    } else {
      return null;
    }
  }
  if (digits === 0 || dot === text.length - 1) return null;
  const scale = dot === -1 ? 0 : text.length - dot - 1;
  // Up to 15 digits the accumulated number is exact; beyond, read the digits as a BigInt.
  let units = digits <= 15 ? BigInt(number) : BigInt(dot === -1 ? text.slice(start) : text.slice(start, dot) + text.slice(dot + 1));
  if (start === 1) units = -units;
  return { units, scale };
}

/** 10^n as a bigint, from a table for the exponents that occur in practice. */
const POWERS_OF_TEN = Array.from({ length: 32 }, (_, n) => 10n ** BigInt(n));
const pow10 = (n: number): bigint => POWERS_OF_TEN[n] ?? 10n ** BigInt(n);

function fromMatch(m: RegExpExecArray | null): Decimal | null {
  if (m === null) return null;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = m;
  let units = BigInt(whole + fraction);
  let scale = fraction.length - Number(exponent);
  if (scale < 0) {
    units *= pow10(-scale);
    scale = 0;
  }
  return { units: sign === '-' ? -units : units, scale };
}

/** The same value with trailing fractional zeros removed (51.00 → 51, scale 0). */
export function normalizeDecimal(d: Decimal): Decimal {
  let { units, scale } = d;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units, scale };
}

/** Significant decimal places: "51.10" has 1, "51" has 0. Trailing zeros do not count (the value is what matters). */
export function decimalPlaces(d: Decimal): number {
  return d.scale === 0 ? 0 : normalizeDecimal(d).scale;
}

/** -1, 0 or 1, comparing exact values. */
export function compareDecimal(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const x = a.scale === scale ? a.units : a.units * pow10(scale - a.scale);
  const y = b.scale === scale ? b.units : b.units * pow10(scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Converts to øre; null when the value has more than 2 significant decimals or is beyond a safe integer. */
export function decimalToOre(d: Decimal): number | null {
  const n = normalizeDecimal(d);
  if (n.scale > 2) return null;
  const ore = n.units * pow10(2 - n.scale);
  if (ore > MAX_SAFE || ore < -MAX_SAFE) return null;
  return Number(ore);
}

/** The exact decimal value of an øre amount (5100 → 51.00). */
export function oreToDecimal(ore: number): Decimal {
  assertOre(ore);
  return { units: BigInt(ore), scale: 2 };
}

/** `parseDecimal` then `decimalToOre`: a request's money value in øre, or null. */
export function parseOre(value: unknown): number | null {
  const d = parseDecimal(value);
  return d === null ? null : decimalToOre(d);
}

/** The API's money format, always two decimals: 5100 → "51.00", -5 → "-0.05", 0 → "0.00". */
export function formatOre(ore: number): string {
  assertOre(ore);
  return formatScaled(BigInt(ore), 2);
}

/** Normalized decimal text: "1.50" → "1.5", "001" → "1", "-0" → "0", 1e-7 → "0.0000001". */
export function formatDecimal(d: Decimal): string {
  const n = normalizeDecimal(d);
  return formatScaled(n.units, n.scale);
}

function formatScaled(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const text = scale === 0 ? whole : `${whole}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}

function assertOre(ore: number): void {
  // An unsafe or fractional øre value is a programming error upstream, never a client error.
  if (!Number.isSafeInteger(ore)) throw new RangeError(`øre amount must be a safe integer, got ${ore}`);
}
