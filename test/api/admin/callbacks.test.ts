/**
 * The admin API's callback endpoints (/api/v1/admin/callbacks…): only operators get in, the listing and its
 * filters, redelivery by event / order / failed-since, the 417s, and — with the real worker and a local
 * receiver — a failed callback delivered after redelivery, its attempts visible in the order details.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DB_LABEL, call, startTestServer, type TestServer } from '../../helpers/harness.ts';
import { CONNECT, assertError, assertValidation, createOrder, snapshot } from '../../helpers/order-helpers.ts';
import { exampleOrder } from '../../fixtures/example-order.ts';
import { createAdminToken } from '../../../src/store/tokens.ts';
import { enqueueCallback, recordCallbackAttempt } from '../../../src/store/callback-outbox.ts';
import type { Db } from '../../../src/store/db/db.ts';

const ADMIN_TOKEN = 'x'.repeat(40);
const LIST = '/api/v1/admin/callbacks';
const REDELIVER = '/api/v1/admin/callbacks/redeliver';

async function cancel(t: TestServer, uuid: string): Promise<void> {
  const res = await call(t.url, 'POST', `${CONNECT}/orders/cancel/${uuid}`, { token: t.merchant.token, body: { cancellationNote: 'test' } });
  assert.equal(res.status, 202, res.text);
}

/** Records one failed attempt with the retry schedule exhausted, as the worker does. */
async function markFailed(db: Db, eventId: string): Promise<void> {
  const [row] = await db.query<{ id: number }>({ text: 'SELECT id FROM callback_events WHERE event_id = $1', values: [eventId] });
  await recordCallbackAttempt(db, row!.id, { url: 'https://example.com/cb', httpStatus: 500, latencyMs: 12, outcome: 'failed', error: 'HTTP 500' }, null);
}

async function eventRow(db: Db, eventId: string) {
  const [row] = await db.query<{ state: string; attempts: number; tries: number }>({
    text: `SELECT e.state, e.attempts, (SELECT count(*)::int FROM callback_attempts a WHERE a.event_id = e.id) AS tries
           FROM callback_events e WHERE e.event_id = $1`,
    values: [eventId],
  });
  return row!;
}

describe(`admin callbacks API (${DB_LABEL})`, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ runWorker: false, adminToken: ADMIN_TOKEN });
  });
  after(async () => {
    await t.close();
  });

  /** An order cancelled through the API: its one CANCELLED callback is pending. */
  async function cancelledOrder(): Promise<{ uuid: string; eventId: string }> {
    const uuid = await createOrder(t);
    await cancel(t, uuid);
    const [callback] = (await snapshot(t.db, uuid)).callbacks;
    return { uuid, eventId: callback!.event_id as string };
  }

  test('merchant tokens, wrong tokens and no token are 401 on every admin endpoint', async () => {
    const { eventId } = await cancelledOrder();
    for (const token of [t.merchant.token, 'efk_admin_wrong', null]) {
      assertError(await call(t.url, 'GET', LIST, { token }), 401, 'unauthenticated');
      assertError(await call(t.url, 'POST', REDELIVER, { token, body: { eventId } }), 401, 'unauthenticated');
    }
    // Even a body the admin API would refuse gets 401 first: nothing is read before the token is checked.
    assertError(await call(t.url, 'POST', REDELIVER, { token: t.merchant.token, rawBody: '{', headers: { 'content-type': 'application/json' } }), 401, 'unauthenticated');
  });

  test('EFAKTURA_ADMIN_TOKEN and a token from `efaktura admin-token create` are both let in', async () => {
    assert.equal((await call(t.url, 'GET', LIST, { token: ADMIN_TOKEN })).status, 200);
    const issued = await createAdminToken(t.db);
    assert.equal((await call(t.url, 'GET', LIST, { token: issued.token })).status, 200);
  });

  test('the listing shows each event newest first with its delivery state, filtered by order and status', async () => {
    const a = await cancelledOrder();
    const b = await cancelledOrder();
    await markFailed(t.db, a.eventId);

    const all = await call(t.url, 'GET', LIST, { token: ADMIN_TOKEN });
    assert.equal(all.status, 200);
    assert.equal(all.body.message, 'callbacksRetrievedSuccessfully');
    const ids = all.body.data.map((e: { eventId: string }) => e.eventId);
    assert.ok(ids.indexOf(b.eventId) < ids.indexOf(a.eventId), 'newest first');

    const byOrder = await call(t.url, 'GET', `${LIST}?order=${a.uuid}`, { token: ADMIN_TOKEN });
    assert.equal(byOrder.body.data.length, 1);
    const event = byOrder.body.data[0];
    assert.deepEqual(Object.keys(event), ['eventId', 'orderUuid', 'status', 'state', 'attempts', 'nextAttemptAt', 'lastError', 'createdAt', 'deliveredAt']);
    assert.equal(event.eventId, a.eventId);
    assert.equal(event.orderUuid, a.uuid);
    assert.equal(event.status, 'CANCELLED');
    assert.equal(event.state, 'failed');
    assert.equal(event.attempts, 1);
    assert.equal(event.nextAttemptAt, null);
    assert.equal(event.lastError, 'HTTP 500');

    const failed = await call(t.url, 'GET', `${LIST}?status=failed`, { token: ADMIN_TOKEN });
    assert.ok(failed.body.data.every((e: { state: string }) => e.state === 'failed'));
    assert.ok(failed.body.data.some((e: { eventId: string }) => e.eventId === a.eventId));
    assert.ok(!failed.body.data.some((e: { eventId: string }) => e.eventId === b.eventId));

    const limited = await call(t.url, 'GET', `${LIST}?limit=1`, { token: ADMIN_TOKEN });
    assert.equal(limited.body.data.length, 1);
    const byMerchant = await call(t.url, 'GET', `${LIST}?merchant=${t.merchant.merchantId + 1000}`, { token: ADMIN_TOKEN });
    assert.deepEqual(byMerchant.body.data, []);
  });

  test('bad listing filters are 417 with exact messages', async () => {
    const cases: Array<[string, string[]]> = [
      ['status=lost', ['The selected status is invalid.']],
      ['order=ODR1', ['The order format is invalid.']],
      ['limit=0', ['The limit must be greater than or equal to 1.']],
      ['limit=1001', ['The limit must not be greater than 1000.']],
      ['merchant=abc', ['The merchant must be an integer.']],
      ['status=x&order=y', ['The order format is invalid.', 'The selected status is invalid.']],
    ];
    for (const [query, errors] of cases) assertValidation(await call(t.url, 'GET', `${LIST}?${query}`, { token: ADMIN_TOKEN }), errors);
  });

  test('redeliver by event id queues a failed event again, keeping its attempt history', async () => {
    const { eventId } = await cancelledOrder();
    await markFailed(t.db, eventId);
    const res = await call(t.url, 'POST', REDELIVER, { token: ADMIN_TOKEN, body: { eventId: eventId.toUpperCase() } });
    assert.equal(res.status, 202, res.text);
    assert.deepEqual(res.body, {
      status_code: 202,
      status_message: 'OK',
      message: 'callbacksQueuedForRedelivery',
      is_data: true,
      data: { redelivered: [eventId] },
    });
    assert.deepEqual(await eventRow(t.db, eventId), { state: 'pending', attempts: 0, tries: 1 });
  });

  test('an event that is still pending, or an unknown one, is not queued twice: an empty list', async () => {
    const { eventId } = await cancelledOrder();
    const pending = await call(t.url, 'POST', REDELIVER, { token: ADMIN_TOKEN, body: { eventId } });
    assert.equal(pending.status, 202);
    assert.deepEqual(pending.body.data, { redelivered: [] });
    const unknown = await call(t.url, 'POST', REDELIVER, { token: ADMIN_TOKEN, body: { eventId: '00000000-0000-4000-8000-000000000000' } });
    assert.deepEqual(unknown.body.data, { redelivered: [] });
  });

  test("redeliver by order queues every one of the order's finished events", async () => {
    // Two status changes of one order, each with its callback in the outbox (as the invoicing module writes them).
    const { uuid } = await cancelledOrder();
    const [order] = await t.db.query<{ id: number; merchant_id: number; callback_url: string }>({
      text: 'SELECT id, merchant_id, callback_url FROM orders WHERE uuid = $1',
      values: [uuid],
    });
    await enqueueCallback(t.db, { orderId: order!.id, merchantId: order!.merchant_id, status: 'CANCELLED', callbackUrl: order!.callback_url });
    const events = (await snapshot(t.db, uuid)).callbacks.map((c) => c.event_id as string);
    assert.equal(events.length, 2);
    for (const eventId of events) await markFailed(t.db, eventId);
    const res = await call(t.url, 'POST', REDELIVER, { token: ADMIN_TOKEN, body: { orderUuid: uuid } });
    assert.equal(res.status, 202, res.text);
    assert.deepEqual([...res.body.data.redelivered].sort(), [...events].sort());
    for (const eventId of events) assert.equal((await eventRow(t.db, eventId)).state, 'pending');
  });

  test('redeliver by failedSince queues only events that failed, created since that time (ISO or Unix seconds)', async () => {
    const start = new Date(Date.now() - 60_000);
    const failedOne = await cancelledOrder();
    const pendingOne = await cancelledOrder();
    await markFailed(t.db, failedOne.eventId);

    const future = await call(t.url, 'POST', REDELIVER, { token: ADMIN_TOKEN, body: { failedSince: new Date(Date.now() + 3_600_000).toISOString() } });
    assert.deepEqual(future.body.data, { redelivered: [] });

    const iso = await call(t.url, 'POST', REDELIVER, { token: ADMIN_TOKEN, body: { failedSince: start.toISOString() } });
    assert.equal(iso.status, 202, iso.text);
    assert.ok(iso.body.data.redelivered.includes(failedOne.eventId));
    assert.ok(!iso.body.data.redelivered.includes(pendingOne.eventId));

    await markFailed(t.db, failedOne.eventId);
    const unix = await call(t.url, 'POST', REDELIVER, { token: ADMIN_TOKEN, body: { failedSince: Math.floor(start.getTime() / 1000) } });
    assert.ok(unix.body.data.redelivered.includes(failedOne.eventId));
    assert.deepEqual(await eventRow(t.db, failedOne.eventId), { state: 'pending', attempts: 0, tries: 2 });
  });

  const invalid: Array<[string, unknown, string[]]> = [
    ['no target', {}, ['The event id field is required when none of order uuid / failed since are present.']],
    ['two targets', { eventId: '00000000-0000-4000-8000-000000000000', orderUuid: 'ODR1234567890' }, ['The event id field prohibits order uuid from being present.']],
    ['three targets', { eventId: '00000000-0000-4000-8000-000000000000', orderUuid: 'ODR1234567890', failedSince: 0 }, ['The event id field prohibits order uuid / failed since from being present.']],
    ['a malformed event id', { eventId: 'abc' }, ['The event id must be a valid UUID.']],
    ['an event id that is not text', { eventId: 5 }, ['The event id must be a string.']],
    ['a malformed order uuid', { orderUuid: 'ODR12' }, ['The order uuid format is invalid.']],
    ['an unreadable time', { failedSince: 'yesterday' }, ['The failed since must be Unix seconds or an ISO 8601 time with a time zone, e.g. 2025-01-31T12:00:00Z.']],
    ['a time without a zone', { failedSince: '2025-01-31T12:00:00' }, ['The failed since must be Unix seconds or an ISO 8601 time with a time zone, e.g. 2025-01-31T12:00:00Z.']],
    ['milliseconds by mistake', { failedSince: 1738324800000000 }, ['The failed since must be Unix seconds or an ISO 8601 time with a time zone, e.g. 2025-01-31T12:00:00Z.']],
  ];
  for (const [name, body, errors] of invalid) {
    test(`redeliver with ${name} is 417 and queues nothing`, async () => {
      const { eventId } = await cancelledOrder();
      await markFailed(t.db, eventId);
      assertValidation(await call(t.url, 'POST', REDELIVER, { token: ADMIN_TOKEN, body }), errors);
      assert.equal((await eventRow(t.db, eventId)).state, 'failed');
    });
  }

  test('redeliver without a body is 417', async () => {
    assertValidation(await call(t.url, 'POST', REDELIVER, { token: ADMIN_TOKEN }), [
      'The event id field is required when none of order uuid / failed since are present.',
    ]);
  });

  test('the OpenAPI document lists the admin endpoints', async () => {
    const doc = await call(t.url, 'GET', '/openapi.json');
    assert.ok(doc.body.paths['/api/v1/admin/callbacks'].get);
    const op = doc.body.paths['/api/v1/admin/callbacks/redeliver'].post;
    assert.equal(op.requestBody.content['application/json'].schema.oneOf.length, 3);
  });
});

describe(`callback redelivery end to end (${DB_LABEL})`, () => {
  let t: TestServer;
  let receiver: http.Server;
  let answer = 500;
  const received: Array<{ url: string; eventId: string | undefined }> = [];
  before(async () => {
    receiver = http.createServer((req, res) => {
      received.push({ url: req.url ?? '', eventId: req.headers['efaktura-event-id'] as string | undefined });
      res.writeHead(answer).end('ok');
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    // One attempt, then failed for good: the schedule has no retry.
    t = await startTestServer({ runWorker: true, adminToken: ADMIN_TOKEN, callbackRetrySchedule: [0] });
  });
  after(async () => {
    await t.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  async function details(uuid: string) {
    return (await call(t.url, 'GET', `${CONNECT}/orders/details/${uuid}`, { token: t.merchant.token })).body.data;
  }
  async function waitForState(uuid: string, state: string): Promise<any> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const d = await details(uuid);
      if (d.callbacks[0]?.state === state) return d;
      if (Date.now() > deadline) assert.fail(`callback of ${uuid} did not become ${state}: ${JSON.stringify(d.callbacks)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  test('a callback that failed is delivered after redelivery; the details show both attempts', async () => {
    const body = exampleOrder({ productsAs: 'array' });
    body.callback.callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cb?shop=1`;
    const uuid = await createOrder(t, { body });
    await cancel(t, uuid);

    const failed = await waitForState(uuid, 'failed');
    const eventId = failed.callbacks[0].eventId;
    assert.equal(failed.callbacks[0].attemptLog.length, 1);
    assert.equal(failed.callbacks[0].attemptLog[0].httpStatus, 500);
    assert.equal(failed.callbacks[0].attemptLog[0].outcome, 'failed');

    answer = 200;
    const res = await call(t.url, 'POST', REDELIVER, { token: ADMIN_TOKEN, body: { eventId } });
    assert.deepEqual(res.body.data, { redelivered: [eventId] });

    const delivered = await waitForState(uuid, 'delivered');
    const callback = delivered.callbacks[0];
    assert.equal(callback.eventId, eventId);
    assert.equal(callback.status, 'CANCELLED');
    assert.ok(!Number.isNaN(Date.parse(callback.deliveredAt)));
    assert.deepEqual(callback.attemptLog.map((a: { httpStatus: number; outcome: string }) => [a.httpStatus, a.outcome]), [[500, 'failed'], [200, 'delivered']]);
    for (const attempt of callback.attemptLog) {
      assert.match(attempt.url, /\/cb\?shop=1&orderUuid=ODR\d{10}&status=CANCELLED&/);
      assert.equal(typeof attempt.latencyMs, 'number');
      assert.ok(!Number.isNaN(Date.parse(attempt.attemptedAt)));
    }
    assert.equal(received.length, 2);
    assert.ok(received.every((r) => r.eventId === eventId));
  });
});
