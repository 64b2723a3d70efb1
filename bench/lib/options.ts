/** Benchmark settings from the environment (all optional). */
import { assertLoopbackUrl } from './postgres.ts';

export interface BenchOptions {
  /** Measured seconds per scenario (BENCH_DURATION, default 10). */
  durationS: number;
  /** Unmeasured seconds of the same load before each measurement (BENCH_WARMUP, default min(3, duration)). */
  warmupS: number;
  /** HTTP connections and driver loops (BENCH_CONNECTIONS, default 32). */
  connections: number;
  /** Superuser URL of the PostgreSQL server where throw-away databases are made (BENCH_PG_URL). */
  pgAdminUrl: string;
  /** Only these scenario ids (BENCH_ONLY=a,c,d-pg); all when empty. */
  only: string[];
  /** Seconds to wait before each scenario for the machine to be idle (BENCH_QUIET_WAIT, default 60; 0 = do not wait). */
  quietWaitS: number;
  /** Extra Node flags for the efaktura server children, e.g. --max-semi-space-size=8 (BENCH_SERVE_NODE_FLAGS). */
  serveNodeFlags: string[];
  /** Write a V8 CPU profile of each efaktura server child here (BENCH_CPU_PROF=dir). */
  cpuProfDir: string | null;
}

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number (got "${raw}")`);
  return n;
}

export function loadBenchOptions(): BenchOptions {
  const durationS = positive('BENCH_DURATION', 10);
  const pgAdminUrl = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';
  assertLoopbackUrl(pgAdminUrl);
  return {
    durationS,
    warmupS: process.env.BENCH_WARMUP === '0' ? 0 : positive('BENCH_WARMUP', Math.min(3, durationS)),
    connections: Math.round(positive('BENCH_CONNECTIONS', 32)),
    pgAdminUrl,
    only: (process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    quietWaitS: process.env.BENCH_QUIET_WAIT === '0' ? 0 : positive('BENCH_QUIET_WAIT', 60),
    // Default: the flags `npm start` and bin/efaktura.js run the server with.
    serveNodeFlags: (process.env.BENCH_SERVE_NODE_FLAGS ?? '--max-semi-space-size=4').split(/\s+/).filter(Boolean),
    cpuProfDir: process.env.BENCH_CPU_PROF || null,
  };
}
