/**
 * Callback delivery on the runner, driven by a test clock instead of sleeps: lease fencing (review M2),
 * no busy-poll behind a blocked order (M3), the per-host quota (m14), which failures are final (m6), the
 * first schedule entry (m7) and the event-time header (m8).
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL, createMerchant, openTestDb, testConfig, type TestMerchant } from '../helpers/harness.ts';
import { createTestClock } from '../helpers/clock.ts';
import { makeOrder, moveOrder } from '../helpers/orders.ts';
import { startGatedReceiver, type GatedReceiver } from './gated-receiver.ts';
import { createLogger } from '../../src/log.ts';
import type { Config } from '../../src/config.ts';
import type { Clock } from '../../src/clock.ts';
import type { Db, Query } from '../../src/store/db/db.ts';
import { startCallbackDelivery, type Runner } from '../../src/jobs/runner.ts';

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

/** The same database, counting the statements by name (to see how often a worker claims). */
function counted(db: Db): { db: Db; count(name: string): number; reset(): void } {
  const counts = new Map<string, number>();
  const query = ((q: Query | string) => {
    const name = typeof q === 'string' ? 'unnamed' : (q.name ?? 'unnamed');
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return db.query(q);
  }) as Db['query'];
  return { db: { ...db, query }, count: (name) => counts.get(name) ?? 0, reset: () => counts.clear() };
}

async function eventsOf(db: Db, uuid: string) {
  return db.query<{ id: number; status: string; state: string; attempts: number; created_at: Date; tries: number }>({
    text: `SELECT e.id, e.status, e.state, e.attempts, e.created_at,
                  (SELECT count(*)::int FROM callback_attempts a WHERE a.event_id = e.id) AS tries
           FROM callback_events e JOIN orders o ON o.id = e.order_id WHERE o.uuid = $1 ORDER BY e.id`,
    values: [uuid],
  });
}

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The status of every request to `path`, in arrival order. */
function statusesAt(receiver: GatedReceiver, path: string): string[] {
  return receiver.requests.filter((r) => r.path === path).map((r) => r.query.status!);
}

/** True when the statuses never go back to an earlier change (a repeat of the latest one is fine). */
function neverBackwards(statuses: string[], changeOrder: string[]): boolean {
  const positions = statuses.map((s) => changeOrder.indexOf(s));
  return positions.every((p, i) => i === 0 || p >= positions[i - 1]!);
}

describe(`callback leases and waits (${DB_LABEL})`, () => {
  let db: Db;
  let closeDb: () => Promise<void>;
  let merchant: TestMerchant;
  let receiver: GatedReceiver;
  const running: Runner[] = [];
  const start = async (config: Partial<Config>, clock: Clock, on: Db = db) => {
    const runner = await startCallbackDelivery({ db: on, config: testConfig(config), logger, clock });
    running.push(runner);
    return runner;
  };

  before(async () => {
    ({ db, close: closeDb } = await openTestDb());
    merchant = await createMerchant(db);
    receiver = await startGatedReceiver();
  });
  // Each test has workers of its own (its own clock and schedule): the last test's must not take its events.
  afterEach(async () => {
    receiver.autoAnswer(() => 503);
    for (const r of receiver.requests) r.answer(503);
    await Promise.all(running.splice(0).map((r) => r.stop()));
  });
  after(async () => {
    await receiver.close();
    await closeDb();
  });

  test('a stale worker’s late result is dropped, and two workers never send one order’s callbacks out of order when a lease runs out mid-attempt', async () => {
    const clock = createTestClock();
    // The real timeout never fires here; the test clock makes the lease (timeout + 5 s) run out instead.
    const config = { callbackRetrySchedule: [0, 0, 0, 0], callbackTimeoutMs: 60_000 };
    receiver.autoAnswer(() => null);
    const uuid = await makeOrder(db, merchant.merchantId, `${receiver.url}/cb/fence`);
    const a = await start(config, clock);
    await moveOrder(db, merchant.merchantId, uuid, 'INVOICED', 'PAID');
    a.wake();
    await receiver.waitFor(() => receiver.waiting('/cb/fence').length === 1);
    const [staleAttempt] = receiver.waiting('/cb/fence');
    assert.equal(staleAttempt!.query.status, 'INVOICED');

    clock.advance(66_000);
    receiver.autoAnswer((path) => (path === '/cb/fence' ? 200 : null));
    const b = await start(config, clock);
    b.wake();
    await waitUntil(async () => (await eventsOf(db, uuid)).every((e) => e.state === 'delivered'));
    assert.deepEqual(statusesAt(receiver, '/cb/fence'), ['INVOICED', 'INVOICED', 'PAID']);

    // The first worker's attempt now fails late. Unfenced, it would turn INVOICED back to pending and
    // send it again after PAID.
    staleAttempt!.answer(500);
    await a.stop();
    await b.stop();
    const events = await eventsOf(db, uuid);
    assert.deepEqual(events.map((e) => [e.status, e.state, e.attempts, e.tries]), [
      ['INVOICED', 'delivered', 1, 1],
      ['PAID', 'delivered', 1, 1],
    ]);
    assert.deepEqual(statusesAt(receiver, '/cb/fence'), ['INVOICED', 'INVOICED', 'PAID']);
    assert.ok(neverBackwards(statusesAt(receiver, '/cb/fence'), ['INVOICED', 'PAID']));
  });

  test('an order whose first callback waits in backoff makes no busy-poll, and its later callback waits behind it', async () => {
    const clock = createTestClock();
    const counter = counted(db);
    receiver.autoAnswer((path) => (path === '/cb/blocked' ? 503 : null));
    const uuid = await makeOrder(db, merchant.merchantId, `${receiver.url}/cb/blocked`);
    const worker = await start({ callbackRetrySchedule: [0, 3600, 3600], callbackTimeoutMs: 5000 }, clock, counter.db);
    await moveOrder(db, merchant.merchantId, uuid, 'INVOICED', 'PAID');
    worker.wake();
    await waitUntil(async () => (await eventsOf(db, uuid))[0]!.attempts === 1);

    counter.reset();
    await new Promise((r) => setTimeout(r, 2000));
    // Idle waits are at most 1 s and the head is due in an hour: about 2 claims. Computing the next due
    // time over every pending row (PAID is "due now") made this about 200.
    assert.ok(counter.count('claim_due_callbacks') <= 4, `${counter.count('claim_due_callbacks')} claims in 2 s`);
    assert.deepEqual(statusesAt(receiver, '/cb/blocked'), ['INVOICED']);

    receiver.autoAnswer((path) => (path === '/cb/blocked' ? 200 : null));
    clock.advance(3600_000);
    worker.wake();
    await waitUntil(async () => (await eventsOf(db, uuid)).every((e) => e.state === 'delivered'));
    assert.deepEqual(statusesAt(receiver, '/cb/blocked'), ['INVOICED', 'INVOICED', 'PAID']);
  });

  test('the first entry of the retry schedule is the wait before the first attempt; each request says when its change happened', async () => {
    const clock = createTestClock();
    const counter = counted(db);
    receiver.autoAnswer((path) => (path === '/cb/later' ? 200 : null));
    const uuid = await makeOrder(db, merchant.merchantId, `${receiver.url}/cb/later`);
    const worker = await start({ callbackRetrySchedule: [30, 5] }, clock, counter.db);
    await moveOrder(db, merchant.merchantId, uuid, 'CANCELLED');
    counter.reset();
    worker.wake();
    await waitUntil(() => counter.count('claim_due_callbacks') >= 2);
    assert.equal(statusesAt(receiver, '/cb/later').length, 0, 'sent before the first wait was over');

    clock.advance(30_000);
    worker.wake();
    await receiver.waitFor(() => statusesAt(receiver, '/cb/later').length === 1);
    const [event] = await eventsOf(db, uuid);
    const [request] = receiver.requests.filter((r) => r.path === '/cb/later');
    assert.equal(request!.headers['efaktura-event-created-at'], event!.created_at.toISOString());
    assert.equal(request!.headers['user-agent'], 'efaktura-callbacks/1');
  });

  test('a failure that is not the URL’s fault is retried, not refused for good', async () => {
    const clock = createTestClock();
    const other = await createMerchant(db, 'Broken Secret AS');
    receiver.autoAnswer((path) => (path === '/cb/bug' ? 200 : null));
    const uuid = await makeOrder(db, other.merchantId, `${receiver.url}/cb/bug`);
    // An empty secret makes building the URL throw: a bug on our side, not the merchant's URL.
    await db.query({ text: `UPDATE merchants SET callback_secret = '' WHERE id = $1`, values: [other.merchantId] });
    const worker = await start({ callbackRetrySchedule: [0, 60] }, clock);
    await moveOrder(db, other.merchantId, uuid, 'CANCELLED');
    worker.wake();
    await waitUntil(async () => (await eventsOf(db, uuid))[0]!.attempts === 1);
    assert.equal((await eventsOf(db, uuid))[0]!.state, 'pending');

    await db.query({ text: `UPDATE merchants SET callback_secret = $2 WHERE id = $1`, values: [other.merchantId, other.callbackSecret] });
    clock.advance(60_000);
    worker.wake();
    await waitUntil(async () => (await eventsOf(db, uuid))[0]!.state === 'delivered');
    assert.equal(statusesAt(receiver, '/cb/bug').length, 1);
  });

  test('a slow host gets at most its quota of callbacks at once, and neither another host nor another order of the same worker waits for it', async () => {
    const clock = createTestClock();
    receiver.autoAnswer((path) => (path === '/cb/busyhost' ? null : path === '/cb/ordered' ? 200 : null));
    const worker = await start({ callbackPerHostConcurrency: 2, callbackTimeoutMs: 30_000, callbackRetrySchedule: [0, 0, 0] }, clock);
    const busy: string[] = [];
    for (let i = 0; i < 8; i++) busy.push(await makeOrder(db, merchant.merchantId, `${receiver.url}/cb/busyhost`));
    await Promise.all(busy.map((u) => moveOrder(db, merchant.merchantId, u, 'CANCELLED')));
    worker.wake();
    await receiver.waitFor(() => receiver.waiting('/cb/busyhost').length === 2);

    // Same server under another host name: not limited by the busy host, though all its calls hang.
    receiver.autoAnswer((path) => (path === '/cb/busyhost' ? null : 200));
    const other = await makeOrder(db, merchant.merchantId, `${receiver.url.replace('127.0.0.1', 'localhost')}/cb/otherhost`);
    await moveOrder(db, merchant.merchantId, other, 'CANCELLED');
    const ordered = await makeOrder(db, merchant.merchantId, `${receiver.url.replace('127.0.0.1', 'localhost')}/cb/ordered`);
    await moveOrder(db, merchant.merchantId, ordered, 'INVOICED', 'PAID', 'PARTIAL REFUNDED', 'REFUNDED');
    worker.wake();
    await receiver.waitFor(() => statusesAt(receiver, '/cb/otherhost').length === 1);
    await waitUntil(async () => (await eventsOf(db, ordered)).every((e) => e.state === 'delivered'));
    assert.deepEqual(statusesAt(receiver, '/cb/ordered'), ['INVOICED', 'PAID', 'PARTIAL REFUNDED', 'REFUNDED']);
    assert.equal(receiver.requests.filter((r) => r.path === '/cb/busyhost').length, 2, 'the busy host got more than its quota');

    while (receiver.requests.filter((r) => r.path === '/cb/busyhost').length < 8 || receiver.waiting('/cb/busyhost').length > 0) {
      for (const r of receiver.waiting('/cb/busyhost')) r.answer(200);
      await new Promise((r) => setTimeout(r, 10));
    }
    await waitUntil(async () => {
      for (const u of busy) if ((await eventsOf(db, u))[0]!.state !== 'delivered') return false;
      return true;
    });
    assert.ok(receiver.maxInFlight('/cb/busyhost') <= 2, `${receiver.maxInFlight('/cb/busyhost')} at once`);
    assert.equal(receiver.requests.filter((r) => r.path === '/cb/busyhost').length, 8);
  });
});
