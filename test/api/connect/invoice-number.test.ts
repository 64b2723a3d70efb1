/** GET /api/v1/connect/orders/invoice-number/{uuid}: only invoiced orders have a number to give. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL, call, createMerchant, startTestServer, type TestServer } from '../../helpers/harness.ts';
import { CONNECT, assertConflict, assertError, assertOrderNotFound, createOrder, setStatus } from '../../helpers/order-helpers.ts';

const path = (uuid: string) => `${CONNECT}/orders/invoice-number/${uuid}`;

describe(`get invoice number by uuid (${DB_LABEL})`, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ runWorker: false });
  });
  after(async () => {
    await t.close();
  });

  for (const status of ['INVOICED', 'PURRING', 'INKASSO', 'PAID', 'REFUNDED', 'PARTIAL REFUNDED']) {
    test(`an order in ${status} answers 200 with its invoice number`, async () => {
      const uuid = await createOrder(t);
      await setStatus(t.db, uuid, status, '99900753');
      const res = await call(t.url, 'GET', path(uuid), { token: t.merchant.token });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, {
        status_code: 200,
        status_message: 'OK',
        message: 'orderInvoiceNoRetrievedSuccessfully',
        is_data: true,
        data: { orderUuid: uuid, invoiceNumber: '99900753', status },
      });
    });
  }

  test('an order not invoiced yet (SENT) is 400 orderNotInvoicedYet with a sentence', async () => {
    const uuid = await createOrder(t);
    const res = await call(t.url, 'GET', path(uuid), { token: t.merchant.token });
    assertConflict(res, 'orderNotInvoicedYet');
    assert.deepEqual(res.body.errors, [`Order ${uuid} has not been invoiced yet; it gets an invoice number in its invoice run.`]);
  });

  test('a CANCELLED order is 400 orderNotInvoicedYet: the endpoint does not offer its number', async () => {
    const uuid = await createOrder(t);
    await setStatus(t.db, uuid, 'CANCELLED', '99900754');
    const res = await call(t.url, 'GET', path(uuid), { token: t.merchant.token });
    assertConflict(res, 'orderNotInvoicedYet');
    assert.deepEqual(res.body.errors, [`Order ${uuid} has no invoice number in status CANCELLED.`]);
  });

  test('an invoiced status without a stored number is never answered with invoiceNumber null', async () => {
    const uuid = await createOrder(t);
    await setStatus(t.db, uuid, 'INVOICED', null);
    assertConflict(await call(t.url, 'GET', path(uuid), { token: t.merchant.token }), 'orderNotInvoicedYet');
  });

  test("an unknown uuid and another merchant's order are both 404 orderNotFound", async () => {
    const uuid = await createOrder(t);
    await setStatus(t.db, uuid, 'INVOICED');
    const other = await createMerchant(t.db, 'Nosy AS');
    assertOrderNotFound(await call(t.url, 'GET', path(uuid), { token: other.token }));
    for (const unknown of ['ODR0000000000', 'nonsense']) {
      const res = await call(t.url, 'GET', path(unknown), { token: t.merchant.token });
      assertOrderNotFound(res);
      assert.equal(res.body.status_message, 'Not Found');
    }
  });

  test('no token is 401', async () => {
    assertError(await call(t.url, 'GET', path('ODR0000000000')), 401, 'unauthenticated');
  });
});
