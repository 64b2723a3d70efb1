/**
 * POST /api/v1/connect/orders/faktura/create over real HTTP against a real database:
 * the documented 201, what is stored, customers, idempotency and concurrency.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exampleOrder } from '../../fixtures/example-order.ts';
import { CREATE_PATH, DB_LABEL, call, createMerchant, startTestServer, type TestServer } from '../../helpers/harness.ts';

describe(`create order (${DB_LABEL})`, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  for (const productsAs of ['array', 'object'] as const) {
    test(`the documented example with products as ${productsAs} gets the documented 201 envelope`, async () => {
      const res = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, body: exampleOrder({ productsAs }) });
      assert.equal(res.status, 201);
      assert.deepEqual(Object.keys(res.body), ['status_code', 'status_message', 'message', 'is_data', 'data']);
      assert.equal(res.body.status_code, 201);
      assert.equal(res.body.status_message, 'OK');
      assert.equal(res.body.message, 'orderAddedSuccessfully');
      assert.equal(res.body.is_data, false);
      assert.deepEqual(Object.keys(res.body.data), ['uuid', 'customerUuid']);
      assert.match(res.body.data.uuid, /^ODR\d{10}$/);
      assert.match(res.body.data.customerUuid, /^CSRT\d{10}$/);
      assert.match(res.headers.get('x-request-id') ?? '', /^[\w.:-]+$/);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    });
  }

  test('the order is stored with server-computed øre figures and a customer snapshot', async () => {
    const body = exampleOrder({ productsAs: 'array' });
    body.products = [
      { name: 'Consulting', productId: 'C-1', quantity: '1.5', rate: '1000.00', discount: '100', tax: '25', amount: '1400.00' },
      { name: 'Book', productId: null, quantity: 2, rate: 150, discount: null, tax: 12, amount: 300 },
    ];
    body.orderSummary = { subTotal: '1387.86', totalTax: '312.14', totalDiscount: '100.00', grandTotal: '1700.00' };
    const res = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, body });
    assert.equal(res.status, 201, res.text);
    const details = await call(t.url, 'GET', `/api/v1/connect/orders/details/${res.body.data.uuid}`, { token: t.merchant.token });
    assert.equal(details.status, 200);
    assert.equal(details.body.message, 'orderRetrievedSuccessfully');
    const d = details.body.data;
    assert.equal(d.orderUuid, res.body.data.uuid);
    assert.equal(d.status, 'SENT');
    assert.deepEqual(d.orderSummary, { subTotal: '1387.86', tax: '312.14', discount: '100.00', grandTotal: '1700.00' });
    assert.equal(d.productList.length, 2);
    assert.equal(d.productList[0].amount, '1400.00');
    assert.equal(d.productList[0].vat, '280.00');
    assert.equal(d.productList[1].vat, '32.14');
    assert.equal(typeof d.productList[0].id, 'number');
    assert.equal(d.customerDetails.uuid, res.body.data.customerUuid);
    assert.equal(d.customerDetails.personalNumber, '12345678901');
    assert.equal(d.customerDetails.address.city, 'Sandnes');
    assert.equal(d.events.length, 1);
    assert.equal(d.events[0].to, 'SENT');

    const status = await call(t.url, 'GET', `/api/v1/connect/orders/status/${res.body.data.uuid}`, { token: t.merchant.token });
    assert.equal(status.status, 200);
    assert.deepEqual(status.body, {
      status_code: 200,
      status_message: 'OK',
      message: 'Order Status Retrieved Successfully',
      is_data: true,
      data: { uuid: res.body.data.uuid, status: 'SENT', orderAmount: 1700, refundedAmount: 0 },
    });
  });

  test('the same merchant and personal number always get the same customerUuid; the order keeps its own snapshot', async () => {
    const first = exampleOrder({ productsAs: 'array' });
    first.customerDetails.personalNumber = '01010112345';
    const a = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, body: first });
    const second = exampleOrder({ productsAs: 'array' });
    second.customerDetails.personalNumber = '01010112345';
    second.customerDetails.address.city = 'Stavanger';
    const b = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, body: second });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(a.body.data.customerUuid, b.body.data.customerUuid);
    assert.notEqual(a.body.data.uuid, b.body.data.uuid);
    const da = await call(t.url, 'GET', `/api/v1/connect/orders/details/${a.body.data.uuid}`, { token: t.merchant.token });
    assert.equal(da.body.data.customerDetails.address.city, 'Sandnes');
    const db = await call(t.url, 'GET', `/api/v1/connect/orders/details/${b.body.data.uuid}`, { token: t.merchant.token });
    assert.equal(db.body.data.customerDetails.address.city, 'Stavanger');

    // Another merchant gets its own customer for the same person.
    const other = await createMerchant(t.db, 'Other AS');
    const c = await call(t.url, 'POST', CREATE_PATH, { token: other.token, body: first });
    assert.equal(c.status, 201);
    assert.notEqual(c.body.data.customerUuid, a.body.data.customerUuid);
  });

  test('parallel first orders for one new customer give one customerUuid', async () => {
    const body = exampleOrder({ productsAs: 'array' });
    body.customerDetails.personalNumber = '02020254321';
    const results = await Promise.all(
      Array.from({ length: 12 }, () => call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, body })),
    );
    assert.deepEqual(results.map((r) => r.status), Array(12).fill(201));
    assert.equal(new Set(results.map((r) => r.body.data.customerUuid)).size, 1);
    assert.equal(new Set(results.map((r) => r.body.data.uuid)).size, 12);
    const [row] = await t.db.query<{ n: number }>({
      text: `SELECT count(*)::int AS n FROM customers WHERE personal_number = '02020254321'`,
    });
    assert.equal(row!.n, 1);
  });

  test('a retry with the same Idempotency-Key and body replays the first response and creates nothing', async () => {
    const body = exampleOrder({ productsAs: 'object' });
    const headers = { 'idempotency-key': 'order-retry-1' };
    const first = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, body, headers });
    const again = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, body, headers });
    assert.equal(first.status, 201);
    assert.equal(again.status, 201);
    assert.deepEqual(again.body, first.body);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    const [row] = await t.db.query<{ n: number }>({ text: `SELECT count(*)::int AS n FROM idempotency_keys WHERE key = 'order-retry-1'` });
    assert.equal(row!.n, 1);
  });

  test('the same Idempotency-Key with a different body is 422 idempotencyKeyReused', async () => {
    const headers = { 'idempotency-key': 'order-retry-2' };
    const first = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, body: exampleOrder({ productsAs: 'array' }), headers });
    assert.equal(first.status, 201);
    const changed = exampleOrder({ productsAs: 'array' });
    changed.customerDetails.name = 'Ola Nordmann';
    const res = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, body: changed, headers });
    assert.equal(res.status, 422);
    assert.equal(res.body.message, 'idempotencyKeyReused');
    assert.equal(res.body.is_error, true);
  });

  test('Idempotency-Keys are scoped per merchant', async () => {
    const other = await createMerchant(t.db, 'Scoped AS');
    const headers = { 'idempotency-key': 'shared-key' };
    const body = exampleOrder({ productsAs: 'array' });
    const a = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, body, headers });
    const b = await call(t.url, 'POST', CREATE_PATH, { token: other.token, body, headers });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.notEqual(a.body.data.uuid, b.body.data.uuid);
  });

  test('parallel retries with one Idempotency-Key create exactly one order', async () => {
    const body = exampleOrder({ productsAs: 'array' });
    body.customerDetails.personalNumber = '03030311111';
    const headers = { 'idempotency-key': 'parallel-key' };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, body, headers })),
    );
    for (const r of results) assert.ok(r.status === 201 || r.status === 409, `unexpected ${r.status} ${r.text}`);
    const created = results.filter((r) => r.status === 201);
    assert.ok(created.length >= 1);
    assert.equal(new Set(created.map((r) => r.body.data.uuid)).size, 1);
    for (const r of results.filter((x) => x.status === 409)) assert.equal(r.body.message, 'idempotencyKeyInProgress');
    const [row] = await t.db.query<{ n: number }>({
      text: `SELECT count(*)::int AS n FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.personal_number = '03030311111'`,
    });
    assert.equal(row!.n, 1);
  });

  test('an over-long Idempotency-Key is a 417 naming the header', async () => {
    const res = await call(t.url, 'POST', CREATE_PATH, {
      token: t.merchant.token,
      body: exampleOrder({ productsAs: 'array' }),
      headers: { 'idempotency-key': 'k'.repeat(256) },
    });
    assert.equal(res.status, 417);
    assert.deepEqual(res.body.errors, ['The idempotency key header must not be greater than 255 characters.']);
  });
});
