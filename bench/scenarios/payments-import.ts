/**
 * Payment import (issue 9; SPEC §7) on a throw-away PostgreSQL database, the real command as an operator runs
 * it: `efaktura payments import FILE --json` (DATABASE_URL), timed from its start to its exit.
 *
 *   pay-import       an OCR giro file of BENCH_PAY_TRANSACTIONS (1,000,000) payments, every second one paying
 *                    one of the open invoices exactly (its orders become PAID, each with its event and
 *                    callback), the others an unknown KID (the unmatched list)
 *   pay-import-camt  a camt.054 of BENCH_PAY_CAMT_ENTRIES (100,000) entries, half paying invoices
 *
 * Seeded before the clock starts, by SQL (generate_series; the invoicing pipeline is not run): one merchant
 * (`efaktura merchant create`, which also migrates), one customer, and per paying transaction one INVOICED
 * order on its own open invoice with its KID. The file is written with the domain's own writers.
 *
 * Baselines in the same run, on the same database: the server's ceiling for storing the same number of
 * payment rows (one INSERT … SELECT FROM generate_series into a copy of the payments table with its
 * indexes), and, on a sample of BENCH_PAY_SAMPLE (20,000) transactions, the import in this process
 * row-by-row (the old path, `rowByRow`) against set-based — the ratio of the two.
 *
 * The importer's peak RSS is the kernel's VmHWM, read every 50 ms while it runs (its last reading before
 * the exit). Afterwards the result is checked: every payment stored once, the right number matched, every
 * paid order PAID with one event and one callback.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { withClient } from '../lib/postgres.ts';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/types.ts';
import { BIN, createMerchant } from '../lib/efaktura.ts';
import { commCpuMeter, cpuMeter, hwmMb, othersCpuMeter, sampleRss } from '../lib/proc.ts';
import { jsonResult, spawnNode } from '../lib/processes.ts';
import { writeOcrGiro, type OcrTransaction } from '../../src/domain/payments/ocr-giro-writer.ts';
import { writeCamt054, type Camt054Entry } from '../../src/domain/payments/camt054-writer.ts';
import { openDatabase } from '../../src/store/db/db.ts';
import { importPaymentFile } from '../../src/app/payments/import-payments.ts';
import { bufferSource } from '../../src/app/payments/read-payment-file.ts';

const TRANSACTIONS = Number(process.env.BENCH_PAY_TRANSACTIONS || 1_000_000);
const CAMT_ENTRIES = Number(process.env.BENCH_PAY_CAMT_ENTRIES || 100_000);
const SAMPLE = Number(process.env.BENCH_PAY_SAMPLE || 20_000);
const ACCOUNT = '15032080119';
const AMOUNT_ORE = 49_900;
const RUN_LIMIT_S = 900;
const OTHERS_WARNING_PCT = 25;
const f0 = (v: number) => v.toFixed(0);
const f1 = (v: number) => v.toFixed(1);

/** A KID of an invoice (seeded as the same text) and one no invoice has. */
const invoiceKid = (n: number) => `1${String(n).padStart(9, '0')}`;
const unknownKid = (n: number) => `9${String(n).padStart(9, '0')}`;

/**
 * One merchant (its account ACCOUNT), one customer, and `invoices` INVOICED orders each on its own open
 * invoice of AMOUNT_ORE with KID invoiceKid(n), n = 1…invoices. Returns the seconds it took.
 */
export async function seed(ctx: BenchContext, url: string, invoices: number): Promise<number> {
  const t0 = performance.now();
  const merchant = await createMerchant(ctx, { DATABASE_URL: url });
  await withClient(url, async (c) => {
    await c.query('UPDATE merchants SET account_number = $1 WHERE id = $2', [ACCOUNT, merchant.merchantId]);
    const customer = await c.query<{ id: string }>(
      `INSERT INTO customers (uuid, merchant_id, personal_number, details) VALUES (gen_random_uuid()::text, $1, '01017012345', '{}') RETURNING id`,
      [merchant.merchantId],
    );
    const customerId = customer.rows[0]!.id;
    await c.query(
      `INSERT INTO orders (uuid, merchant_id, customer_id, status, order_date, customer_snapshot, sub_total_ore, total_tax_ore,
                           total_discount_ore, grand_total_ore, invoice_interval, invoice_maturity, invoice_fee_applicable,
                           separate_invoices, callback_url, invoice_number, kid)
       SELECT 'bench-' || g, $1, $2, 'INVOICED', 1764547200000, '{}', $3, 0, 0, $3, 0, 14, false, true, 'http://127.0.0.1:9/cb', g::text, $4 || lpad(g::text, 9, '0')
       FROM generate_series(1, $5) g`,
      [merchant.merchantId, customerId, AMOUNT_ORE, '1', invoices],
    );
    await c.query(
      `INSERT INTO invoices (merchant_id, number, kind, customer_id, kid, issue_date, due_date, language, total_ore, vat_ore, content)
       SELECT $1, g, 'invoice', $2, $4 || lpad(g::text, 9, '0'), current_date, current_date + 14, 'nb', $3, 0, '{}'
       FROM generate_series(1, $5) g`,
      [merchant.merchantId, customerId, AMOUNT_ORE, '1', invoices],
    );
    await c.query(
      `INSERT INTO invoice_orders (invoice_id, order_id)
       SELECT i.id, o.id FROM invoices i JOIN orders o ON o.uuid = 'bench-' || i.number WHERE i.merchant_id = $1`,
      [merchant.merchantId],
    );
    await c.query(`UPDATE orders o SET invoice_id = io.invoice_id FROM invoice_orders io WHERE io.order_id = o.id`);
    await c.query('VACUUM ANALYZE orders');
    await c.query('VACUUM ANALYZE invoices');
    await c.query('VACUUM ANALYZE invoice_orders');
  });
  return (performance.now() - t0) / 1000;
}

/** Transaction i (0-based) of a file: every second one pays invoice `first + i/2`, the others an unknown KID. */
function payment(i: number, firstInvoice: number, salt: number): { kid: string; pays: boolean } {
  return i % 2 === 0 ? { kid: invoiceKid(firstInvoice + i / 2), pays: true } : { kid: unknownKid(salt * 10_000_000 + i), pays: false };
}

export function ocrFile(count: number, firstInvoice: number, transmission: number): string {
  const transactions: OcrTransaction[] = [];
  for (let i = 0; i < count; i++) {
    transactions.push({
      transactionType: 10, amountOre: AMOUNT_ORE, kid: payment(i, firstInvoice, transmission).kid, netsDate: '2026-12-10', bankDate: '2026-12-10',
      centreId: '01', partialSettlementNumber: 1, partialSettlementSerial: 1, archiveReference: String(i % 1_000_000_000).padStart(9, '0'),
      debitAccount: '98765432109',
    });
  }
  return writeOcrGiro({
    transmissionNumber: transmission, dataRecipient: '00012345', netsDate: '2026-12-10',
    assignments: [{ agreementId: '000000001', assignmentNumber: 1, account: ACCOUNT, transactions }],
  });
}

export function camtFile(count: number, firstInvoice: number): string {
  const entries: Camt054Entry[] = [];
  for (let i = 0; i < count; i++) {
    entries.push({
      amountOre: AMOUNT_ORE, bookingDate: '2026-12-10', valueDate: '2026-12-10', bankReference: `BENCH-${i}`,
      kid: payment(i, firstInvoice, 7).kid, debtorName: 'Kari Nordmann', debtorAccount: '98765432109',
    });
  }
  return writeCamt054({ messageId: 'BENCH-CAMT', notificationId: 'N1', createdAt: '2026-12-10T06:00:00', account: ACCOUNT, entries });
}

interface Outcome {
  payments: number;
  matched: number;
  paidOrders: number;
  paidEvents: number;
  paidCallbacks: number;
}

async function outcome(url: string, fileName: string): Promise<Outcome> {
  return withClient(url, async (c) => (await c.query<Outcome>(
    `WITH f AS (SELECT id FROM payment_files WHERE name = $1)
     SELECT (SELECT count(*) FROM payments WHERE file_id IN (SELECT id FROM f))::int AS payments,
            (SELECT count(*) FROM payments WHERE file_id IN (SELECT id FROM f) AND state = 'matched')::int AS matched,
            (SELECT count(*) FROM orders WHERE status = 'PAID')::int AS "paidOrders",
            (SELECT count(*) FROM order_events WHERE to_status = 'PAID')::int AS "paidEvents",
            (SELECT count(*) FROM callback_events WHERE status = 'PAID')::int AS "paidCallbacks"`,
    [fileName],
  )).rows[0]!);
}

/** The server's ceiling: `rows` payment rows stored by one INSERT … SELECT into a copy of the table (its indexes too). */
async function rawInsertSeconds(url: string, rows: number): Promise<number> {
  return withClient(url, async (c) => {
    await c.query('CREATE TABLE bench_payments_raw (LIKE payments INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)');
    const t0 = performance.now();
    await c.query(
      `INSERT INTO bench_payments_raw (id, merchant_id, source_key, file_id, position, kind, amount_ore, payment_date, kid, payer_account, to_account, transaction_type, state)
       SELECT g, 1, 'pos:ocr-giro:raw:' || g, 1, g, 'payment', $1, date '2026-12-10', '9' || lpad(g::text, 9, '0'), '98765432109', $2, '10', 'unmatched'
       FROM generate_series(1, $3) g`,
      [AMOUNT_ORE, ACCOUNT, rows],
    );
    const s = (performance.now() - t0) / 1000;
    await c.query('DROP TABLE bench_payments_raw');
    return s;
  });
}

/** In this process: `count` transactions paying invoices from `firstInvoice` on, one way or the other; payments/s. */
async function sampleRate(url: string, count: number, firstInvoice: number, transmission: number, rowByRow: boolean): Promise<number> {
  const db = await openDatabase({ databaseUrl: url, dataDir: 'memory://', poolSize: 2 });
  try {
    const file = Buffer.from(ocrFile(count, firstInvoice, transmission), 'latin1');
    const t0 = performance.now();
    await importPaymentFile(db, bufferSource(file), { name: `sample-${transmission}`, rowByRow });
    return count / ((performance.now() - t0) / 1000);
  } finally {
    await db.close();
  }
}

async function importRun(ctx: BenchContext, format: 'ocr-giro' | 'camt054'): Promise<ScenarioResult> {
  const count = format === 'ocr-giro' ? TRANSACTIONS : CAMT_ENTRIES;
  const paying = Math.ceil(count / 2);
  const url = await ctx.tempDatabase();
  const sample = format === 'ocr-giro' ? SAMPLE : 0;
  const sampleInvoices = Math.ceil(sample / 2);
  ctx.log(`  seeding ${paying + 2 * sampleInvoices} open invoices (one INVOICED order each) by SQL`);
  const seedS = await seed(ctx, url, paying + 2 * sampleInvoices);
  const dir = await ctx.tempDir('pay-import');
  const fileName = format === 'ocr-giro' ? 'bench.ocr' : 'bench.camt.xml';
  const file = path.join(dir, fileName);
  const tw = performance.now();
  writeFileSync(file, format === 'ocr-giro' ? ocrFile(count, 1, 4242) : camtFile(count, 1), format === 'ocr-giro' ? 'latin1' : 'utf8');
  ctx.log(`  seeded in ${f1(seedS)} s; wrote ${count} transactions (${fileName}) in ${f1((performance.now() - tw) / 1000)} s`);

  let rowRate: number | null = null;
  let setRate: number | null = null;
  let rawS: number | null = null;
  if (sample > 0) {
    rowRate = await sampleRate(url, sample, paying + 1, 5001, true);
    setRate = await sampleRate(url, sample, paying + sampleInvoices + 1, 5002, false);
    ctx.log(`  sample of ${sample}: row-by-row ${f0(rowRate)}/s, set-based ${f0(setRate)}/s (in this process)`);
    rawS = await rawInsertSeconds(url, count);
    ctx.log(`  raw INSERT of ${count} payment rows: ${f1(rawS)} s`);
    await withClient(url, (c) => c.query('VACUUM ANALYZE payments'));
  }

  ctx.log(`  efaktura payments import ${fileName} --json (at most ${RUN_LIMIT_S} s)`);
  const t0 = performance.now();
  const importer = spawnNode(ctx.cleanup, 'efaktura payments import', [BIN, 'payments', 'import', file, '--json'], {
    env: { LOG_LEVEL: 'warn', DATABASE_URL: url },
    // As bin/efaktura.js's shebang runs it (BENCH_SERVE_NODE_FLAGS changes it here too).
    nodeFlags: process.env.BENCH_PAY_NODE_FLAGS?.split(' ').filter(Boolean) ?? ctx.options.serveNodeFlags,
  });
  const rss = sampleRss(importer.pid, 50);
  let hwm = 0;
  const hwmTimer = setInterval(() => (hwm = hwmMb(importer.pid) ?? hwm), 50);
  const cpu = cpuMeter(importer.pid);
  let cpuPct: number | undefined;
  const cpuTimer = setInterval(() => (cpuPct = cpu.pct() ?? cpuPct), 200);
  // The importer's backend exits with it, and a meter only sees live processes: summed over short intervals.
  let pgCpuS = 0;
  let pgMeter = commCpuMeter('postgres');
  let pgSince = performance.now();
  const pgTick = () => {
    const now = performance.now();
    pgCpuS += ((pgMeter.pct() ?? 0) / 100) * ((now - pgSince) / 1000);
    pgMeter = commCpuMeter('postgres');
    pgSince = now;
  };
  const pgTimer = setInterval(pgTick, 500);
  const others = othersCpuMeter([importer.pid, process.pid]);
  let summary: Record<string, number>;
  try {
    summary = await jsonResult<Record<string, number>>(importer, RUN_LIMIT_S * 1000);
  } finally {
    clearInterval(hwmTimer);
    clearInterval(cpuTimer);
    clearInterval(pgTimer);
    pgTick();
    rss.stop();
  }
  const elapsedS = (performance.now() - t0) / 1000;
  const dbCpuPct = (pgCpuS / elapsedS) * 100;
  const othersPct = others.pct();
  const perS = count / elapsedS;
  const o = await outcome(url, fileName);
  const sampleMatched = sample > 0 ? 2 * sampleInvoices : 0;
  const problems: string[] = [];
  if (summary.imported !== count) problems.push(`imported ${summary.imported} of ${count}`);
  if (o.payments !== count) problems.push(`${o.payments} payments stored`);
  if (o.matched !== paying || summary.matched !== paying) problems.push(`${o.matched} matched (summary ${summary.matched}), ${paying} expected`);
  if (o.paidOrders !== paying + sampleMatched || o.paidEvents !== o.paidOrders || o.paidCallbacks !== o.paidOrders) {
    problems.push(`${o.paidOrders} PAID orders, ${o.paidEvents} PAID events, ${o.paidCallbacks} PAID callbacks; ${paying + sampleMatched} each expected`);
  }
  const notes = [
    `${count} ${format === 'ocr-giro' ? 'OCR giro' : 'camt.054'} transactions (${paying} paying an open invoice exactly, the rest unknown KIDs) ` +
      `imported by efaktura payments import in ${f1(elapsedS)} s from process start: ${f0(perS)} payments/s; ` +
      `summary ${JSON.stringify(summary)}`,
    `importer peak RSS ${f0(Math.max(hwm, rss.peakMb()))} MB (VmHWM, every 50 ms), ${cpuPct === undefined ? '?' : f0(cpuPct)} % of a core; ` +
      `PostgreSQL ${dbCpuPct === undefined ? '?' : f0(dbCpuPct)} % of a core; seeded ${paying + 2 * sampleInvoices} invoices in ${f1(seedS)} s`,
  ];
  if (rawS !== null) notes.push(`baseline: one INSERT … SELECT of ${count} payment rows (server alone, no matching): ${f1(rawS)} s = ${f0(count / rawS)} rows/s; the import takes ${f1(elapsedS / rawS)} × as long`);
  if (rowRate !== null && setRate !== null) {
    notes.push(`baseline: ${sample} transactions in this process, row-by-row ${f0(rowRate)} payments/s vs set-based ${f0(setRate)} payments/s: ${f1(setRate / rowRate)} ×`);
  }
  notes.push(
    othersPct === null
      ? 'CPU of other processes unknown'
      : `${othersPct > OTHERS_WARNING_PCT ? 'WARNING: ' : ''}other processes (not ours, not postgres) used ${f0(othersPct)} % of a core meanwhile`,
  );
  if (problems.length > 0) notes.push(`CHECK FAILED: ${problems.join('; ')}`);
  return {
    rps: perS,
    p50Ms: NaN,
    p99Ms: NaN,
    ok: summary.imported ?? 0,
    failed: problems.length,
    peakRssMb: Math.max(hwm, rss.peakMb()),
    cpuPct,
    dbCpuPct,
    notes,
  };
}

export const paymentsImport: Scenario = {
  id: 'pay-import',
  title: 'payments import: OCR giro, 1,000,000 payments (half matching)',
  optional: true,
  maxSeconds: RUN_LIMIT_S + 600,
  run: (ctx) => importRun(ctx, 'ocr-giro'),
};

export const paymentsImportCamt: Scenario = {
  id: 'pay-import-camt',
  title: 'payments import: camt.054, 100,000 entries (half matching)',
  optional: true,
  maxSeconds: RUN_LIMIT_S + 300,
  run: (ctx) => importRun(ctx, 'camt054'),
};
