/**
 * Fills a database with SENT orders for the invoice-run scenarios (inv-run, inv-run-combined), in a
 * process of its own: on the database `loadConfig` names (DATABASE_URL), migrates, makes one merchant
 * with complete invoice settings (as the demo merchant: address, account number, VAT registered), then
 * BENCH_INV_CUSTOMERS customers × BENCH_INV_ORDERS_PER_CUSTOMER orders of BENCH_INV_INTERVAL, whose
 * callbackUrl is BENCH_INV_CALLBACK_URL.
 *
 * The first order goes through the validator and the store as create-order does (`storeOrder`); the
 * rest are SQL copies of its rows (customers, orders, order_lines, order_events; every column but the
 * ids copied, so a column added later is copied too), as in test/system/invoicing-crash.test.ts:
 * 20,000 orders in seconds. Copied customers get their own uuid and personal number; the orders keep
 * the template's customer snapshot (the name printed on the invoice), which the invoicing does not
 * check against the customer row. Prints one JSON line.
 */
import { loadConfig } from '../../src/config.ts';
import { openDatabase, type Queryable } from '../../src/store/db/db.ts';
import { migrate } from '../../src/store/db/migrate.ts';
import { insertMerchant } from '../../src/store/merchants.ts';
import { updateInvoiceSettings } from '../../src/store/merchant-settings.ts';
import { storeOrder } from '../../test/helpers/invoicing.ts';
import { exitWithParent } from '../lib/processes.ts';

export interface InvoiceSeedResult {
  merchantId: number;
  customers: number;
  orders: number;
  seedS: number;
}

exitWithParent();
const started = performance.now();
const customers = Number(process.env.BENCH_INV_CUSTOMERS ?? 1);
const perCustomer = Number(process.env.BENCH_INV_ORDERS_PER_CUSTOMER ?? 20_000);
const interval = Number(process.env.BENCH_INV_INTERVAL ?? 0) as 0 | 1;
const callbackUrl = process.env.BENCH_INV_CALLBACK_URL ?? 'http://127.0.0.1:9/cb';
const config = loadConfig(process.env);
if (config.databaseUrl === null) throw new Error('the seed needs DATABASE_URL (a PostgreSQL server)');

const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
await migrate(db);
const merchant = await insertMerchant(db, { name: 'Bench Invoicing AS', orgNumber: '923609016', accountNumber: '15032080119' });
// The settings of src/server.ts ensureDemoMerchant: a complete seller, every field the law asks for (SPEC §6.1).
await updateInvoiceSettings(db, merchant.id, {
  street: 'Karl Johans gate 22', zip: '0159', city: 'Oslo', vatRegistered: true, foretaksregisteret: true,
  invoiceEmail: 'faktura@bench-invoicing.example',
});
// A one-page invoice: three lines at three VAT rates (with a discount) and the invoice fee.
const template = await storeOrder(db, merchant.id, {
  interval,
  separate: interval === 0,
  fee: true,
  callbackUrl,
  lines: [
    ['Hair Wash', '1', '51.00', '0', '25'],
    ['Shampoo 250 ml', '2', '129.00', '10.00', '15'],
    ['Gift card', '1', '200.00', '0', '0'],
  ],
});

async function columns(tx: Queryable, table: string, except: string[]): Promise<string[]> {
  const rows = await tx.query<{ column_name: string }>({
    text: `SELECT column_name FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = $1 AND NOT (column_name = ANY($2::text[]))
           ORDER BY ordinal_position`,
    values: [table, except],
  });
  return rows.map((r) => `"${r.column_name}"`);
}

await db.transaction(async (tx) => {
  const [t] = await tx.query<{ id: number; customer_id: number }>({ text: 'SELECT id, customer_id FROM orders WHERE uuid = $1', values: [template.uuid] });
  // Copied customers: uuids CSRT0000000001…, personal numbers 10000000001… (random ones never start with 0 or 1).
  const customerCols = await columns(tx, 'customers', ['id', 'uuid', 'personal_number']);
  await tx.query({
    text: `INSERT INTO customers (uuid, personal_number, ${customerCols.join(', ')})
           SELECT 'CSRT0' || lpad(g::text, 9, '0'), (10000000000 + g)::text, ${customerCols.map((c) => `c.${c}`).join(', ')}
           FROM customers c CROSS JOIN generate_series(1, $2::int) g WHERE c.id = $1 ORDER BY g`,
    values: [t!.customer_id, customers - 1],
  });
  // Copied orders: perCustomer per customer (the template is the template customer's first), uuids ODR0…
  // (a random uuid never starts with 0), in customer order as a day of orders would not be: ids interleave.
  const orderCols = await columns(tx, 'orders', ['id', 'uuid', 'customer_id']);
  await tx.query({
    text: `INSERT INTO orders (uuid, customer_id, ${orderCols.join(', ')})
           SELECT 'ODR0' || lpad(((k - 1) * $3::int + n)::text, 9, '0'), cu.id, ${orderCols.map((c) => `o.${c}`).join(', ')}
           FROM orders o
           CROSS JOIN generate_series(1, $4::int) k
           CROSS JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM customers WHERE merchant_id = $2) cu
           WHERE o.id = $1 AND NOT (cu.id = o.customer_id AND k = 1)
           ORDER BY k, cu.id`,
    values: [t!.id, merchant.id, customers, perCustomer],
  });
  const copiesOf = `(SELECT id FROM orders WHERE uuid LIKE 'ODR0%')`;
  const lineCols = await columns(tx, 'order_lines', ['id', 'order_id']);
  await tx.query({
    text: `INSERT INTO order_lines (order_id, ${lineCols.join(', ')})
           SELECT c.id, ${lineCols.map((x) => `l.${x}`).join(', ')} FROM ${copiesOf} c CROSS JOIN order_lines l
           WHERE l.order_id = $1 ORDER BY c.id, l.id`,
    values: [t!.id],
  });
  const eventCols = await columns(tx, 'order_events', ['id', 'order_id']);
  await tx.query({
    text: `INSERT INTO order_events (order_id, ${eventCols.join(', ')})
           SELECT c.id, ${eventCols.map((x) => `e.${x}`).join(', ')} FROM ${copiesOf} c CROSS JOIN order_events e
           WHERE e.order_id = $1 ORDER BY c.id, e.id`,
    values: [t!.id],
  });
  const [n] = await tx.query<{ orders: number; customers: number }>({
    text: `SELECT count(*)::int AS orders, count(DISTINCT customer_id)::int AS customers FROM orders
           WHERE merchant_id = $1 AND status = 'SENT' AND invoice_interval = $2`,
    values: [merchant.id, interval],
  });
  if (n!.orders !== customers * perCustomer || n!.customers !== customers) {
    throw new Error(`expected ${customers} × ${perCustomer} SENT orders, found ${n!.orders} of ${n!.customers} customers`);
  }
});
// Fresh statistics for the planner, and the seed's WAL flushed before the measurement starts.
await db.query('VACUUM ANALYZE');
await db.query('CHECKPOINT');
await db.close();

const result: InvoiceSeedResult = {
  merchantId: merchant.id,
  customers,
  orders: customers * perCustomer,
  seedS: (performance.now() - started) / 1000,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
