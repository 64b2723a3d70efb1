/**
 * The body of the admin routes that start a run by hand (`/invoice-runs`, `/dunning-runs`):
 * `{asOf?, merchantId?}`, checked alike. A future `asOf` is refused unless EFAKTURA_ALLOW_FUTURE_RUNS=1.
 */
import type { RouteContext } from '../context.ts';
import { validOrThrow } from './assert-valid.ts';
import { checkRunDate } from '../../app/invoicing/run-date.ts';

export const RUN_REQUEST_BODY = {
  type: 'object',
  properties: {
    asOf: { type: 'string', format: 'date', example: '2026-12-01', description: 'default: today in Europe/Oslo' },
    merchantId: { type: 'integer', minimum: 1, description: 'default: every merchant' },
  },
} as const;

/** The run's date and merchant, or a 417 naming every problem (`what`: "an invoice run", "a dunning run"). */
export function runRequest(rawBody: unknown, ctx: RouteContext, what: string): { asOf: string; merchantId?: number } {
  const body = (rawBody ?? {}) as Record<string, unknown>;
  const fieldErrors: Record<string, string[]> = {};
  if (typeof body !== 'object' || Array.isArray(body)) fieldErrors[''] = ['The request body must be a JSON object.'];
  for (const key of Object.keys(body)) if (key !== 'asOf' && key !== 'merchantId') (fieldErrors[key] ??= []).push(`${key} is not a field of ${what}.`);
  const date = checkRunDate(body.asOf, ctx.clock, ctx.config.allowFutureRuns);
  if (!date.ok) fieldErrors.asOf = [`The as of ${date.problem}`];
  const merchantId = body.merchantId;
  if (merchantId !== undefined && merchantId !== null && !(typeof merchantId === 'number' && Number.isSafeInteger(merchantId) && merchantId >= 1)) {
    fieldErrors.merchantId = ['The merchant id must be a positive whole number.'];
  }
  if (Object.keys(fieldErrors).length > 0 || !date.ok) validOrThrow({ ok: false, errors: Object.values(fieldErrors).flat(), fieldErrors });
  return { asOf: (date as { asOf: string }).asOf, ...(typeof merchantId === 'number' ? { merchantId } : {}) };
}
