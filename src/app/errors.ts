/**
 * Every error the API can answer, defined once: its message key, HTTP status and status_message
 * (SPEC §2, FPGO Connect §1.5). Handlers throw `ApiError`s; the error handler turns them into the
 * documented envelope. Nothing else decides a status code.
 */

export const ERROR_CATALOGUE = {
  // 400 Conflict of Business Logic: the action is not allowed in the order's state (FPGO §3.1.6).
  orderStatusAlreadyPaid: { status: 400, statusMessage: 'Conflict of Business Logic' },
  orderStatusAlreadyCancelled: { status: 400, statusMessage: 'Conflict of Business Logic' },
  orderStatusAlreadyRefunded: { status: 400, statusMessage: 'Conflict of Business Logic' },
  orderStatusInInkasso: { status: 400, statusMessage: 'Conflict of Business Logic' },
  orderNotInvoicedYet: { status: 400, statusMessage: 'Conflict of Business Logic' },
  refundRejectionForProductAmountExceed: { status: 400, statusMessage: 'Conflict of Business Logic' },
  requestProductIdNotAvailable: { status: 400, statusMessage: 'Conflict of Business Logic' },
  // Beyond the docs: a URL Fastify cannot decode (a bad percent-encoding).
  malformedUrl: { status: 400, statusMessage: 'Bad Request' },
  unauthenticated: { status: 401, statusMessage: 'Unauthorized' },
  forbidden: { status: 403, statusMessage: 'Forbidden' },
  // The real service answers an unknown order in the success shape (`is_data: false, data: null`, no
  // `is_error`/`errors`), recorded on its demo in July 2025 (SPEC §2, FPGO ref §10); clients written
  // against it may test for exactly that, so efaktura sends the same (with `requestId`).
  orderNotFound: { status: 404, statusMessage: 'Not Found', shape: 'data' },
  // Beyond the docs (SPEC §6.4): an unknown invoice or credit note number, or another merchant's.
  invoiceNotFound: { status: 404, statusMessage: 'Not Found' },
  merchantNotFound: { status: 404, statusMessage: 'Not Found' },
  // Beyond the docs (SPEC §7): an unknown payment id in the admin API.
  paymentNotFound: { status: 404, statusMessage: 'Not Found' },
  notFound: { status: 404, statusMessage: 'Not Found' },
  routeNotFound: { status: 404, statusMessage: 'Not Found' },
  methodNotAllowed: { status: 405, statusMessage: 'Method Not Allowed' },
  // Beyond the docs (SPEC §2.1): a retry while the first request with its key is still running.
  idempotencyKeyInProgress: { status: 409, statusMessage: 'Conflict' },
  // Beyond the docs (SPEC §6.4): the document exists but its PDF/EHF is still being rendered; retry.
  documentNotReadyYet: { status: 409, statusMessage: 'Conflict' },
  // Beyond the docs (SPEC §7): a manual match of a payment that is not unmatched (already matched, reversed, a reversal).
  paymentNotMatchable: { status: 409, statusMessage: 'Conflict' },
  payloadTooLarge: { status: 413, statusMessage: 'Payload Too Large' },
  // Beyond the docs: a path parameter over Fastify's length limit; no valid id is that long.
  uriTooLong: { status: 414, statusMessage: 'URI Too Long' },
  unsupportedMediaType: { status: 415, statusMessage: 'Unsupported Media Type' },
  payloadValidationErrors: { status: 417, statusMessage: 'Client Error' },
  // Beyond the docs (SPEC §2.1): the same Idempotency-Key with a different body.
  idempotencyKeyReused: { status: 422, statusMessage: 'Unprocessable Entity' },
  // Beyond the docs (SPEC §7): a bank file refused as a whole (bad record, totals, unknown account); nothing stored.
  paymentFileRefused: { status: 422, statusMessage: 'Unprocessable Entity' },
  tooManyRequests: { status: 429, statusMessage: 'Too Many Requests' },
  internalErrorOccurredPleaseTryAgainLater: { status: 500, statusMessage: 'Internal Dependency Error' },
  serviceUnavailable: { status: 503, statusMessage: 'Service Unavailable' },
  somethingWentWrong: { status: 510, statusMessage: 'Execution Exception Occurred' },
} as const satisfies Record<string, CatalogueEntry>;

export interface CatalogueEntry {
  status: number;
  statusMessage: string;
  /** `data`: the body is `{…, is_data: false, data: null, requestId}` instead of `is_error`/`errors`. */
  shape?: 'data';
}

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The catalogue entry of a code, with the optional fields visible. */
export const catalogueEntry = (code: ErrorCode): CatalogueEntry => ERROR_CATALOGUE[code];

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly errors: unknown;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    opts: { errors?: unknown; extra?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(code);
    this.code = code;
    this.statusCode = ERROR_CATALOGUE[code].status;
    this.errors = opts.errors ?? null;
    this.extra = opts.extra ?? {};
    this.headers = opts.headers ?? {};
  }
}

/** 417 with every failing field (SPEC §2.2). */
export function validationError(errors: string[], fieldErrors: Record<string, string[]>): ApiError {
  return new ApiError('payloadValidationErrors', { errors, extra: { fieldErrors } });
}
