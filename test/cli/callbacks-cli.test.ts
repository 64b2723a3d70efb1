/**
 * `efaktura callbacks list|redeliver` as an operator runs it, against a database prepared through the
 * store functions (an embedded data directory in a temp folder, or a database on TEST_DATABASE_URL).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exampleOrder } from '../fixtures/example-order.ts';
import { DB_LABEL, createMerchant, createTestDatabaseUrl, dropTestDatabase } from '../helpers/harness.ts';
import { runCli } from '../helpers/processes.ts';
import { validateCreateOrder } from '../../src/api/validation/create-order.ts';
import { newCustomerUuid, newOrderUuid } from '../../src/domain/orders/ids.ts';
import type { OrderStatus } from '../../src/domain/orders/lifecycle.ts';
import { openDatabase, type Db } from '../../src/store/db/db.ts';
import { migrate } from '../../src/store/db/migrate.ts';
import { findOrder, insertOrder } from '../../src/store/orders.ts';
import { transitionOrder } from '../../src/store/order-transitions.ts';
import { recordCallbackAttempt } from '../../src/store/callback-outbox.ts';

const EVENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe(`efaktura callbacks (${DB_LABEL})`, () => {
  let dir: string;
  let dbUrl: string | null;
  let env: Record<string, string | undefined>;
  // Ids prepared in `before`: order A has a failed callback, order B a pending one.
  let orderA: string;
  let orderB: string;
  let failedEvent: string;
  let pendingEvent: string;

  /** Opens the database for a moment; the embedded one must be closed again before the CLI can use it. */
  async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const db = await openDatabase({ databaseUrl: dbUrl, dataDir: path.join(dir, 'data') });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  async function orderWithCallback(db: Db, merchantId: number, to: OrderStatus): Promise<{ uuid: string; eventId: string }> {
    const validated = validateCreateOrder(exampleOrder({ productsAs: 'array' }));
    assert.ok(validated.ok);
    const created = await insertOrder(db, merchantId, validated.value, { orderUuid: newOrderUuid(), customerUuid: newCustomerUuid() }, 'test', null);
    const eventId = await db.transaction(async (tx) => {
      const order = (await findOrder(tx, merchantId, created.uuid, { forUpdate: true }))!;
      return transitionOrder(tx, order, to, { reason: 'test', actor: 'test' });
    });
    return { uuid: created.uuid, eventId };
  }

  async function eventState(eventId: string): Promise<{ state: string; attempts: number }> {
    return withDb(async (db) => {
      const [row] = await db.query<{ state: string; attempts: number }>({
        text: 'SELECT state, attempts FROM callback_events WHERE event_id = $1',
        values: [eventId],
      });
      return row!;
    });
  }

  async function fail(eventId: string): Promise<void> {
    await withDb(async (db) => {
      const [row] = await db.query<{ id: number }>({ text: 'SELECT id FROM callback_events WHERE event_id = $1', values: [eventId] });
      await recordCallbackAttempt(db, row!.id, { url: 'https://example.com/cb', httpStatus: 503, latencyMs: 40, outcome: 'failed', error: 'HTTP 503' }, null);
    });
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'efk-callbacks-cli-'));
    dbUrl = await createTestDatabaseUrl();
    env = { EFAKTURA_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: dbUrl ?? '' };
    await withDb(async (db) => {
      await migrate(db);
      const merchant = await createMerchant(db);
      const a = await orderWithCallback(db, merchant.merchantId, 'CANCELLED');
      const b = await orderWithCallback(db, merchant.merchantId, 'INVOICED');
      orderA = a.uuid;
      orderB = b.uuid;
      failedEvent = a.eventId;
      pendingEvent = b.eventId;
    });
    await fail(failedEvent);
  });
  after(async () => {
    await dropTestDatabase(dbUrl);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('list --json prints one JSON array of every event, newest first', async () => {
    const res = await runCli(['callbacks', 'list', '--json'], env);
    assert.equal(res.code, 0, res.stderr);
    const events = JSON.parse(res.stdout);
    assert.deepEqual(events.map((e: { eventId: string }) => e.eventId), [pendingEvent, failedEvent]);
    const failed = events[1];
    assert.equal(failed.orderUuid, orderA);
    assert.equal(failed.status, 'CANCELLED');
    assert.equal(failed.state, 'failed');
    assert.equal(failed.attempts, 1);
    assert.equal(failed.lastError, 'HTTP 503');
  });

  test('list filters by --order and --status', async () => {
    const byOrder = JSON.parse((await runCli(['callbacks', 'list', '--order', orderB, '--json'], env)).stdout);
    assert.deepEqual(byOrder.map((e: { eventId: string }) => e.eventId), [pendingEvent]);
    const failed = JSON.parse((await runCli(['callbacks', 'list', '--status', 'failed', '--json'], env)).stdout);
    assert.deepEqual(failed.map((e: { eventId: string }) => e.eventId), [failedEvent]);
    const none = await runCli(['callbacks', 'list', '--status', 'gone'], env);
    assert.equal(none.code, 0);
    assert.equal(none.stdout, 'No callbacks.\n');
  });

  test('list without --json prints a table with a header and one line per event', async () => {
    const res = await runCli(['callbacks', 'list'], env);
    assert.equal(res.code, 0, res.stderr);
    const lines = res.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^EVENT ID\s+ORDER\s+STATUS\s+STATE\s+ATTEMPTS\s+CREATED\s+NEXT ATTEMPT\s+DELIVERED\s+LAST ERROR$/);
    assert.ok(lines[1]!.startsWith(pendingEvent));
    assert.match(lines[1]!, new RegExp(`${orderB}\\s+INVOICED\\s+pending\\s+0`));
    assert.match(lines[2]!, new RegExp(`^${failedEvent}\\s+${orderA}\\s+CANCELLED\\s+failed\\s+1 .*HTTP 503$`));
  });

  test('redeliver EVENT_ID re-queues a failed event and prints it; a second time nothing matches (exit 1)', async () => {
    const res = await runCli(['callbacks', 'redeliver', failedEvent], env);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, `Queued 1 callback for redelivery (event ${failedEvent}):\n  ${failedEvent}\n`);
    assert.deepEqual(await eventState(failedEvent), { state: 'pending', attempts: 0 });
    const again = await runCli(['callbacks', 'redeliver', failedEvent], env);
    assert.equal(again.code, 1);
    assert.equal(again.stdout, '');
    assert.match(again.stderr, /no callback to redeliver for event .* \(unknown, or still pending\)/);
  });

  test('redeliver --order re-queues the order\'s finished events (--json)', async () => {
    await fail(failedEvent);
    const res = await runCli(['callbacks', 'redeliver', '--order', orderA, '--json'], env);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout), { redelivered: [failedEvent] });
    assert.equal((await eventState(failedEvent)).state, 'pending');
  });

  test('redeliver --failed-since re-queues only events that failed since that time', async () => {
    await fail(failedEvent);
    const future = await runCli(['callbacks', 'redeliver', '--failed-since', new Date(Date.now() + 3_600_000).toISOString()], env);
    assert.equal(future.code, 1);
    assert.equal((await eventState(failedEvent)).state, 'failed');
    const since = String(Math.floor(Date.now() / 1000) - 3600);
    const res = await runCli(['callbacks', 'redeliver', '--failed-since', since], env);
    assert.equal(res.code, 0, res.stderr);
    const ids = res.stdout.trim().split('\n').slice(1).map((l) => l.trim());
    assert.deepEqual(ids, [failedEvent]);
    assert.ok(ids.every((id) => EVENT_ID.test(id)));
    assert.equal((await eventState(pendingEvent)).state, 'pending');
  });

  const usage: Array<[string, string[], RegExp]> = [
    ['no subcommand', [], /usage: efaktura callbacks list\|redeliver/],
    ['an unknown subcommand', ['purge'], /usage: efaktura callbacks list\|redeliver/],
    ['an unknown state', ['list', '--status', 'lost'], /--status must be one of pending, delivered, failed, gone, refused/],
    ['a malformed order', ['list', '--order', 'ODR1'], /--order must be an order uuid/],
    ['a bad limit', ['list', '--limit', '0'], /--limit must be a whole number from 1 to 1000/],
    ['an unknown flag', ['list', '--verbose'], /Unknown option '--verbose'/],
    ['redeliver without a target', ['redeliver'], /give exactly one of EVENT_ID, --order, --failed-since/],
    ['redeliver with two targets', ['redeliver', '--order', 'ODR1234567890', '--failed-since', '0'], /give exactly one of/],
    ['a malformed event id', ['redeliver', 'abc'], /EVENT_ID must be a callback event id/],
    ['an unreadable time', ['redeliver', '--failed-since', 'yesterday'], /--failed-since must be Unix seconds or an ISO 8601 time/],
  ];
  for (const [name, args, message] of usage) {
    test(`${name} is a usage error (exit 2) that says what is wrong`, async () => {
      const res = await runCli(['callbacks', ...args], env);
      assert.equal(res.code, 2, res.stderr);
      assert.match(res.stderr, message);
    });
  }
});
