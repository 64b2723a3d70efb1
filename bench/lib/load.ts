/** HTTP load with autocannon (in this process) against a server in a child process. */
import autocannon, { type Result } from 'autocannon';
import type { BenchContext, ScenarioResult } from './types.ts';
import { commCpuMeter, cpuMeter, hwmMb, machineMeter, rssMb, sampleRss } from './proc.ts';

export interface HttpLoad {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** A fresh body per request instead of `body` (autocannon's setupRequest). */
  bodyFactory?: () => string;
  /** The status every answer must have; checked once before the load (default 200). */
  expectStatus?: number;
  /** The server process whose RSS and CPU are reported. */
  serverPid?: number;
}

function fire(ctx: BenchContext, load: HttpLoad, durationS: number): Promise<Result> {
  return fireStoppable(ctx, load, durationS).result;
}

/** Load for up to `durationS` seconds that can also be ended early with `stop()`; `result.duration` is the real one. */
export function fireStoppable(ctx: BenchContext, load: HttpLoad, durationS: number): { stop(): void; result: Promise<Result> } {
  const instance = autocannon({
    url: load.url,
    method: load.method ?? 'GET',
    headers: load.headers,
    body: load.body,
    connections: ctx.options.connections,
    duration: durationS,
    timeout: 10,
    ...(load.bodyFactory ? { requests: [{ setupRequest: (req) => ({ ...req, body: load.bodyFactory!() }) }] } : {}),
  });
  return { stop: () => instance.stop(), result: new Promise<Result>((resolve, reject) => instance.then(resolve, reject)) };
}

export async function httpLoad(ctx: BenchContext, load: HttpLoad): Promise<ScenarioResult> {
  const expect = load.expectStatus ?? 200;
  const idleRss = load.serverPid === undefined ? null : rssMb(load.serverPid);
  // Peak RSS is sampled from "ready" (before the first request) to the end of the load.
  const rss = load.serverPid === undefined ? null : sampleRss(load.serverPid);
  try {
    const probe = await fetch(load.url, { method: load.method ?? 'GET', headers: load.headers, body: load.bodyFactory?.() ?? load.body });
    const probeText = await probe.text();
    if (probe.status !== expect) throw new Error(`probe answered ${probe.status}, expected ${expect}: ${probeText.slice(0, 500)}`);
    if (ctx.options.warmupS > 0) {
      ctx.log(`  warm-up ${ctx.options.warmupS} s`);
      await fire(ctx, load, ctx.options.warmupS);
    }
    ctx.log(`  measuring ${ctx.options.durationS} s, ${ctx.options.connections} connections`);
    const cpu = load.serverPid === undefined ? null : cpuMeter(load.serverPid);
    const machine = machineMeter();
    const pgCpu = commCpuMeter('postgres');
    const own0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await fire(ctx, load, ctx.options.durationS);
    const own = process.cpuUsage(own0);
    const loadGenPct = ((own.user + own.system) / 1000 / (performance.now() - t0)) * 100;
    const cpuPct = cpu?.pct() ?? undefined;
    const machineCpuPct = machine.pct() ?? undefined;
    const dbCpuPct = pgCpu.pct() ?? undefined;
    const statuses = Object.entries(r.statusCodeStats)
      .map(([code, s]) => `${code}×${s.count}`)
      .join(', ');
    const notes: string[] = [`autocannon (this process) used ${loadGenPct.toFixed(0)} % of a core`];
    if (r.non2xx > 0 || r.errors > 0) notes.push(`statuses ${statuses}; socket errors ${r.errors}, timeouts ${r.timeouts}`);
    const hwm = load.serverPid === undefined ? null : hwmMb(load.serverPid);
    if (hwm !== null && idleRss !== null) {
      notes.push(`RSS idle after start ${idleRss.toFixed(0)} MB; VmHWM (lifetime peak, incl. start-up) ${hwm.toFixed(0)} MB`);
    }
    return {
      rps: r['2xx'] / r.duration,
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      ok: r['2xx'],
      failed: r.non2xx + r.errors,
      peakRssMb: rss?.peakMb(),
      cpuPct,
      machineCpuPct,
      dbCpuPct,
      notes,
    };
  } finally {
    rss?.stop();
  }
}
