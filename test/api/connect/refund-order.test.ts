/**
 * POST /api/v1/connect/orders/refund/{uuid}: full, partial and repeated partial refunds of invoiced orders,
 * per-line limits, unknown line ids, refusals by status, and the 417 / 404 / 401 answers. Orders are invoiced
 * for real (each refund issues a credit note against the invoice); PAID and PURRING are then set directly in
 * the database, as the payment and dunning modules will.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL, call, createMerchant, startTestServer, type TestServer } from '../../helpers/harness.ts';
import { invoiceAll } from '../../helpers/invoicing.ts';
import {
  CONNECT, assertConflict, assertError, assertOneTransition, assertOrderNotFound, assertValidation, createOrder, lineIds, setStatus, snapshot,
  twoLineOrder,
} from '../../helpers/order-helpers.ts';

const path = (uuid: string) => `${CONNECT}/orders/refund/${uuid}`;

describe(`refund order (${DB_LABEL})`, () => {
  let t: TestServer;
  let actor: string;
  before(async () => {
    t = await startTestServer({ runWorker: false });
    actor = `merchant:${t.merchant.merchantId}`;
  });
  after(async () => {
    await t.close();
  });

  /** A two-line order (1400.00 + 300.00) in `status`; returns its uuid and line ids. */
  async function invoicedOrder(status = 'INVOICED') {
    const uuid = await createOrder(t, { body: twoLineOrder() });
    if (status !== 'SENT') await invoiceAll(t.db, t.merchant.merchantId);
    if (status !== 'INVOICED' && status !== 'SENT') await keepInvoiceSetStatus(uuid, status);
    const [consulting, book] = await lineIds(t.db, uuid);
    return { uuid, consulting: consulting!, book: book! };
  }

  async function keepInvoiceSetStatus(uuid: string, status: string): Promise<void> {
    const [row] = await t.db.query<{ invoice_number: string }>({ text: 'SELECT invoice_number FROM orders WHERE uuid = $1', values: [uuid] });
    await setStatus(t.db, uuid, status, row!.invoice_number);
  }

  /** The credit notes of an order's invoice, oldest first. */
  async function creditNotesOf(uuid: string) {
    return t.db.query<{ number: number; total_ore: number }>({
      text: `SELECT cn.number, cn.total_ore FROM invoices cn JOIN orders o ON o.invoice_id = cn.credits_invoice_id
             WHERE o.uuid = $1 ORDER BY cn.number`,
      values: [uuid],
    });
  }

  const refund = (uuid: string, body: unknown, token = t.merchant.token) => call(t.url, 'POST', path(uuid), { token, body });

  async function statusOf(uuid: string) {
    return (await call(t.url, 'GET', `${CONNECT}/orders/status/${uuid}`, { token: t.merchant.token })).body.data;
  }
  async function refundedPerLine(uuid: string): Promise<string[]> {
    const details = await call(t.url, 'GET', `${CONNECT}/orders/details/${uuid}`, { token: t.merchant.token });
    return details.body.data.productList.map((p: { refunded: string }) => p.refunded);
  }

  test('a partial refund answers the documented 202 and makes the order PARTIAL REFUNDED', async () => {
    const o = await invoicedOrder();
    const before = await snapshot(t.db, o.uuid);
    const res = await refund(o.uuid, { type: 'invoiced', grandTotal: 400, products: [{ id: o.consulting, amount: 400 }] });
    assert.equal(res.status, 202, res.text);
    assert.equal(res.text, '{"status_code":202,"status_message":"OK","message":"orderRefundedSuccessfully","is_data":true,"data":null}');
    const after = await snapshot(t.db, o.uuid);
    assertOneTransition(before, after, 'INVOICED', 'PARTIAL REFUNDED', actor);
    const [creditNote] = await creditNotesOf(o.uuid);
    assert.equal(creditNote!.total_ore, 40_000);
    assert.equal(after.events.at(-1)!.reason, `refund (invoiced) of 400.00: line ${o.consulting} 400.00 (credit note ${creditNote!.number})`);
    assert.deepEqual(await statusOf(o.uuid), { uuid: o.uuid, status: 'PARTIAL REFUNDED', orderAmount: 1700, refundedAmount: 400 });
    assert.deepEqual(await refundedPerLine(o.uuid), ['400.00', '0.00']);
    const details = await call(t.url, 'GET', `${CONNECT}/orders/details/${o.uuid}`, { token: t.merchant.token });
    assert.equal(details.body.data.amountRefunded, '400.00');
  });

  test('repeated partial refunds add up per line and end in REFUNDED, each with one event and one callback', async () => {
    const o = await invoicedOrder();
    const steps: Array<{ body: unknown; from: string; to: string; refunded: number; lines: string[] }> = [
      { body: { type: 'regular', grandTotal: '1000.00', products: [{ id: o.consulting, amount: '1000.00' }] }, from: 'INVOICED', to: 'PARTIAL REFUNDED', refunded: 1000, lines: ['1000.00', '0.00'] },
      { body: { type: 'regular', grandTotal: 100.5, products: [{ id: o.book, amount: 100.5 }] }, from: 'PARTIAL REFUNDED', to: 'PARTIAL REFUNDED', refunded: 1100.5, lines: ['1000.00', '100.50'] },
      {
        body: { type: 'regular', grandTotal: '599.50', products: [{ id: o.consulting, amount: 400 }, { id: String(o.book), amount: '199.50' }] },
        from: 'PARTIAL REFUNDED', to: 'REFUNDED', refunded: 1700, lines: ['1400.00', '300.00'],
      },
    ];
    for (const step of steps) {
      const before = await snapshot(t.db, o.uuid);
      const res = await refund(o.uuid, step.body);
      assert.equal(res.status, 202, res.text);
      assertOneTransition(before, await snapshot(t.db, o.uuid), step.from, step.to, actor);
      assert.deepEqual(await statusOf(o.uuid), { uuid: o.uuid, status: step.to, orderAmount: 1700, refundedAmount: step.refunded });
      assert.deepEqual(await refundedPerLine(o.uuid), step.lines);
    }
    assert.deepEqual((await creditNotesOf(o.uuid)).map((c) => c.total_ore), [100_000, 10_050, 59_950], 'one credit note per refund');
    const before = await snapshot(t.db, o.uuid);
    const res = await refund(o.uuid, { type: 'regular', grandTotal: 1, products: [{ id: o.book, amount: 1 }] });
    assertConflict(res, 'orderStatusAlreadyRefunded');
    assert.deepEqual(res.body.errors, [`Order ${o.uuid} cannot be refunded: it has already been refunded (status REFUNDED).`]);
    assert.deepEqual(await snapshot(t.db, o.uuid), before);
  });

  test('a PAID order refunded in full in one request becomes REFUNDED; products may be a "0"-keyed object', async () => {
    const o = await invoicedOrder('PAID');
    const before = await snapshot(t.db, o.uuid);
    const res = await refund(o.uuid, {
      type: 'regular',
      grandTotal: '1700.00',
      products: { '0': { id: o.consulting, amount: '1400.00' }, '1': { id: o.book, amount: 300 } },
    });
    assert.equal(res.status, 202, res.text);
    assertOneTransition(before, await snapshot(t.db, o.uuid), 'PAID', 'REFUNDED', actor);
    assert.deepEqual(await statusOf(o.uuid), { uuid: o.uuid, status: 'REFUNDED', orderAmount: 1700, refundedAmount: 1700 });
  });

  test('a PURRING order can be refunded', async () => {
    const o = await invoicedOrder('PURRING');
    const res = await refund(o.uuid, { type: 'regular', grandTotal: 300, products: [{ id: o.book, amount: 300 }] });
    assert.equal(res.status, 202, res.text);
    assert.equal((await statusOf(o.uuid)).status, 'PARTIAL REFUNDED');
  });

  test('more than a line amount is 400 refundRejectionForProductAmountExceed naming the line, and nothing changes', async () => {
    const o = await invoicedOrder();
    const before = await snapshot(t.db, o.uuid);
    const res = await refund(o.uuid, { type: 'regular', grandTotal: 1400.01, products: [{ id: o.consulting, amount: 1400.01 }] });
    assertConflict(res, 'refundRejectionForProductAmountExceed');
    assert.deepEqual(res.body.errors, [`Product id ${o.consulting} of order ${o.uuid} has 1400.00 left to refund; 1400.01 was requested.`]);
    assert.deepEqual(await snapshot(t.db, o.uuid), before);
  });

  test('after a partial refund, only what is left on the line can be refunded', async () => {
    const o = await invoicedOrder();
    assert.equal((await refund(o.uuid, { type: 'regular', grandTotal: 1000, products: [{ id: o.consulting, amount: 1000 }] })).status, 202);
    const before = await snapshot(t.db, o.uuid);
    const over = await refund(o.uuid, { type: 'regular', grandTotal: 400.01, products: [{ id: o.consulting, amount: 400.01 }] });
    assertConflict(over, 'refundRejectionForProductAmountExceed');
    assert.deepEqual(over.body.errors, [`Product id ${o.consulting} of order ${o.uuid} has 400.00 left to refund; 400.01 was requested.`]);
    assert.deepEqual(await snapshot(t.db, o.uuid), before);
    // A refund that is fine on one line but too much on another is refused whole.
    const mixed = await refund(o.uuid, { type: 'regular', grandTotal: 700, products: [{ id: o.book, amount: 100 }, { id: o.consulting, amount: 600 }] });
    assertConflict(mixed, 'refundRejectionForProductAmountExceed');
    assert.deepEqual(await snapshot(t.db, o.uuid), before);
    const exact = await refund(o.uuid, { type: 'regular', grandTotal: 400, products: [{ id: o.consulting, amount: 400 }] });
    assert.equal(exact.status, 202, exact.text);
    assert.deepEqual(await refundedPerLine(o.uuid), ['1400.00', '0.00']);
    assert.equal((await statusOf(o.uuid)).status, 'PARTIAL REFUNDED');
  });

  test('a line id that is not on this order is 400 requestProductIdNotAvailable, and nothing changes', async () => {
    const o = await invoicedOrder();
    const other = await invoicedOrder();
    const before = await snapshot(t.db, o.uuid);
    const res = await refund(o.uuid, {
      type: 'regular',
      grandTotal: 20,
      products: [{ id: o.book, amount: 10 }, { id: other.book, amount: 10 }],
    });
    assertConflict(res, 'requestProductIdNotAvailable');
    assert.deepEqual(res.body.errors, [`Product id ${other.book} is not a line of order ${o.uuid}; take the ids from Get Order Details.`]);
    assert.deepEqual(await snapshot(t.db, o.uuid), before);
    const missing = await refund(o.uuid, { type: 'regular', grandTotal: 10, products: [{ id: 999999999, amount: 10 }] });
    assertConflict(missing, 'requestProductIdNotAvailable');
    assert.deepEqual(await snapshot(t.db, o.uuid), before);
  });

  const refusals: Array<[string, string, string]> = [
    ['SENT', 'orderNotInvoicedYet', 'it has not been invoiced yet'],
    ['CANCELLED', 'orderStatusAlreadyCancelled', 'it is already cancelled'],
    ['INKASSO', 'orderStatusInInkasso', 'it is with debt collection, which settles it from now on'],
  ];
  for (const [status, code, reason] of refusals) {
    test(`a ${status} order is refused with 400 ${code}, and nothing changes`, async () => {
      const o = await invoicedOrder(status);
      const before = await snapshot(t.db, o.uuid);
      const res = await refund(o.uuid, { type: 'regular', grandTotal: 10, products: [{ id: o.book, amount: 10 }] });
      assertConflict(res, code);
      assert.deepEqual(res.body.errors, [`Order ${o.uuid} cannot be refunded: ${reason} (status ${status}).`]);
      assert.deepEqual(await snapshot(t.db, o.uuid), before);
    });
  }

  test('a SENT order is refused before its line ids are looked at', async () => {
    const uuid = await createOrder(t);
    assertConflict(await refund(uuid, { type: 'regular', grandTotal: 10, products: [{ id: 1, amount: 10 }] }), 'orderNotInvoicedYet');
  });

  test('concurrent refunds of one order never refund more than the line holds', async () => {
    const o = await invoicedOrder();
    const body = { type: 'regular', grandTotal: 200, products: [{ id: o.book, amount: 200 }] };
    const results = await Promise.all(Array.from({ length: 4 }, () => refund(o.uuid, body)));
    assert.deepEqual(results.map((r) => r.status).sort(), [202, 400, 400, 400]);
    assert.equal((await creditNotesOf(o.uuid)).length, 1, 'one credit note for the one refund that went through');
    const after = await snapshot(t.db, o.uuid);
    assert.equal(after.order.refunded_ore, 20000);
    assert.equal(after.lines[1]!.refunded_ore, 20000);
    assert.deepEqual(after.callbacks.map((c) => c.status), ['INVOICED', 'PARTIAL REFUNDED']);
  });

  const invalid: Array<[string, unknown, string[]]> = [
    ['an empty body', {}, ['The type field is required.', 'The grand total field is required.', 'The products field is required.']],
    ['an unknown type', { type: 'reservation', grandTotal: 10, products: [{ id: 1, amount: 10 }] }, ['The selected type is invalid.']],
    ['a zero grand total', { type: 'regular', grandTotal: 0, products: [{ id: 1, amount: 10 }] }, ['The grand total must be greater than 0.']],
    ['a grand total with 3 decimals', { type: 'regular', grandTotal: '10.001', products: [{ id: 1, amount: 10 }] }, ['The grand total must not have more than 2 decimal places.']],
    ['a grand total that is text', { type: 'regular', grandTotal: 'ten', products: [{ id: 1, amount: 10 }] }, ['The grand total must be a number.']],
    ['an empty product list', { type: 'regular', grandTotal: 10, products: [] }, ['The products field is required.']],
    ['products that are not a list', { type: 'regular', grandTotal: 10, products: 'all' }, ['The products must be an array.']],
    ['a line without id or amount', { type: 'regular', grandTotal: 10, products: [{}] }, ['The products.0 field is required.', 'The products.0.id field is required.', 'The products.0.amount field is required.']],
    ['a missing id', { type: 'regular', grandTotal: 10, products: [{ amount: 10 }] }, ['The products.0.id field is required.']],
    ['an id that is not an integer', { type: 'regular', grandTotal: 10, products: [{ id: 'abc', amount: 10 }] }, ['The products.0.id must be an integer.']],
    ['a fractional id', { type: 'regular', grandTotal: 10, products: [{ id: 1.5, amount: 10 }] }, ['The products.0.id must be an integer.']],
    ['a missing amount', { type: 'regular', grandTotal: 10, products: [{ id: 1 }] }, ['The products.0.amount field is required.']],
    ['a negative amount', { type: 'regular', grandTotal: 10, products: [{ id: 1, amount: -10 }] }, ['The products.0.amount must be greater than 0.']],
    ['an amount with 3 decimals', { type: 'regular', grandTotal: 10, products: [{ id: 1, amount: 9.999 }] }, ['The products.0.amount must not have more than 2 decimal places.']],
    ['amounts that do not add up to the grand total', { type: 'regular', grandTotal: 25, products: [{ id: 1, amount: 10 }, { id: 2, amount: '20.00' }] }, ['The grand total must be 30.00 (the sum of products.*.amount).']],
    ['a line listed twice', { type: 'regular', grandTotal: 20, products: [{ id: 7, amount: 10 }, { id: '7', amount: 10 }] }, ['The products.0.id field has a duplicate value.', 'The products.1.id field has a duplicate value.']],
    ['more than 500 lines', { type: 'regular', grandTotal: 501, products: Array.from({ length: 501 }, (_, i) => ({ id: i + 1, amount: 1 })) }, ['The products must not have more than 500 items.']],
  ];
  for (const [name, body, errors] of invalid) {
    test(`${name} is 417 with exact messages, and nothing changes`, async () => {
      const o = await invoicedOrder();
      const before = await snapshot(t.db, o.uuid);
      assertValidation(await refund(o.uuid, body), errors);
      assert.deepEqual(await snapshot(t.db, o.uuid), before);
    });
  }

  test('no body at all is 417 listing every required field', async () => {
    const o = await invoicedOrder();
    const res = await call(t.url, 'POST', path(o.uuid), { token: t.merchant.token });
    assertValidation(res, ['The type field is required.', 'The grand total field is required.', 'The products field is required.']);
  });

  test("an unknown uuid and another merchant's order are 404 orderNotFound, and the order is untouched", async () => {
    const o = await invoicedOrder();
    const before = await snapshot(t.db, o.uuid);
    const other = await createMerchant(t.db, 'Nosy AS');
    const body = { type: 'regular', grandTotal: 10, products: [{ id: o.book, amount: 10 }] };
    assertOrderNotFound(await refund(o.uuid, body, other.token));
    assert.deepEqual(await snapshot(t.db, o.uuid), before);
    assertOrderNotFound(await refund('ODR0000000000', body));
    assertOrderNotFound(await refund('nonsense', body));
  });

  test('no token is 401 and nothing changes', async () => {
    const o = await invoicedOrder();
    const before = await snapshot(t.db, o.uuid);
    assertError(await refund(o.uuid, { type: 'regular', grandTotal: 10, products: [{ id: o.book, amount: 10 }] }, ''), 401, 'unauthenticated');
    assert.deepEqual(await snapshot(t.db, o.uuid), before);
  });

  test('the OpenAPI document describes the refund body from its rules', async () => {
    const doc = await call(t.url, 'GET', '/openapi.json');
    const op = doc.body.paths['/api/v1/connect/orders/refund/{uuid}'].post;
    const schema = op.requestBody.content['application/json'].schema;
    assert.deepEqual(schema.required, ['type', 'grandTotal', 'products']);
    assert.deepEqual(schema.properties.type.enum, ['regular', 'invoiced']);
    for (const code of ['202', '400', '401', '404', '417']) assert.ok(op.responses[code], code);
  });
});
