/**
 * GET|PATCH /api/v1/admin/merchants/{id} and POST /api/v1/admin/invoice-runs (SPEC §6.1, §6.2): settings are
 * shown and changed field by field; unlawful or unpayable settings are refused with every problem at once and
 * nothing stored; the first invoice number is fixed once invoicing has begun; a run by hand invoices what is
 * due, refuses a future date unless allowed, and only operators may call either.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL, call, startTestServer, type TestServer } from '../../helpers/harness.ts';
import { assertError } from '../../helpers/order-helpers.ts';
import type { ApiResponse } from '../../helpers/harness.ts';
import { runInvoiceRun, runInvoicesByHand } from '../../../src/app/invoicing/run-invoices.ts';
import { systemClock } from '../../../src/clock.ts';

/** A 417 whose fieldErrors name exactly `fields`. */
function assertValidation(res: ApiResponse, fields: string[]): void {
  assertError(res, 417, 'payloadValidationErrors');
  assert.deepEqual(Object.keys(res.body.fieldErrors).sort(), [...fields].sort(), res.text);
}
import { storeOrder } from '../../helpers/invoicing.ts';

const ADMIN_TOKEN = 'a'.repeat(40);

describe(`admin merchant settings and invoice runs (${DB_LABEL})`, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ runWorker: false, adminToken: ADMIN_TOKEN });
  });
  after(async () => {
    await t.close();
  });

  const path = () => `/api/v1/admin/merchants/${t.merchant.merchantId}`;
  const patch = (body: unknown, token: string | null = ADMIN_TOKEN) => call(t.url, 'PATCH', path(), { token, body });
  const settings = async () => (await call(t.url, 'GET', path(), { token: ADMIN_TOKEN })).body.data;

  test('GET shows the settings with their defaults; PATCH changes only the named fields', async () => {
    const before = await settings();
    assert.equal(before.invoiceFee, '0.00');
    assert.equal(before.reminderFee, '35.00');
    assert.equal(before.kidCheck, 'mod10');
    assert.deepEqual(before.deliveryChannels, ['peppol', 'efaktura', 'email', 'file']);
    const res = await patch({ street: 'Luramyrveien 65', zip: '4313', city: 'Sandnes', invoiceFee: '39.00', invoiceFeeVatRate: '25', vatRegistered: true, orgNumber: '923 609 016' });
    assert.equal(res.status, 200, res.text);
    const after = await settings();
    assert.deepEqual(
      { street: after.street, zip: after.zip, city: after.city, invoiceFee: after.invoiceFee, vatRegistered: after.vatRegistered, orgNumber: after.orgNumber },
      { street: 'Luramyrveien 65', zip: '4313', city: 'Sandnes', invoiceFee: '39.00', vatRegistered: true, orgNumber: '923609016' },
    );
    assert.equal(after.kidCheck, before.kidCheck);
    assert.equal(after.accountNumber, before.accountNumber);
  });

  const refusals: Array<[string, Record<string, unknown>, string]> = [
    ['a reminder fee above the legal cap', { reminderFee: '35.01' }, 'reminderFee'],
    ['no account number', { accountNumber: null }, 'accountNumber'],
    ['a bad account number', { accountNumber: '15032080118' }, 'accountNumber'],
    ['a bad organisation number', { orgNumber: '923609017' }, 'orgNumber'],
    ['an unknown KID check', { kidCheck: 'luhn' }, 'kidCheck'],
    ['a negative fee', { invoiceFee: '-1.00' }, 'invoiceFee'],
    ['an unknown channel', { deliveryChannels: ['fax'] }, 'deliveryChannels'],
    ['an unknown setting', { colour: 'red' }, 'colour'],
  ];
  for (const [what, body, field] of refusals) {
    test(`${what} is 417 naming ${field}, and nothing is stored`, async () => {
      const before = await settings();
      const res = await patch({ ...body, city: 'Bergen' });
      assertValidation(res, [field]);
      assert.deepEqual(await settings(), before);
    });
  }

  test('the first invoice number can be set before the first invoice, and not after', async () => {
    // A run that finds nothing to invoice creates the series but issues nothing: the number is still free.
    await call(t.url, 'POST', '/api/v1/admin/invoice-runs', { token: ADMIN_TOKEN, body: { merchantId: t.merchant.merchantId } });
    assert.equal((await patch({ firstInvoiceNumber: 5000 })).status, 200);
    await storeOrder(t.db, t.merchant.merchantId);
    const run = await call(t.url, 'POST', '/api/v1/admin/invoice-runs', { token: ADMIN_TOKEN, body: { merchantId: t.merchant.merchantId } });
    assert.equal(run.status, 200, run.text);
    assert.deepEqual(run.body.data.immediate, { orders: 1, invoices: 1 });
    const [invoice] = await t.db.query({ text: 'SELECT number FROM invoices WHERE merchant_id = $1', values: [t.merchant.merchantId] });
    assert.deepEqual(invoice, { number: 5000 });
    assertValidation(await patch({ firstInvoiceNumber: 1 }), ['firstInvoiceNumber']);
    assert.equal((await settings()).firstInvoiceNumber, 5000);
  });

  test('an invoice run by hand refuses a future date, a malformed date and unknown fields with 417', async () => {
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    assertValidation(await call(t.url, 'POST', '/api/v1/admin/invoice-runs', { token: ADMIN_TOKEN, body: { asOf: tomorrow } }), ['asOf']);
    assertValidation(await call(t.url, 'POST', '/api/v1/admin/invoice-runs', { token: ADMIN_TOKEN, body: { asOf: '2026-02-30' } }), ['asOf']);
    assertValidation(await call(t.url, 'POST', '/api/v1/admin/invoice-runs', { token: ADMIN_TOKEN, body: { merchantId: 'x', when: 1 } }), ['merchantId', 'when']);
  });

  test('an interval-1 order is invoiced by the run of the next 1st, once however often the run is started', async () => {
    const order = await storeOrder(t.db, t.merchant.merchantId, { interval: 1 });
    const now = new Date();
    const nextFirst = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
    const opts = { asOf: nextFirst, merchantId: t.merchant.merchantId, runHour: 6, batchSize: 100 };
    const first = await runInvoicesByHand(t.db, systemClock, opts);
    assert.deepEqual(first.runs.map((r) => [r.invoice_interval, r.period, r.invoice_date, r.orders_invoiced, r.invoices_created]), [[1, nextFirst, nextFirst, 1, 1]]);
    assert.deepEqual((await runInvoicesByHand(t.db, systemClock, opts)).runs, [], 'nothing is due any more');
    // Starting the same run again (another worker, after a crash) resumes its record and creates nothing.
    const resumed = await runInvoiceRun(t.db, systemClock, { merchantId: t.merchant.merchantId, interval: 1, period: nextFirst, cutoff: first.runs[0]!.cutoff.toISOString() }, { batchSize: 100 });
    assert.deepEqual([resumed.id, resumed.orders_invoiced, resumed.invoices_created], [first.runs[0]!.id, 1, 1]);
    const [row] = await t.db.query({ text: 'SELECT status FROM orders WHERE uuid = $1', values: [order.uuid] });
    assert.deepEqual(row, { status: 'INVOICED' });
    const runs = await t.db.query({ text: 'SELECT count(*)::int AS n FROM invoice_runs WHERE merchant_id = $1', values: [t.merchant.merchantId] });
    assert.deepEqual(runs, [{ n: 1 }]);
  });

  test('merchant tokens and no token are 401; an unknown merchant is 404 merchantNotFound', async () => {
    assertError(await call(t.url, 'GET', path(), { token: t.merchant.token }), 401, 'unauthenticated');
    assertError(await patch({ city: 'Oslo' }, null), 401, 'unauthenticated');
    assertError(await call(t.url, 'GET', '/api/v1/admin/merchants/999999', { token: ADMIN_TOKEN }), 404, 'merchantNotFound');
    assertError(await call(t.url, 'PATCH', '/api/v1/admin/merchants/999999', { token: ADMIN_TOKEN, body: { city: 'Oslo' } }), 404, 'merchantNotFound');
    assertError(await call(t.url, 'POST', '/api/v1/admin/invoice-runs', { token: t.merchant.token, body: {} }), 401, 'unauthenticated');
  });
});
