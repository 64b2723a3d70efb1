/**
 * Idempotency-Key edge cases of POST /orders/faktura/create over real HTTP and a real database: hostile
 * nesting in the hashed body, an expired key, and a retry after the merchant's policy changed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exampleOrder } from '../../fixtures/example-order.ts';
import { CREATE_PATH, DB_LABEL, call, createMerchant, startTestServer, type TestServer } from '../../helpers/harness.ts';

describe(`create order: Idempotency-Key edge cases (${DB_LABEL})`, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  const countOrders = async (): Promise<number> =>
    (await t.db.query<{ n: number }>({ text: 'SELECT count(*)::int AS n FROM orders' }))[0]!.n;

  test('an unknown field nested 200 000 deep with an Idempotency-Key is a 201, and its retry replays it', async () => {
    const depth = 200_000;
    const rawBody = `${JSON.stringify(exampleOrder()).slice(0, -1)},"extra":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const headers = { 'idempotency-key': 'deep-body', 'content-type': 'application/json' };
    const before = await countOrders();
    const first = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, rawBody, headers });
    assert.equal(first.status, 201, first.text.slice(0, 300));
    const again = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, rawBody, headers });
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.body.data.uuid, first.body.data.uuid);
    assert.equal(await countOrders(), before + 1);
  });

  test('an expired key makes a new order and forgets only that key, not other expired keys', async () => {
    const other = await createMerchant(t.db, 'Other Expired AS');
    const body = exampleOrder();
    const mine = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, body, headers: { 'idempotency-key': 'expiring' } });
    const theirs = await call(t.url, 'POST', CREATE_PATH, { token: other.token, body, headers: { 'idempotency-key': 'expiring-too' } });
    assert.equal(mine.status, 201);
    assert.equal(theirs.status, 201);
    await t.db.query({
      text: `UPDATE idempotency_keys SET created_at = now() - make_interval(hours => $1) WHERE key IN ('expiring', 'expiring-too')`,
      values: [t.config.idempotencyTtlHours + 1],
    });

    const retry = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, body, headers: { 'idempotency-key': 'expiring' } });
    assert.equal(retry.status, 201);
    assert.equal(retry.headers.get('idempotent-replayed'), null);
    assert.notEqual(retry.body.data.uuid, mine.body.data.uuid);
    const keys = await t.db.query<{ key: string; uuid: string }>({
      text: `SELECT k.key, o.uuid FROM idempotency_keys k JOIN orders o ON o.id = k.order_id
             WHERE k.key IN ('expiring', 'expiring-too') ORDER BY k.key`,
    });
    // The other merchant's expired key is still there (the housekeeping job drops it, not this request).
    assert.deepEqual(keys, [
      { key: 'expiring', uuid: retry.body.data.uuid },
      { key: 'expiring-too', uuid: theirs.body.data.uuid },
    ]);
  });

  test('a retry is replayed even after the merchant stopped allowing the VAT rate the order used', async () => {
    const merchant = await createMerchant(t.db, 'Policy Change AS');
    const body = exampleOrder(); // VAT 0 %
    const headers = { 'idempotency-key': 'before-policy-change' };
    const first = await call(t.url, 'POST', CREATE_PATH, { token: merchant.token, body, headers });
    assert.equal(first.status, 201);
    await t.db.query({ text: `UPDATE merchants SET allowed_tax_rates = ARRAY['25'] WHERE id = $1`, values: [merchant.merchantId] });

    const retry = await call(t.url, 'POST', CREATE_PATH, { token: merchant.token, body, headers });
    assert.equal(retry.status, 201, retry.text);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal(retry.body.data.uuid, first.body.data.uuid);
    // The new policy does apply to a new request.
    const fresh = await call(t.url, 'POST', CREATE_PATH, { token: merchant.token, body, headers: { 'idempotency-key': 'after-policy-change' } });
    assert.equal(fresh.status, 417);
  });
});
