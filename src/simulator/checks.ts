/**
 * The simulator's input checks, each with its exact message, and its one error type. The network API
 * answers `{errorCode, message}` (docs/efaktura-network.md); the control API and the netbank answer
 * `{error, message}` with a code of their own (`SimErrorCode`), which the netbank turns into Norwegian.
 */
import { MAX_AMOUNT_ORE, parseOre } from '../domain/money/money.ts';
import { isValidAccountNumber, isValidOrgNumber } from '../domain/norway/norwegian-numbers.ts';
import { isValidPersonalNumber } from '../domain/norway/personal-number.ts';
import { isCalendarDate } from '../domain/time/oslo.ts';
import type { Consent } from './state.ts';

export type SimErrorCode =
  | 'invalid_personal_number' | 'invalid_amount' | 'invalid_date' | 'invalid_org_number' | 'invalid_account_number'
  | 'invalid_request' | 'not_found' | 'invoice_paid' | 'invoice_cancelled';

const STATUS: Record<SimErrorCode, number> = {
  invalid_personal_number: 400, invalid_amount: 400, invalid_date: 400, invalid_org_number: 400, invalid_account_number: 400,
  invalid_request: 400, not_found: 404, invoice_paid: 409, invoice_cancelled: 409,
};

export class SimError extends Error {
  readonly code: SimErrorCode;
  readonly status: number;
  constructor(code: SimErrorCode, message: string) {
    super(message);
    this.code = code;
    this.status = STATUS[code];
  }
}

/** 11 digits with valid fødselsnummer control digits (D-, H- and synthetic numbers included). */
export function checkPersonalNumber(value: unknown, field = 'personalNumber'): string {
  if (typeof value !== 'string' || !/^\d{11}$/.test(value)) {
    throw new SimError('invalid_personal_number', `${field} must be 11 digits`);
  }
  if (!isValidPersonalNumber(value)) {
    throw new SimError('invalid_personal_number', `${field} has wrong control digits: not a fødselsnummer or D-number`);
  }
  return value;
}

const AMOUNT = /^\d+(\.\d{1,2})?$/;

/** A kroner amount written `1234.50`: greater than zero, at most 2 decimals; in øre. */
export function checkAmount(value: unknown, field = 'amount'): number {
  const ore = typeof value === 'string' && AMOUNT.test(value) ? parseOre(value) : null;
  if (ore === null) throw new SimError('invalid_amount', `${field} must be kroner with at most 2 decimals, written like "1234.50"`);
  if (ore <= 0) throw new SimError('invalid_amount', `${field} must be greater than 0`);
  if (ore > MAX_AMOUNT_ORE) throw new SimError('invalid_amount', `${field} must be at most ${MAX_AMOUNT_ORE / 100}`);
  return ore;
}

export function checkDate(value: unknown, field = 'date'): string {
  if (!isCalendarDate(value)) throw new SimError('invalid_date', `${field} must be an existing date written YYYY-MM-DD`);
  return value;
}

export function checkOrgNumber(value: unknown, field = 'issuerOrgNumber'): string {
  if (typeof value !== 'string' || !isValidOrgNumber(value)) {
    throw new SimError('invalid_org_number', `${field} must be a Norwegian organisation number: 9 digits with a valid check digit`);
  }
  return value;
}

export function checkAccountNumber(value: unknown, field = 'accountNumber'): string {
  if (typeof value !== 'string' || !isValidAccountNumber(value)) {
    throw new SimError('invalid_account_number', `${field} must be a Norwegian account number: 11 digits with a valid check digit`);
  }
  return value;
}

/** A positive whole number written in digits (route ids). */
export function checkId(value: unknown, field = 'id'): number {
  const n = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new SimError('not_found', `no invoice with ${field} "${String(value)}"`);
  return n;
}

export function checkObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SimError('invalid_request', 'the body must be a JSON object');
  return value as Record<string, unknown>;
}

export function checkConsent(value: unknown): Consent {
  if (value !== 'all' && value !== 'none') throw new SimError('invalid_request', 'consent must be "all" or "none"');
  return value;
}
