/**
 * dash-pages (issue #10, SPEC §9): the dashboard's main pages with 100,000 orders in the database. Opt-in
 * (BENCH_ONLY=dash-pages): it seeds a throw-away PostgreSQL database by SQL first.
 *
 * Method: one merchant with 100,000 orders of 10,000 customers (statuses spread like a live shop: most
 * PAID, some INVOICED, PURRING, SENT, CANCELLED), 80,000 of them invoiced (an invoice row each, linked),
 * one line and one event per order; ANALYZE. Then `efaktura serve` (no worker) on that database, a
 * merchant session and an operator session (signed in through the form, as a browser does), and each page
 * requested one after another: 3 unmeasured, then BENCH_DASH_REQUESTS (default 30) measured. The table's
 * row is every measured request together; the notes give each page's p50 / p99 / max. The goal is every
 * page under 300 ms.
 */
import { withClient } from '../lib/postgres.ts';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/types.ts';
import { createMerchant, startServe } from '../lib/efaktura.ts';
import { cpuMeter, sampleRss } from '../lib/proc.ts';

const ORDERS = Number(process.env.BENCH_DASH_ORDERS || 100_000);
const REQUESTS = Number(process.env.BENCH_DASH_REQUESTS || 30);
const ADMIN = 'bench-operator-token-0123456789abcdef';
const GOAL_MS = 300;

/** A browser's session: signs in through the form and keeps the cookies. */
async function signIn(base: string, token: string): Promise<string> {
  const form = await fetch(`${base}/app/sign-in`);
  const nonceCookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const nonce = /name="_signin" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!nonce) throw new Error('the sign-in form has no nonce');
  const res = await fetch(`${base}/app/sign-in`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: nonceCookie },
    body: new URLSearchParams({ token, _signin: nonce, next: '/app' }).toString(),
  });
  const session = res.headers.getSetCookie().find((c) => c.startsWith('efk_session='));
  if (res.status !== 303 || !session) throw new Error(`sign-in failed: ${res.status}`);
  return session.split(';')[0]!;
}

async function seed(url: string, merchantId: number): Promise<void> {
  await withClient(url, async (c) => {
    await c.query(`INSERT INTO customers (uuid, merchant_id, personal_number, details)
                   SELECT 'CSRT' || lpad(g::text, 10, '0'), $1, lpad(g::text, 11, '0'), jsonb_build_object('name', 'Kunde ' || g)
                   FROM generate_series(1, 10000) g`, [merchantId]);
    await c.query(`INSERT INTO orders (uuid, merchant_id, customer_id, status, order_date, customer_snapshot, sub_total_ore, total_tax_ore,
                     total_discount_ore, grand_total_ore, paid_ore, invoice_interval, invoice_maturity, invoice_fee_applicable, separate_invoices,
                     callback_url, created_at, updated_at)
                   SELECT 'ODR' || lpad(g::text, 10, '0'), $1, (SELECT min(id) FROM customers) + g % 10000,
                     CASE WHEN g % 100 < 60 THEN 'PAID' WHEN g % 100 < 75 THEN 'INVOICED' WHEN g % 100 < 80 THEN 'PURRING'
                          WHEN g % 100 < 95 THEN 'SENT' ELSE 'CANCELLED' END,
                     1703040812, jsonb_build_object('name', 'Kunde ' || (g % 10000), 'email', 'kunde' || (g % 10000) || '@example.com'),
                     80000, 20000, 0, 100000 + g % 5000, CASE WHEN g % 100 < 60 THEN 100000 + g % 5000 ELSE 0 END, 0, 10, false, true,
                     'https://merchant.invalid/cb', now() - make_interval(secs => ($2 - g) * 30), now()
                   FROM generate_series(1, $2) g`, [merchantId, ORDERS]);
    await c.query(`INSERT INTO order_lines (order_id, position, name, product_id, quantity, rate_ore, discount_ore, tax_rate, amount_ore, vat_ore)
                   SELECT id, 1, 'Hair Wash', 'P1', 1, grand_total_ore, 0, 25, grand_total_ore, grand_total_ore / 5 FROM orders`);
    await c.query(`INSERT INTO order_events (order_id, from_status, to_status, reason, actor, created_at)
                   SELECT id, NULL, 'SENT', 'order created', 'merchant:' || merchant_id, created_at FROM orders`);
    // The invoiced orders (every status but SENT and CANCELLED) get an invoice each, numbered in order.
    await c.query(`INSERT INTO invoices (merchant_id, number, kind, customer_id, kid, issue_date, due_date, language, total_ore, vat_ore, paid_ore, content, created_at)
                   SELECT merchant_id, row_number() OVER (ORDER BY id), 'invoice', customer_id, lpad(id::text, 15, '0') || '0',
                     (created_at AT TIME ZONE 'Europe/Oslo')::date, (created_at AT TIME ZONE 'Europe/Oslo')::date + 10, 'no',
                     grand_total_ore, total_tax_ore, paid_ore, jsonb_build_object('buyer', customer_snapshot), created_at
                   FROM orders WHERE status NOT IN ('SENT', 'CANCELLED') ORDER BY id`);
    await c.query(`WITH link AS (
                     SELECT o.id AS order_id, i.id AS invoice_id, i.number, i.kid, i.due_date
                     FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM orders WHERE status NOT IN ('SENT', 'CANCELLED')) o
                     JOIN invoices i ON i.number = o.n AND i.merchant_id = $1),
                   linked AS (INSERT INTO invoice_orders (invoice_id, order_id) SELECT invoice_id, order_id FROM link)
                   UPDATE orders o SET invoice_id = l.invoice_id, invoice_number = l.number::text, kid = l.kid, due_date = l.due_date
                   FROM link l WHERE o.id = l.order_id`, [merchantId]);
    // A live database's autovacuum keeps the visibility map set, which index-only scans need; a fresh seed has none yet.
    await c.query('VACUUM ANALYZE');
  });
}

/** EXPLAIN ANALYZE of the pages' main queries on the seeded data: the scans each one uses, and its time. */
async function plans(url: string, merchantId: number, kid: string): Promise<string[]> {
  const search = `to_tsvector('simple', coalesce(o.customer_snapshot->>'name', '') || ' ' || coalesce(o.customer_snapshot->>'email', ''))`;
  const queries: Array<[string, string]> = [
    ['orders, newest', `SELECT o.id FROM orders o WHERE o.merchant_id = ${merchantId} ORDER BY o.id DESC LIMIT 51`],
    ['orders by status', `SELECT o.id FROM orders o WHERE o.merchant_id = ${merchantId} AND o.status = 'PURRING' ORDER BY o.id DESC LIMIT 51`],
    ['orders by KID', `SELECT o.id FROM orders o WHERE o.merchant_id = ${merchantId} AND (o.invoice_number = '${kid}' OR o.kid = '${kid}') ORDER BY o.id DESC LIMIT 51`],
    ['orders by name', `SELECT o.id FROM orders o WHERE o.merchant_id = ${merchantId} AND ${search} @@ to_tsquery('simple', '''kunde'':* & ''4242'':*') ORDER BY o.id DESC LIMIT 51`],
    ['overview per status', `SELECT status, count(*), sum(grand_total_ore) FROM orders WHERE merchant_id = ${merchantId} GROUP BY status`],
    ['overview per status, all', `SELECT status, count(*), sum(grand_total_ore) FROM orders GROUP BY status`],
  ];
  const notes: string[] = [];
  await withClient(url, async (c) => {
    for (const [name, sql] of queries) {
      const rows = (await c.query(`EXPLAIN (ANALYZE, COSTS OFF) ${sql}`)).rows as Array<{ 'QUERY PLAN': string }>;
      const lines = rows.map((r) => r['QUERY PLAN']);
      const scans = [...new Set(lines.flatMap((l) => /((?:Index Only |Index |Bitmap Index |Bitmap Heap |Seq )Scan(?: Backward)?(?: using \w+)?(?: on \w+)?)/.exec(l)?.[1] ?? []))];
      const time = lines.find((l) => l.startsWith('Execution Time'))?.replace('Execution Time: ', '') ?? '?';
      notes.push(`  ${name.padEnd(26)} ${time.padStart(10)}  ${scans.join('; ')}`);
    }
  });
  return notes;
}

interface PageTiming {
  page: string;
  ms: number[];
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function run(ctx: BenchContext): Promise<ScenarioResult> {
  const url = await ctx.tempDatabase();
  const merchant = await createMerchant(ctx, { DATABASE_URL: url });
  ctx.log(`  seeding ${ORDERS.toLocaleString('en')} orders by SQL`);
  await seed(url, merchant.merchantId);
  const serve = await startServe(ctx, 'efaktura serve (dash-pages)', { DATABASE_URL: url, EFAKTURA_WORKER: '0', EFAKTURA_ADMIN_TOKEN: ADMIN });
  try {
    const merchantCookie = await signIn(serve.baseUrl, merchant.token);
    const operatorCookie = await signIn(serve.baseUrl, ADMIN);
    const middle = `ODR${String(Math.floor(ORDERS / 2)).padStart(10, '0')}`;
    const kid = await withClient(url, async (c) => (await c.query(`SELECT kid FROM orders WHERE kid IS NOT NULL ORDER BY id LIMIT 1 OFFSET 40000`)).rows[0]?.kid as string);
    const pages: Array<[string, string, string]> = [
      ['overview', '/app', merchantCookie],
      ['orders', '/app/orders', merchantCookie],
      ['orders?status=PURRING', '/app/orders?status=PURRING', merchantCookie],
      ['orders, page at 50,000', `/app/orders?after=${middle}`, merchantCookie],
      ['orders?q=<KID>', `/app/orders?q=${kid}`, merchantCookie],
      ['orders?q=<name>', `/app/orders?q=${encodeURIComponent('Kunde 4242')}`, merchantCookie],
      ['order', `/app/orders/${middle}`, merchantCookie],
      ['invoices', '/app/invoices', merchantCookie],
      ['payments', '/app/payments', merchantCookie],
      ['runs', '/app/runs', merchantCookie],
      ['overview (operator, all)', '/app', operatorCookie],
      ['orders (operator, all)', '/app/orders?status=INVOICED', operatorCookie],
    ];
    const explained = await plans(url, merchant.merchantId, kid);
    const timings: PageTiming[] = [];
    const rss = sampleRss(serve.handle.pid);
    const cpu = cpuMeter(serve.handle.pid);
    let failed = 0;
    const started = process.hrtime.bigint();
    for (const [name, path, cookie] of pages) {
      const ms: number[] = [];
      for (let i = 0; i < REQUESTS + 3; i++) {
        const t0 = process.hrtime.bigint();
        const res = await fetch(`${serve.baseUrl}${path}`, { headers: { cookie }, redirect: 'manual' });
        await res.arrayBuffer();
        const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
        if (res.status !== 200) failed++;
        if (i >= 3) ms.push(elapsed);
      }
      timings.push({ page: name, ms: ms.sort((a, b) => a - b) });
      ctx.log(`  ${name}: p50 ${pct(ms, 50).toFixed(1)} ms, p99 ${pct(ms, 99).toFixed(1)} ms`);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const all = timings.flatMap((t) => t.ms).sort((a, b) => a - b);
    const slowest = Math.max(...all);
    return {
      rps: all.length / seconds,
      p50Ms: pct(all, 50),
      p99Ms: pct(all, 99),
      ok: all.length - failed,
      failed,
      peakRssMb: (rss.stop(), rss.peakMb()),
      cpuPct: cpu.pct() ?? undefined,
      notes: [
        `dash-pages: ${ORDERS.toLocaleString('en')} orders, ${REQUESTS} sequential requests per page; p50 / p99 / max ms:`,
        ...timings.map((t) => `  ${t.page.padEnd(28)} ${pct(t.ms, 50).toFixed(1).padStart(7)} ${pct(t.ms, 99).toFixed(1).padStart(7)} ${t.ms.at(-1)!.toFixed(1).padStart(7)}`),
        'dash-pages: the main queries, EXPLAIN ANALYZE (execution time, scans):',
        ...explained,
        `dash-pages goal: every page < ${GOAL_MS} ms — ${slowest < GOAL_MS ? 'met' : 'NOT met'} (slowest request ${slowest.toFixed(1)} ms)`,
      ],
    };
  } finally {
    await serve.handle.stop();
  }
}

export const dashboardPages: Scenario = {
  id: 'dash-pages',
  title: `dashboard pages, ${ORDERS.toLocaleString('en')} orders (PostgreSQL)`,
  optional: true,
  maxSeconds: 600,
  run,
};
