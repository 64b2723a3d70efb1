/**
 * efaktura as a library. Glossary:
 * - merchant: who sells and sends orders through the API; owns API tokens and a callback secret.
 * - order: one Send E-Faktura request (`ODR` + 10 digits); it becomes (part of) an invoice.
 * - customer: the private person billed (`CSRT` + 10 digits), one per merchant + personal number.
 * - øre: 1/100 NOK; every amount inside efaktura is an integer number of øre.
 * - outbox: rows written in the same transaction as a status change, delivered later by a worker.
 * - callback: HTTP GET to the order's callbackUrl on every status change (SPEC §4).
 */
export { verifyCallback } from './verify.ts';
export { loadConfig, type Config } from './config.ts';
export { startServer, type RunningServer } from './server.ts';
export { openDatabase, type Db } from './store/db/db.ts';
export { migrate } from './store/db/migrate.ts';
