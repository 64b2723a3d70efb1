/**
 * Structured JSON logs (pino). Personal numbers never reach a log line in full: every field named
 * `personalNumber` is masked to its first six digits (the birth date) wherever it appears.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export function maskPersonalNumber(value: unknown): string {
  const s = String(value ?? '');
  return s.length <= 6 ? '*'.repeat(s.length) : `${s.slice(0, 6)}${'*'.repeat(s.length - 6)}`;
}

const REDACT_PATHS = [
  'personalNumber',
  '*.personalNumber',
  '*.*.personalNumber',
  '*.*.*.personalNumber',
  'customerDetails.personalNumber',
  'body.customerDetails.personalNumber',
  'req.body.customerDetails.personalNumber',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'efaktura' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: (value) => maskPersonalNumber(value) },
    },
    destination,
  );
}
