/**
 * `efaktura/client` — the merchant SDK (SPEC §9): a typed client for every endpoint of the merchant API
 * (./client.ts), and `verifyCallback` for the callbacks efaktura sends (src/verify.ts).
 *
 * Runs in Node ≥ 20, Deno and Bun. `verifyCallback` needs `node:crypto`, so bundlers targeting browsers
 * get ./browser.ts instead (the `browser` condition of the package's exports): the same client without it.
 */
export * from './browser.ts';
export {
  verifyCallback, CALLBACK_STATUSES, DEFAULT_CALLBACK_MAX_AGE_SECONDS,
  type CallbackQuery, type VerifyCallbackOptions, type VerifyCallbackResult,
} from '../verify.ts';
