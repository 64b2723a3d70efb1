/**
 * Orders become invoices (SPEC §6.2, §6.3): numbers, KID, due date, fee, VAT per rate, combined invoices,
 * the INVOICED status with its event and callback in the same transaction, the render job, and the
 * refusal to invoice for a merchant without an account number.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL, createMerchant, openTestDb } from '../../helpers/harness.ts';
import { invoiceAll, setSettings, storeOrder } from '../../helpers/invoicing.ts';
import { InvoicingSettingsError, issueInvoiceBatch } from '../../../src/app/invoicing/issue-invoices.ts';
import { isValidKid } from '../../../src/domain/invoicing/kid.ts';
import { findInvoice } from '../../../src/store/invoices.ts';
import type { Db } from '../../../src/store/db/db.ts';

async function orderRow(db: Db, uuid: string) {
  const [row] = await db.query<Record<string, any>>({
    text: `SELECT id, status, invoice_number, kid, to_char(due_date, 'YYYY-MM-DD') AS due_date, invoice_id FROM orders WHERE uuid = $1`,
    values: [uuid],
  });
  return row!;
}

describe(`issuing invoices (${DB_LABEL})`, () => {
  let t: Awaited<ReturnType<typeof openTestDb>>;
  before(async () => {
    t = await openTestDb();
  });
  after(async () => {
    await t.close();
  });

  test('an interval-0 order becomes invoice 1 with a MOD10 KID, a due date, INVOICED with one event and one callback, and a render job', async () => {
    const m = await createMerchant(t.db);
    const o = await storeOrder(t.db, m.merchantId, { maturity: 14, lines: [['Klipp', '1', '499.00', '0', '25']] });
    const result = await invoiceAll(t.db, m.merchantId, { invoiceDate: '2026-12-01' });
    assert.deepEqual(result, { orders: 1, invoices: 1 });
    const row = await orderRow(t.db, o.uuid);
    assert.equal(row.status, 'INVOICED');
    assert.equal(row.invoice_number, '1');
    assert.equal(row.due_date, '2026-12-15');
    assert.match(row.kid, /^\d{16}$/);
    assert.ok(isValidKid(row.kid, 'mod10'));
    const invoice = (await findInvoice(t.db, m.merchantId, 'invoice', 1))!;
    assert.equal(invoice.kid, row.kid);
    assert.equal(invoice.total_ore, 49900);
    assert.equal(invoice.vat_ore, 9980);
    assert.deepEqual(invoice.order_uuids, [o.uuid]);
    const events = await t.db.query({ text: 'SELECT from_status, to_status FROM order_events WHERE order_id = $1 ORDER BY id', values: [row.id] });
    assert.deepEqual(events.at(-1), { from_status: 'SENT', to_status: 'INVOICED' });
    const callbacks = await t.db.query({ text: `SELECT status FROM callback_events WHERE order_id = $1`, values: [row.id] });
    assert.deepEqual(callbacks, [{ status: 'INVOICED' }]);
    const jobs = await t.db.query({ text: `SELECT kind, key FROM jobs WHERE kind = 'render-documents' AND key = $1`, values: [String(invoice.id)] });
    assert.equal(jobs.length, 1);
  });

  test('numbers are consecutive per merchant, start at the configured first number, and are independent between merchants', async () => {
    const a = await createMerchant(t.db, 'A AS');
    const b = await createMerchant(t.db, 'B AS');
    await setSettings(t.db, a.merchantId, { firstInvoiceNumber: 10_000 });
    for (let i = 0; i < 5; i++) await storeOrder(t.db, a.merchantId);
    for (let i = 0; i < 3; i++) await storeOrder(t.db, b.merchantId);
    await invoiceAll(t.db, a.merchantId, { batchSize: 2 });
    await invoiceAll(t.db, b.merchantId);
    const numbers = async (merchantId: number) =>
      (await t.db.query<{ number: number }>({ text: 'SELECT number FROM invoices WHERE merchant_id = $1 ORDER BY number', values: [merchantId] })).map((r) => r.number);
    assert.deepEqual(await numbers(a.merchantId), [10_000, 10_001, 10_002, 10_003, 10_004]);
    assert.deepEqual(await numbers(b.merchantId), [1, 2, 3]);
  });

  test('the fee is its own line with its own VAT, once per invoice; VAT is summed per rate and net = gross − VAT', async () => {
    const m = await createMerchant(t.db);
    await setSettings(t.db, m.merchantId, { invoiceFeeOre: 3900, invoiceFeeVatRate: '25' });
    await storeOrder(t.db, m.merchantId, { lines: [['A', '2', '100.00', '10.00', '25'], ['B', '1', '50.00', '0', '15'], ['C', '1', '20.00', '0', '0']] });
    await invoiceAll(t.db, m.merchantId);
    const invoice = (await findInvoice(t.db, m.merchantId, 'invoice', 1))!;
    const fee = invoice.content.feeLine!;
    assert.equal(fee.kind, 'fee');
    assert.equal(fee.amountOre, 3900);
    assert.equal(fee.vatOre, 780);
    // 190.00 at 25 % (VAT 38.00) + fee 39.00 (VAT 7.80); 50.00 at 15 % (VAT 6.52); 20.00 at 0 %.
    assert.deepEqual(invoice.content.vatSummary.map((v) => [v.rate, v.grossOre, v.vatOre, v.netOre]), [
      ['0', 2000, 0, 2000],
      ['15', 5000, 652, 4348],
      ['25', 22900, 4580, 18320],
    ]);
    assert.equal(invoice.total_ore, 19000 + 5000 + 2000 + 3900);
  });

  test('no fee when the order says invoiceFeeApplicable false', async () => {
    const m = await createMerchant(t.db);
    await setSettings(t.db, m.merchantId, { invoiceFeeOre: 3900 });
    const o = await storeOrder(t.db, m.merchantId, { fee: false });
    await invoiceAll(t.db, m.merchantId);
    const invoice = (await findInvoice(t.db, m.merchantId, 'invoice', 1))!;
    assert.equal(invoice.content.feeLine, null);
    assert.equal(invoice.total_ore, o.totalOre);
  });

  test('separateInvoices false puts one customer\'s orders of the period on one invoice, each under its own heading, with the fee once', async () => {
    const m = await createMerchant(t.db);
    await setSettings(t.db, m.merchantId, { invoiceFeeOre: 2500, invoiceFeeVatRate: '0' });
    const kari1 = await storeOrder(t.db, m.merchantId, { interval: 1, separate: false, personalNumber: '01010112345' });
    const kari2 = await storeOrder(t.db, m.merchantId, { interval: 1, separate: false, personalNumber: '01010112345', lines: [['X', '3', '10.00', '0', '25']] });
    const ola = await storeOrder(t.db, m.merchantId, { interval: 1, separate: false, personalNumber: '02020212345' });
    const alone = await storeOrder(t.db, m.merchantId, { interval: 1, separate: true, personalNumber: '01010112345' });
    const r = await invoiceAll(t.db, m.merchantId, { interval: 1 });
    assert.deepEqual(r, { orders: 4, invoices: 3 });
    const kariInvoice = (await orderRow(t.db, kari1.uuid)).invoice_number;
    assert.equal((await orderRow(t.db, kari2.uuid)).invoice_number, kariInvoice);
    assert.notEqual((await orderRow(t.db, ola.uuid)).invoice_number, kariInvoice);
    assert.notEqual((await orderRow(t.db, alone.uuid)).invoice_number, kariInvoice);
    const combined = (await findInvoice(t.db, m.merchantId, 'invoice', Number(kariInvoice)))!;
    assert.deepEqual(combined.content.groups.map((g) => g.orderUuid), [kari1.uuid, kari2.uuid]);
    assert.equal(combined.total_ore, kari1.totalOre + kari2.totalOre + 2500);
    assert.deepEqual(combined.order_uuids.sort(), [kari1.uuid, kari2.uuid].sort());
  });

  test('a customer\'s orders are never split over two batches: interleaved customers still get one combined invoice each', async () => {
    const m = await createMerchant(t.db);
    const customers = ['11111111111', '22222222222', '33333333333'];
    for (let round = 0; round < 4; round++) {
      for (const pn of customers) await storeOrder(t.db, m.merchantId, { interval: 2, separate: false, personalNumber: pn });
    }
    const r = await invoiceAll(t.db, m.merchantId, { interval: 2, batchSize: 2 });
    assert.deepEqual(r, { orders: 12, invoices: 3 });
    const perInvoice = await t.db.query<{ n: number }>({
      text: `SELECT count(*)::int AS n FROM invoice_orders io JOIN invoices i ON i.id = io.invoice_id WHERE i.merchant_id = $1 GROUP BY i.id`,
      values: [m.merchantId],
    });
    assert.deepEqual(perInvoice.map((p) => p.n), [4, 4, 4]);
  });

  test('interval-0 orders are always invoiced one by one, even with separateInvoices false', async () => {
    const m = await createMerchant(t.db);
    await storeOrder(t.db, m.merchantId, { separate: false });
    await storeOrder(t.db, m.merchantId, { separate: false });
    assert.deepEqual(await invoiceAll(t.db, m.merchantId), { orders: 2, invoices: 2 });
  });

  test('MOD11 merchants get MOD11 KIDs; the customer keeps one number across invoices', async () => {
    const m = await createMerchant(t.db);
    await setSettings(t.db, m.merchantId, { kidCheck: 'mod11' });
    const a = await storeOrder(t.db, m.merchantId, { personalNumber: '03030312345' });
    const b = await storeOrder(t.db, m.merchantId, { personalNumber: '03030312345' });
    await invoiceAll(t.db, m.merchantId);
    const ka = (await orderRow(t.db, a.uuid)).kid as string;
    const kb = (await orderRow(t.db, b.uuid)).kid as string;
    assert.ok(isValidKid(ka, 'mod11') && isValidKid(kb, 'mod11'));
    assert.equal(ka.slice(0, 7), kb.slice(0, 7));
    assert.notEqual(ka, kb);
  });

  test('a merchant without an account number gets no invoice and nothing is written', async () => {
    const m = await createMerchant(t.db);
    await t.db.query({ text: 'UPDATE merchants SET account_number = NULL WHERE id = $1', values: [m.merchantId] });
    const o = await storeOrder(t.db, m.merchantId);
    await assert.rejects(
      issueInvoiceBatch(t.db, { merchantId: m.merchantId, interval: 0, cutoff: new Date(Date.now() + 1000), invoiceDate: '2026-12-01', runId: null, batchSize: 10 }),
      InvoicingSettingsError,
    );
    assert.equal((await orderRow(t.db, o.uuid)).status, 'SENT');
    assert.equal((await t.db.query({ text: 'SELECT 1 FROM invoices WHERE merchant_id = $1', values: [m.merchantId] })).length, 0);
  });

  test('concurrent batches invoice every order exactly once with gapless numbers', async () => {
    const m = await createMerchant(t.db);
    const orders = [];
    for (let i = 0; i < 60; i++) orders.push(await storeOrder(t.db, m.merchantId, { personalNumber: String(10000000000 + (i % 7)) }));
    await Promise.all(Array.from({ length: 4 }, () => invoiceAll(t.db, m.merchantId, { batchSize: 7 })));
    const rows = await t.db.query<{ number: number; n: number }>({
      text: `SELECT i.number, count(io.order_id)::int AS n FROM invoices i JOIN invoice_orders io ON io.invoice_id = i.id
             WHERE i.merchant_id = $1 GROUP BY i.number ORDER BY i.number`,
      values: [m.merchantId],
    });
    assert.deepEqual(rows.map((r) => r.number), Array.from({ length: 60 }, (_, i) => i + 1));
    assert.ok(rows.every((r) => r.n === 1));
    const statuses = await t.db.query({ text: `SELECT DISTINCT status FROM orders WHERE merchant_id = $1`, values: [m.merchantId] });
    assert.deepEqual(statuses, [{ status: 'INVOICED' }]);
  });
});
