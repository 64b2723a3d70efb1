/**
 * Callbacks (SPEC §4) against a local receiver that answers 200 at once (bench/children/callback-receiver.ts):
 *
 *   cb-tput          callbacks/s of ONE `efaktura worker` draining a pre-filled outbox (PostgreSQL server),
 *                    with the callback concurrency tuned for a single merchant host
 *   cb-tput-default  the same with the default concurrency (64 in flight, 8 per host)
 *   cb-idle          commit → arrival of one cancellation at a time, `efaktura serve` (worker inside), PostgreSQL
 *   cb-load          the same while autocannon drives create-order against that server
 *   cb-idle-pglite   cb-idle on the embedded database (in-process wake-up, no NOTIFY)
 *
 * Every run checks at the receiver and in the database that each event arrived exactly once.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withClient } from '../lib/postgres.ts';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/types.ts';
import { createMerchant, startServe, startWorkerProcess } from '../lib/efaktura.ts';
import { fireStoppable } from '../lib/load.ts';
import { examplePayload } from '../lib/payload.ts';
import { commCpuMeter, cpuMeter, hwmMb, machineMeter, othersCpuMeter, sampleRss } from '../lib/proc.ts';
import { jsonResult, spawnNode, type ChildHandle } from '../lib/processes.ts';
import { startReceiver } from '../lib/receiver.ts';
import { CREATE_PATH, SERVE_ENV } from './create-order-http.ts';
import type { SeedResult } from '../children/callback-seed.ts';
import type { LatencyResult, Percentiles } from '../children/callback-latency.ts';

const CHILDREN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'children');

/** Events seeded per second of BENCH_DURATION: 20,000 at the default 10 s, ≥ 10 s of work at the 1,000/s goal. */
const EVENTS_PER_DURATION_S = 2000;
/** Cancellations per second of BENCH_DURATION: 300 at 10 s (≈ 10 s at 20–30 ms apart). */
const CANCELS_PER_DURATION_S = 30;

/**
 * cb-tput's concurrency: every event goes to one host, so the per-host cap is the limit; it is raised
 * to the total. The bench's environment can override both (EFAKTURA_CALLBACK_CONCURRENCY,
 * EFAKTURA_CALLBACK_PER_HOST_CONCURRENCY); the defaults of the server are 64 and 8.
 */
export const TUNED_CONCURRENCY = { total: '64', perHost: '64' };
const DEFAULT_CONCURRENCY = { total: '64', perHost: '8' };

/** Other processes' CPU during a measurement (% of a core) above which the result is flagged. */
const OTHERS_WARNING_PCT = 25;

function othersNote(pct: number | null): string {
  if (pct === null) return 'CPU of other processes unknown';
  const text = `other processes (not ours, not postgres) used ${f0(pct)} % of a core meanwhile`;
  return pct > OTHERS_WARNING_PCT ? `WARNING: ${text}; the numbers are skewed` : text;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f0 = (v: number) => v.toFixed(0);
const f1 = (v: number) => v.toFixed(1);

function poolEnv(): Record<string, string> {
  const poolSize = process.env.EFAKTURA_DB_POOL_SIZE;
  return poolSize ? { EFAKTURA_DB_POOL_SIZE: poolSize } : {};
}


interface OutboxCounts {
  byState: Record<string, number>;
  attempts: number;
  attemptP50: number;
  attemptP99: number;
}

async function outboxCounts(url: string): Promise<OutboxCounts> {
  return withClient(url, async (c) => {
    const states = await c.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM callback_events GROUP BY state');
    const a = await c.query<{ n: number; p50: number | null; p99: number | null }>(
      `SELECT count(*)::int AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99 FROM callback_attempts`,
    );
    return {
      byState: Object.fromEntries(states.rows.map((r) => [r.state, r.n])),
      attempts: a.rows[0]!.n,
      attemptP50: a.rows[0]!.p50 ?? NaN,
      attemptP99: a.rows[0]!.p99 ?? NaN,
    };
  });
}

/** Transactions (commits and rollbacks) in the current database so far; the backends report on going idle or exiting. */
async function transactions(url: string): Promise<number> {
  return withClient(url, async (c) => {
    await c.query('SELECT pg_stat_clear_snapshot()');
    const r = await c.query<{ n: number }>(
      'SELECT (xact_commit + xact_rollback)::float8 AS n FROM pg_stat_database WHERE datname = current_database()',
    );
    return r.rows[0]!.n;
  });
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)]!;
}

async function throughput(ctx: BenchContext, name: string, concurrency: { total: string; perHost: string }): Promise<ScenarioResult> {
  const { durationS } = ctx.options;
  const events = Math.max(1000, Math.round(EVENTS_PER_DURATION_S * durationS));
  const maxS = Math.max(20, durationS * 6);
  const receiver = await startReceiver(ctx);
  const url = await ctx.tempDatabase();
  const dbEnv: Record<string, string> = { DATABASE_URL: url, ...poolEnv() };

  ctx.log(`  seeding ${events} orders, one pending callback each, to ${receiver.baseUrl}/cb`);
  const seeder = spawnNode(ctx.cleanup, 'callback-seed', [path.join(CHILDREN, 'callback-seed.ts')], {
    env: { LOG_LEVEL: 'warn', ...dbEnv, BENCH_CB_EVENTS: String(events), BENCH_CB_URL: `${receiver.baseUrl}/cb?shop=bench` },
    stdin: 'pipe',
  });
  const seed = await jsonResult<SeedResult>(seeder, 300_000);
  const pool = dbEnv.EFAKTURA_DB_POOL_SIZE ?? '8 (default)';
  ctx.log(
    `  seeded in ${f1(seed.seedS)} s; one efaktura worker, EFAKTURA_CALLBACK_CONCURRENCY=${concurrency.total}, ` +
      `EFAKTURA_CALLBACK_PER_HOST_CONCURRENCY=${concurrency.perHost}, pool ${pool}; draining (at most ${maxS} s)`,
  );

  const xacts0 = await transactions(url);
  const worker = startWorkerProcess(ctx, name, {
    ...dbEnv,
    EFAKTURA_ALLOW_PRIVATE_CALLBACKS: '1',
    EFAKTURA_CALLBACK_CONCURRENCY: concurrency.total,
    EFAKTURA_CALLBACK_PER_HOST_CONCURRENCY: concurrency.perHost,
  });
  const rss = sampleRss(worker.pid, 50);
  const alive = () => {
    if (worker.hasExited()) throw new Error(`efaktura worker exited:\n${worker.output()}`);
  };
  try {
    // The worker has no readiness signal: the window opens with the first callback at the receiver.
    const startBy = Date.now() + 60_000;
    let stats = await receiver.stats();
    while (stats.firstAt === null) {
      alive();
      if (Date.now() > startBy) throw new Error(`no callback arrived within 60 s:\n${worker.output()}`);
      await sleep(10);
      stats = await receiver.stats();
    }
    const cpu = cpuMeter(worker.pid);
    const receiverCpu = cpuMeter(receiver.handle.pid);
    const machine = machineMeter();
    const pgCpu = commCpuMeter('postgres');
    const others = othersCpuMeter([worker.pid, receiver.handle.pid, process.pid]);
    const until = performance.now() + maxS * 1000;
    while (stats.distinctEvents < events && performance.now() < until) {
      alive();
      await sleep(50);
      stats = await receiver.stats();
    }
    const cpuPct = cpu.pct() ?? undefined;
    const receiverPct = receiverCpu.pct();
    const machineCpuPct = machine.pct() ?? undefined;
    const dbCpuPct = pgCpu.pct() ?? undefined;
    const othersPct = others.pct();
    const drained = stats.distinctEvents >= events;
    const windowS = ((stats.lastAt ?? 0) - (stats.firstAt ?? 0)) / 1000;
    const rate = windowS > 0 ? stats.distinctEvents / windowS : NaN;

    // The last attempts are recorded just after their callbacks arrive.
    const recordBy = Date.now() + 15_000;
    let db = await outboxCounts(url);
    while (drained && (db.byState.pending ?? 0) > 0 && Date.now() < recordBy) {
      await sleep(100);
      db = await outboxCounts(url);
    }
    const hwm = hwmMb(worker.pid);
    await worker.stop(30_000); // graceful: in-flight attempts are recorded, a --cpu-prof profile is written
    await sleep(600); // the worker's backends have exited and reported their statistics
    const xacts = (await transactions(url)) - xacts0;
    db = await outboxCounts(url);
    const final = await receiver.stats();

    const delivered = db.byState.delivered ?? 0;
    const problems: string[] = [];
    if (final.duplicates > 0) problems.push(`${final.duplicates} duplicate deliveries`);
    if (final.malformed > 0) problems.push(`${final.malformed} callbacks without event id or orderUuid`);
    if (delivered !== final.distinctEvents) problems.push(`database says ${delivered} delivered, receiver got ${final.distinctEvents} distinct`);
    if (db.attempts !== final.requests) problems.push(`${db.attempts} attempts recorded for ${final.requests} requests received`);
    if (drained && final.distinctEvents !== events) problems.push(`${events - final.distinctEvents} events never arrived`);
    const other = Object.entries(db.byState).filter(([s]) => s !== 'delivered' && s !== 'pending');
    if (other.length > 0) problems.push(`events in state ${other.map(([s, n]) => `${s}×${n}`).join(', ')}`);

    const full = stats.perSecond.slice(0, Math.floor(windowS));
    const notes = [
      `${events} events (first order via insertOrder + transitionOrder, the rest SQL copies) seeded in ${f1(seed.seedS)} s; ` +
        `EFAKTURA_CALLBACK_CONCURRENCY=${concurrency.total}, EFAKTURA_CALLBACK_PER_HOST_CONCURRENCY=${concurrency.perHost} ` +
        `(defaults ${DEFAULT_CONCURRENCY.total}/${DEFAULT_CONCURRENCY.perHost}), pool ${pool}`,
      drained
        ? `drained ${stats.distinctEvents} events in ${f1(windowS)} s (first → last arrival): ${f0(rate)} callbacks/s`
        : `NOT drained within ${maxS} s: ${stats.distinctEvents} of ${events} arrived in ${f1(windowS)} s: ${f0(rate)} callbacks/s`,
      `callbacks per whole second: min ${full.length ? Math.min(...full) : '–'}, median ${f0(median(full))}, max ${full.length ? Math.max(...full) : '–'}`,
      `p50/p99 columns: the worker's own time per attempt (callback_attempts.latency_ms), whole ms`,
      problems.length === 0
        ? `exactly once: ${final.requests} requests, ${final.distinctEvents} distinct efaktura-event-id, 0 duplicates; database ${delivered} delivered, ${db.attempts} attempts`
        : `EXACTLY-ONCE CHECK FAILED: ${problems.join('; ')}`,
      `${f1(xacts / Math.max(1, delivered))} database transactions per delivered callback (${f0(xacts)} in all, pg_stat_database, worker start to stop)`,
      `the worker opened ${final.connections} TCP connections to the receiver for ${final.requests} callbacks (receiver's count, bench polling included)`,
      `receiver process ${receiverPct === null ? '?' : f0(receiverPct)} % of a core; worker VmHWM ${hwm === null ? '?' : f0(hwm)} MB`,
      othersNote(othersPct),
    ];
    return {
      rps: rate,
      p50Ms: db.attemptP50,
      p99Ms: db.attemptP99,
      ok: stats.distinctEvents,
      failed: final.duplicates + final.malformed + Math.abs(delivered - final.distinctEvents),
      peakRssMb: rss.peakMb(),
      cpuPct,
      dbCpuPct,
      machineCpuPct,
      notes,
    };
  } finally {
    rss.stop();
    await worker.stop(30_000);
  }
}

export const callbackThroughput: Scenario = {
  id: 'cb-tput',
  title: 'callbacks/s, one efaktura worker, PostgreSQL',
  run: (ctx) =>
    throughput(ctx, 'worker-callbacks', {
      total: process.env.EFAKTURA_CALLBACK_CONCURRENCY || TUNED_CONCURRENCY.total,
      perHost: process.env.EFAKTURA_CALLBACK_PER_HOST_CONCURRENCY || TUNED_CONCURRENCY.perHost,
    }),
};

export const callbackThroughputDefaults: Scenario = {
  id: 'cb-tput-default',
  title: 'callbacks/s, one worker, default concurrency',
  run: (ctx) => throughput(ctx, 'worker-callbacks-default', DEFAULT_CONCURRENCY),
};

/** Resolves once the child has printed `line` on stdout. */
function stdoutLine(handle: ChildHandle, line: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${handle.name}: no ${line} within ${timeoutMs / 1000} s:\n${handle.output()}`)), timeoutMs);
    const check = () => {
      if (handle.stdout().includes(line)) {
        clearTimeout(timer);
        handle.child.stdout!.off('data', check);
        resolve();
      }
    };
    handle.child.stdout!.on('data', check);
    check();
    void handle.exited.then(() => {
      clearTimeout(timer);
      if (!handle.stdout().includes(line)) reject(new Error(`${handle.name} exited before ${line}:\n${handle.output()}`));
    });
  });
}

const ms = (p: Percentiles, key: keyof Percentiles) => f1(p[key]);

async function latency(ctx: BenchContext, name: string, dbEnv: Record<string, string>, underLoad: boolean): Promise<ScenarioResult> {
  const { durationS, warmupS } = ctx.options;
  const cancels = Math.max(20, Math.round(CANCELS_PER_DURATION_S * durationS));
  const receiver = await startReceiver(ctx);
  const env = { ...SERVE_ENV, ...dbEnv, EFAKTURA_ALLOW_PRIVATE_CALLBACKS: '1' };
  const merchant = await createMerchant(ctx, env); // before serve: PGlite's data dir is locked by a server
  const serve = await startServe(ctx, name, env);
  const rss = sampleRss(serve.handle.pid);
  let load: ReturnType<typeof fireStoppable> | null = null;
  try {
    const client = spawnNode(ctx.cleanup, 'callback-latency', [path.join(CHILDREN, 'callback-latency.ts')], {
      env: {
        BENCH_BASE_URL: serve.baseUrl,
        BENCH_TOKEN: merchant.token,
        BENCH_RECEIVER_URL: receiver.baseUrl,
        BENCH_CANCELS: String(cancels),
        BENCH_WAIT_GO: '1',
        BENCH_STREAM_DEADLINE_S: String(durationS * 4 + 20),
      },
      stdin: 'pipe',
    });
    const result = jsonResult<LatencyResult>(client, (warmupS + durationS * 4 + 180) * 1000);
    result.catch(() => {}); // awaited below; do not let an early failure become an unhandled rejection
    ctx.log(`  creating ${cancels} orders to cancel`);
    await stdoutLine(client, '{"phase":"ready"}', 120_000);

    const loadSpec = {
      url: `${serve.baseUrl}${CREATE_PATH}`,
      method: 'POST' as const,
      headers: { authorization: `Bearer ${merchant.token}`, 'content-type': 'application/json' },
      body: examplePayload(),
    };
    if (underLoad) {
      if (warmupS > 0) {
        ctx.log(`  warm-up ${warmupS} s of create-order at ${ctx.options.connections} connections`);
        await fireStoppable(ctx, loadSpec, warmupS).result;
      }
      load = fireStoppable(ctx, loadSpec, 3600);
    }
    ctx.log(`  ${cancels} cancellations, one at a time, 20–30 ms apart${underLoad ? `, under create-order load at ${ctx.options.connections} connections` : ''}`);
    const cpu = cpuMeter(serve.handle.pid);
    const machine = machineMeter();
    const pgCpu = commCpuMeter('postgres');
    const others = othersCpuMeter([serve.handle.pid, receiver.handle.pid, client.pid, process.pid]);
    const own0 = process.cpuUsage();
    const t0 = performance.now();
    client.child.stdin!.write('go\n');
    await stdoutLine(client, '{"phase":"done"}', (durationS * 4 + 60) * 1000);
    const wallMs = performance.now() - t0;
    const cpuPct = cpu.pct() ?? undefined;
    const machineCpuPct = machine.pct() ?? undefined;
    const dbCpuPct = pgCpu.pct() ?? undefined;
    const own = process.cpuUsage(own0);
    const othersPct = others.pct();
    load?.stop();
    const loadResult = load ? await load.result : null;
    load = null;
    const r = await result;

    const c = r.commitToArrival;
    const notes = [
      `${r.accepted} cancellations (202) in ${f1(r.elapsedS)} s; callbacks arrived for ${r.delivered}, missing ${r.missing}, duplicates ${r.duplicates}` +
        (r.refused > 0 ? `, cancels refused/failed ${r.refused}` : ''),
      `commit (202 received) → arrival ms: p50 ${ms(c, 'p50')}, p90 ${ms(c, 'p90')}, p99 ${ms(c, 'p99')}, max ${ms(c, 'max')}, min ${ms(c, 'min')}, mean ${ms(c, 'mean')}; ${r.beforeReply} arrived before the 202`,
      `request sent → arrival ms (upper bound): p50 ${ms(r.sentToArrival, 'p50')}, p99 ${ms(r.sentToArrival, 'p99')}, max ${ms(r.sentToArrival, 'max')}; ` +
        `the cancel request itself: p50 ${ms(r.cancelRequest, 'p50')}, p99 ${ms(r.cancelRequest, 'p99')}`,
      `receiver clock offset ${r.clockOffsetMs.toFixed(2)} ms (round trip ${r.clockRttMs.toFixed(2)} ms), corrected for`,
      othersNote(othersPct),
    ];
    let rps = r.accepted / r.elapsedS;
    if (loadResult) {
      rps = loadResult['2xx'] / loadResult.duration;
      const loadGenPct = ((own.user + own.system) / 1000 / wallMs) * 100;
      notes.push(
        `req/s column: create-order 2xx/s during the stream (${loadResult['2xx']} in ${f1(loadResult.duration)} s, p50 ${loadResult.latency.p50} ms, ` +
          `p99 ${loadResult.latency.p99} ms, non-2xx ${loadResult.non2xx}, errors ${loadResult.errors}); autocannon used ${f0(loadGenPct)} % of a core`,
      );
    } else {
      notes.push('req/s column: cancellations per second');
    }
    return {
      rps,
      p50Ms: c.p50,
      p99Ms: c.p99,
      ok: r.delivered,
      failed: r.missing + r.duplicates + r.refused,
      peakRssMb: rss.peakMb(),
      cpuPct,
      dbCpuPct,
      machineCpuPct,
      notes,
    };
  } finally {
    load?.stop();
    rss.stop();
    await serve.handle.stop(30_000); // graceful, so a --cpu-prof profile gets written
  }
}

async function onPostgres(ctx: BenchContext, name: string, underLoad: boolean): Promise<ScenarioResult> {
  const url = await ctx.tempDatabase();
  return latency(ctx, name, { DATABASE_URL: url, ...poolEnv() }, underLoad);
}

export const callbackLatencyIdle: Scenario = {
  id: 'cb-idle',
  title: 'callback commit→arrival, idle, PostgreSQL',
  run: (ctx) => onPostgres(ctx, 'serve-callbacks-idle', false),
};

export const callbackLatencyLoad: Scenario = {
  id: 'cb-load',
  title: 'callback commit→arrival, create-order load',
  run: (ctx) => onPostgres(ctx, 'serve-callbacks-load', true),
};

export const callbackLatencyIdlePglite: Scenario = {
  id: 'cb-idle-pglite',
  title: 'callback commit→arrival, idle, PGlite',
  async run(ctx) {
    const dataDir = await ctx.tempDir('pglite-callbacks');
    return latency(ctx, 'serve-pglite-callbacks-idle', { DATABASE_URL: '', EFAKTURA_DATA_DIR: dataDir }, false);
  },
};
