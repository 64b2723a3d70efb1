/**
 * The response envelope of every answer (SPEC §2): success bodies carry `is_data` + `data`, error
 * bodies `is_error: true` + `errors` and the request id — except the errors the catalogue marks with
 * `shape: 'data'` (404 orderNotFound), which the real service sends as `is_data: false, data: null`.
 */
import { catalogueEntry, type ErrorCode } from '../app/errors.ts';

export interface SuccessBody<T> {
  status_code: number;
  status_message: 'OK';
  message: string;
  is_data: boolean;
  data: T;
}

export function success<T>(statusCode: number, message: string, data: T, isData = true): SuccessBody<T> {
  return { status_code: statusCode, status_message: 'OK', message, is_data: isData, data };
}

export function errorBody(
  code: ErrorCode,
  requestId: string,
  errors: unknown = null,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const entry = catalogueEntry(code);
  if (entry.shape === 'data') {
    return { status_code: entry.status, status_message: entry.statusMessage, message: code, is_data: false, data: null, requestId };
  }
  return {
    status_code: entry.status,
    status_message: entry.statusMessage,
    message: code,
    is_error: true,
    errors,
    ...extra,
    requestId,
  };
}
