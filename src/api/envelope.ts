/**
 * The response envelope of every answer (SPEC §2): success bodies carry `is_data` + `data`, error
 * bodies `is_error: true` + `errors` and the request id.
 */
import { ERROR_CATALOGUE, type ErrorCode } from '../app/errors.ts';

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
  const entry = ERROR_CATALOGUE[code];
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
