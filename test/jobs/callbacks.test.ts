/**
 * Callback delivery against a real receiver on loopback and a real database (SPEC §4): the URL and
 * checksum, retries and their record, 410, exhaustion and redelivery, per-order ordering, two
 * workers at once, and the SSRF guard.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DB_LABEL, createMerchant, openTestDb, testConfig, type TestMerchant } from '../helpers/harness.ts';
import { makeOrder, moveOrder } from '../helpers/orders.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { createLogger } from '../../src/log.ts';
import type { Config } from '../../src/config.ts';
import type { Db } from '../../src/store/db/db.ts';
import { redeliverCallbacks } from '../../src/store/callback-outbox.ts';
import { retryDelayAfter } from '../../src/jobs/callbacks.ts';
import { startCallbackDelivery, type Runner as CallbackDelivery } from '../../src/jobs/runner.ts';

/** SPEC §4 in the test's own words: values of every parameter but checksum, in URL order, then the secret. */
function expectedChecksum(url: string, secret: string): string {
  const params = new URLSearchParams(url.split('?')[1] ?? '');
  let concatenated = '';
  for (const [name, value] of params) if (name !== 'checksum') concatenated += value;
  return createHash('sha256').update(concatenated + secret).digest('hex');
}

async function eventsOf(db: Db, uuid: string) {
  return db.query<{ event_id: string; status: string; state: string; attempts: number }>({
    text: `SELECT e.event_id, e.status, e.state, e.attempts FROM callback_events e JOIN orders o ON o.id = e.order_id WHERE o.uuid = $1 ORDER BY e.id`,
    values: [uuid],
  });
}

async function attemptsOf(db: Db, uuid: string) {
  return db.query<{ outcome: string; http_status: number | null; error: string | null; latency_ms: number }>({
    text: `SELECT a.outcome, a.http_status, a.error, a.latency_ms FROM callback_attempts a
           JOIN callback_events e ON e.id = a.event_id JOIN orders o ON o.id = e.order_id WHERE o.uuid = $1 ORDER BY a.id`,
    values: [uuid],
  });
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe(`callback delivery (${DB_LABEL})`, () => {
  let db: Db;
  let closeDb: () => Promise<void>;
  let merchant: TestMerchant;
  let receiver: Receiver;
  const workers: CallbackDelivery[] = [];
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const startWorker = async (overrides: Partial<Config> = {}) => {
    const w = await startCallbackDelivery({ db, config: testConfig({ callbackRetrySchedule: [0, 0.1, 0.1, 0.1, 0.1], callbackTimeoutMs: 1000, ...overrides }), logger });
    workers.push(w);
    return w;
  };

  before(async () => {
    ({ db, close: closeDb } = await openTestDb());
    merchant = await createMerchant(db);
    receiver = await startReceiver();
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await receiver.close();
    await closeDb();
  });

  test('the retry schedule: the first attempt at once, then each listed delay, then failed', () => {
    const schedule = [0, 5, 300];
    assert.deepEqual([0, 1, 2, 3].map((n) => retryDelayAfter(n, schedule)), [0, 5, 300, null]);
  });

  test('a status change is called back with GET, the documented parameters in order after the merchant’s own, and a verifiable checksum', async () => {
    receiver.setBehaviour(() => 200);
    const uuid = await makeOrder(db, merchant.merchantId, `${receiver.url}/cb/a?shop=42&ref=a%26b+c`);
    const worker = await startWorker();
    await moveOrder(db, merchant.merchantId, uuid, 'CANCELLED');
    worker.wake();
    await receiver.waitFor((r) => r.some((x) => x.path === '/cb/a'));
    const got = receiver.received.filter((x) => x.path === '/cb/a');
    assert.equal(got.length, 1);
    const [call] = got;
    assert.deepEqual(call!.query.map(([k]) => k), ['shop', 'ref', 'orderUuid', 'status', 'createdAt', 'paymentMethod', 'amount', 'timestamp', 'checksum']);
    const q = Object.fromEntries(call!.query);
    assert.equal(q.ref, 'a&b c');
    assert.equal(q.orderUuid, uuid);
    assert.equal(q.status, 'CANCELLED');
    assert.equal(q.paymentMethod, 'efaktura');
    assert.equal(q.amount, '51.00');
    assert.match(q.createdAt!, /^\d{10}$/);
    assert.ok(Math.abs(Number(q.timestamp) - Date.now() / 1000) < 30);
    assert.equal(q.checksum, expectedChecksum(call!.url, merchant.callbackSecret));
    const [event] = await eventsOf(db, uuid);
    assert.equal(call!.eventId, event!.event_id);
    await waitUntil(async () => (await eventsOf(db, uuid))[0]!.state === 'delivered');
    const attempts = await attemptsOf(db, uuid);
    assert.equal(attempts.length, 1);
    assert.equal(attempts[0]!.outcome, 'delivered');
    assert.equal(attempts[0]!.http_status, 200);
  });

  test('500, timeout, dropped connection and a redirect are retried until a 2xx; each attempt is recorded; the event id is stable', async () => {
    const answers: Array<number | 'hang' | 'destroy' | { status: number; headers: Record<string, string> }> = [
      500,
      'hang',
      'destroy',
      { status: 302, headers: { location: '/elsewhere' } },
      200,
    ];
    let n = 0;
    receiver.setBehaviour((req) => (req.url?.startsWith('/cb/flaky') ? answers[Math.min(n++, answers.length - 1)]! : 200));
    const uuid = await makeOrder(db, merchant.merchantId, `${receiver.url}/cb/flaky`);
    const worker = workers[0]!;
    await moveOrder(db, merchant.merchantId, uuid, 'CANCELLED');
    worker.wake();
    await waitUntil(async () => (await eventsOf(db, uuid))[0]!.state === 'delivered');
    const got = receiver.received.filter((x) => x.path === '/cb/flaky');
    assert.equal(got.length, 5);
    assert.equal(new Set(got.map((x) => x.eventId)).size, 1);
    assert.equal(receiver.received.filter((x) => x.path === '/elsewhere').length, 0, 'redirects are not followed');
    const attempts = await attemptsOf(db, uuid);
    assert.deepEqual(attempts.map((a) => a.outcome), ['failed', 'failed', 'failed', 'failed', 'delivered']);
    assert.equal(attempts[0]!.http_status, 500);
    assert.match(attempts[1]!.error ?? '', /timeout after 1000 ms/);
    assert.ok(attempts[2]!.error);
    assert.match(attempts[3]!.error ?? '', /redirect/);
    assert.equal((await eventsOf(db, uuid))[0]!.attempts, 5);
  });

  test('410 Gone stops the retries', async () => {
    receiver.setBehaviour((req) => (req.url?.startsWith('/cb/gone') ? 410 : 200));
    const uuid = await makeOrder(db, merchant.merchantId, `${receiver.url}/cb/gone`);
    await moveOrder(db, merchant.merchantId, uuid, 'CANCELLED');
    workers[0]!.wake();
    await waitUntil(async () => (await eventsOf(db, uuid))[0]!.state === 'gone');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(receiver.received.filter((x) => x.path === '/cb/gone').length, 1);
  });

  test('an exhausted schedule marks the event failed; redelivery sends it again', async () => {
    let healthy = false;
    receiver.setBehaviour((req) => (req.url?.startsWith('/cb/down') ? (healthy ? 200 : 503) : 200));
    const uuid = await makeOrder(db, merchant.merchantId, `${receiver.url}/cb/down`);
    await moveOrder(db, merchant.merchantId, uuid, 'CANCELLED');
    workers[0]!.wake();
    await waitUntil(async () => (await eventsOf(db, uuid))[0]!.state === 'failed');
    assert.equal(receiver.received.filter((x) => x.path === '/cb/down').length, 5);
    healthy = true;
    const [event] = await eventsOf(db, uuid);
    assert.deepEqual(await redeliverCallbacks(db, { eventId: event!.event_id }), [event!.event_id]);
    workers[0]!.wake();
    await waitUntil(async () => (await eventsOf(db, uuid))[0]!.state === 'delivered');
    assert.equal(receiver.received.filter((x) => x.path === '/cb/down').length, 6);
    assert.deepEqual(await redeliverCallbacks(db, { orderUuid: 'ODR0000000000' }), []);
  });

  // Ordering across a failure while another endpoint is slow, and the per-host quota, are tested
  // without timing windows in callback-leases.test.ts.

  test('callbacks of one order arrive in the order of the changes, also across a failure', async () => {
    let failedOnce = false;
    receiver.setBehaviour((req) => {
      if (req.url?.startsWith('/cb/ordered') && !failedOnce) {
        failedOnce = true;
        return 500;
      }
      return 200;
    });
    const ordered = await makeOrder(db, merchant.merchantId, `${receiver.url}/cb/ordered`);
    await moveOrder(db, merchant.merchantId, ordered, 'INVOICED', 'PAID', 'PARTIAL REFUNDED', 'REFUNDED');
    workers[0]!.wake();
    await waitUntil(async () => (await eventsOf(db, ordered)).every((e) => e.state === 'delivered'));
    const statuses = receiver.received.filter((x) => x.path === '/cb/ordered').map((x) => Object.fromEntries(x.query).status);
    assert.deepEqual(statuses, ['INVOICED', 'INVOICED', 'PAID', 'PARTIAL REFUNDED', 'REFUNDED']);
  });

  test('two workers on one database deliver each event exactly once', async () => {
    receiver.setBehaviour(() => 200);
    // Generous timeouts: a retry after a timeout is a legitimate second delivery, not what this tests.
    for (const w of workers) await w.stop();
    const first = await startWorker({ callbackTimeoutMs: 10_000 });
    const second = await startWorker({ callbackTimeoutMs: 10_000 });
    const uuids: string[] = [];
    for (let i = 0; i < 40; i++) uuids.push(await makeOrder(db, merchant.merchantId, `${receiver.url}/cb/pair`));
    await Promise.all(uuids.map((u) => moveOrder(db, merchant.merchantId, u, 'INVOICED', 'PAID')));
    first.wake();
    second.wake();
    await receiver.waitFor((r) => r.filter((x) => x.path === '/cb/pair').length >= 80);
    await new Promise((r) => setTimeout(r, 300));
    const got = receiver.received.filter((x) => x.path === '/cb/pair');
    assert.equal(got.length, 80);
    assert.equal(new Set(got.map((x) => x.eventId)).size, 80);
    for (const u of uuids) {
      const statuses = got.filter((x) => Object.fromEntries(x.query).orderUuid === u).map((x) => Object.fromEntries(x.query).status);
      assert.deepEqual(statuses, ['INVOICED', 'PAID']);
    }
  });
});

describe(`callback SSRF guard (${DB_LABEL})`, () => {
  let db: Db;
  let closeDb: () => Promise<void>;
  let merchant: TestMerchant;
  let receiver: Receiver;
  let worker: CallbackDelivery;
  before(async () => {
    ({ db, close: closeDb } = await openTestDb());
    merchant = await createMerchant(db);
    receiver = await startReceiver();
    worker = await startCallbackDelivery({
      db,
      config: testConfig({ allowPrivateCallbacks: false, callbackRetrySchedule: [0], callbackTimeoutMs: 500 }),
      logger: createLogger('silent'),
    });
  });
  after(async () => {
    await worker.stop();
    await receiver.close();
    await closeDb();
  });

  const port = () => new URL(receiver.url).port;
  const targets = () => [
    `http://127.0.0.1:${port()}/cb`,
    'http://10.1.2.3/cb',
    'http://169.254.169.254/latest/meta-data',
    `http://[::1]:${port()}/cb`,
    `http://localhost:${port()}/cb`,
  ];

  test('callbacks to loopback, private, link-local addresses and names resolving to them are refused and recorded', async () => {
    const uuids: string[] = [];
    for (const target of targets()) {
      const uuid = await makeOrder(db, merchant.merchantId, target);
      await moveOrder(db, merchant.merchantId, uuid, 'CANCELLED');
      uuids.push(uuid);
    }
    worker.wake();
    await waitUntil(async () => {
      for (const u of uuids) if ((await eventsOf(db, u))[0]!.state === 'pending') return false;
      return true;
    });
    for (const u of uuids) {
      assert.equal((await eventsOf(db, u))[0]!.state, 'refused', u);
      const [attempt] = await attemptsOf(db, u);
      assert.equal(attempt!.outcome, 'refused');
    }
    assert.equal(receiver.received.length, 0);
  });
});
