/**
 * Invoice runs (issue 7; SPEC §6.2–§6.4), end to end on a throw-away PostgreSQL database:
 *
 *   inv-run           20,000 SENT interval-0 orders of one merchant; one `efaktura worker` invoices them
 *                     (one invoice each) and renders every invoice's PDF and EHF
 *   inv-run-combined  5,000 customers × 4 interval-1 orders (separateInvoices false): `efaktura invoice-run
 *                     --as-of <next 1st>` issues 5,000 combined invoices while one `efaktura worker` renders
 *   pdf-ceiling       an invoice's PDF + EHF rendered alone on one core, no database: the ceiling
 *
 * The orders are seeded before the clock starts (bench/children/invoice-seed.ts); the clock runs from the
 * start of the efaktura processes until every invoice has both files in invoice_documents (polled every
 * 200 ms). BENCH_INV_ORDERS=400 makes a smoke run. BENCH_DURATION does not apply to the runs (pdf-ceiling uses it); a run is given up after
 * RUN_LIMIT_S. Callbacks go to http://127.0.0.1:9/cb, refused at once (no network is touched).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withClient } from '../lib/postgres.ts';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/types.ts';
import { BIN, efakturaNodeFlags, startWorkerProcess } from '../lib/efaktura.ts';
import { commCpuMeter, cpuMeter, hwmMb, machineMeter, othersCpuMeter, sampleRss } from '../lib/proc.ts';
import { jsonResult, spawnNode, type ChildHandle } from '../lib/processes.ts';
import { osloDate } from '../../src/domain/time/oslo.ts';
import type { InvoiceSeedResult } from '../children/invoice-seed.ts';
import type { PdfCeilingResult } from '../children/pdf-ceiling.ts';

const CHILDREN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'children');

/** A run that has not finished after this long is reported as it stands. */
const RUN_LIMIT_S = 600;
/** Orders per run (BENCH_INV_ORDERS, default 20,000; a multiple of 4; smaller for a smoke run). */
const ORDERS = Number(process.env.BENCH_INV_ORDERS || 20_000);
const POLL_MS = 200;
/** Refused at once (nothing listens on the discard port; the SSRF guard refuses loopback anyway). */
const CALLBACK_URL = 'http://127.0.0.1:9/cb';
/** Other processes' CPU during a measurement (% of a core) above which the result is flagged. */
const OTHERS_WARNING_PCT = 25;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f0 = (v: number) => v.toFixed(0);
const f1 = (v: number) => v.toFixed(1);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

interface Progress {
  invoices: number;
  /** Orders on an invoice (invoice_orders rows). */
  ordersInvoiced: number;
  documents: number;
}

async function progress(url: string): Promise<Progress> {
  return withClient(url, async (c) => {
    const r = await c.query<Progress>(
      `SELECT (SELECT count(*) FROM invoices)::int AS invoices, (SELECT count(*) FROM invoice_orders)::int AS "ordersInvoiced",
              (SELECT count(*) FROM invoice_documents)::int AS documents`,
    );
    return r.rows[0]!;
  });
}

interface Storage {
  invoices: number;
  ordersInvoiced: number;
  ordersPerInvoiceMax: number;
  tablesBytes: Record<string, number>;
  avgPdf: number;
  avgEhf: number;
  avgContentJson: number;
  /** Invoice issued (its transaction began) → its later file stored, ms. */
  issueToFilesP50: number;
  issueToFilesP99: number;
}

async function storage(url: string): Promise<Storage> {
  return withClient(url, async (c) => {
    await c.query('ANALYZE invoices, invoice_documents, invoice_orders');
    const tables = ['invoices', 'invoice_documents', 'invoice_orders'];
    const sizes = await c.query<{ t: string; bytes: string }>(
      `SELECT t, pg_total_relation_size(t::regclass)::text AS bytes FROM unnest($1::text[]) t`,
      [tables],
    );
    const docs = await c.query<{ format: string; avg: number }>(
      'SELECT format, avg(octet_length(content))::float8 AS avg FROM invoice_documents GROUP BY format',
    );
    const inv = await c.query<{ n: number; json: number | null }>(
      'SELECT count(*)::int AS n, avg(pg_column_size(content))::float8 AS json FROM invoices',
    );
    const orders = await c.query<{ n: number; max: number | null }>(
      `SELECT (SELECT count(*) FROM orders WHERE status = 'INVOICED')::int AS n,
              (SELECT max(k) FROM (SELECT count(*) AS k FROM invoice_orders GROUP BY invoice_id) x)::int AS max`,
    );
    const lat = await c.query<{ p50: number | null; p99: number | null }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
       FROM (SELECT extract(epoch FROM max(d.created_at) - i.created_at) * 1000 AS ms
             FROM invoices i JOIN invoice_documents d ON d.invoice_id = i.id GROUP BY i.id HAVING count(*) = 2) x`,
    );
    const byFormat = Object.fromEntries(docs.rows.map((r) => [r.format, r.avg]));
    return {
      invoices: inv.rows[0]!.n,
      ordersInvoiced: orders.rows[0]!.n,
      ordersPerInvoiceMax: orders.rows[0]!.max ?? 0,
      tablesBytes: Object.fromEntries(sizes.rows.map((r) => [r.t, Number(r.bytes)])),
      avgPdf: byFormat.pdf ?? NaN,
      avgEhf: byFormat.ehf ?? NaN,
      avgContentJson: inv.rows[0]!.json ?? NaN,
      issueToFilesP50: lat.rows[0]!.p50 ?? NaN,
      issueToFilesP99: lat.rows[0]!.p99 ?? NaN,
    };
  });
}

/** The first day of the month after today in Oslo: the run date of an interval-1 order made today (SPEC §6.2). */
function nextFirstOfMonth(now = new Date()): string {
  const [y, m] = osloDate(now).split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

interface RunSpec {
  name: string;
  customers: number;
  perCustomer: number;
  interval: 0 | 1;
}

async function invoiceRun(ctx: BenchContext, spec: RunSpec): Promise<ScenarioResult> {
  const url = await ctx.tempDatabase();
  const orders = spec.customers * spec.perCustomer;
  const expected = spec.interval === 0 ? orders : spec.customers; // combined: one invoice per customer
  ctx.log(`  seeding ${orders} SENT interval-${spec.interval} orders (${spec.customers} customers × ${spec.perCustomer})`);
  const seeder = spawnNode(ctx.cleanup, 'invoice-seed', [path.join(CHILDREN, 'invoice-seed.ts')], {
    env: {
      LOG_LEVEL: 'warn',
      DATABASE_URL: url,
      BENCH_INV_CUSTOMERS: String(spec.customers),
      BENCH_INV_ORDERS_PER_CUSTOMER: String(spec.perCustomer),
      BENCH_INV_INTERVAL: String(spec.interval),
      BENCH_INV_CALLBACK_URL: CALLBACK_URL,
    },
    stdin: 'pipe',
  });
  const seed = await jsonResult<InvoiceSeedResult>(seeder, 300_000);
  const batchSize = process.env.EFAKTURA_INVOICE_BATCH_SIZE || '100';
  const renderConcurrency = process.env.EFAKTURA_RENDER_CONCURRENCY || '2';
  const tuning = { EFAKTURA_INVOICE_BATCH_SIZE: batchSize, EFAKTURA_RENDER_CONCURRENCY: renderConcurrency };
  const asOf = nextFirstOfMonth();
  ctx.log(
    `  seeded in ${f1(seed.seedS)} s; EFAKTURA_INVOICE_BATCH_SIZE=${batchSize}, EFAKTURA_RENDER_CONCURRENCY=${renderConcurrency}; ` +
      (spec.interval === 0 ? 'one efaktura worker' : `efaktura invoice-run --as-of ${asOf} and one efaktura worker`) +
      ` (at most ${RUN_LIMIT_S} s)`,
  );

  const t0 = performance.now();
  const worker = startWorkerProcess(ctx, spec.name, { DATABASE_URL: url, ...tuning });
  let runner: ChildHandle | null = null;
  if (spec.interval !== 0) {
    runner = spawnNode(ctx.cleanup, 'efaktura invoice-run', [BIN, 'invoice-run', '--as-of', asOf, '--json'], {
      env: { LOG_LEVEL: 'warn', DATABASE_URL: url, EFAKTURA_ALLOW_FUTURE_RUNS: '1', ...tuning },
      nodeFlags: efakturaNodeFlags(ctx, `${spec.name}-cli`),
    });
  }
  const rss = sampleRss(worker.pid, 100);
  const runnerRss = runner ? sampleRss(runner.pid, 100) : null;
  const cpu = cpuMeter(worker.pid);
  const runnerCpu = runner ? cpuMeter(runner.pid) : null;
  const machine = machineMeter();
  const pgCpu = commCpuMeter('postgres');
  const others = othersCpuMeter([worker.pid, ...(runner ? [runner.pid] : []), process.pid]);
  let runnerCpuPct: number | null = null;
  let runnerS: number | null = null;
  void runner?.exited.then(() => {
    runnerS = (performance.now() - t0) / 1000;
  });
  try {
    let p: Progress = { invoices: 0, ordersInvoiced: 0, documents: 0 };
    let issuedS: number | null = null;
    let firstFilesS: number | null = null;
    let lastLog = t0;
    const until = t0 + RUN_LIMIT_S * 1000;
    // Done when every order is on an invoice and every invoice has both files.
    while (!(p.ordersInvoiced >= orders && p.documents >= 2 * p.invoices) && performance.now() < until) {
      if (worker.hasExited()) throw new Error(`efaktura worker exited:\n${worker.output()}`);
      if (runner?.hasExited()) {
        const code = await runner.exited;
        if (code !== 0) throw new Error(`efaktura invoice-run exited with ${code}:\n${runner.output()}`);
      } else if (runnerCpu) {
        runnerCpuPct = runnerCpu.pct() ?? runnerCpuPct; // its /proc entry goes with it: keep the last reading
      }
      await sleep(POLL_MS);
      p = await progress(url);
      const s = (performance.now() - t0) / 1000;
      if (issuedS === null && p.ordersInvoiced >= orders) issuedS = s;
      if (firstFilesS === null && p.documents > 0) firstFilesS = s;
      if (performance.now() - lastLog > 30_000) {
        lastLog = performance.now();
        ctx.log(`    ${f0(s)} s: ${p.ordersInvoiced} orders on ${p.invoices} invoices, ${p.documents / 2} rendered`);
      }
    }
    const elapsedS = (performance.now() - t0) / 1000;
    const cpuPct = cpu.pct() ?? undefined;
    const machineCpuPct = machine.pct() ?? undefined;
    const dbCpuPct = pgCpu.pct() ?? undefined;
    const othersPct = others.pct();
    const done = p.ordersInvoiced >= orders && p.documents >= 2 * p.invoices;
    const hwm = hwmMb(worker.pid);
    const peakRssMb = rss.peakMb(); // before the stop: writing a --cpu-prof profile takes memory of its own
    rss.stop();
    runnerRss?.stop();
    await worker.stop(30_000); // graceful, so a --cpu-prof profile is written
    if (runner && !runner.hasExited()) await runner.stop(30_000);
    const st = await storage(url);

    const rendered = p.documents / 2;
    const perS = rendered / elapsedS;
    // The files exist only for rendered invoices: per invoice, each table is divided by the invoices it holds.
    const perInvoice = {
      invoices: st.tablesBytes.invoices! / Math.max(1, st.invoices),
      documents: st.tablesBytes.invoice_documents! / Math.max(1, rendered),
      orders: st.tablesBytes.invoice_orders! / Math.max(1, st.invoices),
    };
    const problems: string[] = [];
    if (done && st.ordersInvoiced !== orders) problems.push(`${st.ordersInvoiced} of ${orders} orders INVOICED`);
    // Checked finished or not: a combined run must put a customer's orders on one invoice (SPEC §6.2).
    const expectPerInvoice = spec.interval === 0 ? 1 : spec.perCustomer;
    if (st.invoices > 0 && st.ordersPerInvoiceMax !== expectPerInvoice) {
      problems.push(`${st.invoices} invoices for ${p.ordersInvoiced} orders of ${spec.customers} customers: at most ${st.ordersPerInvoiceMax} orders per invoice, ${expectPerInvoice} expected`);
    }
    const notes = [
      `${orders} orders (${spec.customers} customers × ${spec.perCustomer}, interval ${spec.interval}, first via the store, the rest SQL copies) seeded in ${f1(seed.seedS)} s; ` +
        `EFAKTURA_INVOICE_BATCH_SIZE=${batchSize}, EFAKTURA_RENDER_CONCURRENCY=${renderConcurrency}`,
      done
        ? `${p.invoices} invoices (${orders} orders) issued and rendered in ${f1(elapsedS)} s from process start: ` +
          `${f0(perS * 60)} invoices/min, ${f0((orders / elapsedS) * 60)} orders/min`
        : `NOT finished within ${RUN_LIMIT_S} s: ${p.ordersInvoiced} of ${orders} orders on ${p.invoices} invoices (${expected} expected), ` +
          `${rendered} rendered: ${f0(perS * 60)} invoices/min rendered`,
      `all orders on an invoice after ${issuedS === null ? '–' : f1(issuedS)} s` +
        (runnerS === null ? '' : ` (efaktura invoice-run exited after ${f1(runnerS)} s)`) +
        `; first files stored after ${firstFilesS === null ? '–' : f1(firstFilesS)} s`,
      `p50/p99 columns: invoice issued → its second file stored (database clock), ms; req/s column: invoices rendered per second`,
      `storage per invoice: ${kb(perInvoice.invoices + perInvoice.documents + perInvoice.orders)} (invoices ${kb(perInvoice.invoices)}, ` +
        `invoice_documents ${kb(perInvoice.documents)} per rendered invoice, invoice_orders ${kb(perInvoice.orders)}; ` +
        `pg_total_relation_size); average PDF ${kb(st.avgPdf)}, EHF ${kb(st.avgEhf)}, invoices.content ${kb(st.avgContentJson)} stored`,
      `worker VmHWM ${hwm === null ? '?' : f0(hwm)} MB` +
        (runner ? `; efaktura invoice-run peak RSS ${f0(runnerRss!.peakMb())} MB, ${runnerCpuPct === null ? '?' : f0(runnerCpuPct)} % of a core while it ran (±${POLL_MS} ms)` : ''),
      othersPct === null
        ? 'CPU of other processes unknown'
        : `${othersPct > OTHERS_WARNING_PCT ? 'WARNING: ' : ''}other processes (not ours, not postgres) used ${f0(othersPct)} % of a core meanwhile` +
          (othersPct > OTHERS_WARNING_PCT ? '; the numbers are skewed' : ''),
    ];
    if (problems.length > 0) notes.push(`CHECK FAILED: ${problems.join('; ')}`);
    return {
      rps: perS,
      p50Ms: st.issueToFilesP50,
      p99Ms: st.issueToFilesP99,
      ok: rendered,
      failed: (done ? 0 : Math.max(expected, p.invoices) - rendered) + problems.length,
      peakRssMb,
      cpuPct,
      dbCpuPct,
      machineCpuPct,
      notes,
    };
  } finally {
    rss.stop();
    runnerRss?.stop();
    await worker.stop(30_000);
    if (runner && !runner.hasExited()) await runner.stop(30_000);
  }
}

export const invoiceRunImmediate: Scenario = {
  id: 'inv-run',
  title: 'invoice run: 20,000 interval-0 orders, one worker',
  maxSeconds: RUN_LIMIT_S + 300,
  run: (ctx) => invoiceRun(ctx, { name: 'worker-inv-run', customers: 1, perCustomer: ORDERS, interval: 0 }),
};

export const invoiceRunCombined: Scenario = {
  id: 'inv-run-combined',
  title: 'invoice run: 5,000 customers × 4 orders, combined',
  maxSeconds: RUN_LIMIT_S + 300,
  run: (ctx) => invoiceRun(ctx, { name: 'worker-inv-run-combined', customers: Math.round(ORDERS / 4), perCustomer: 4, interval: 1 }),
};

export const pdfCeiling: Scenario = {
  id: 'pdf-ceiling',
  title: 'invoice PDF + EHF rendering alone, one core',
  async run(ctx) {
    const { durationS, warmupS } = ctx.options;
    ctx.log(`  warm-up ${warmupS} s, measuring ${durationS} s`);
    const handle = spawnNode(ctx.cleanup, 'pdf-ceiling', [path.join(CHILDREN, 'pdf-ceiling.ts')], {
      env: { BENCH_DURATION_S: String(durationS), BENCH_WARMUP_S: String(warmupS) },
      nodeFlags: ctx.options.serveNodeFlags,
      stdin: 'pipe',
    });
    const rss = sampleRss(handle.pid);
    let cpu: ReturnType<typeof cpuMeter> | null = null;
    let machine: ReturnType<typeof machineMeter> | null = null;
    let cpuPct: number | undefined;
    let machineCpuPct: number | undefined;
    handle.child.stdout!.on('data', () => {
      if (cpu === null && handle.stdout().includes('{"phase":"measure"}')) {
        cpu = cpuMeter(handle.pid);
        machine = machineMeter();
      }
      if (cpuPct === undefined && cpu !== null && handle.stdout().includes('{"phase":"done"}')) {
        cpuPct = cpu.pct() ?? undefined;
        machineCpuPct = machine?.pct() ?? undefined;
      }
    });
    try {
      const r = await jsonResult<PdfCeilingResult>(handle, (warmupS + durationS + 120) * 1000);
      const perS = r.invoices / r.elapsedS;
      return {
        rps: perS,
        p50Ms: r.p50Ms,
        p99Ms: r.p99Ms,
        ok: r.invoices,
        failed: 0,
        peakRssMb: rss.peakMb(),
        cpuPct,
        machineCpuPct,
        notes: [
          `req/s column: invoices rendered per second (PDF + EHF of one one-page invoice, as the render job does), ` +
            `${f0(perS * 60)}/min on one core; PDF ${kb(r.pdfBytes)}, EHF ${kb(r.ehfBytes)}; p50/p99 per invoice`,
        ],
      };
    } finally {
      rss.stop();
      await handle.stop();
    }
  },
};
