/**
 * GET /api/v1/connect/invoices… and /credit-notes… (SPEC §6.4): the JSON in the envelope, the PDF and EHF
 * as rendered, 409 before they are, 404 for unknown and other merchants' documents, the list with its
 * status filter and cursor, and the order endpoints showing the invoice number and KID.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DB_LABEL, call, createMerchant, startTestServer, type TestServer } from '../../helpers/harness.ts';
import { CONNECT, assertError, createOrder } from '../../helpers/order-helpers.ts';
import { invoiceAll, orderBody, setSettings } from '../../helpers/invoicing.ts';
import { renderDocuments } from '../../../src/app/invoicing/render-documents.ts';
import { createDocumentRenderers } from '../../../src/adapters/documents/renderers.ts';

describe(`invoice read endpoints (${DB_LABEL})`, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ runWorker: false });
    await setSettings(t.db, t.merchant.merchantId, { invoiceFeeOre: 3900, invoiceFeeVatRate: '25', street: 'Storgata 1', zip: '0155', city: 'Oslo' });
  });
  after(async () => {
    await t.close();
  });

  const get = (path: string, token: string | null = t.merchant.token) => call(t.url, 'GET', `${CONNECT}${path}`, { token });

  async function render(number: number, kind: 'invoice' | 'credit_note' = 'invoice'): Promise<void> {
    const [row] = await t.db.query<{ id: number }>({
      text: 'SELECT id FROM invoices WHERE merchant_id = $1 AND number = $2 AND kind = $3',
      values: [t.merchant.merchantId, number, kind],
    });
    await renderDocuments(t.db, createDocumentRenderers(), row!.id);
  }

  test('an invoiced order: the invoice JSON, the order details with number and KID, and invoice-number', async () => {
    const uuid = await createOrder(t, { body: orderBody({ lines: [['Klipp', '1', '499.00', '0', '25']], maturity: 10 }) });
    await invoiceAll(t.db, t.merchant.merchantId, { invoiceDate: '2026-12-01' });
    const res = await get('/invoices/1');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.message, 'invoiceRetrievedSuccessfully');
    const inv = res.body.data;
    assert.equal(inv.number, 1);
    assert.match(inv.kid, /^\d{16}$/);
    assert.equal(inv.invoiceDate, '2026-12-01');
    assert.equal(inv.dueDate, '2026-12-11');
    assert.equal(inv.status, 'open');
    assert.deepEqual(inv.orders, [uuid]);
    assert.deepEqual(inv.vat, [{ rate: '25', net: '430.40', vat: '107.60', gross: '538.00' }]);
    assert.equal(inv.fee, '39.00');
    assert.equal(inv.total, '538.00');
    assert.equal(inv.paid, '0.00');
    assert.equal(inv.outstanding, '538.00');
    assert.equal(inv.surplus, '0.00');
    assert.deepEqual(inv.creditNotes, []);
    assert.equal(inv.deliveryStatus, 'pending');
    assert.deepEqual([inv.deliveries, inv.reminders, inv.payments], [[], [], []]);
    assert.deepEqual(inv.lines.map((l: any) => [l.kind, l.description, l.amount, l.vat]), [['product', 'Klipp', '499.00', '99.80'], ['fee', inv.lines[1].description, '39.00', '7.80']]);

    const details = await get(`/orders/details/${uuid}`);
    assert.equal(details.body.data.invoiceNumber, '1');
    assert.equal(details.body.data.kid, inv.kid);
    assert.equal(details.body.data.dueDate, '2026-12-11');
    const number = await get(`/orders/invoice-number/${uuid}`);
    assert.deepEqual(number.body.data, { orderUuid: uuid, invoiceNumber: '1', status: 'INVOICED' });
  });

  test('the PDF and EHF are 409 documentNotReadyYet until rendered, then served byte for byte with their SHA-256', async () => {
    await createOrder(t, { body: orderBody() });
    await invoiceAll(t.db, t.merchant.merchantId);
    const [{ n }] = (await t.db.query<{ n: number }>({ text: 'SELECT max(number)::int AS n FROM invoices WHERE merchant_id = $1', values: [t.merchant.merchantId] })) as [{ n: number }];
    const early = await get(`/invoices/${n}/pdf`);
    assertError(early, 409, 'documentNotReadyYet');
    assert.equal(early.headers.get('retry-after'), '1');
    await render(n);
    const pdf = await fetch(`${t.url}${CONNECT}/invoices/${n}/pdf`, { headers: { authorization: `Bearer ${t.merchant.token}` } });
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
    assert.equal(pdf.headers.get('x-content-sha256'), createHash('sha256').update(bytes).digest('hex'));
    const ehf = await get(`/invoices/${n}/ehf`);
    assert.equal(ehf.status, 200);
    assert.match(ehf.headers.get('content-type')!, /^application\/xml/);
    assert.match(ehf.text, /<Invoice [^>]*xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/);
    const json = await get(`/invoices/${n}`);
    assert.deepEqual(json.body.data.documents, { pdf: `/api/v1/connect/invoices/${n}/pdf`, ehf: `/api/v1/connect/invoices/${n}/ehf` });
  });

  test('unknown numbers, malformed numbers and another merchant\'s invoices are 404 invoiceNotFound; no token is 401', async () => {
    const other = await createMerchant(t.db, 'Other AS');
    for (const path of ['/invoices/999999', '/invoices/abc', '/invoices/0', '/credit-notes/1', '/invoices/1/pdf']) {
      assertError(await get(path, other.token), 404, 'invoiceNotFound');
    }
    assertError(await get('/invoices/999999'), 404, 'invoiceNotFound');
    assertError(await get('/invoices/1', null), 401, 'unauthenticated');
  });

  test('cancelling an invoiced order over HTTP issues a credit note that the API shows, and the invoice becomes credited', async () => {
    const uuid = await createOrder(t, { body: orderBody({ lines: [['Farge', '1', '800.00', '0', '25']] }) });
    await invoiceAll(t.db, t.merchant.merchantId);
    const invoiceNumber = Number((await get(`/orders/invoice-number/${uuid}`)).body.data.invoiceNumber);
    const res = await call(t.url, 'POST', `${CONNECT}/orders/cancel/${uuid}`, { token: t.merchant.token, body: { cancellationNote: 'Wrong colour' } });
    assert.equal(res.status, 202, res.text);
    const inv = (await get(`/invoices/${invoiceNumber}`)).body.data;
    assert.equal(inv.status, 'credited');
    assert.equal(inv.outstanding, '0.00');
    assert.equal(inv.creditNotes.length, 1);
    const cn = await get(`/credit-notes/${inv.creditNotes[0]}`);
    assert.equal(cn.status, 200, cn.text);
    assert.equal(cn.body.data.creditsInvoice, invoiceNumber);
    assert.equal(cn.body.data.total, inv.total);
    assert.equal(cn.body.data.note, 'Wrong colour');
    assertError(await get(`/invoices/${inv.creditNotes[0]}`), 404, 'invoiceNotFound');
  });

  test('the list is newest first, pages with next_cursor, and filters by status', async () => {
    const all = await get('/invoices');
    assert.equal(all.status, 200);
    const numbers = all.body.data.map((i: any) => i.number);
    assert.deepEqual(numbers, [...numbers].sort((a: number, b: number) => b - a));
    const page = await get('/invoices?limit=1');
    assert.equal(page.body.data.length, 1);
    assert.equal(page.body.next_cursor, String(numbers[0]));
    const next = await get(`/invoices?limit=1&after=${page.body.next_cursor}`);
    assert.equal(next.body.data[0].number, numbers[1]);
    const credited = await get('/invoices?status=credited');
    assert.ok(credited.body.data.length >= 1 && credited.body.data.every((i: any) => i.status === 'credited'));
    for (const bad of ['?status=late', '?limit=0', '?limit=101', '?after=x']) {
      assertError(await get(`/invoices${bad}`), 417, 'payloadValidationErrors');
    }
  });
});
