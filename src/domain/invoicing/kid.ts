/**
 * KID (kundeidentifikasjon), the payment reference the bank reports back with every payment, so a payment
 * finds its invoice without a person reading it (reference note §2). Check digits as the Nets "System
 * specification OCR giro" §5 defines them; the vectors of reference note §2.2 are in the tests.
 *
 * The MOD11 weighting here (2,3,4,5,6,7,2,3,… from the rightmost digit) is the same one that organisation
 * and account numbers use (their fixed weight lists are this cycle read from the left), so `mod11Remainder`
 * is the one implementation of it.
 */
import type { KidCheck } from './types.ts';

/** MPS accepts KIDs of 4 to 25 characters, check digit included (reference note §2.1). */
export const KID_MIN_LENGTH = 4;
export const KID_MAX_LENGTH = 25;

/** SPEC §6.3 layout: customer number (7) + invoice number (8) + check digit = 16. */
export const KID_CUSTOMER_DIGITS = 7;
export const KID_INVOICE_DIGITS = 8;
export const MAX_KID_CUSTOMER_NUMBER = 10 ** KID_CUSTOMER_DIGITS - 1;
/** The largest invoice number the KID layout can carry: a merchant's number series must stay below it. */
export const MAX_KID_INVOICE_NUMBER = 10 ** KID_INVOICE_DIGITS - 1;

const DIGITS = /^\d+$/;

function assertDigits(digits: string): void {
  // A non-digit here is a programming error (the callers build the base from numbers), never user input.
  if (!DIGITS.test(digits)) throw new RangeError(`a KID base must be digits only, got "${digits}"`);
}

/** Σ digit × weight with weights 2,3,4,5,6,7,2,3,… from the rightmost digit, modulo 11. */
export function mod11Remainder(digits: string): number {
  assertDigits(digits);
  let sum = 0;
  for (let i = digits.length - 1, weight = 2; i >= 0; i--, weight = weight === 7 ? 2 : weight + 1) {
    sum += (digits.charCodeAt(i) - 48) * weight;
  }
  return sum % 11;
}

/** The MOD10 (Luhn) check digit of `digits`: weights 2,1,2,1,… from the right, digit sums of the products. */
export function kidMod10(digits: string): string {
  assertDigits(digits);
  let sum = 0;
  for (let i = digits.length - 1, weight = 2; i >= 0; i--, weight = weight === 2 ? 1 : 2) {
    const product = (digits.charCodeAt(i) - 48) * weight;
    sum += product > 9 ? product - 9 : product;
  }
  return String((10 - (sum % 10)) % 10);
}

/** The MOD11 check digit of `digits`; remainder 1 would give 10, which the OCR spec writes as '-'. */
export function kidMod11(digits: string): string {
  const remainder = mod11Remainder(digits);
  return remainder === 0 ? '0' : remainder === 1 ? '-' : String(11 - remainder);
}

export function kidCheckDigit(digits: string, check: KidCheck): string {
  return check === 'mod10' ? kidMod10(digits) : kidMod11(digits);
}

/**
 * Why `kid` is not a valid KID under `check`, as a sentence, or null when it is: 4–25 characters, digits
 * only except a final '-' under MOD11, and a matching check digit.
 */
export function kidProblem(kid: string, check: KidCheck): string | null {
  if (kid.length < KID_MIN_LENGTH || kid.length > KID_MAX_LENGTH) {
    return `A KID has ${KID_MIN_LENGTH} to ${KID_MAX_LENGTH} characters; "${kid}" has ${kid.length}.`;
  }
  const base = kid.slice(0, -1);
  const last = kid.slice(-1);
  if (!DIGITS.test(base) || !(DIGITS.test(last) || (check === 'mod11' && last === '-'))) {
    return check === 'mod11'
      ? `A KID holds digits only, with '-' allowed as the last character under MOD11; "${kid}" does not.`
      : `A KID holds digits only; "${kid}" does not.`;
  }
  const expected = kidCheckDigit(base, check);
  return expected === last ? null : `The ${check.toUpperCase()} check digit of KID "${kid}" should be "${expected}".`;
}

export function isValidKid(kid: string, check: KidCheck): boolean {
  return kidProblem(kid, check) === null;
}

export interface KidParts {
  /** The customer's number within the merchant, 0 … 9 999 999. */
  customerNumber: number;
  /** The invoice's number in the merchant's series, 0 … 99 999 999. */
  invoiceNumber: number;
  check: KidCheck;
}

/**
 * The KID of an invoice (SPEC §6.3): customer number in 7 digits + invoice number in 8 digits + check digit,
 * always 16 characters, so one KID structure can be registered with the bank (reference note §2.1).
 * Throws RangeError for a number the layout cannot hold: the caller must never print a wrong KID.
 */
export function makeKid({ customerNumber, invoiceNumber, check }: KidParts): string {
  assertFits('customer number', customerNumber, MAX_KID_CUSTOMER_NUMBER);
  assertFits('invoice number', invoiceNumber, MAX_KID_INVOICE_NUMBER);
  const base =
    String(customerNumber).padStart(KID_CUSTOMER_DIGITS, '0') + String(invoiceNumber).padStart(KID_INVOICE_DIGITS, '0');
  return base + kidCheckDigit(base, check);
}

function assertFits(name: string, value: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new RangeError(`the KID's ${name} must be an integer from 0 to ${max}, got ${value}`);
  }
}
