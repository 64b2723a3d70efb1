/**
 * A run is resumable by construction (issue 7): SIGKILL the server while it invoices a thousand orders;
 * after a restart every order is invoiced exactly once, with one INVOICED event and one callback, and the
 * numbers run from 1 without a gap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DB_LABEL, call, createMerchant, createTestDatabaseUrl, dropTestDatabase } from '../helpers/harness.ts';
import { startQuietServe } from '../helpers/processes.ts';
import { storeOrder } from '../helpers/invoicing.ts';
import { openDatabase, type Db } from '../../src/store/db/db.ts';
import { migrate } from '../../src/store/db/migrate.ts';

const ORDERS = 3000;

async function withDb<T>(dbUrl: string | null, dataDir: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDatabase({ databaseUrl: dbUrl, dataDir, poolSize: 4 });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

test(`every order is invoiced exactly once, gapless, after SIGKILL mid-run and restart (${DB_LABEL})`, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'efk-runcrash-'));
  const dataDir = path.join(dir, 'data');
  const dbUrl = await createTestDatabaseUrl();
  const env = { EFAKTURA_DATA_DIR: dataDir, DATABASE_URL: dbUrl ?? '', EFAKTURA_INVOICE_BATCH_SIZE: '1' };
  try {
    const merchant = await withDb(dbUrl, dataDir, async (db) => {
      await migrate(db);
      const m = await createMerchant(db);
      // One order made as create-order makes it, then copied in SQL (making thousands one by one is slow).
      const template = await storeOrder(db, m.merchantId);
      await db.transaction(async (tx) => {
        await tx.query({
          text: `WITH t AS (SELECT * FROM orders WHERE uuid = $1),
                 copies AS (
                   INSERT INTO orders (uuid, merchant_id, customer_id, status, order_date, customer_snapshot, sub_total_ore, total_tax_ore,
                                       total_discount_ore, grand_total_ore, invoice_interval, invoice_maturity, invoice_fee_applicable,
                                       separate_invoices, reference_no, customer_reference, callback_url)
                   SELECT 'ODR' || (8000000000 + g)::text, merchant_id, customer_id, status, order_date, customer_snapshot, sub_total_ore,
                          total_tax_ore, total_discount_ore, grand_total_ore, invoice_interval, invoice_maturity, invoice_fee_applicable,
                          separate_invoices, reference_no, customer_reference, callback_url
                   FROM t, generate_series(1, $2::int) g RETURNING id),
                 lines AS (
                   INSERT INTO order_lines (order_id, position, name, product_id, quantity, rate_ore, discount_ore, tax_rate, amount_ore, vat_ore)
                   SELECT c.id, l.position, l.name, l.product_id, l.quantity, l.rate_ore, l.discount_ore, l.tax_rate, l.amount_ore, l.vat_ore
                   FROM copies c, order_lines l WHERE l.order_id = (SELECT id FROM t))
                 INSERT INTO order_events (order_id, from_status, to_status, reason, actor) SELECT id, NULL, 'SENT', NULL, 'test' FROM copies`,
          values: [template.uuid, ORDERS - 1],
        });
      });
      return m;
    });
    const newest = async (url: string): Promise<number> => {
      const res = await call(url, 'GET', '/api/v1/connect/invoices?limit=1', { token: merchant.token });
      return res.body?.data?.[0]?.number ?? 0;
    };

    let server = await startQuietServe(env);
    // The worker starts invoicing the moment the server is up (one order per transaction here): kill it
    // a moment later, in the middle of the run (checked below in the database itself).
    await new Promise((r) => setTimeout(r, 400));
    server.child.kill('SIGKILL');
    await server.exited;
    const before = await withDb(dbUrl, dataDir, async (db) =>
      (await db.query<{ n: number }>({ text: 'SELECT count(*)::int AS n FROM invoices WHERE merchant_id = $1', values: [merchant.merchantId] }))[0]!.n);
    assert.ok(before > 0 && before < ORDERS, `the server must die mid-run (had issued ${before} of ${ORDERS})`);

    // The restart works off the rest in the usual batches.
    server = await startQuietServe({ ...env, EFAKTURA_INVOICE_BATCH_SIZE: '100' });
    try {
      const deadline = Date.now() + 240_000;
      while ((await newest(server.url)) < ORDERS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.equal(await newest(server.url), ORDERS);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }

    await withDb(dbUrl, dataDir, async (db) => {
      const numbers = await db.query<{ number: number; orders: number }>({
        text: `SELECT i.number, count(io.order_id)::int AS orders FROM invoices i JOIN invoice_orders io ON io.invoice_id = i.id
               WHERE i.merchant_id = $1 GROUP BY i.number ORDER BY i.number`,
        values: [merchant.merchantId],
      });
      assert.deepEqual(numbers.map((n) => n.number), Array.from({ length: ORDERS }, (_, i) => i + 1), 'gapless, no duplicates');
      assert.ok(numbers.every((n) => n.orders === 1));
      const perOrder = await db.query<{ status: string; invoices: number; events: number; callbacks: number }>({
        text: `SELECT o.status,
                 (SELECT count(*)::int FROM invoice_orders io WHERE io.order_id = o.id) AS invoices,
                 (SELECT count(*)::int FROM order_events e WHERE e.order_id = o.id AND e.to_status = 'INVOICED') AS events,
                 (SELECT count(*)::int FROM callback_events c WHERE c.order_id = o.id AND c.status = 'INVOICED') AS callbacks
               FROM orders o WHERE o.merchant_id = $1`,
        values: [merchant.merchantId],
      });
      assert.equal(perOrder.length, ORDERS);
      for (const o of perOrder) assert.deepEqual(o, { status: 'INVOICED', invoices: 1, events: 1, callbacks: 1 });
    });
  } finally {
    await dropTestDatabase(dbUrl);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
