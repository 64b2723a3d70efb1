/**
 * Import, matching and the ledger (SPEC §7): every status path with its callback exactly once, idempotency
 * per file and per transaction, refusal of bad files with nothing stored, and a crash in the middle.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL, TEST_DATABASE_URL, openTestDb } from '../../helpers/harness.ts';
import { invoiceAll, storeOrder } from '../../helpers/invoicing.ts';
import { ApiError } from '../../../src/app/errors.ts';
import { matchPaymentByHand, listPaymentViews } from '../../../src/app/payments/payments.ts';
import { cancelOrder } from '../../../src/app/orders/cancel-order.ts';
import { systemClock } from '../../../src/clock.ts';
import { findInvoice } from '../../../src/store/invoices.ts';
import { invoiceView } from '../../../src/app/invoicing/invoice-view.ts';
import { callbacksOf, importText, invoiceOf, merchantWithAccount, ocr, orderStatus, pay } from './payment-helpers.ts';
import { ocrFile } from '../../domain/payments/ocr-lines.ts';
import { setSettings } from '../../helpers/invoicing.ts';

const ZERO = { imported: 0, duplicates: 0, matched: 0, partial: 0, overpaid: 0, unmatched: 0, reversed: 0 };
/** A refusal of the whole file whose message matches `re`. */
const refused = (re: RegExp) => (e: unknown) => e instanceof ApiError && e.code === 'paymentFileRefused' && re.test(String((e.errors as string[])[0]));
const counts = (s: object) => Object.fromEntries(Object.keys(ZERO).map((k) => [k, (s as Record<string, unknown>)[k]]));

describe(`payments import and matching (${DB_LABEL})`, () => {
  let t: Awaited<ReturnType<typeof openTestDb>>;
  before(async () => {
    t = await openTestDb();
  });
  after(async () => {
    await t.close();
  });

  async function invoiced(lines: Array<[string, string, string, string, string]> = [['Klipp', '1', '499.00', '0', '25']]) {
    const m = await merchantWithAccount(t.db);
    const o = await storeOrder(t.db, m.merchantId, { lines, fee: false });
    await invoiceAll(t.db, m.merchantId);
    const invoice = await invoiceOf(t.db, m.merchantId, 1);
    return { ...m, uuid: o.uuid, invoice };
  }

  test('a full payment makes the order PAID with one callback; the same file again is all duplicates and changes nothing', async () => {
    const s = await invoiced();
    const file = ocr(s.account, [pay(s.invoice.kid, 49900)]);
    const first = await importText(t.db, file);
    assert.deepEqual(counts(first), { ...ZERO, imported: 1, matched: 1 });
    assert.equal(await orderStatus(t.db, s.uuid), 'PAID');
    assert.deepEqual(await callbacksOf(t.db, s.uuid), ['INVOICED', 'PAID']);
    const again = await importText(t.db, file);
    assert.deepEqual(counts(again), { ...ZERO, duplicates: 1 });
    // The same transaction in another file's bytes (LF instead of CRLF) is known by its position in the same transmission.
    const relined = await importText(t.db, file.replace(/\r\n/g, '\n'));
    assert.deepEqual(counts(relined), { ...ZERO, duplicates: 1 });
    assert.deepEqual(await callbacksOf(t.db, s.uuid), ['INVOICED', 'PAID']);
    const view = invoiceView((await findInvoice(t.db, s.merchantId, 'invoice', 1))!);
    assert.equal(view.paid, '499.00');
    assert.equal(view.outstanding, '0.00');
    assert.equal(view.surplus, '0.00');
    assert.equal(view.status, 'paid');
    assert.deepEqual((view.payments as any[]).map((p) => [p.amount, p.kid, p.date]), [['499.00', s.invoice.kid, '2026-12-10']]);
    const [order] = await t.db.query<{ paid_ore: number }>({ text: 'SELECT paid_ore FROM orders WHERE uuid = $1', values: [s.uuid] });
    assert.equal(order!.paid_ore, 49900);
  });

  test('partial payments add up: the order stays INVOICED until the last one, then PAID once', async () => {
    const s = await invoiced();
    assert.deepEqual(counts(await importText(t.db, ocr(s.account, [pay(s.invoice.kid, 20000)]))), { ...ZERO, imported: 1, partial: 1 });
    assert.equal(await orderStatus(t.db, s.uuid), 'INVOICED');
    let view = invoiceView((await findInvoice(t.db, s.merchantId, 'invoice', 1))!);
    assert.deepEqual([view.paid, view.outstanding, view.status], ['200.00', '299.00', 'open']);
    assert.deepEqual(counts(await importText(t.db, ocr(s.account, [pay(s.invoice.kid, 19900), pay(s.invoice.kid, 10000)]))), { ...ZERO, imported: 2, partial: 1, matched: 1 });
    assert.equal(await orderStatus(t.db, s.uuid), 'PAID');
    assert.deepEqual(await callbacksOf(t.db, s.uuid), ['INVOICED', 'PAID']);
    view = invoiceView((await findInvoice(t.db, s.merchantId, 'invoice', 1))!);
    assert.deepEqual([view.paid, view.outstanding, view.surplus], ['499.00', '0.00', '0.00']);
  });

  test('an over-payment makes the order PAID and records the surplus; a second payment after that is surplus too, no new callback', async () => {
    const s = await invoiced();
    assert.deepEqual(counts(await importText(t.db, ocr(s.account, [pay(s.invoice.kid, 60000)]))), { ...ZERO, imported: 1, overpaid: 1 });
    assert.equal(await orderStatus(t.db, s.uuid), 'PAID');
    assert.deepEqual(counts(await importText(t.db, ocr(s.account, [pay(s.invoice.kid, 100)]))), { ...ZERO, imported: 1, overpaid: 1 });
    const view = invoiceView((await findInvoice(t.db, s.merchantId, 'invoice', 1))!);
    assert.deepEqual([view.paid, view.outstanding, view.surplus], ['601.00', '0.00', '102.00']);
    assert.deepEqual(await callbacksOf(t.db, s.uuid), ['INVOICED', 'PAID']);
  });

  test('a payment to a combined invoice makes every order on it PAID, each with its callback', async () => {
    const m = await merchantWithAccount(t.db);
    const a = await storeOrder(t.db, m.merchantId, { interval: 1, separate: false, fee: false, personalNumber: '12345678901' });
    const b = await storeOrder(t.db, m.merchantId, { interval: 1, separate: false, fee: false, personalNumber: '12345678901' });
    await invoiceAll(t.db, m.merchantId, { interval: 1 });
    const invoice = await invoiceOf(t.db, m.merchantId, 1);
    assert.equal(invoice.total_ore, a.totalOre + b.totalOre);
    assert.deepEqual(counts(await importText(t.db, ocr(m.account, [pay(invoice.kid, invoice.total_ore)]))), { ...ZERO, imported: 1, matched: 1 });
    for (const o of [a, b]) {
      assert.equal(await orderStatus(t.db, o.uuid), 'PAID');
      assert.deepEqual(await callbacksOf(t.db, o.uuid), ['INVOICED', 'PAID']);
    }
  });

  test('a reversal (OCR type 18) takes the payment back: PAID returns to INVOICED with a callback; the invoice owes again', async () => {
    const s = await invoiced();
    await importText(t.db, ocr(s.account, [pay(s.invoice.kid, 49900)]));
    assert.equal(await orderStatus(t.db, s.uuid), 'PAID');
    const summary = await importText(t.db, ocr(s.account, [pay(s.invoice.kid, 49900, '18')]));
    assert.deepEqual(counts(summary), { ...ZERO, imported: 1, reversed: 1 });
    assert.equal(await orderStatus(t.db, s.uuid), 'INVOICED');
    assert.deepEqual(await callbacksOf(t.db, s.uuid), ['INVOICED', 'PAID', 'INVOICED']);
    const view = invoiceView((await findInvoice(t.db, s.merchantId, 'invoice', 1))!);
    assert.deepEqual([view.paid, view.outstanding, view.status], ['0.00', '499.00', 'open']);
    assert.deepEqual((view.payments as any[]).map((p) => [p.amount, p.kind, p.reversed]), [['499.00', 'payment', true], ['-499.00', 'reversal', false]]);
    // A second reversal of the same amount finds nothing left to take back.
    assert.deepEqual(counts(await importText(t.db, ocr(s.account, [pay(s.invoice.kid, 49900, '20')]))), { ...ZERO, imported: 1, unmatched: 1 });
    assert.equal(await orderStatus(t.db, s.uuid), 'INVOICED');
    // Paying again makes it PAID again.
    await importText(t.db, ocr(s.account, [pay(s.invoice.kid, 49900)]));
    assert.deepEqual(await callbacksOf(t.db, s.uuid), ['INVOICED', 'PAID', 'INVOICED', 'PAID']);
  });

  test('a payment and its reversal in one file leave the invoice unpaid with both callbacks', async () => {
    const s = await invoiced();
    const summary = await importText(t.db, ocr(s.account, [pay(s.invoice.kid, 49900), pay(s.invoice.kid, 49900, '18')]));
    assert.deepEqual(counts(summary), { ...ZERO, imported: 2, matched: 1, reversed: 1 });
    assert.equal(await orderStatus(t.db, s.uuid), 'INVOICED');
    assert.deepEqual(await callbacksOf(t.db, s.uuid), ['INVOICED', 'PAID', 'INVOICED']);
  });

  test('a KID with a wrong check digit, an unknown KID and no KID are unmatched, not refused; an operator matches one by hand', async () => {
    const s = await invoiced();
    const kid = s.invoice.kid;
    const wrongCheck = kid.slice(0, -1) + String((Number(kid.at(-1)) + 1) % 10);
    const summary = await importText(t.db, ocr(s.account, [pay(wrongCheck, 49900), pay('99999999999999', 100), pay(null, 200)]));
    assert.deepEqual(counts(summary), { ...ZERO, imported: 3, unmatched: 3 });
    assert.equal(await orderStatus(t.db, s.uuid), 'INVOICED');
    const unmatched = await listPaymentViews(t.db, { merchantId: s.merchantId, unmatched: true });
    assert.deepEqual(unmatched.map((p) => p.kid).sort(), [null, '99999999999999', wrongCheck].sort());
    const target = unmatched.find((p) => p.kid === wrongCheck)!;
    const result = await matchPaymentByHand(t.db, target.id as number, 1);
    assert.deepEqual(result, { paymentId: target.id, invoiceNumber: 1, outcome: 'matched', paidOrders: 1 });
    assert.equal(await orderStatus(t.db, s.uuid), 'PAID');
    assert.deepEqual(await callbacksOf(t.db, s.uuid), ['INVOICED', 'PAID']);
    await assert.rejects(matchPaymentByHand(t.db, target.id as number, 1), (e: unknown) => e instanceof ApiError && e.code === 'paymentNotMatchable');
    const other = unmatched.find((p) => p.kid === null)!;
    await assert.rejects(matchPaymentByHand(t.db, other.id as number, 999), (e: unknown) => e instanceof ApiError && e.code === 'invoiceNotFound');
    await assert.rejects(matchPaymentByHand(t.db, other.id as number, 1, s.merchantId + 1000), (e: unknown) => e instanceof ApiError && e.code === 'paymentNotFound');
    await assert.rejects(matchPaymentByHand(t.db, 987654321, 1), (e: unknown) => e instanceof ApiError && e.code === 'paymentNotFound');
    assert.equal((await listPaymentViews(t.db, { merchantId: s.merchantId, unmatched: true })).length, 2);
  });

  test('a payment on a cancelled (fully credited) invoice changes no status and is all surplus; outstanding is never negative', async () => {
    const s = await invoiced();
    await cancelOrder(t.db, systemClock, s.merchantId, s.uuid, 'changed my mind');
    assert.deepEqual(counts(await importText(t.db, ocr(s.account, [pay(s.invoice.kid, 49900)]))), { ...ZERO, imported: 1, overpaid: 1 });
    assert.equal(await orderStatus(t.db, s.uuid), 'CANCELLED');
    const view = invoiceView((await findInvoice(t.db, s.merchantId, 'invoice', 1))!);
    assert.deepEqual([view.status, view.paid, view.outstanding, view.surplus], ['credited', '499.00', '0.00', '499.00']);
  });

  test('a different file that reuses a transmission number is not taken for a duplicate', async () => {
    const s = await invoiced();
    assert.deepEqual(counts(await importText(t.db, ocr(s.account, [pay(s.invoice.kid, 100)], { transmission: '4242' }))), { ...ZERO, imported: 1, partial: 1 });
    assert.deepEqual(counts(await importText(t.db, ocr(s.account, [pay(s.invoice.kid, 49800)], { transmission: '4242' }))), { ...ZERO, imported: 1, matched: 1 });
    assert.equal(await orderStatus(t.db, s.uuid), 'PAID');
  });

  test('one file for two merchants: each assignment pays within the merchant whose account it names, even with the same KID', async () => {
    const a = await invoiced();
    const b = await invoiced();
    assert.equal(a.invoice.kid, b.invoice.kid, 'both merchants issue invoice 1 to their customer 1');
    const file = ocrFile([
      { account: a.account, transactions: [pay(a.invoice.kid, 49900)] },
      { account: b.account, transactions: [pay(b.invoice.kid, 100)] },
    ], { transmission: '777' });
    assert.deepEqual(counts(await importText(t.db, file)), { ...ZERO, imported: 2, matched: 1, partial: 1 });
    assert.equal(await orderStatus(t.db, a.uuid), 'PAID');
    assert.equal(await orderStatus(t.db, b.uuid), 'INVOICED');
    assert.equal((await invoiceOf(t.db, b.merchantId, 1)).paid_ore, 100);
  });

  test('a merchant with MOD11 KIDs is matched by its KID as issued', async () => {
    const m = await merchantWithAccount(t.db);
    await setSettings(t.db, m.merchantId, { kidCheck: 'mod11' });
    const o = await storeOrder(t.db, m.merchantId, { fee: false });
    await invoiceAll(t.db, m.merchantId);
    const invoice = await invoiceOf(t.db, m.merchantId, 1);
    assert.deepEqual(counts(await importText(t.db, ocr(m.account, [pay(invoice.kid, invoice.total_ore)]))), { ...ZERO, imported: 1, matched: 1 });
    assert.equal(await orderStatus(t.db, o.uuid), 'PAID');
  });

  test('an account of no merchant, or a bad file, is refused whole: nothing is stored', async () => {
    const s = await invoiced();
    const before = await t.db.query<{ n: number }>('SELECT (SELECT count(*) FROM payments)::int + (SELECT count(*) FROM payment_files)::int AS n');
    const unknown = ocr('12345678903', [pay(s.invoice.kid, 49900)]);
    await assert.rejects(importText(t.db, unknown), (e: unknown) => {
      assert.ok(e instanceof ApiError && e.code === 'paymentFileRefused');
      assert.match(String((e.errors as string[])[0]), /line 3: the account 12345678903 belongs to no merchant/);
      return true;
    });
    const good = ocr(s.account, [pay(s.invoice.kid, 49900), pay(s.invoice.kid, 100)]);
    const badSum = good.replace(/^(NY000089.{16})(\d{17})/m, (_, head: string, sum: string) => head + String(Number(sum) + 1).padStart(17, '0'));
    await assert.rejects(importText(t.db, badSum), refused(/line 8: the end of the transmission sums to/));
    const truncated = good.split('\r\n').slice(0, 6).join('\r\n');
    await assert.rejects(importText(t.db, truncated), refused(/ends too early/));
    await assert.rejects(importText(t.db, ''), refused(/the file is empty/));
    const afterRows = await t.db.query<{ n: number }>('SELECT (SELECT count(*) FROM payments)::int + (SELECT count(*) FROM payment_files)::int AS n');
    assert.deepEqual(afterRows, before);
    assert.equal(await orderStatus(t.db, s.uuid), 'INVOICED');
  });

  test('a crash in the middle of an import: importing the file again stores exactly the rest', async () => {
    const m = await merchantWithAccount(t.db);
    const uuids: string[] = [];
    for (let i = 0; i < 5; i++) uuids.push((await storeOrder(t.db, m.merchantId, { fee: false, personalNumber: `1234567890${i}` })).uuid);
    await invoiceAll(t.db, m.merchantId);
    const invoices = await Promise.all([1, 2, 3, 4, 5].map((n) => invoiceOf(t.db, m.merchantId, n)));
    const file = ocr(m.account, invoices.map((i) => pay(i.kid, i.total_ore)));
    let batches = 0;
    await assert.rejects(
      importText(t.db, file, { batchSize: 2, onProgress: () => { if (++batches === 2) throw new Error('crash'); } }),
      /crash/,
    );
    const [{ n }] = await t.db.query<{ n: number }>({ text: 'SELECT count(*)::int AS n FROM payments WHERE merchant_id = $1', values: [m.merchantId] }) as [{ n: number }];
    assert.equal(n, 4);
    const resumed = await importText(t.db, file, { batchSize: 2 });
    assert.deepEqual(counts(resumed), { ...ZERO, imported: 1, duplicates: 4, matched: 1 });
    for (const uuid of uuids) assert.deepEqual(await callbacksOf(t.db, uuid), ['INVOICED', 'PAID']);
    assert.deepEqual(counts(await importText(t.db, file)), { ...ZERO, duplicates: 5 });
  });

  test('camt.054: batch transactions by KID, a reversal by RvslInd, and the same bank references in a later file are duplicates', async () => {
    const s = await invoiced();
    const camt = (msgId: string, entries: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>${msgId}</MsgId><CreDtTm>2026-12-10T06:00:00</CreDtTm></GrpHdr>
<Ntfctn><Id>N</Id><Acct><Id><IBAN>NO00${s.account}</IBAN></Id></Acct>${entries}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>`;
    const tx = (ref: string, amount: string, kid: string) =>
      `<TxDtls><Refs><AcctSvcrRef>${ref}</AcctSvcrRef></Refs><Amt Ccy="NOK">${amount}</Amt><RmtInf><Strd><CdtrRefInf><Ref>${kid}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>`;
    const entry = (amount: string, txs: string, dir = 'CRDT', rvsl = '') =>
      `<Ntry><Amt Ccy="NOK">${amount}</Amt><CdtDbtInd>${dir}</CdtDbtInd>${rvsl}<Sts><Cd>BOOK</Cd></Sts><ValDt><Dt>2026-12-10</Dt></ValDt><NtryDtls>${txs}</NtryDtls></Ntry>`;
    const first = camt('M-1', entry('499.00', tx(`R-${s.account}-1`, '200.00', s.invoice.kid) + tx(`R-${s.account}-2`, '299.00', s.invoice.kid)));
    assert.deepEqual(counts(await importText(t.db, first)), { ...ZERO, imported: 2, partial: 1, matched: 1 });
    assert.equal(await orderStatus(t.db, s.uuid), 'PAID');
    const repeat = camt('M-2', entry('200.00', tx(`R-${s.account}-1`, '200.00', s.invoice.kid)));
    assert.deepEqual(counts(await importText(t.db, repeat)), { ...ZERO, duplicates: 1 });
    const reversal = camt('M-3', entry('299.00', tx(`R-${s.account}-3`, '299.00', s.invoice.kid), 'DBIT', '<RvslInd>true</RvslInd>'));
    assert.deepEqual(counts(await importText(t.db, reversal)), { ...ZERO, imported: 1, reversed: 1 });
    assert.equal(await orderStatus(t.db, s.uuid), 'INVOICED');
    assert.deepEqual(await callbacksOf(t.db, s.uuid), ['INVOICED', 'PAID', 'INVOICED']);
    const view = invoiceView((await findInvoice(t.db, s.merchantId, 'invoice', 1))!);
    assert.deepEqual([view.paid, view.outstanding], ['200.00', '299.00']);
  });

  test('two imports of the same file at the same moment store each payment once and make one PAID callback', { skip: TEST_DATABASE_URL === null ? 'one connection on PGlite: nothing runs at the same moment' : false }, async () => {
    const s = await invoiced();
    const file = ocr(s.account, [pay(s.invoice.kid, 20000), pay(s.invoice.kid, 29900)]);
    const results = await Promise.all([importText(t.db, file, { batchSize: 1 }), importText(t.db, file, { batchSize: 1 })]);
    assert.equal(results.reduce((sum, r) => sum + r.imported, 0), 2);
    assert.equal(results.reduce((sum, r) => sum + r.duplicates, 0), 2);
    assert.equal(await orderStatus(t.db, s.uuid), 'PAID');
    assert.deepEqual(await callbacksOf(t.db, s.uuid), ['INVOICED', 'PAID']);
    assert.equal((await invoiceOf(t.db, s.merchantId, 1)).paid_ore, 49900);
  });

  test('two files paying the same invoices in opposite orders, imported at the same moment, both complete', { skip: TEST_DATABASE_URL === null ? 'one connection on PGlite: nothing runs at the same moment' : false }, async () => {
    const m = await merchantWithAccount(t.db);
    for (let i = 0; i < 6; i++) await storeOrder(t.db, m.merchantId, { fee: false, personalNumber: `1234567891${i}` });
    await invoiceAll(t.db, m.merchantId);
    const invoices = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => invoiceOf(t.db, m.merchantId, n)));
    const forward = ocr(m.account, invoices.map((i) => pay(i.kid, 100)));
    const backward = ocr(m.account, [...invoices].reverse().map((i) => pay(i.kid, 100)));
    const [a, b] = await Promise.all([importText(t.db, forward), importText(t.db, backward)]);
    assert.equal(a.imported + b.imported, 12);
    for (const n of [1, 2, 3, 4, 5, 6]) assert.equal((await invoiceOf(t.db, m.merchantId, n)).paid_ore, 200);
  });
});
