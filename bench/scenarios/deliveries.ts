/**
 * Deliveries per second (issue #8), one `efaktura worker` on a throw-away PostgreSQL database:
 *
 *   deliv-file  every invoice delivered by the `file` channel (PDF + EHF written atomically to an outbox)
 *   deliv-sim   every invoice delivered as an eFaktura to the simulator (`efaktura simulator`, a process of
 *               its own on the same database): recipient lookup + one consignment per invoice over HTTP
 *
 * Method: BENCH_DELIV_INVOICES (default 2,000) interval-0 orders of one customer are seeded
 * (bench/children/invoice-seed.ts); the worker invoices and renders them while a trigger on `jobs` dates
 * every delivery step ten years ahead (delivery held). Once every invoice has its files and its pending
 * delivery, the trigger is dropped and the steps are released at once (run_at = now(), NOTIFY): the
 * clock runs from that commit until no delivery is pending. So the number is delivery alone, on the worker
 * that also did the invoicing (warm), with nothing else to do. Compare it with the invoice run's
 * invoices/min (inv-run): delivery should never be what limits a run.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withClient } from '../lib/postgres.ts';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/types.ts';
import { BIN, startWorkerProcess } from '../lib/efaktura.ts';
import { cpuMeter, commCpuMeter, machineMeter, sampleRss } from '../lib/proc.ts';
import { freePort, jsonResult, spawnNode, waitForHttp, type ChildHandle } from '../lib/processes.ts';
import { JOBS_CHANNEL } from '../../src/store/jobs.ts';
import type { InvoiceSeedResult } from '../children/invoice-seed.ts';

const CHILDREN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'children');
const INVOICES = Number(process.env.BENCH_DELIV_INVOICES || 2000);
const LIMIT_S = 600;
const POLL_MS = 100;
/** A synthetic personal number (month + 80: nobody's), valid for the simulator; the seeded customer gets it. */
const PERSONAL_NUMBER = '31929956780';
const CALLBACK_URL = 'http://127.0.0.1:9/cb';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f0 = (v: number) => v.toFixed(0);
const f1 = (v: number) => v.toFixed(1);

async function one<T>(url: string, text: string, values: unknown[] = []): Promise<T> {
  return withClient(url, async (c) => (await c.query(text, values)).rows[0] as T);
}

async function deliveries(ctx: BenchContext, channel: 'file' | 'efaktura'): Promise<ScenarioResult> {
  const url = await ctx.tempDatabase();
  ctx.log(`  seeding ${INVOICES} SENT interval-0 orders`);
  const seeder = spawnNode(ctx.cleanup, 'invoice-seed', [path.join(CHILDREN, 'invoice-seed.ts')], {
    env: { LOG_LEVEL: 'warn', DATABASE_URL: url, BENCH_INV_CUSTOMERS: '1', BENCH_INV_ORDERS_PER_CUSTOMER: String(INVOICES), BENCH_INV_INTERVAL: '0', BENCH_INV_CALLBACK_URL: CALLBACK_URL },
    stdin: 'pipe',
  });
  const seed = await jsonResult<InvoiceSeedResult>(seeder, 300_000);
  await withClient(url, async (c) => {
    await c.query('UPDATE customers SET personal_number = $1', [PERSONAL_NUMBER]);
    await c.query('UPDATE merchants SET delivery_channels = $1', [[channel]]);
    await c.query(`CREATE FUNCTION bench_hold_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
                   BEGIN IF NEW.kind = 'deliver-document' THEN NEW.run_at := now() + interval '10 years'; END IF; RETURN NEW; END $$`);
    await c.query('CREATE TRIGGER bench_hold_delivery BEFORE INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION bench_hold_delivery()');
  });

  let simulator: ChildHandle | null = null;
  let simulatorUrl = 'http://127.0.0.1:9';
  if (channel === 'efaktura') {
    const port = await freePort();
    simulator = spawnNode(ctx.cleanup, 'efaktura simulator', [BIN, 'simulator'], {
      env: { LOG_LEVEL: 'warn', DATABASE_URL: url, HOST: '127.0.0.1', EFAKTURA_SIMULATOR_PORT: String(port) },
      nodeFlags: ctx.options.serveNodeFlags,
    });
    simulatorUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(`${simulatorUrl}/`, simulator);
    const res = await fetch(`${simulatorUrl}/simulator/consumers/${PERSONAL_NUMBER}`, {
      method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ consent: 'all' }),
    });
    if (res.status !== 200) throw new Error(`simulator consent: ${res.status} ${await res.text()}`);
  }
  const outbox = await ctx.tempDir('deliv-outbox');
  const name = `worker-deliv-${channel}`;
  const worker = startWorkerProcess(ctx, name, {
    DATABASE_URL: url, EFAKTURA_SIMULATOR_URL: simulatorUrl, EFAKTURA_OUTBOX_DIR: outbox, EFAKTURA_BANK_CONNECTOR: 'none',
    EFAKTURA_PUBLIC_URL: 'http://127.0.0.1:3000',
  });
  try {
    ctx.log(`  invoicing and rendering with delivery held (one efaktura worker; ${channel === 'efaktura' ? 'efaktura simulator' : 'file outbox'})`);
    const t1 = performance.now();
    for (;;) {
      if (worker.hasExited()) throw new Error(`efaktura worker exited:\n${worker.output()}`);
      const p = await one<{ docs: number; held: number }>(url, `SELECT (SELECT count(*) FROM invoice_documents)::int AS docs, (SELECT count(*) FROM deliveries WHERE status = 'pending')::int AS held`);
      if (p.docs >= 2 * INVOICES && p.held >= INVOICES) break;
      if ((performance.now() - t1) / 1000 > LIMIT_S) throw new Error(`not rendered in ${LIMIT_S} s: ${JSON.stringify(p)}`);
      await sleep(500);
    }
    const renderS = (performance.now() - t1) / 1000;
    ctx.log(`  ${INVOICES} invoiced and rendered in ${f1(renderS)} s; releasing the deliveries`);

    const rss = sampleRss(worker.pid, 100);
    const cpu = cpuMeter(worker.pid);
    const simCpu = simulator ? cpuMeter(simulator.pid) : null;
    const pgCpu = commCpuMeter('postgres');
    const machine = machineMeter();
    const t0 = performance.now();
    const releasedAt = await withClient(url, async (c) => {
      await c.query('BEGIN');
      await c.query('DROP TRIGGER bench_hold_delivery ON jobs');
      const r = await c.query<{ at: Date }>(`UPDATE jobs SET run_at = now() WHERE kind = 'deliver-document' AND state = 'pending' RETURNING now() AS at`);
      await c.query(`SELECT pg_notify('${JOBS_CHANNEL}', '')`);
      await c.query('COMMIT');
      return r.rows[0]!.at;
    });
    let p = { pending: INVOICES, delivered: 0 };
    while (p.pending > 0 && (performance.now() - t0) / 1000 < LIMIT_S) {
      if (worker.hasExited()) throw new Error(`efaktura worker exited:\n${worker.output()}`);
      await sleep(POLL_MS);
      p = await one(url, `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'delivered')::int AS delivered FROM deliveries`);
    }
    const elapsedS = (performance.now() - t0) / 1000;
    const cpuPct = cpu.pct() ?? undefined;
    const simCpuPct = simCpu?.pct() ?? null;
    const dbCpuPct = pgCpu.pct() ?? undefined;
    const machineCpuPct = machine.pct() ?? undefined;
    const peakRssMb = rss.peakMb();
    rss.stop();
    const lat = await one<{ p50: number | null; p99: number | null; last: number | null }>(url,
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS last
       FROM (SELECT (extract(epoch FROM delivered_at - $1::timestamptz) * 1000)::float8 AS ms FROM deliveries WHERE status = 'delivered') x`, [releasedAt]);
    const checks = await one<{ attempts: number; wrong: number; atSim: number | null }>(url,
      `SELECT (SELECT count(*) FROM delivery_attempts WHERE outcome = 'delivered')::int AS attempts,
              (SELECT count(*) FROM deliveries WHERE delivered_channel IS DISTINCT FROM $1)::int AS wrong,
              ${channel === 'efaktura' ? '(SELECT count(*) FROM sim_invoices)::int' : 'NULL::int'} AS "atSim"`, [channel]);
    const problems: string[] = [];
    if (p.delivered !== INVOICES) problems.push(`${p.delivered} of ${INVOICES} delivered`);
    if (checks.attempts !== p.delivered) problems.push(`${checks.attempts} delivered attempts for ${p.delivered} deliveries`);
    if (checks.wrong !== 0) problems.push(`${checks.wrong} not delivered by ${channel}`);
    if (checks.atSim !== null && checks.atSim !== p.delivered) problems.push(`${checks.atSim} invoices at the simulator`);
    const perS = p.delivered / elapsedS;
    const notes = [
      `${INVOICES} invoices (seeded in ${f1(seed.seedS)} s, invoiced and rendered with delivery held in ${f1(renderS)} s = ${f0((INVOICES / renderS) * 60)} invoices/min), ` +
        `then released: ${p.delivered} delivered by ${channel} in ${f1(elapsedS)} s = ${f1(perS)}/s, ${f0(perS * 60)}/min ` +
        `(${f0((perS * 60) / (INVOICES / renderS * 60) * 100)} % of this machine's invoice+render rate above)`,
      `p50/p99 columns: release → delivered_at (database clock), ms; the last after ${f0(lat.last ?? NaN)} ms`,
      `worker ${cpuPct === undefined ? '?' : f0(cpuPct)} % of a core` + (simCpuPct === null ? '' : `, efaktura simulator ${f0(simCpuPct)} %`) +
        `, postgres ${dbCpuPct === undefined ? '?' : f0(dbCpuPct)} %`,
    ];
    if (problems.length > 0) notes.push(`CHECK FAILED: ${problems.join('; ')}`);
    return {
      rps: perS, p50Ms: lat.p50 ?? NaN, p99Ms: lat.p99 ?? NaN, ok: p.delivered, failed: INVOICES - p.delivered + problems.length,
      peakRssMb, cpuPct, dbCpuPct, machineCpuPct, notes,
    };
  } finally {
    await worker.stop(30_000);
    await simulator?.stop(10_000);
  }
}

export const deliveriesFile: Scenario = {
  id: 'deliv-file',
  title: 'deliveries through the file channel, one worker',
  maxSeconds: 2 * LIMIT_S + 300,
  run: (ctx) => deliveries(ctx, 'file'),
};

export const deliveriesSimulator: Scenario = {
  id: 'deliv-sim',
  title: 'deliveries as eFaktura to the simulator, one worker',
  maxSeconds: 2 * LIMIT_S + 300,
  run: (ctx) => deliveries(ctx, 'efaktura'),
};
