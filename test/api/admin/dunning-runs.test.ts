/**
 * POST /api/v1/admin/dunning-runs (SPEC §7): a run by hand answers what it did, refuses a future or
 * malformed date and unknown fields with 417, and only operators may call it; the invoice JSON then lists
 * the reminder.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL, call, startTestServer, type ApiResponse, type TestServer } from '../../helpers/harness.ts';
import { assertError } from '../../helpers/order-helpers.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { invoiceAll, setSettings, storeOrder } from '../../helpers/invoicing.ts';
import { waitFor } from '../../delivery/helpers.ts';

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

describe(`a dunning run with the worker running (${DB_LABEL})`, () => {
  let t: TestServer;
  let outbox: string;
  before(async () => {
    outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'efaktura-dunning-e2e-'));
    t = await startTestServer({ runWorker: true, adminToken: ADMIN_TOKEN, allowFutureRuns: true, outboxDir: outbox, deliveryRetrySchedule: [0.05] });
    await setSettings(t.db, t.merchant.merchantId, { deliveryChannels: ['file'] });
  });
  after(async () => {
    await t.close();
    fs.rmSync(outbox, { recursive: true, force: true });
  });

  test('the worker invoices and delivers the invoice, then renders the reminder and writes it to the outbox', async () => {
    await storeOrder(t.db, t.merchant.merchantId, { fee: false, maturity: 10 });
    const invoiceFile = path.join(outbox, String(t.merchant.merchantId), '1.pdf');
    await waitFor('the invoice in the outbox', async () => fs.existsSync(invoiceFile));
    const [row] = await t.db.query<{ due: string }>({ text: `SELECT to_char(due_date, 'YYYY-MM-DD') AS due FROM invoices WHERE merchant_id = $1`, values: [t.merchant.merchantId] });
    const due = row!.due;
    // Well past the reminder's day (due + 14, moved past a weekend or holiday), before the notice's.
    const asOf = new Date(Date.parse(`${due}T12:00:00Z`) + 40 * 86_400_000).toISOString().slice(0, 10);
    const res = await call(t.url, 'POST', '/api/v1/admin/dunning-runs', { token: ADMIN_TOKEN, body: { asOf, merchantId: t.merchant.merchantId } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.data.reminders, 1);
    const reminderFile = path.join(outbox, String(t.merchant.merchantId), '1-reminder.pdf');
    await waitFor('the reminder in the outbox', async () => fs.existsSync(reminderFile));
    assert.equal(fs.readFileSync(reminderFile).subarray(0, 5).toString(), '%PDF-');
    const invoice = await call(t.url, 'GET', '/api/v1/connect/invoices/1', { token: t.merchant.token });
    assert.equal(invoice.body.data.status, 'open');
    assert.equal(invoice.body.data.reminders[0].deliveryStatus, 'delivered');
  });
});
