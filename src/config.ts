/**
 * Every setting efaktura reads, in one place: its environment variable, its default and its meaning.
 * The README's configuration table mirrors `SETTINGS` below; `loadConfig` validates at start and fails
 * with one message that names every bad variable.
 */

import { LATE_INTEREST_RATES, parseLateInterestRates, type LateInterestRate } from './domain/dunning/rates.ts';

export interface Config {
  /** TCP port of the HTTP server. */
  port: number;
  /** Interface the HTTP server binds to. */
  host: string;
  /** A PostgreSQL server; when unset, the embedded PostgreSQL (PGlite) in `dataDir` is used. */
  databaseUrl: string | null;
  /** Embedded PostgreSQL's data directory (only without `databaseUrl`). */
  dataDir: string;
  /** Connections in the pool to a PostgreSQL server (the embedded one always has exactly one). */
  databasePoolSize: number;
  logLevel: string;
  /** Requests per minute per API token (SPEC §8: 240). */
  rateLimitPerMinute: number;
  /** Failed authentications per minute per client address before it is answered 429 without a lookup. */
  authFailuresPerMinute: number;
  /**
   * Fastify's `trustProxy`: whether (and which) proxies' X-Forwarded-For names the client address, so the
   * per-address limit means one client behind a load balancer. false = the socket address.
   */
  trustProxy: boolean | number | string[];
  /** Largest accepted request body in bytes (SPEC §2.1: 1 MB). */
  bodyLimitBytes: number;
  /** Largest bank file `POST /api/v1/admin/payments/import` accepts, and largest camt.054 file (parsed whole) any import reads, in bytes (SPEC §7). */
  importBodyLimitBytes: number;
  /** How long a verified token stays cached in memory; a revoked token is refused within this time. */
  tokenCacheSeconds: number;
  /** How long an Idempotency-Key is remembered (SPEC §2.1: at least 24 h). */
  idempotencyTtlHours: number;
  /**
   * Create a demo merchant on first start with an empty database, and print its token. Defaults to on
   * only for the embedded database: against a PostgreSQL server (production) it would be a live
   * merchant whose token lands in the logs.
   */
  demoMerchant: boolean;
  /** Run the background worker inside `efaktura serve`. */
  runWorker: boolean;
  /** Operator token for `/api/v1/admin/…` (in addition to tokens made with `efaktura admin-token create`). */
  adminToken: string | null;
  /** Seconds between callback attempts (SPEC §4); the last entry is the last retry. */
  callbackRetrySchedule: number[];
  callbackTimeoutMs: number;
  /** Permit callbacks to loopback/private addresses (tests, development). */
  allowPrivateCallbacks: boolean;
  /** Callbacks in flight at once, in total and per host. */
  callbackConcurrency: number;
  callbackPerHostConcurrency: number;
  /** Hour (0–23, Europe/Oslo) at which scheduled invoice runs start (SPEC §6.2). */
  invoiceRunHour: number;
  /** Hour (Europe/Oslo) at which the daily dunning run starts (SPEC §7). */
  dunningRunHour: number;
  /** The forsinkelsesrente table: the built-in sourced rows and the operator's later half years. */
  lateInterestRates: readonly LateInterestRate[];
  /** Permit `invoice-run --as-of` a date in the future (tests and demos). */
  allowFutureRuns: boolean;
  /** Orders invoiced per transaction: a block of numbers is taken at once (SPEC §6.3). */
  invoiceBatchSize: number;
  /** Documents rendered at once per worker. */
  renderConcurrency: number;
  /** Run the eFaktura simulator (network, control API, netbank) inside `efaktura serve`. */
  simulatorEnabled: boolean;
  /** TCP port of the eFaktura simulator (on `host`). */
  simulatorPort: number;
  /** Where the eFaktura adapter reaches the simulator's network API (no trailing slash). */
  simulatorUrl: string;
  /** Which eFaktura network adapter delivers the `efaktura` channel (SPEC §6.5); only `simulator` so far. */
  efakturaAdapter: 'simulator';
  /** Where the worker fetches the merchants' daily bank files: the simulator's bank, or none (SPEC §7). */
  bankConnector: 'simulator' | 'none';
  /** Minutes between two fetches of the bank files (and one at each worker start). */
  bankPollMinutes: number;
  /** SMTP server of the `email` channel (smtp:// or smtps://); null: the channel is skipped. */
  smtpUrl: string | null;
  /** The From of delivery e-mails. */
  mailFrom: string;
  /** Where the `file` channel writes `<merchantId>/<number>.{pdf,xml}`. */
  outboxDir: string;
  /** Seconds before each retry of a transient delivery failure on one channel; then the next channel. */
  deliveryRetrySchedule: number[];
  /** Timeout of one call to the eFaktura network or the SMTP server. */
  deliveryTimeoutMs: number;
  /** Days a signed document link (/d/{token}) stays valid. */
  documentLinkDays: number;
  /** Base URL of this server as customers reach it, for document links; null: http://127.0.0.1:<port>. */
  publicUrl: string | null;
}

interface Setting {
  env: string;
  default: string;
  description: string;
}

/** Listed for the README and `efaktura config`; keep the order of the README table. */
export const SETTINGS: readonly Setting[] = [
  { env: 'PORT', default: '3000', description: 'HTTP port' },
  { env: 'HOST', default: '127.0.0.1', description: 'interface to bind (0.0.0.0 for all)' },
  { env: 'DATABASE_URL', default: '', description: 'postgres://… of a PostgreSQL server; empty = embedded PostgreSQL (PGlite)' },
  { env: 'EFAKTURA_DATA_DIR', default: './data', description: 'data directory of the embedded PostgreSQL' },
  { env: 'EFAKTURA_DB_POOL_SIZE', default: '8', description: 'connections to a PostgreSQL server (more than 2–4 per CPU core only adds queueing; see docs/benchmarks.md)' },
  { env: 'LOG_LEVEL', default: 'info', description: 'pino log level: fatal, error, warn, info, debug, trace, silent' },
  { env: 'EFAKTURA_RATE_LIMIT', default: '240', description: 'requests per minute per API token' },
  { env: 'EFAKTURA_AUTH_FAILURE_LIMIT', default: '60', description: 'failed authentications per minute per client address; more answer 429 without a token lookup' },
  { env: 'EFAKTURA_TRUST_PROXY', default: '0', description: 'trust X-Forwarded-For from proxies: 0 = no, true = any, a number = that many hops, or comma-separated proxy addresses/CIDRs' },
  { env: 'EFAKTURA_BODY_LIMIT', default: '1048576', description: 'largest request body in bytes' },
  { env: 'EFAKTURA_IMPORT_BODY_LIMIT', default: '104857600', description: 'largest bank file in bytes that POST /api/v1/admin/payments/import accepts; also the largest camt.054 file `payments import` reads (OCR giro files stream)' },
  { env: 'EFAKTURA_TOKEN_CACHE_SECONDS', default: '5', description: 'seconds a verified token is cached; revocation takes effect within this time' },
  { env: 'EFAKTURA_IDEMPOTENCY_TTL_HOURS', default: '24', description: 'hours an Idempotency-Key is remembered' },
  {
    env: 'EFAKTURA_DEMO_MERCHANT',
    default: '',
    description: 'create and print a demo merchant on first start with an empty database (unset: 1 on the embedded database, 0 with DATABASE_URL)',
  },
  { env: 'EFAKTURA_WORKER', default: '1', description: 'run the background worker inside `efaktura serve`' },
  { env: 'EFAKTURA_ADMIN_TOKEN', default: '', description: 'operator token for /api/v1/admin/… (empty = only tokens made with the CLI)' },
  { env: 'EFAKTURA_CALLBACK_RETRY_SCHEDULE', default: '0,5,300,1800,7200,18000,36000,36000,50400,72000,86400', description: 'seconds to wait before each callback attempt' },
  { env: 'EFAKTURA_CALLBACK_TIMEOUT_MS', default: '10000', description: 'timeout of one callback attempt' },
  { env: 'EFAKTURA_ALLOW_PRIVATE_CALLBACKS', default: '0', description: 'allow callbacks to loopback/private/link-local addresses (1 = yes; development and tests only)' },
  { env: 'EFAKTURA_CALLBACK_CONCURRENCY', default: '64', description: 'callbacks in flight at once per worker' },
  { env: 'EFAKTURA_CALLBACK_PER_HOST_CONCURRENCY', default: '8', description: 'callbacks in flight at once per host, over all workers' },
  { env: 'EFAKTURA_INVOICE_RUN_HOUR', default: '6', description: 'hour (0–23, Europe/Oslo) at which scheduled invoice runs (intervals 1 and 2) start' },
  { env: 'EFAKTURA_DUNNING_RUN_HOUR', default: '7', description: 'hour (0–23, Europe/Oslo) at which the daily dunning run (reminders, notices, collection) starts' },
  { env: 'EFAKTURA_LATE_INTEREST_RATES', default: '', description: 'late-payment interest (forsinkelsesrente) for half years after the built-in table (which ends 2026-06-30): FROM=PERCENT pairs, e.g. 2026-07-01=11.75 (FROM a 1 January or 1 July); days without a rate earn no interest' },
  { env: 'EFAKTURA_ALLOW_FUTURE_RUNS', default: '0', description: 'allow `invoice-run --as-of` and `dunning-run --as-of` a future date (1 = yes; tests and demos only)' },
  { env: 'EFAKTURA_INVOICE_BATCH_SIZE', default: '100', description: 'orders invoiced per transaction (one block of invoice numbers)' },
  { env: 'EFAKTURA_RENDER_CONCURRENCY', default: '2', description: 'invoice documents (PDF + EHF) rendered at once per worker' },
  { env: 'EFAKTURA_SIMULATOR', default: '', description: 'run the eFaktura simulator (network API, control API, netbank page) inside `efaktura serve` (unset: 1 on the embedded database, 0 with DATABASE_URL: its control API can mark invoices paid, and the bank connector would import its payments as real money)' },
  { env: 'EFAKTURA_SIMULATOR_PORT', default: '3001', description: 'port of the eFaktura simulator (on HOST)' },
  { env: 'EFAKTURA_SIMULATOR_URL', default: '', description: 'base URL of the eFaktura simulator for the eFaktura adapter (empty = http://127.0.0.1:EFAKTURA_SIMULATOR_PORT)' },
  { env: 'EFAKTURA_EFAKTURA_ADAPTER', default: 'simulator', description: 'eFaktura network adapter of the `efaktura` delivery channel: simulator (the only one so far)' },
  { env: 'EFAKTURA_BANK_CONNECTOR', default: '', description: 'where the worker fetches each merchant account\'s daily payment file (yesterday\'s and today\'s) and imports it: simulator (the simulator\'s bank at EFAKTURA_SIMULATOR_URL) or none; empty = simulator when EFAKTURA_SIMULATOR is on, else none' },
  { env: 'EFAKTURA_BANK_POLL_MINUTES', default: '1', description: 'minutes between two fetches of the bank files by the bank connector (and one at each worker start)' },
  { env: 'EFAKTURA_SMTP_URL', default: '', description: 'SMTP server of the `email` delivery channel, smtp://user:pass@host:587 or smtps://…; empty = the channel is skipped' },
  { env: 'EFAKTURA_MAIL_FROM', default: 'efaktura@localhost', description: 'From address of delivery e-mails (the merchant\'s invoice e-mail is the Reply-To)' },
  { env: 'EFAKTURA_OUTBOX_DIR', default: './data/outbox', description: 'directory of the `file` delivery channel: <merchantId>/<number>.pdf and .xml (reminders: <number>-reminder.pdf, <number>-notice.pdf)' },
  { env: 'EFAKTURA_DELIVERY_RETRY_SCHEDULE', default: '30,120,600,1800', description: 'seconds before each retry of a transient delivery failure on one channel; after the last, the next channel' },
  { env: 'EFAKTURA_DELIVERY_TIMEOUT_MS', default: '10000', description: 'timeout of one call to the eFaktura network or the SMTP server' },
  { env: 'EFAKTURA_DOCUMENT_LINK_DAYS', default: '490', description: 'days a signed document link /d/{token} stays valid (490 ≈ the 16 months a bank shows an eFaktura)' },
  { env: 'EFAKTURA_PUBLIC_URL', default: '', description: 'base URL customers reach this server at, for document links (empty = http://127.0.0.1:PORT)' },
];

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const get = (name: string): string => {
    const setting = SETTINGS.find((s) => s.env === name);
    const raw = env[name];
    return raw === undefined || raw === '' ? (setting?.default ?? '') : raw.trim();
  };
  const int = (name: string, min: number, max: number): number => {
    const raw = get(name);
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return min;
    }
    return n;
  };
  const bool = (name: string): boolean => {
    const raw = get(name).toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be 1 or 0 (got "${raw}")`);
    return false;
  };

  const databaseUrl = get('DATABASE_URL') || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const logLevel = get('LOG_LEVEL');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${logLevel}")`);
  }
  const seconds = (name: string): number[] => {
    const raw = get(name);
    const parts = raw.split(',').map((s) => s.trim());
    // Each entry must be written out: Number('') is 0, so "5,,10" would silently mean 5,0,10.
    if (parts.some((part) => !/^\d+(\.\d+)?$/.test(part))) problems.push(`${name} must be comma-separated seconds ≥ 0 (got "${raw}")`);
    return parts.map(Number);
  };
  const url = (name: string, schemes: readonly string[]): string | null => {
    const raw = get(name);
    if (raw === '') return null;
    let parsed: URL | null = null;
    try {
      parsed = new URL(raw);
    } catch {
      parsed = null;
    }
    if (parsed === null || !schemes.includes(parsed.protocol.replace(/:$/, ''))) {
      problems.push(`${name} must be a ${schemes.join(' or ')} URL (got "${raw}")`);
      return null;
    }
    return raw;
  };
  const callbackRetrySchedule = seconds('EFAKTURA_CALLBACK_RETRY_SCHEDULE');
  const efakturaAdapter = get('EFAKTURA_EFAKTURA_ADAPTER');
  if (efakturaAdapter !== 'simulator') problems.push(`EFAKTURA_EFAKTURA_ADAPTER must be simulator (got "${efakturaAdapter}")`);
  // Off by default against a PostgreSQL server (production), like the demo merchant: anyone who reaches the
  // simulator's control API can "pay" an invoice, and the bank connector would import that as real money.
  const simulatorEnabled = get('EFAKTURA_SIMULATOR') === '' ? databaseUrl === null : bool('EFAKTURA_SIMULATOR');
  const bankConnector = get('EFAKTURA_BANK_CONNECTOR') || (simulatorEnabled ? 'simulator' : 'none');
  if (bankConnector !== 'simulator' && bankConnector !== 'none') problems.push(`EFAKTURA_BANK_CONNECTOR must be simulator or none (got "${bankConnector}")`);
  const mailFrom = get('EFAKTURA_MAIL_FROM');
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(mailFrom) && !/^[^<>]*<[^\s@<>]+@[^\s@<>]+>$/.test(mailFrom)) {
    problems.push(`EFAKTURA_MAIL_FROM must be an e-mail address, optionally as "Name <address>" (got "${mailFrom}")`);
  }

  const simulatorPort = int('EFAKTURA_SIMULATOR_PORT', 0, 65535);
  const simulatorUrl = get('EFAKTURA_SIMULATOR_URL') || `http://127.0.0.1:${simulatorPort}`;
  if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(simulatorUrl)) {
    problems.push(`EFAKTURA_SIMULATOR_URL must be an http:// or https:// URL (got "${simulatorUrl}")`);
  }

  const config: Config = {
    port: int('PORT', 0, 65535),
    host: get('HOST'),
    databaseUrl,
    dataDir: get('EFAKTURA_DATA_DIR'),
    databasePoolSize: int('EFAKTURA_DB_POOL_SIZE', 1, 1000),
    logLevel,
    rateLimitPerMinute: int('EFAKTURA_RATE_LIMIT', 1, 1_000_000_000),
    authFailuresPerMinute: int('EFAKTURA_AUTH_FAILURE_LIMIT', 1, 1_000_000_000),
    trustProxy: parseTrustProxy(get('EFAKTURA_TRUST_PROXY'), problems),
    bodyLimitBytes: int('EFAKTURA_BODY_LIMIT', 1024, 100 * 1024 * 1024),
    importBodyLimitBytes: int('EFAKTURA_IMPORT_BODY_LIMIT', 1024, 1024 * 1024 * 1024),
    tokenCacheSeconds: int('EFAKTURA_TOKEN_CACHE_SECONDS', 0, 3600),
    idempotencyTtlHours: int('EFAKTURA_IDEMPOTENCY_TTL_HOURS', 24, 24 * 365),
    demoMerchant: get('EFAKTURA_DEMO_MERCHANT') === '' ? databaseUrl === null : bool('EFAKTURA_DEMO_MERCHANT'),
    runWorker: bool('EFAKTURA_WORKER'),
    adminToken: get('EFAKTURA_ADMIN_TOKEN') || null,
    callbackRetrySchedule,
    callbackTimeoutMs: int('EFAKTURA_CALLBACK_TIMEOUT_MS', 1, 600_000),
    allowPrivateCallbacks: bool('EFAKTURA_ALLOW_PRIVATE_CALLBACKS'),
    callbackConcurrency: int('EFAKTURA_CALLBACK_CONCURRENCY', 1, 10_000),
    callbackPerHostConcurrency: int('EFAKTURA_CALLBACK_PER_HOST_CONCURRENCY', 1, 10_000),
    invoiceRunHour: int('EFAKTURA_INVOICE_RUN_HOUR', 0, 23),
    dunningRunHour: int('EFAKTURA_DUNNING_RUN_HOUR', 0, 23),
    lateInterestRates: lateInterestRates(get('EFAKTURA_LATE_INTEREST_RATES'), problems),
    allowFutureRuns: bool('EFAKTURA_ALLOW_FUTURE_RUNS'),
    invoiceBatchSize: int('EFAKTURA_INVOICE_BATCH_SIZE', 1, 10_000),
    renderConcurrency: int('EFAKTURA_RENDER_CONCURRENCY', 1, 64),
    simulatorEnabled,
    simulatorPort,
    simulatorUrl: simulatorUrl.replace(/\/+$/, ''),
    efakturaAdapter: 'simulator',
    bankConnector: bankConnector === 'simulator' ? 'simulator' : 'none',
    bankPollMinutes: int('EFAKTURA_BANK_POLL_MINUTES', 1, 24 * 60),
    smtpUrl: url('EFAKTURA_SMTP_URL', ['smtp', 'smtps']),
    mailFrom,
    outboxDir: get('EFAKTURA_OUTBOX_DIR'),
    deliveryRetrySchedule: seconds('EFAKTURA_DELIVERY_RETRY_SCHEDULE'),
    deliveryTimeoutMs: int('EFAKTURA_DELIVERY_TIMEOUT_MS', 1, 600_000),
    documentLinkDays: int('EFAKTURA_DOCUMENT_LINK_DAYS', 1, 3650),
    publicUrl: url('EFAKTURA_PUBLIC_URL', ['http', 'https']),
  };
  if (config.adminToken !== null && config.adminToken.length < 32) {
    problems.push('EFAKTURA_ADMIN_TOKEN must be at least 32 characters');
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return config;
}

/** EFAKTURA_LATE_INTEREST_RATES: the built-in table extended by the operator's half years (rates.ts). */
function lateInterestRates(raw: string, problems: string[]): readonly LateInterestRate[] {
  try {
    return parseLateInterestRates(raw);
  } catch (error) {
    problems.push(`EFAKTURA_LATE_INTEREST_RATES: ${(error as Error).message}`);
    return LATE_INTEREST_RATES;
  }
}

/**
 * EFAKTURA_TRUST_PROXY: `0`/`false` (default) uses the socket address; `true` trusts any proxy; a whole
 * number trusts that many hops; anything else is a comma-separated list of proxy addresses or CIDRs.
 */
export function parseTrustProxy(raw: string, problems: string[]): boolean | number | string[] {
  const text = raw.trim().toLowerCase();
  if (['', '0', 'false', 'no', 'off'].includes(text)) return false;
  if (['true', 'yes', 'on'].includes(text)) return true;
  if (/^\d{1,3}$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim());
  if (entries.some((entry) => !/^[0-9a-f:.]+(\/\d{1,3})?$/.test(entry))) {
    problems.push(`EFAKTURA_TRUST_PROXY must be 0, true, a hop count or comma-separated addresses/CIDRs (got "${raw}")`);
    return false;
  }
  return entries;
}
