/**
 * The one database interface. Both storage modes speak plain `pg` (node-postgres): a PostgreSQL server
 * through a `pg.Pool`, and the embedded PostgreSQL (PGlite) through `pg.Pool(createPgConfig(pglite))`,
 * so every query, prepared statement and transaction is written once (SPEC §8).
 */
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts';

// bigint (int8) columns hold øre and ids; they always fit in a JS safe integer here.
pg.types.setTypeParser(20, (v: string) => Number(v));

/** A named query is prepared once per connection and reused (the hot paths use names). */
export interface Query {
  name?: string;
  text: string;
  values?: unknown[];
}

export interface Queryable {
  query<R extends object = Record<string, unknown>>(q: Query | string): Promise<R[]>;
}

export interface Db extends Queryable {
  readonly kind: 'embedded' | 'server';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Calls `fn` on every NOTIFY on `channel`; returns a function that stops listening. A lost LISTEN
   * connection is reopened with backoff (`hooks` hear of it); `fn('')` is called once it is back, since
   * notifications sent meanwhile are lost.
   */
  listen(channel: string, fn: (payload: string) => void, hooks?: ListenHooks): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface ListenHooks {
  onDown?(error: unknown): void;
  onUp?(): void;
}

export interface OpenOptions {
  /** postgres://… of a server; null for the embedded database in `dataDir`. */
  databaseUrl: string | null;
  /** Data directory of the embedded database; `memory://` for a throw-away one (tests). */
  dataDir: string;
  poolSize?: number;
}

export async function openDatabase(options: OpenOptions): Promise<Db> {
  return options.databaseUrl === null
    ? openEmbedded(options.dataDir)
    : openServer(options.databaseUrl, options.poolSize ?? 8);
}

function wrap(client: pg.PoolClient): Queryable {
  return {
    async query<R extends object>(q: Query | string): Promise<R[]> {
      const result = await client.query<R>(q as pg.QueryConfig);
      return result.rows;
    },
  };
}

/**
 * A query on a pooled connection. Unlike `pg.Pool#query`, a statement that fails with an SQL error
 * (a unique violation, say) keeps its connection: only a broken connection is thrown away. That
 * matters for the embedded database, whose single connection must not be torn down mid-protocol.
 */
function poolQueryable(pool: pg.Pool): Queryable {
  return {
    async query<R extends object>(q: Query | string): Promise<R[]> {
      const client = await pool.connect();
      try {
        const result = await client.query<R>(q as pg.QueryConfig);
        client.release();
        return result.rows;
      } catch (error) {
        client.release(isSqlError(error) ? undefined : (error as Error));
        throw error;
      }
    },
  };
}

/** An error response from the server: the connection itself is still fine. */
function isSqlError(error: unknown): boolean {
  const e = error as { severity?: unknown; code?: unknown } | null;
  return !!e && typeof e.severity === 'string' && typeof e.code === 'string';
}

async function transactionOn<T>(pool: pg.Pool, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: unknown;
  try {
    await client.query('BEGIN');
    const result = await fn(wrap(client));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError; // the connection is unusable: drop it instead of returning it to the pool
    }
    throw error;
  } finally {
    client.release(broken as Error | undefined);
  }
}

async function openServer(url: string, poolSize: number): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, idleTimeoutMillis: 30_000 });
  // An idle client that loses its server emits 'error'; without a listener node would crash.
  pool.on('error', () => {});
  await pool.query('SELECT 1');
  const listeners = new Set<{ stop(): Promise<void> }>();
  const q = poolQueryable(pool);
  return {
    kind: 'server',
    query: q.query,
    transaction: (fn) => transactionOn(pool, fn),
    async listen(channel, fn, hooks) {
      const listener = await listenWithReconnect(url, channel, fn, hooks ?? {});
      listeners.add(listener);
      return async () => {
        listeners.delete(listener);
        await listener.stop();
      };
    },
    async close() {
      await Promise.all([...listeners].map((l) => l.stop()));
      listeners.clear();
      await pool.end();
    },
  };
}

const LISTEN_RETRY_MIN_MS = 250;
const LISTEN_RETRY_MAX_MS = 30_000;

/**
 * A LISTEN connection that comes back (review m10): when the server drops it (restart, failover,
 * pg_terminate_backend), it is reopened with exponential backoff. Until then workers fall back to their
 * idle poll, so nothing is lost, only later.
 */
async function listenWithReconnect(
  url: string,
  channel: string,
  fn: (payload: string) => void,
  hooks: ListenHooks,
): Promise<{ stop(): Promise<void> }> {
  let stopped = false;
  let client: pg.Client | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let delayMs = LISTEN_RETRY_MIN_MS;

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: url });
    let live = false;
    let down = false;
    const lost = (error: unknown) => {
      if (!live || down || stopped) return; // a failed connect is reported by its caller
      down = true;
      client = null;
      c.end().catch(() => {});
      hooks.onDown?.(error);
      scheduleRetry();
    };
    c.on('error', lost);
    c.on('end', () => lost(new Error('LISTEN connection ended')));
    c.on('notification', (msg) => {
      if (msg.channel === channel) fn(msg.payload ?? '');
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      down = true;
      c.end().catch(() => {});
      throw error;
    }
    if (stopped) {
      await c.end().catch(() => {});
      return;
    }
    live = true;
    client = c;
  }

  function scheduleRetry(): void {
    retryTimer = setTimeout(async () => {
      retryTimer = null;
      if (stopped) return;
      try {
        await connect();
        delayMs = LISTEN_RETRY_MIN_MS;
        hooks.onUp?.();
        fn(''); // notifications sent while we were away are gone: look for work now
      } catch (error) {
        delayMs = Math.min(LISTEN_RETRY_MAX_MS, delayMs * 2);
        hooks.onDown?.(error);
        scheduleRetry();
      }
    }, delayMs);
    retryTimer.unref();
  }

  await connect();
  return {
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      await client?.end().catch(() => {});
      client = null;
    },
  };
}

async function openEmbedded(dataDir: string): Promise<Db> {
  const inMemory = dataDir.startsWith('memory://');
  // Two processes on one PGlite directory silently lose writes: take the directory first.
  const lock: DataDirLock | null = inMemory ? null : lockDataDir(dataDir);
  let pglite: PGlite;
  try {
    pglite = new PGlite(dataDir);
    await pglite.waitReady;
  } catch (error) {
    lock?.release();
    throw error;
  }
  // PGlite has a single connection; the pool queues everyone else behind an open transaction,
  // which is why transactions here are kept to a few statements.
  const pool = new pg.Pool(createPgConfig(pglite) as unknown as pg.PoolConfig);
  pool.on('error', () => {});
  const q = poolQueryable(pool);
  const withConnection = async <T>(fn: () => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await fn();
    } finally {
      client.release();
    }
  };
  // PGlite runs in this thread and answers through promises alone, with no I/O in between: a loop of
  // queries (a run invoicing thousands of orders) would be one unbroken chain of microtasks, and HTTP,
  // timers and signals would wait until it ends. Every statement and transaction first lets the event
  // loop take a turn.
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    kind: 'embedded',
    async query(query) {
      await turn();
      return q.query(query);
    },
    async transaction(fn) {
      await turn();
      return transactionOn(pool, fn);
    },
    async listen(channel, fn) {
      // LISTEN/UNLISTEN go to PGlite directly, beside the pool: hold the pool's one connection meanwhile, or
      // they interleave with another query's wire protocol ("StartTransactionCommand: unexpected state").
      const unlisten = await withConnection(() => pglite.listen(channel, fn));
      return () => withConnection(unlisten);
    },
    async close() {
      await pool.end();
      await pglite.close();
      lock?.release();
    },
  };
}

/** True for an error raised by the database or the connection to it (answered as 500, SPEC §2). */
export function isDatabaseFailure(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const e = error as { code?: unknown; severity?: unknown; message?: unknown };
  if (typeof e.severity === 'string' && typeof e.code === 'string') return true; // a server error response
  if (typeof e.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(e.code)) {
    return true;
  }
  return typeof e.message === 'string' && /Connection terminated|connection timeout|Client has encountered a connection error|Cannot use a pool after calling end|PGlite is closed/i.test(e.message);
}

/** The SQLSTATE and constraint of a unique violation, or null. */
export function uniqueViolation(error: unknown): string | null {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e && e.code === '23505' ? String(e.constraint ?? '') : null;
}
