/**
 * (d) The database's own ceiling: the create-order statement (`insertOrder`, a validated example
 * order, fresh ids) from N concurrent loops straight through the driver, no HTTP, in a child process.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/types.ts';
import { jsonResult, spawnNode } from '../lib/processes.ts';
import { commCpuMeter, cpuMeter, machineMeter, sampleRss } from '../lib/proc.ts';
import type { CeilingResult } from '../children/db-ceiling.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'children', 'db-ceiling.ts');

async function ceiling(ctx: BenchContext, dbEnv: Record<string, string>): Promise<ScenarioResult> {
  const { durationS, warmupS, connections } = ctx.options;
  ctx.log(`  ${connections} loops, warm-up ${warmupS} s, measuring ${durationS} s`);
  const handle = spawnNode(ctx.cleanup, 'db-ceiling', [CHILD], {
    env: { LOG_LEVEL: 'warn', BENCH_LOOPS: String(connections), BENCH_WARMUP_S: String(warmupS), BENCH_DURATION_S: String(durationS), ...dbEnv },
    stdin: 'pipe',
  });
  const rss = sampleRss(handle.pid);
  // CPU is metered between the child's "measure" and "done" markers (after set-up and warm-up,
  // before it closes its connections, whose backends' CPU would otherwise vanish from /proc).
  let cpu: ReturnType<typeof cpuMeter> | null = null;
  let machine: ReturnType<typeof machineMeter> | null = null;
  let pgCpu: ReturnType<typeof commCpuMeter> | null = null;
  handle.child.stdout!.on('data', () => {
    if (cpu === null && handle.stdout().includes('{"phase":"measure"}')) {
      cpu = cpuMeter(handle.pid);
      machine = machineMeter();
      pgCpu = commCpuMeter('postgres');
    }
  });
  let cpuPct: number | undefined;
  let machineCpuPct: number | undefined;
  let dbCpuPct: number | undefined;
  handle.child.stdout!.on('data', () => {
    if (cpuPct === undefined && cpu !== null && handle.stdout().includes('{"phase":"done"}')) {
      cpuPct = cpu.pct() ?? undefined;
      machineCpuPct = machine?.pct() ?? undefined;
      dbCpuPct = pgCpu?.pct() ?? undefined;
    }
  });
  try {
    const r = await jsonResult<CeilingResult>(handle, (warmupS + durationS + 120) * 1000);
    const notes = [`${r.kind} database, pool ${r.poolSize}`];
    if (r.idCollisions > 0) notes.push(`${r.idCollisions} random-id collisions retried`);
    return {
      rps: r.ok / r.elapsedS,
      p50Ms: r.p50Ms,
      p99Ms: r.p99Ms,
      ok: r.ok,
      failed: r.failed,
      peakRssMb: rss.peakMb(),
      cpuPct,
      machineCpuPct,
      dbCpuPct,
      notes,
    };
  } finally {
    rss.stop();
    await handle.stop();
  }
}

async function onPostgres(ctx: BenchContext, extra: Record<string, string>): Promise<ScenarioResult> {
  const url = await ctx.tempDatabase();
  const poolSize = process.env.EFAKTURA_DB_POOL_SIZE;
  return ceiling(ctx, { DATABASE_URL: url, ...(poolSize ? { EFAKTURA_DB_POOL_SIZE: poolSize } : {}), ...extra });
}

export const dbCeilingPostgres: Scenario = {
  id: 'd-pg',
  title: 'create-order SQL only, PostgreSQL',
  run: (ctx) => onPostgres(ctx, {}),
};

/** Opt-in: every order a different customer (see createOrderPostgresDistinct). */
export const dbCeilingPostgresDistinct: Scenario = {
  id: 'd-pg-distinct',
  title: 'create-order SQL only, PostgreSQL, distinct customers',
  optional: true,
  run: (ctx) => onPostgres(ctx, { BENCH_DISTINCT_CUSTOMERS: '1' }),
};

export const dbCeilingPglite: Scenario = {
  id: 'd-pglite',
  title: 'create-order SQL only, PGlite',
  async run(ctx) {
    const dataDir = await ctx.tempDir('pglite-ceiling');
    return ceiling(ctx, { DATABASE_URL: '', EFAKTURA_DATA_DIR: dataDir });
  },
};
