/**
 * The dunning run day by day (SPEC §7): an invoice of 1 Dec 2026 due Friday 11 Dec gets its reminder on
 * 25 Dec (PURRING, one callback), the notice on 22 Jan 2027 (status kept, no callback), collection on
 * 19 Feb (INKASSO, one callback); a second run the same day changes nothing; a payment stops the chain.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL, openTestDb } from '../../helpers/harness.ts';
import { invoiceAll, setSettings, storeOrder } from '../../helpers/invoicing.ts';
import { runDunning } from '../../../src/app/dunning/run-dunning.ts';
import { parseLateInterestRates } from '../../../src/domain/dunning/rates.ts';
import { callbacksOf, importText, invoiceOf, merchantWithAccount, ocr, orderStatus, pay } from '../payments/payment-helpers.ts';
import type { Db } from '../../../src/store/db/db.ts';

let t: Awaited<ReturnType<typeof openTestDb>>;
before(async () => { t = await openTestDb(); });
after(async () => { await t.close(); });

const run = (merchantId: number, asOf: string) => runDunning(t.db, { asOf, merchantId, actor: 'test' });
const counts = (s: { reminders: number; notices: number; collections: number }) => [s.reminders, s.notices, s.collections];

async function steps(db: Db, invoiceId: number) {
  return db.query<{ kind: string; step_date: string; fee_ore: number; outstanding_ore: number; total_ore: number; interest_ore: number; due_date: string | null }>({
    text: `SELECT kind, to_char(step_date, 'YYYY-MM-DD') AS step_date, fee_ore, outstanding_ore, total_ore, interest_ore,
                  to_char(due_date, 'YYYY-MM-DD') AS due_date FROM dunning_steps WHERE invoice_id = $1 ORDER BY id`,
    values: [invoiceId],
  });
}

async function renderJobs(db: Db, invoiceId: number): Promise<number> {
  const [row] = await db.query<{ n: number }>({
    text: `SELECT count(*)::int AS n FROM jobs WHERE kind = 'render-dunning-document'
             AND (payload->>'stepId')::bigint IN (SELECT id FROM dunning_steps WHERE invoice_id = $1)`,
    values: [invoiceId],
  });
  return row!.n;
}

async function unpaidInvoice() {
  const m = await merchantWithAccount(t.db);
  const order = await storeOrder(t.db, m.merchantId, { fee: false, maturity: 10 });
  await invoiceAll(t.db, m.merchantId, { invoiceDate: '2026-12-01' });
  const invoice = await invoiceOf(t.db, m.merchantId, 1);
  return { ...m, order, invoice };
}

describe(`dunning run (${DB_LABEL})`, () => {
  test('reminder after 14 days, notice 14 days after its due date, INKASSO 14 days after the notice\'s; each once, with its callback', async () => {
    const { merchantId, order, invoice } = await unpaidInvoice();
    assert.deepEqual(counts(await run(merchantId, '2026-12-24')), [0, 0, 0], '13 days after the due date: too early');

    assert.deepEqual(counts(await run(merchantId, '2026-12-25')), [1, 0, 0]);
    assert.equal(await orderStatus(t.db, order.uuid), 'PURRING');
    assert.deepEqual(await callbacksOf(t.db, order.uuid), ['INVOICED', 'PURRING']);
    assert.deepEqual(counts(await run(merchantId, '2026-12-25')), [0, 0, 0], 'the same day again: nothing');
    assert.deepEqual(await callbacksOf(t.db, order.uuid), ['INVOICED', 'PURRING']);

    assert.deepEqual(counts(await run(merchantId, '2027-01-21')), [0, 0, 0]);
    assert.deepEqual(counts(await run(merchantId, '2027-01-22')), [0, 1, 0]);
    assert.equal(await orderStatus(t.db, order.uuid), 'PURRING');
    assert.deepEqual(await callbacksOf(t.db, order.uuid), ['INVOICED', 'PURRING'], 'the notice changes no status');

    assert.deepEqual(counts(await run(merchantId, '2027-02-18')), [0, 0, 0]);
    assert.deepEqual(counts(await run(merchantId, '2027-02-19')), [0, 0, 1]);
    assert.equal(await orderStatus(t.db, order.uuid), 'INKASSO');
    assert.deepEqual(await callbacksOf(t.db, order.uuid), ['INVOICED', 'PURRING', 'INKASSO']);
    assert.deepEqual(counts(await run(merchantId, '2027-12-31')), [0, 0, 0], 'the chain is complete');

    const s = await steps(t.db, invoice.id);
    assert.deepEqual(s.map((x) => [x.kind, x.step_date, x.fee_ore, x.due_date]), [
      ['reminder', '2026-12-25', 3500, '2027-01-08'],
      ['notice', '2027-01-22', 3500, '2027-02-05'],
      ['collection', '2027-02-19', 0, null],
    ]);
    for (const x of s) assert.equal(x.outstanding_ore, invoice.total_ore);
    assert.equal(s[0]!.total_ore, invoice.total_ore + 3500 + s[0]!.interest_ore);
    assert.equal(s[2]!.total_ore, invoice.total_ore + 7000 + s[2]!.interest_ore, 'at most two fees');
    assert.equal(await renderJobs(t.db, invoice.id), 2, 'a document for the reminder and the notice, none for collection');
  });

  test('paid the day before the reminder: no reminder', async () => {
    const { merchantId, account, order, invoice } = await unpaidInvoice();
    await importText(t.db, ocr(account, [pay(invoice.kid, invoice.total_ore)]));
    assert.equal(await orderStatus(t.db, order.uuid), 'PAID');
    assert.deepEqual(counts(await run(merchantId, '2026-12-25')), [0, 0, 0]);
    assert.equal((await steps(t.db, invoice.id)).length, 0);
  });

  test('paid after the reminder: the chain stops (PURRING → PAID, no notice)', async () => {
    const { merchantId, account, order, invoice } = await unpaidInvoice();
    await run(merchantId, '2026-12-25');
    await importText(t.db, ocr(account, [pay(invoice.kid, invoice.total_ore)]));
    assert.equal(await orderStatus(t.db, order.uuid), 'PAID');
    assert.deepEqual(counts(await run(merchantId, '2027-01-22')), [0, 0, 0]);
    assert.deepEqual(counts(await run(merchantId, '2027-02-19')), [0, 0, 0]);
    assert.deepEqual(await callbacksOf(t.db, order.uuid), ['INVOICED', 'PURRING', 'PAID']);
  });

  test('a partial payment: the reminder claims what is outstanding', async () => {
    const { merchantId, account, invoice } = await unpaidInvoice();
    await importText(t.db, ocr(account, [pay(invoice.kid, 1000)]));
    assert.deepEqual(counts(await run(merchantId, '2026-12-25')), [1, 0, 0]);
    const [reminder] = await steps(t.db, invoice.id);
    assert.equal(reminder!.outstanding_ore, invoice.total_ore - 1000);
    assert.equal(reminder!.total_ore, invoice.total_ore - 1000 + 3500 + reminder!.interest_ore);
  });

  test('the merchant\'s reminder fee is used (0: no fee)', async () => {
    const { merchantId, invoice } = await unpaidInvoice();
    await setSettings(t.db, merchantId, { reminderFeeOre: 0 });
    await run(merchantId, '2026-12-25');
    const [reminder] = await steps(t.db, invoice.id);
    assert.equal(reminder!.fee_ore, 0);
  });

  test('a cancelled order (credited in full) gets no reminder; another merchant\'s run leaves the invoice alone', async () => {
    const { merchantId, invoice } = await unpaidInvoice();
    const other = await merchantWithAccount(t.db);
    assert.deepEqual(counts(await run(other.merchantId, '2026-12-25')), [0, 0, 0]);
    await t.db.query({ text: 'UPDATE invoices SET credited_ore = total_ore WHERE id = $1', values: [invoice.id] });
    assert.deepEqual(counts(await run(merchantId, '2026-12-25')), [0, 0, 0]);
  });

  test('late-payment interest from the first late day to the reminder, at the rate of those days', async () => {
    const m = await merchantWithAccount(t.db);
    // 1000.00 NOK, invoiced 1 Jan 2025, due Saturday 11 Jan: on time until Monday 13 Jan, late from the 14th.
    await storeOrder(t.db, m.merchantId, { fee: false, maturity: 10, lines: [['Kurs', '1', '1000.00', '0', '0']] });
    await invoiceAll(t.db, m.merchantId, { invoiceDate: '2025-01-01' });
    const invoice = await invoiceOf(t.db, m.merchantId, 1);
    assert.deepEqual(counts(await run(m.merchantId, '2025-01-26')), [0, 0, 0]);
    assert.deepEqual(counts(await run(m.merchantId, '2025-01-27')), [1, 0, 0]);
    const [reminder] = await steps(t.db, invoice.id);
    // 14 days (14–27 Jan) at 12.5 %: 100 000 øre × 0.125 × 14 / 365 = 479.45… → 479 øre.
    assert.equal(reminder!.interest_ore, 479);
    assert.equal(reminder!.total_ore, 100_000 + 3500 + 479);
    assert.equal(reminder!.due_date, '2025-02-10');
  });

  test('days after the built-in rate table earn interest only at a rate the operator adds (EFAKTURA_LATE_INTEREST_RATES)', async () => {
    // 1000.00 NOK invoiced 1 Dec 2026, due Fri 11 Dec, late from Sat 12 Dec; reminder on 25 Dec: 14 late days.
    const plain = await merchantWithAccount(t.db);
    await storeOrder(t.db, plain.merchantId, { fee: false, maturity: 10, lines: [['Kurs', '1', '1000.00', '0', '0']] });
    await invoiceAll(t.db, plain.merchantId, { invoiceDate: '2026-12-01' });
    assert.deepEqual(counts(await run(plain.merchantId, '2026-12-25')), [1, 0, 0]);
    assert.equal((await steps(t.db, (await invoiceOf(t.db, plain.merchantId, 1)).id))[0]!.interest_ore, 0, 'no sourced rate for 2026 H2: no interest');

    const rated = await merchantWithAccount(t.db);
    await storeOrder(t.db, rated.merchantId, { fee: false, maturity: 10, lines: [['Kurs', '1', '1000.00', '0', '0']] });
    await invoiceAll(t.db, rated.merchantId, { invoiceDate: '2026-12-01' });
    const lateInterestRates = parseLateInterestRates('2026-07-01=11.75');
    await runDunning(t.db, { asOf: '2026-12-25', merchantId: rated.merchantId, actor: 'test', lateInterestRates });
    // 100 000 øre × 0.1175 × 14 / 365 = 450.68… → 451 øre.
    const [reminder] = await steps(t.db, (await invoiceOf(t.db, rated.merchantId, 1)).id);
    assert.equal(reminder!.interest_ore, 451);
    assert.equal(reminder!.total_ore, 100_000 + 3500 + 451);
  });

  test('a run that missed weeks takes one step, never two at once', async () => {
    const { merchantId, order } = await unpaidInvoice();
    assert.deepEqual(counts(await run(merchantId, '2027-03-01')), [1, 0, 0]);
    assert.deepEqual(counts(await run(merchantId, '2027-03-01')), [0, 0, 0]);
    assert.equal(await orderStatus(t.db, order.uuid), 'PURRING');
  });
});
