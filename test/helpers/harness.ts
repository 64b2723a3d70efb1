/**
 * Test harness: a real database (PGlite in memory by default; a fresh database on the PostgreSQL
 * server named by TEST_DATABASE_URL) and the real HTTP server on a loopback port.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { openDatabase, type Db } from '../../src/store/db/db.ts';
import { migrate } from '../../src/store/db/migrate.ts';
import { insertMerchant } from '../../src/store/merchants.ts';
import { createApiToken } from '../../src/store/tokens.ts';
import { startServer, type RunningServer } from '../../src/server.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || null;
export const DB_LABEL = TEST_DATABASE_URL ? 'postgres server' : 'pglite';

/** A database of its own for one test file: dropped again by `dropTestDatabase`. */
export async function createTestDatabaseUrl(): Promise<string | null> {
  if (TEST_DATABASE_URL === null) return null;
  const name = `efk_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropTestDatabase(url: string | null): Promise<void> {
  if (url === null || TEST_DATABASE_URL === null) return;
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    dataDir: 'memory://',
    demoMerchant: false,
    // No background worker unless a test asks for one: a worker would invoice (and render) every order a
    // test makes, which only the invoicing and callback tests want.
    runWorker: false,
    // The eFaktura simulator listens on a port of its own: tests that need it start it (on port 0).
    simulatorEnabled: false,
    // No bank connector either: a worker would fetch bank files from a simulator that is not there.
    bankConnector: 'none',
    tokenCacheSeconds: 0,
    allowPrivateCallbacks: true,
    rateLimitPerMinute: 1_000_000,
    authFailuresPerMinute: 1_000_000,
    callbackRetrySchedule: [0, 0.2, 0.4],
    callbackTimeoutMs: 2000,
    // Delivery: no SMTP (the e-mail channel is skipped) and an outbox of the test's own, never ./data/outbox.
    smtpUrl: null,
    outboxDir: path.join(os.tmpdir(), `efaktura-test-outbox-${randomBytes(6).toString('hex')}`),
    ...overrides,
  };
}

/** An open, migrated database for tests that do not need HTTP. */
export async function openTestDb(): Promise<{ db: Db; close(): Promise<void> }> {
  const url = await createTestDatabaseUrl();
  const db = await openDatabase({ databaseUrl: url, dataDir: 'memory://', poolSize: 8 });
  await migrate(db);
  return {
    db,
    async close() {
      await db.close();
      await dropTestDatabase(url);
    },
  };
}

export interface TestMerchant {
  merchantId: number;
  token: string;
  callbackSecret: string;
}

export async function createMerchant(db: Db, name = 'Test Merchant AS'): Promise<TestMerchant> {
  return db.transaction(async (tx) => {
    const m = await insertMerchant(tx, { name, orgNumber: '923609016', accountNumber: '15032080119' });
    const t = await createApiToken(tx, m.id);
    return { merchantId: m.id, token: t.token, callbackSecret: m.callbackSecret };
  });
}

export interface TestServer {
  url: string;
  server: RunningServer;
  db: Db;
  config: Config;
  merchant: TestMerchant;
  close(): Promise<void>;
}

export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const databaseUrl = await createTestDatabaseUrl();
  const config = testConfig({ databaseUrl, ...overrides });
  const server = await startServer(config, createLogger(config.logLevel));
  const merchant = await createMerchant(server.db);
  return {
    url: server.url,
    server,
    db: server.db,
    config,
    merchant,
    async close() {
      await server.close();
      await dropTestDatabase(databaseUrl);
    },
  };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export async function call(
  base: string,
  method: string,
  path: string,
  opts: { token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export const CREATE_PATH = '/api/v1/connect/orders/faktura/create';
