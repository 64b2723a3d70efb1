/**
 * Text the database cannot store (issue 6 item 5): NUL, unpaired surrogates and control characters other
 * than tab/newline are a 417 naming the field, wherever they are sent — body, key, query or path — and
 * nothing is written. Tabs and newlines stay allowed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exampleOrder } from '../fixtures/example-order.ts';
import { CREATE_PATH, DB_LABEL, call, startTestServer, type TestServer } from '../helpers/harness.ts';
import { CONNECT, assertValidation, createOrder } from '../helpers/order-helpers.ts';
import { collectBadText } from '../../src/api/validation/bad-text.ts';
import { ErrorBag } from '../../src/api/validation/rules.ts';
import { createAdminToken } from '../../src/store/tokens.ts';

const CONTROL = (field: string) => `The ${field} must not contain control characters.`;
const SURROGATE = (field: string) => `The ${field} must be valid Unicode text: it contains an unpaired surrogate.`;

describe(`bad text is refused, naming the field (${DB_LABEL})`, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ runWorker: false });
  });
  after(async () => {
    await t.close();
  });

  const countOrders = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders'))[0]!.n;

  test('NUL, an unpaired surrogate or ESC in create-order strings is a 417 listing each field; nothing is written', async () => {
    const body = exampleOrder({ productsAs: 'array' });
    body.customerDetails.name = 'Kari\u0000Nordmann';
    body.products[0].productId = 'VF\ud800';
    body.referenceNo = '\u001b[31mred';
    body.customerDetails.address.city = 'Sandnes\udc00';
    const before = await countOrders();
    const res = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, body });
    assertValidation(res, [
      SURROGATE('products.0.product id'),
      CONTROL('customer details.name'),
      SURROGATE('customer details.address.city'),
      CONTROL('reference no'),
    ]);
    assert.deepEqual(Object.keys(res.body.fieldErrors), ['products.0.productId', 'customerDetails.name', 'customerDetails.address.city', 'referenceNo']);
    assert.equal(await countOrders(), before);
  });

  test('tabs, newlines and paired surrogates (emoji) are ordinary text and are stored as sent', async () => {
    const body = exampleOrder({ productsAs: 'array' });
    body.products[0].name = 'Hair\twash\nand cut 💇';
    const uuid = await createOrder(t, { body });
    const [line] = await t.db.query<{ name: string }>({
      text: 'SELECT l.name FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.uuid = $1',
      values: [uuid],
    });
    assert.equal(line!.name, 'Hair\twash\nand cut 💇');
  });

  test('a bad key is refused too, even in a field the server ignores', async () => {
    const body = exampleOrder({ productsAs: 'array' });
    body.customerDetails['nick\u0000name'] = 'x';
    const res = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, body });
    assertValidation(res, ['The name of customer details.nick\ufffdname must not contain control characters.']);
  });

  test('a cancellation note with NUL is 417 and the order stays SENT', async () => {
    const uuid = await createOrder(t);
    const res = await call(t.url, 'POST', `${CONNECT}/orders/cancel/${uuid}`, {
      token: t.merchant.token,
      body: { cancellationNote: 'changed\u0000mind' },
    });
    assertValidation(res, [CONTROL('cancellation note')]);
    const [row] = await t.db.query<{ status: string }>({ text: 'SELECT status FROM orders WHERE uuid = $1', values: [uuid] });
    assert.equal(row!.status, 'SENT');
  });

  test('NUL in a query parameter or a path parameter is 417 naming it', async () => {
    assertValidation(await call(t.url, 'GET', `${CONNECT}/orders/status?type=PAID%00`, { token: t.merchant.token }), [CONTROL('type')]);
    assertValidation(await call(t.url, 'GET', `${CONNECT}/orders/status?after=%00`, { token: t.merchant.token }), [CONTROL('after')]);
    assertValidation(await call(t.url, 'GET', `${CONNECT}/orders/details/ODR%001234567`, { token: t.merchant.token }), [CONTROL('uuid')]);
  });

  test('admin inputs: NUL in a listing filter or a redelivery target is 417 naming it', async () => {
    const { token } = await createAdminToken(t.db);
    assertValidation(await call(t.url, 'GET', '/api/v1/admin/callbacks?order=ODR%00', { token }), [CONTROL('order')]);
    assertValidation(await call(t.url, 'POST', '/api/v1/admin/callbacks/redeliver', { token, body: { orderUuid: 'ODR\u0000' } }), [CONTROL('order uuid')]);
  });
});

describe('the bad-text walk', () => {
  test('finds a bad string 200 000 levels deep without overflowing the stack', () => {
    let deep: unknown = 'bottom\u0000';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const bag = new ErrorBag();
    collectBadText({ extra: deep }, '', bag);
    assert.equal(bag.errors.length, 1);
    assert.match(bag.errors[0]!, /^The extra(\.0){200000} must not contain control characters\.$/);
  });

  test('reports at most 20 fields, in the order they were sent', () => {
    const body = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`f${i}`, '\u0000']));
    const bag = new ErrorBag();
    collectBadText(body, '', bag);
    assert.equal(bag.errors.length, 20);
    assert.deepEqual(Object.keys(bag.fieldErrors), Array.from({ length: 20 }, (_, i) => `f${i}`));
  });
});
