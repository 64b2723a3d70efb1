/**
 * POST /api/v1/admin/dunning-runs (SPEC §7): a run by hand answers what it did, refuses a future or
 * malformed date and unknown fields with 417, and only operators may call it; the invoice JSON then lists
 * the reminder.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL, call, startTestServer, type ApiResponse, type TestServer } from '../../helpers/harness.ts';
import { assertError } from '../../helpers/order-helpers.ts';
import { invoiceAll, storeOrder } from '../../helpers/invoicing.ts';

const ADMIN_TOKEN = 'a'.repeat(40);

function assertValidation(res: ApiResponse, fields: string[]): void {
  assertError(res, 417, 'payloadValidationErrors');
  assert.deepEqual(Object.keys(res.body.fieldErrors).sort(), [...fields].sort(), res.text);
}

describe(`admin dunning runs (${DB_LABEL})`, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ runWorker: false, adminToken: ADMIN_TOKEN });
  });
  after(async () => {
    await t.close();
  });
  const run = (body: unknown, token: string | null = ADMIN_TOKEN) => call(t.url, 'POST', '/api/v1/admin/dunning-runs', { token, body });

  test('a run by hand reminds the unpaid invoice once; GET /invoices/{n} lists the reminder', async () => {
    await storeOrder(t.db, t.merchant.merchantId, { fee: false, maturity: 10, lines: [['Klipp', '1', '499.00', '0', '25']] });
    await invoiceAll(t.db, t.merchant.merchantId, { invoiceDate: '2026-10-01' });
    const first = await run({ asOf: '2026-10-26', merchantId: t.merchant.merchantId });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.message, 'dunningRunDone');
    assert.deepEqual(first.body.data, { asOf: '2026-10-26', reminders: 1, notices: 0, collections: 0 });
    assert.deepEqual((await run({ asOf: '2026-10-26' })).body.data, { asOf: '2026-10-26', reminders: 0, notices: 0, collections: 0 });
    const invoice = await call(t.url, 'GET', '/api/v1/connect/invoices/1', { token: t.merchant.token });
    assert.equal(invoice.status, 200, invoice.text);
    assert.deepEqual(invoice.body.data.reminders, [
      { kind: 'reminder', date: '2026-10-26', fee: '35.00', interest: '0.00', dueDate: '2026-11-09', total: '534.00', deliveryStatus: 'pending' },
    ]);
  });

  test('a future date, a malformed date and unknown fields are 417; no token is 401', async () => {
    const later = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    assertValidation(await run({ asOf: later }), ['asOf']);
    assertValidation(await run({ asOf: '2026-02-30' }), ['asOf']);
    assertValidation(await run({ merchantId: 'x', when: 1 }), ['merchantId', 'when']);
    assertError(await run({}, null), 401, 'unauthenticated');
    assertError(await run({}, t.merchant.token), 401, 'unauthenticated');
  });
});
