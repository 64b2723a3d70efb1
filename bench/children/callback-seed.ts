/**
 * Fills the callback outbox for the throughput scenario (cb-tput), in a process of its own: on the
 * database `loadConfig` names (DATABASE_URL), migrates, makes a merchant and BENCH_CB_EVENTS orders whose
 * callbackUrl is BENCH_CB_URL, each cancelled once, i.e. one pending callback event each.
 *
 * The first order goes through the store exactly as the API does (`insertOrder`, then `transitionOrder`
 * in a transaction holding the row lock). The others are copies of its rows made in bulk by SQL
 * (orders, order_lines, order_events, callback_events; every column but the ids copied, so a column
 * added later is copied too): 20,000 orders in about a second instead of half a minute, and rows
 * that are the ones the store writes. Prints one JSON line.
 */
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/store/db/db.ts';
import type { Queryable } from '../../src/store/db/db.ts';
import { migrate } from '../../src/store/db/migrate.ts';
import { insertMerchant } from '../../src/store/merchants.ts';
import { findOrder, insertOrder } from '../../src/store/orders.ts';
import { transitionOrder } from '../../src/store/order-transitions.ts';
import { newCustomerUuid } from '../../src/domain/orders/ids.ts';
import { validateCreateOrder } from '../../src/api/validation/create-order.ts';
import { exampleOrder } from '../../test/fixtures/example-order.ts';
import { exitWithParent } from '../lib/processes.ts';

export interface SeedResult {
  merchantId: number;
  events: number;
  host: string;
  seedS: number;
}

exitWithParent();
const started = performance.now();
const total = Number(process.env.BENCH_CB_EVENTS ?? 20_000);
const callbackUrl = process.env.BENCH_CB_URL;
if (!callbackUrl) throw new Error('BENCH_CB_URL is required');
const config = loadConfig(process.env);
if (config.databaseUrl === null) throw new Error('the seed needs DATABASE_URL (a PostgreSQL server)');

const TEMPLATE_UUID = 'ODR0000000000';
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
await migrate(db);
const merchant = await insertMerchant(db, { name: 'Bench callbacks', orgNumber: '923609016', accountNumber: null });
const actor = `merchant:${merchant.id}`;
const body = exampleOrder();
body.callback.callbackUrl = callbackUrl;
const validated = validateCreateOrder(body);
if (!validated.ok) throw new Error(`the example payload does not validate: ${JSON.stringify(validated.errors)}`);
await insertOrder(db, merchant.id, validated.value, { orderUuid: TEMPLATE_UUID, customerUuid: newCustomerUuid() }, actor, null);
await db.transaction(async (tx) => {
  const order = await findOrder(tx, merchant.id, TEMPLATE_UUID, { forUpdate: true });
  if (!order) throw new Error('the template order is missing');
  await transitionOrder(tx, order, 'CANCELLED', { reason: 'bench', actor }, { cancellationNote: 'bench' });
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

const copies = total - 1;
let host = '';
await db.transaction(async (tx) => {
  const [template] = await tx.query<{ id: number }>({ text: 'SELECT id FROM orders WHERE uuid = $1', values: [TEMPLATE_UUID] });
  const t = template!.id;
  // Copies get uuids ODR1000000001…; `seq` keeps them in one order for every table below.
  const orderCols = await columns(tx, 'orders', ['id', 'uuid']);
  await tx.query({
    text: `INSERT INTO orders (uuid, ${orderCols.join(', ')})
           SELECT 'ODR1' || lpad(g::text, 9, '0'), ${orderCols.map((c) => `o.${c}`).join(', ')}
           FROM orders o CROSS JOIN generate_series(1, $2::int) g WHERE o.id = $1 ORDER BY g`,
    values: [t, copies],
  });
  const copiesOf = `(SELECT id FROM orders WHERE uuid LIKE 'ODR1%')`;
  const lineCols = await columns(tx, 'order_lines', ['id', 'order_id']);
  await tx.query({
    text: `INSERT INTO order_lines (order_id, ${lineCols.join(', ')})
           SELECT c.id, ${lineCols.map((x) => `l.${x}`).join(', ')} FROM ${copiesOf} c CROSS JOIN order_lines l
           WHERE l.order_id = $1 ORDER BY c.id, l.id`,
    values: [t],
  });
  const eventCols = await columns(tx, 'order_events', ['id', 'order_id']);
  await tx.query({
    text: `INSERT INTO order_events (order_id, ${eventCols.join(', ')})
           SELECT c.id, ${eventCols.map((x) => `e.${x}`).join(', ')} FROM ${copiesOf} c CROSS JOIN order_events e
           WHERE e.order_id = $1 ORDER BY c.id, e.id`,
    values: [t],
  });
  const cbCols = await columns(tx, 'callback_events', ['id', 'order_id', 'event_id']);
  await tx.query({
    text: `INSERT INTO callback_events (event_id, order_id, ${cbCols.join(', ')})
           SELECT gen_random_uuid(), c.id, ${cbCols.map((x) => `e.${x}`).join(', ')} FROM ${copiesOf} c CROSS JOIN callback_events e
           WHERE e.order_id = $1 ORDER BY c.id`,
    values: [t],
  });
  const [pending] = await tx.query<{ n: number; host: string }>(
    `SELECT count(*)::int AS n, min(host) AS host FROM callback_events WHERE state = 'pending'`,
  );
  if (pending!.n !== total) throw new Error(`expected ${total} pending callbacks, found ${pending!.n}`);
  host = pending!.host;
});
// Fresh statistics for the planner, and the seed's WAL flushed before the measurement starts.
await db.query('VACUUM ANALYZE');
await db.query('CHECKPOINT');
await db.close();

const result: SeedResult = { merchantId: merchant.id, events: total, host, seedS: (performance.now() - started) / 1000 };
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
