/**
 * POST /api/v1/admin/payments/import, GET /api/v1/admin/payments, POST /api/v1/admin/payments/{id}/match
 * (SPEC §7), and the payments on GET /api/v1/connect/invoices/{n} (SPEC §6.4): operators only; the file as
 * the raw body; a refused file is 422 with the line and nothing stored; the body limit is its own.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL, call, startTestServer, type TestServer } from '../../helpers/harness.ts';
import { invoiceAll, setSettings, storeOrder } from '../../helpers/invoicing.ts';
import { freshAccount, invoiceOf, ocr, orderStatus, pay } from '../../app/payments/payment-helpers.ts';

const ADMIN_TOKEN = 'b'.repeat(40);
const IMPORT = '/api/v1/admin/payments/import';

describe(`admin payments API (${DB_LABEL})`, () => {
  let t: TestServer;
  let account: string;
  let kid: string;
  let uuid: string;
  before(async () => {
    t = await startTestServer({ runWorker: false, adminToken: ADMIN_TOKEN, importBodyLimitBytes: 4096 });
    account = freshAccount();
    await setSettings(t.db, t.merchant.merchantId, { accountNumber: account });
    uuid = (await storeOrder(t.db, t.merchant.merchantId, { fee: false, lines: [['Klipp', '1', '499.00', '0', '25']] })).uuid;
    await invoiceAll(t.db, t.merchant.merchantId);
    kid = (await invoiceOf(t.db, t.merchant.merchantId, 1)).kid;
  });
  after(async () => {
    await t.close();
  });

  const upload = (body: string, type = 'application/octet-stream', token: string | null = ADMIN_TOKEN) =>
    call(t.url, 'POST', IMPORT, { token, rawBody: body, headers: { 'content-type': type } });

  test('only operators: no token and a merchant token are 401, before the body is read', async () => {
    assert.equal((await upload(ocr(account, [pay(kid, 100)]), 'text/plain', null)).status, 401);
    assert.equal((await upload(ocr(account, [pay(kid, 100)]), 'text/plain', t.merchant.token)).status, 401);
    assert.equal((await upload('x'.repeat(10_000), 'text/plain', null)).status, 401);
    assert.equal((await call(t.url, 'GET', '/api/v1/admin/payments', { token: t.merchant.token })).status, 401);
    assert.equal((await call(t.url, 'POST', '/api/v1/admin/payments/1/match', { token: t.merchant.token, body: { invoiceNumber: 1 } })).status, 401);
  });

  test('a bad file is 422 paymentFileRefused with the line and the reason; nothing is stored', async () => {
    const good = ocr(account, [pay(kid, 100)]);
    const bad = good.replace(/^(NY09103.{40})\d/m, '$1X');
    const res = await upload(bad, 'text/plain');
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.message, 'paymentFileRefused');
    assert.match(res.body.errors[0], /line 3: the amount \(positions 33–49\) must be digits/);
    assert.equal(res.body.location, 'line 3');
    const unknownAccount = await upload(ocr('12345678903', [pay(kid, 100)]));
    assert.equal(unknownAccount.status, 422);
    assert.match(unknownAccount.body.errors[0], /belongs to no merchant/);
    const notXml = await upload('<Document><oops></Document>', 'application/xml');
    assert.equal(notXml.status, 422);
    assert.match(notXml.body.errors[0], /not well-formed XML/);
    const empty = await upload('', 'application/octet-stream');
    assert.equal(empty.status, 422, empty.text);
    const rows = await t.db.query('SELECT 1 FROM payment_files');
    assert.equal(rows.length, 0);
  });

  test('a body over EFAKTURA_IMPORT_BODY_LIMIT is 413; JSON is 415', async () => {
    const big = await upload('NY000010'.padEnd(5000, '0'));
    assert.equal(big.status, 413, big.text);
    const json = await call(t.url, 'POST', IMPORT, { token: ADMIN_TOKEN, body: { file: 'x' } });
    assert.equal(json.status, 415, json.text);
  });

  test('import, list the unmatched, match by hand; the invoice shows its payments, paid, outstanding and surplus', async () => {
    const file = ocr(account, [pay(kid, 20000), pay('00000000000000', 29900)]);
    const res = await upload(file, 'text/plain');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      { ...res.body.data, fileId: undefined },
      { fileId: undefined, format: 'ocr-giro', transactions: 2, imported: 2, duplicates: 0, matched: 0, partial: 1, overpaid: 0, unmatched: 1, reversed: 0 },
    );
    const again = await upload(file, 'application/octet-stream');
    assert.equal(again.body.data.duplicates, 2);
    const list = await call(t.url, 'GET', '/api/v1/admin/payments?unmatched=1', { token: ADMIN_TOKEN });
    assert.equal(list.status, 200);
    assert.equal(list.body.data.length, 1);
    const payment = list.body.data[0];
    assert.equal(payment.amount, '299.00');
    assert.equal(payment.kid, '00000000000000');
    const invoiceBefore = await call(t.url, 'GET', '/api/v1/connect/invoices/1', { token: t.merchant.token });
    assert.deepEqual([invoiceBefore.body.data.paid, invoiceBefore.body.data.outstanding], ['200.00', '299.00']);
    assert.equal(await orderStatus(t.db, uuid), 'INVOICED');

    const badMatch = await call(t.url, 'POST', `/api/v1/admin/payments/${payment.id}/match`, { token: ADMIN_TOKEN, body: { invoiceNumber: 'one' } });
    assert.equal(badMatch.status, 417);
    const wrongMerchant = await call(t.url, 'POST', `/api/v1/admin/payments/${payment.id}/match`, { token: ADMIN_TOKEN, body: { invoiceNumber: 1, merchantId: 999999 } });
    assert.equal(wrongMerchant.status, 404);
    const matched = await call(t.url, 'POST', `/api/v1/admin/payments/${payment.id}/match`, { token: ADMIN_TOKEN, body: { invoiceNumber: 1, merchantId: t.merchant.merchantId } });
    assert.equal(matched.status, 200, matched.text);
    assert.deepEqual(matched.body.data, { paymentId: payment.id, invoiceNumber: 1, outcome: 'matched', paidOrders: 1 });
    const twice = await call(t.url, 'POST', `/api/v1/admin/payments/${payment.id}/match`, { token: ADMIN_TOKEN, body: { invoiceNumber: 1 } });
    assert.equal(twice.status, 409);
    assert.equal(twice.body.message, 'paymentNotMatchable');
    assert.equal(await orderStatus(t.db, uuid), 'PAID');

    const invoice = await call(t.url, 'GET', '/api/v1/connect/invoices/1', { token: t.merchant.token });
    const d = invoice.body.data;
    assert.deepEqual([d.status, d.paid, d.outstanding, d.surplus], ['paid', '499.00', '0.00', '0.00']);
    assert.deepEqual(d.payments.map((p: any) => p.amount), ['200.00', '299.00']);
    const all = await call(t.url, 'GET', `/api/v1/admin/payments?merchant=${t.merchant.merchantId}`, { token: ADMIN_TOKEN });
    assert.equal(all.body.data.length, 2);
    assert.equal((await call(t.url, 'GET', '/api/v1/admin/payments?unmatched=maybe', { token: ADMIN_TOKEN })).status, 417);
  });

  test('a camt.054 file is taken as application/xml', async () => {
    const xml = `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>API-1</MsgId></GrpHdr>
<Ntfctn><Acct><Id><Othr><Id>${account}</Id></Othr></Id></Acct><Ntry><Amt Ccy="NOK">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-12-10</Dt></BookgDt><AcctSvcrRef>API-REF-1</AcctSvcrRef></Ntry></Ntfctn></BkToCstmrDbtCdtNtfctn></Document>`;
    const res = await upload(xml, 'application/xml');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.data.format, 'camt054');
    assert.equal(res.body.data.unmatched, 1);
  });
});
