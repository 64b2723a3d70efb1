/**
 * The one error the SDK throws for a failed call (SPEC §9): the server's error envelope (SPEC §2) as it
 * came, with its fields at hand, or — when no answer came — a status of 0 and the code `networkError` or
 * `timeout`. A caller's own AbortSignal is the exception: its abort rejects with the signal's reason,
 * as `fetch` does.
 */
import type { paths } from './generated/connect-api.ts';

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type CreateResponses = paths['/api/v1/connect/orders/faktura/create']['post']['responses'];
type DetailsResponses = paths['/api/v1/connect/orders/details/{uuid}']['get']['responses'];

/**
 * An error body as the OpenAPI document describes it: `is_error` with `errors` (sentences) and, on a
 * validation error, `fieldErrors`; or, for 404 orderNotFound, the FPGO shape `is_data: false, data: null`.
 */
export type ErrorEnvelope = JsonOf<CreateResponses[417]> | JsonOf<DetailsResponses[404]>;

/** Codes of failures without an answer from the server, beside the server's own (`orderNotFound`, …). */
export type TransportErrorCode = 'networkError' | 'timeout' | 'invalidResponse';

export class EfakturaApiError extends Error {
  override readonly name = 'EfakturaApiError';
  /** The HTTP status; 0 when no answer came (network error, timeout). */
  readonly status: number;
  /** The envelope's `status_code` (equal to `status` for efaktura's answers). */
  readonly statusCode: number;
  /** The envelope's `message`, the machine-readable code: `payloadValidationErrors`, `orderNotFound`, … */
  readonly code: string;
  /** The envelope's `errors`: sentences a person can read, or null. */
  readonly errors: string[] | null;
  /** The envelope's `fieldErrors` (validation errors): field path → sentences. Empty otherwise. */
  readonly fieldErrors: Record<string, string[]>;
  /** The request id of the call (the envelope's `requestId`, else the `x-request-id` the SDK sent). */
  readonly requestId: string | null;
  /** The answer's Retry-After in seconds, when it had one. */
  readonly retryAfterSeconds: number | null;
  /** How many times the request was sent. */
  readonly attempts: number;
  /** The error body exactly as received, or null when there was no JSON body. */
  readonly envelope: ErrorEnvelope | null;

  constructor(init: {
    status: number;
    code: string;
    envelope?: ErrorEnvelope | null;
    requestId?: string | null;
    retryAfterSeconds?: number | null;
    attempts: number;
    detail?: string;
    cause?: unknown;
  }) {
    const envelope = init.envelope ?? null;
    const errors = envelope !== null && 'errors' in envelope && Array.isArray(envelope.errors) ? envelope.errors : null;
    const detail = init.detail ?? errors?.join(' ') ?? '';
    super(`${init.code} (${init.status === 0 ? 'no answer' : `HTTP ${init.status}`})${detail === '' ? '' : `: ${detail}`}`, { cause: init.cause });
    this.status = init.status;
    this.statusCode = typeof envelope?.status_code === 'number' ? envelope.status_code : init.status;
    this.code = init.code;
    this.errors = errors;
    this.fieldErrors = envelope !== null && 'fieldErrors' in envelope && envelope.fieldErrors ? envelope.fieldErrors : {};
    this.requestId = typeof envelope?.requestId === 'string' ? envelope.requestId : (init.requestId ?? null);
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
    this.attempts = init.attempts;
    this.envelope = envelope;
  }
}
