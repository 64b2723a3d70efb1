/**
 * (b)/(c) POST /api/v1/connect/orders/faktura/create with the documented example payload and a
 * valid merchant token against `efaktura serve` — on the embedded PGlite or a PostgreSQL server.
 */
import type { BenchContext, Scenario, ScenarioResult } from '../lib/types.ts';
import { createMerchant, startServe } from '../lib/efaktura.ts';
import { httpLoad } from '../lib/load.ts';
import { examplePayload, examplePayloadDistinctCustomer } from '../lib/payload.ts';

export const CREATE_PATH = '/api/v1/connect/orders/faktura/create';

/** Settings shared by both storage modes: no demo merchant, a rate limit the load cannot reach. */
export const SERVE_ENV = { LOG_LEVEL: 'warn', EFAKTURA_RATE_LIMIT: '1000000000', EFAKTURA_DEMO_MERCHANT: '0' };

async function createOrderOver(
  ctx: BenchContext,
  name: string,
  dbEnv: Record<string, string>,
  distinctCustomers = false,
): Promise<ScenarioResult> {
  const env = { ...SERVE_ENV, ...dbEnv };
  const merchant = await createMerchant(ctx, env); // before serve: PGlite's data dir is locked by a server
  const serve = await startServe(ctx, name, env);
  try {
    return await httpLoad(ctx, {
      url: `${serve.baseUrl}${CREATE_PATH}`,
      method: 'POST',
      headers: { authorization: `Bearer ${merchant.token}`, 'content-type': 'application/json' },
      body: examplePayload(),
      bodyFactory: distinctCustomers ? examplePayloadDistinctCustomer : undefined,
      expectStatus: 201,
      serverPid: serve.handle.pid,
    });
  } finally {
    await serve.handle.stop(30_000); // graceful, so a --cpu-prof profile gets written
  }
}

export const createOrderPglite: Scenario = {
  id: 'b',
  title: 'create-order HTTP, PGlite',
  async run(ctx) {
    const dataDir = await ctx.tempDir('pglite-serve');
    return createOrderOver(ctx, 'serve-pglite', { DATABASE_URL: '', EFAKTURA_DATA_DIR: dataDir });
  },
};

async function overPostgres(ctx: BenchContext, name: string, distinctCustomers: boolean): Promise<ScenarioResult> {
  const url = await ctx.tempDatabase();
  const poolSize = process.env.EFAKTURA_DB_POOL_SIZE;
  return createOrderOver(ctx, name, { DATABASE_URL: url, ...(poolSize ? { EFAKTURA_DB_POOL_SIZE: poolSize } : {}) }, distinctCustomers);
}

export const createOrderPostgres: Scenario = {
  id: 'c',
  title: 'create-order HTTP, PostgreSQL',
  run: (ctx) => overPostgres(ctx, 'serve-postgres', false),
};

/** Opt-in: every request a different customer (the example payload always upserts one customer row). */
export const createOrderPostgresDistinct: Scenario = {
  id: 'c-distinct',
  title: 'create-order HTTP, PostgreSQL, distinct customers',
  optional: true,
  run: (ctx) => overPostgres(ctx, 'serve-postgres-distinct', true),
};
