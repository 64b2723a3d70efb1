/**
 * `npm run bench`: every scenario in one run on this machine, then one table and the ratios.
 *
 *   BENCH_DURATION=10   measured seconds per scenario (2 for a smoke run)
 *   BENCH_WARMUP=3      unmeasured seconds of the same load first (default min(3, duration))
 *   BENCH_CONNECTIONS=32
 *   BENCH_ONLY=a,c,d-pg only these scenarios (also the opt-in ones: c-distinct, d-pg-distinct);
 *                       the callback ones: BENCH_ONLY=cb-tput,cb-tput-default,cb-idle,cb-load,cb-idle-pglite
 *                       the invoice runs: BENCH_ONLY=inv-run,inv-run-combined,pdf-ceiling (the runs ignore
 *                       BENCH_DURATION: they last until 20,000 orders are invoiced and rendered, 10 min at most)
 *                       the deliveries: BENCH_ONLY=deliv-file,deliv-sim (BENCH_DELIV_INVOICES=2000 invoices each)
 *                       the dashboard: BENCH_ONLY=dash-pages (BENCH_DASH_ORDERS=100000, BENCH_DASH_REQUESTS=30 per page)
 *                       the payment import: BENCH_ONLY=pay-import,pay-import-camt (BENCH_PAY_TRANSACTIONS=1000000,
 *                       BENCH_PAY_CAMT_ENTRIES=100000, BENCH_PAY_SAMPLE=20000 for the row-by-row comparison)
 *   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test  where throw-away databases are created
 *   BENCH_QUIET_WAIT=60 seconds to wait, before each scenario, for other processes to leave the CPUs idle
 *   BENCH_SERVE_NODE_FLAGS="…"  Node flags for the efaktura serve and worker children (default --max-semi-space-size=4, as npm start)
 *   BENCH_CPU_PROF=dir  write a V8 CPU profile of each `efaktura serve` and `efaktura worker` child into dir
 *   EFAKTURA_DB_POOL_SIZE  passed to the PostgreSQL scenarios (c, d-pg, cb-*); default as in the server
 *   EFAKTURA_INVOICE_BATCH_SIZE, EFAKTURA_RENDER_CONCURRENCY  passed to inv-run and inv-run-combined (server defaults 100, 2)
 *   EFAKTURA_CALLBACK_CONCURRENCY, EFAKTURA_CALLBACK_PER_HOST_CONCURRENCY  cb-tput's worker only (default 64/64
 *                       there; cb-tput-default always runs the server's defaults, 64/8)
 *
 * A scenario is a `Scenario` (bench/lib/types.ts) in bench/scenarios/; add it to SCENARIOS below.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCleanup, runGuarded } from './lib/cleanup.ts';
import { loadBenchOptions } from './lib/options.ts';
import { createTempDatabase, serverVersion } from './lib/postgres.ts';
import { backgroundBusyPct } from './lib/proc.ts';
import { markdownTable, textTable, type Row } from './lib/table.ts';
import type { BenchContext, Scenario, ScenarioResult } from './lib/types.ts';
import { helloWorld } from './scenarios/hello.ts';
import { createOrderPglite, createOrderPostgres, createOrderPostgresDistinct } from './scenarios/create-order-http.ts';
import { dbCeilingPglite, dbCeilingPostgres, dbCeilingPostgresDistinct } from './scenarios/db-ceiling.ts';
import {
  callbackLatencyIdle,
  callbackLatencyIdlePglite,
  callbackLatencyLoad,
  callbackThroughput,
  callbackThroughputDefaults,
} from './scenarios/callbacks.ts';
import { invoiceRunCombined, invoiceRunImmediate, pdfCeiling } from './scenarios/invoice-runs.ts';
import { deliveriesFile, deliveriesSimulator } from './scenarios/deliveries.ts';
import { dashboardPages } from './scenarios/dashboard.ts';
import { paymentsImport, paymentsImportCamt } from './scenarios/payments-import.ts';

const SCENARIOS: Scenario[] = [
  helloWorld,
  createOrderPglite,
  createOrderPostgres,
  dbCeilingPostgres,
  dbCeilingPglite,
  // callbacks (BENCH_ONLY=cb-tput,cb-tput-default,cb-idle,cb-load,cb-idle-pglite)
  callbackThroughput,
  callbackThroughputDefaults,
  callbackLatencyIdle,
  callbackLatencyLoad,
  callbackLatencyIdlePglite,
  // invoice runs (BENCH_ONLY=inv-run,inv-run-combined,pdf-ceiling)
  pdfCeiling,
  invoiceRunImmediate,
  invoiceRunCombined,
  // deliveries (BENCH_ONLY=deliv-file,deliv-sim)
  deliveriesFile,
  deliveriesSimulator,
  // opt-in (BENCH_ONLY=pay-import,pay-import-camt): payment import, 1,000,000 OCR / 100,000 camt.054
  paymentsImport,
  paymentsImportCamt,
  // opt-in (BENCH_ONLY=c-distinct,d-pg-distinct): a different customer per order
  createOrderPostgresDistinct,
  dbCeilingPostgresDistinct,
  // opt-in (BENCH_ONLY=dash-pages): the dashboard's pages with 100,000 orders seeded by SQL
  dashboardPages,
];

/** Printed under the table: numerator / denominator of requests per second; with a verdict when there is a goal. */
const RATIOS: Array<{ label: string; num: string; den: string; goalPct?: number }> = [
  { label: 'c / d(server): HTTP create-order vs driver-only, PostgreSQL', num: 'c', den: 'd-pg' },
  { label: 'b / d(PGlite): HTTP create-order vs driver-only, PGlite', num: 'b', den: 'd-pglite' },
  { label: 'c / a: create-order vs hello-world', num: 'c', den: 'a' },
  { label: 'c-distinct / d-pg-distinct (distinct customers)', num: 'c-distinct', den: 'd-pg-distinct' },
  { label: 'inv-run / pdf-ceiling: invoices/min end to end vs 60 × rendered invoices/s on one core', num: 'inv-run', den: 'pdf-ceiling', goalPct: 70 },
  { label: 'inv-run-combined / pdf-ceiling (a combined invoice has 4 order sections)', num: 'inv-run-combined', den: 'pdf-ceiling' },
];

/** Goals with a verdict, printed under the table when their scenario ran. */
const GOALS: Array<{ label: string; id: string; value: (r: ScenarioResult) => string; met: (r: ScenarioResult) => boolean }> = [
  {
    label: 'callbacks per worker process ≥ 1,000/s (cb-tput, tuned concurrency)',
    id: 'cb-tput',
    value: (r) => `${r.rps.toFixed(0)}/s, ${r.failed} exactly-once failures`,
    met: (r) => r.rps >= 1000 && r.failed === 0,
  },
  {
    label: 'callbacks per worker process ≥ 1,000/s (cb-tput-default, default concurrency)',
    id: 'cb-tput-default',
    value: (r) => `${r.rps.toFixed(0)}/s, ${r.failed} exactly-once failures`,
    met: (r) => r.rps >= 1000 && r.failed === 0,
  },
  {
    label: 'p99 commit → arrival < 250 ms when idle (cb-idle, PostgreSQL)',
    id: 'cb-idle',
    value: (r) => `p99 ${r.p99Ms.toFixed(1)} ms, ${r.failed} missing/duplicate`,
    met: (r) => r.p99Ms < 250 && r.failed === 0,
  },
  {
    label: 'p99 commit → arrival < 250 ms when idle (cb-idle-pglite, PGlite)',
    id: 'cb-idle-pglite',
    value: (r) => `p99 ${r.p99Ms.toFixed(1)} ms, ${r.failed} missing/duplicate`,
    met: (r) => r.p99Ms < 250 && r.failed === 0,
  },
  {
    label: '(no goal; the idle goal for comparison) p99 commit → arrival < 250 ms under create-order load (cb-load)',
    id: 'cb-load',
    value: (r) => `p99 ${r.p99Ms.toFixed(1)} ms at ${r.rps.toFixed(0)} create-order req/s`,
    met: (r) => r.p99Ms < 250 && r.failed === 0,
  },
  {
    label: 'invoice run ≥ 10,000 invoices/min end to end (inv-run, 20,000 interval-0 orders)',
    id: 'inv-run',
    value: (r) => `${(r.rps * 60).toFixed(0)} invoices/min, ${r.failed} unfinished or failed checks`,
    met: (r) => r.rps * 60 >= 10_000 && r.failed === 0,
  },
  {
    label: 'worker peak RSS < 300 MB during an invoice run (inv-run)',
    id: 'inv-run',
    value: (r) => `${r.peakRssMb?.toFixed(0) ?? '?'} MB`,
    met: (r) => r.peakRssMb !== undefined && r.peakRssMb < 300,
  },
  {
    label: '(the same goal, combined invoices) ≥ 10,000 invoices/min (inv-run-combined, 5,000 × 4 orders)',
    id: 'inv-run-combined',
    value: (r) => `${(r.rps * 60).toFixed(0)} invoices/min (${(r.rps * 240).toFixed(0)} orders/min), ${r.failed} unfinished or failed checks`,
    met: (r) => r.rps * 60 >= 10_000 && r.failed === 0,
  },
  {
    label: 'worker peak RSS < 300 MB during an invoice run (inv-run-combined)',
    id: 'inv-run-combined',
    value: (r) => `${r.peakRssMb?.toFixed(0) ?? '?'} MB`,
    met: (r) => r.peakRssMb !== undefined && r.peakRssMb < 300,
  },
];

/** Background CPU use (before a scenario) above which the result is flagged as unreliable. */
const BUSY_WARNING_PCT = 10;

const log = (message: string) => process.stderr.write(`${message}\n`);
let options: ReturnType<typeof loadBenchOptions>;
try {
  options = loadBenchOptions();
} catch (error) {
  log(`efaktura bench: ${(error as Error).message}`);
  process.exit(2);
}
const cleanup = createCleanup(log);
const scenarios = SCENARIOS.filter((s) => (options.only.length === 0 ? !s.optional : options.only.includes(s.id)));
// Generous per-scenario allowance for start-up, migrations and shutdown on top of the load itself.
const budgetMs = scenarios.reduce(
  (sum, s) => sum + ((s.maxSeconds ?? options.warmupS + options.durationS + 180) + options.quietWaitS) * 1000,
  60_000,
);

const ctx: BenchContext = {
  options,
  cleanup,
  log,
  async tempDir(label) {
    const dir = await mkdtemp(path.join(os.tmpdir(), `efk-bench-${label}-`));
    cleanup.add(`remove ${dir}`, () => rm(dir, { recursive: true, force: true }));
    return dir;
  },
  async tempDatabase() {
    const db = await createTempDatabase(options.pgAdminUrl);
    cleanup.add(`drop database ${db.name}`, () => db.drop());
    return db.url;
  },
};

function machine(): string {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? '?';
  const pglite = JSON.parse(readFileSync(new URL('../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')).version;
  return `${os.availableParallelism()} CPUs (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, PGlite ${pglite}`;
}

await runGuarded(cleanup, log, budgetMs, async () => {
  let pgVersion = '?';
  if (scenarios.some((s) => s.id.startsWith('c') || s.id.startsWith('d-pg') || s.id.startsWith('inv-'))) {
    pgVersion = await serverVersion(options.pgAdminUrl).catch((error: Error) => `unreachable (${error.message})`);
  }
  log(`efaktura bench: ${machine()}, PostgreSQL ${pgVersion}`);
  if (options.serveNodeFlags.length > 0) log(`efaktura serve runs with node ${options.serveNodeFlags.join(' ')}`);
  log(`${options.connections} connections/loops, ${options.warmupS} s warm-up + ${options.durationS} s per scenario; everything shares this machine's CPUs`);

  const rows: Row[] = [];
  for (const scenario of scenarios) {
    log(`\n(${scenario.id}) ${scenario.title}`);
    // Other processes on the machine skew everything: wait (bounded) for it to be quiet, and flag it if not.
    let background = await backgroundBusyPct();
    const quietDeadline = Date.now() + options.quietWaitS * 1000;
    while (background !== null && background > BUSY_WARNING_PCT && Date.now() < quietDeadline) {
      log(`  the machine is ${background.toFixed(0)} % busy with other processes; waiting for it to calm down`);
      background = await backgroundBusyPct(2000);
    }
    if (background !== null && background > BUSY_WARNING_PCT) {
      log(`  WARNING: the machine is already ${background.toFixed(0)} % busy with other processes`);
    }
    try {
      const result = await scenario.run(ctx);
      if (background !== null && background > BUSY_WARNING_PCT) {
        (result.notes ??= []).push(`WARNING: machine was ${background.toFixed(0)} % busy with other processes before the run`);
      }
      rows.push({ id: scenario.id, title: scenario.title, result });
      log(`  ${result.rps.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms`);
    } catch (error) {
      log(`  FAILED: ${(error as Error)?.stack ?? error}`);
      rows.push({ id: scenario.id, title: scenario.title, result: null, error: (error as Error)?.message?.split('\n')[0] ?? String(error) });
    }
    await cleanup.runAll(); // each scenario starts from a clean machine
  }

  const out: string[] = ['', textTable(rows), ''];
  const rps = (id: string) => rows.find((r) => r.id === id)?.result?.rps;
  for (const ratio of RATIOS) {
    const n = rps(ratio.num);
    const d = rps(ratio.den);
    if (n === undefined || d === undefined) continue;
    const pct = (n / d) * 100;
    const verdict = ratio.goalPct === undefined ? '' : ` (goal ≥ ${ratio.goalPct} %: ${pct >= ratio.goalPct ? 'MET' : 'MISSED'})`;
    out.push(`${ratio.label}: ${pct.toFixed(0)} %${verdict}`);
  }
  const rssOf = (id: string) => rows.find((r) => r.id === id)?.result?.peakRssMb;
  const [rb, rc] = [rssOf('b'), rssOf('c')];
  if (rb !== undefined) out.push(`peak RSS of efaktura serve, PGlite (b): ${rb.toFixed(0)} MB`);
  if (rc !== undefined) out.push(`peak RSS of efaktura serve, PostgreSQL (c): ${rc.toFixed(0)} MB`);
  if (rb !== undefined && rc !== undefined) out.push(`the embedded database costs ${(rb - rc).toFixed(0)} MB more peak RSS under load`);
  const verdicts = GOALS.flatMap((g) => {
    const r = rows.find((row) => row.id === g.id)?.result;
    return r ? [`${g.met(r) ? 'MET   ' : 'MISSED'}  ${g.label}: ${g.value(r)}`] : [];
  });
  if (verdicts.length > 0) out.push('', 'Goals:', ...verdicts);
  out.push('');
  for (const row of rows) for (const note of row.result?.notes ?? []) out.push(`(${row.id}) ${note}`);
  out.push('', 'Markdown:', '', markdownTable(rows), '');
  process.stdout.write(`${out.join('\n')}\n`);
  return rows.every((r) => r.result !== null) ? 0 : 1;
});
