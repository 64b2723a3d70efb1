/**
 * `efaktura/client` for browsers (the package's `browser` condition): the client alone, on web APIs only
 * (fetch, AbortSignal, crypto.randomUUID). `verifyCallback` is left out: it needs `node:crypto`, and a
 * callback secret belongs on a server anyway.
 */
export { EfakturaClient, OrdersApi, DocumentsApi, type EfakturaClientOptions, type CreateOrderOptions } from './client.ts';
export { EfakturaApiError, type ErrorEnvelope, type TransportErrorCode } from './errors.ts';
export type { CallOptions, RetryOptions } from './transport.ts';
export type * from './types.ts';
export type { paths as ConnectApiPaths } from './generated/connect-api.ts';
