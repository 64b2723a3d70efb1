/**
 * The SDK (`efaktura/client`, SPEC §9) against the real server on the test database: every method, the
 * typed error on validation errors, 404s and bad tokens, and a create whose answer is lost on the way being
 * retried with its Idempotency-Key into one order.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DB_LABEL, createMerchant, startTestServer, type TestServer } from '../helpers/harness.ts';
import { invoiceAll, orderBody, setSettings } from '../helpers/invoicing.ts';
import { exampleOrder } from '../fixtures/example-order.ts';
import { renderDocuments } from '../../src/app/invoicing/render-documents.ts';
import { createDocumentRenderers } from '../../src/adapters/documents/renderers.ts';
import { EfakturaApiError, EfakturaClient, type SendEFakturaRequest, type SendEhfInvoiceRequest } from '../../src/client/index.ts';

/** The documented order for a business (Send EHF Invoice): an organisation number instead of a personal number. */
function businessOrder(): SendEhfInvoiceRequest {
  const body = exampleOrder({ productsAs: 'array' });
  delete body.customerDetails.personalNumber;
  body.customerDetails.name = 'Nordmann Consulting AS';
  body.customerDetails.organizationId = '987654325';
  return body as SendEhfInvoiceRequest;
}

async function rejection(promise: Promise<unknown>): Promise<EfakturaApiError> {
  const error = await promise.then(() => assert.fail('expected the call to fail'), (e: unknown) => e);
  assert.ok(error instanceof EfakturaApiError, String(error));
  return error;
}

describe(`efaktura/client against the server (${DB_LABEL})`, () => {
  let t: TestServer;
  let client: EfakturaClient;
  before(async () => {
    t = await startTestServer({ runWorker: false });
    await setSettings(t.db, t.merchant.merchantId, { invoiceFeeOre: 0, street: 'Storgata 1', zip: '0155', city: 'Oslo' });
    client = new EfakturaClient({ baseUrl: t.url, token: t.merchant.token, retry: { baseDelayMs: 10 } });
  });
  after(async () => {
    await t.close();
  });

  async function render(number: number, kind: 'invoice' | 'credit_note'): Promise<void> {
    const [row] = await t.db.query<{ id: number }>({
      text: 'SELECT id FROM invoices WHERE merchant_id = $1 AND number = $2 AND kind = $3',
      values: [t.merchant.merchantId, number, kind],
    });
    await renderDocuments(t.db, createDocumentRenderers(), row!.id);
  }

  test('orders.create (Send E-Faktura) and its older path; the order reads back through status, get and list', async () => {
    const created = await client.orders.create(orderBody({ lines: [['Klipp', '1', '499.00', '0', '25']] }) as SendEFakturaRequest);
    assert.match(created.uuid, /^ODR\d{10}$/);
    assert.match(created.customerUuid, /^CSRT\d{10}$/);
    assert.equal(created.replayed, false);
    assert.match(created.idempotencyKey, /^[0-9a-f-]{36}$/);

    const older = await client.orders.create(orderBody() as SendEFakturaRequest, { olderPath: true });
    assert.notEqual(older.uuid, created.uuid);
    assert.equal(older.customerUuid, created.customerUuid, 'the same customer, whichever path');

    assert.deepEqual(await client.orders.status(created.uuid), { uuid: created.uuid, status: 'SENT', orderAmount: 499, refundedAmount: 0 });
    const details = await client.orders.get(created.uuid);
    assert.equal(details.orderUuid, created.uuid);
    assert.equal(details.status, 'SENT');
    assert.deepEqual((details.productList as Array<{ name: string }>).map((l) => l.name), ['Klipp']);

    const page = await client.orders.list({ limit: 1 });
    assert.deepEqual(page.items, [{ uuid: older.uuid, status: 'SENT' }]);
    assert.equal(typeof page.nextCursor, 'string');
    const second = await client.orders.list({ limit: 1, after: page.nextCursor! });
    assert.deepEqual(second.items, [{ uuid: created.uuid, status: 'SENT' }]);
    const sent: string[] = [];
    for await (const order of client.orders.listAll({ type: 'SENT', limit: 1 })) sent.push(order.uuid);
    assert.deepEqual(sent.slice(0, 2), [older.uuid, created.uuid]);
    assert.deepEqual((await client.orders.list({ type: 'PAID' })).items.filter((o) => sent.includes(o.uuid)), []);
  });

  test('orders.createEhf (Send EHF Invoice) and its older path create orders for a business customer', async () => {
    const created = await client.orders.createEhf(businessOrder());
    const older = await client.orders.createEhf(businessOrder(), { olderPath: true });
    for (const order of [created, older]) {
      const details = await client.orders.get(order.uuid);
      assert.equal(details.type, 'corporate');
      assert.equal((details.customerDetails as { organizationId: string }).organizationId, '987654325');
    }
  });

  test('create with the caller\'s Idempotency-Key twice: one order, the second answer marked replayed', async () => {
    const body = orderBody() as SendEFakturaRequest;
    const first = await client.orders.create(body, { idempotencyKey: 'shop-order-4711' });
    const again = await client.orders.create(body, { idempotencyKey: 'shop-order-4711' });
    assert.deepEqual([again.uuid, again.replayed, again.idempotencyKey], [first.uuid, true, 'shop-order-4711']);
    const reused = await rejection(client.orders.create(orderBody({ lines: [['Other', '1', '10.00', '0', '0']] }) as SendEFakturaRequest, { idempotencyKey: 'shop-order-4711' }));
    assert.deepEqual([reused.status, reused.code, reused.attempts], [422, 'idempotencyKeyReused', 1]);
  });

  test('an invoiced order: invoiceNumber, the invoice\'s JSON, list, PDF and EHF; refund; cancel and its credit note', async () => {
    const { uuid } = await client.orders.create(orderBody({ lines: [['Farge', '1', '800.00', '0', '25'], ['Vask', '1', '200.00', '0', '25']] }) as SendEFakturaRequest);
    const cancelled = await client.orders.create(orderBody({ lines: [['Klipp', '1', '450.00', '0', '25']], personalNumber: '01010112345' }) as SendEFakturaRequest);
    const early = await rejection(client.orders.invoiceNumber(uuid));
    assert.deepEqual([early.status, early.code], [400, 'orderNotInvoicedYet']);

    await invoiceAll(t.db, t.merchant.merchantId);
    const numbered = await client.orders.invoiceNumber(uuid);
    assert.deepEqual([numbered.orderUuid, numbered.status], [uuid, 'INVOICED']);
    const number = Number(numbered.invoiceNumber);

    const invoice = await client.invoices.get(number);
    assert.deepEqual([invoice.number, invoice.orders, invoice.total], [number, [uuid], '1000.00']);
    const listed = await client.invoices.list({ limit: 2 });
    assert.ok(listed.items.some((i) => i.number === number));
    const open: unknown[] = [];
    for await (const i of client.invoices.listAll({ status: 'open', limit: 1 })) open.push(i.number);
    assert.ok(open.includes(number));

    // Before it is rendered the PDF is 409 documentNotReadyYet with Retry-After; a retrying client waits and asks again.
    const notReady = await rejection(new EfakturaClient({ baseUrl: t.url, token: t.merchant.token, retry: { maxAttempts: 1 } }).invoices.pdf(number));
    assert.deepEqual([notReady.status, notReady.code, notReady.retryAfterSeconds], [409, 'documentNotReadyYet', 1]);
    const pdf = client.invoices.pdf(number);
    await render(number, 'invoice');
    assert.equal(new TextDecoder().decode((await pdf).subarray(0, 5)), '%PDF-');
    assert.match(new TextDecoder().decode(await client.invoices.ehf(number)), /<Invoice [^>]*xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/);

    const lines = (await client.orders.get(uuid)).productList as Array<{ id: number; name: string }>;
    await client.orders.refund(uuid, { type: 'invoiced', grandTotal: 200, products: [{ id: lines.find((l) => l.name === 'Vask')!.id, amount: 200 }] });
    assert.deepEqual(await client.orders.status(uuid), { uuid, status: 'PARTIAL REFUNDED', orderAmount: 1000, refundedAmount: 200 });

    const cancelledNumber = Number((await client.orders.invoiceNumber(cancelled.uuid)).invoiceNumber);
    await client.orders.cancel(cancelled.uuid, 'Wrong colour');
    assert.equal((await client.orders.status(cancelled.uuid)).status, 'CANCELLED');
    const creditNotes = (await client.invoices.get(cancelledNumber)).creditNotes as number[];
    assert.equal(creditNotes.length, 1);
    const creditNote = creditNotes[0]!;
    const note = await client.creditNotes.get(creditNote);
    assert.deepEqual([note.creditsInvoice, note.note], [cancelledNumber, 'Wrong colour']);
    assert.ok((await client.creditNotes.list()).items.some((c) => c.number === creditNote));
    const all: unknown[] = [];
    for await (const c of client.creditNotes.listAll({ limit: 1 })) all.push(c.number);
    assert.ok(all.length >= 1 && all.includes(creditNote));
    await render(creditNote, 'credit_note');
    assert.equal(new TextDecoder().decode((await client.creditNotes.pdf(creditNote)).subarray(0, 5)), '%PDF-');
    assert.match(new TextDecoder().decode(await client.creditNotes.ehf(creditNote)), /<CreditNote [^>]*xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/);
  });

  test('a validation error is one EfakturaApiError with the envelope: code, sentences, fieldErrors, request id', async () => {
    const body = orderBody() as Record<string, any>;
    delete body.customerDetails.email;
    body.invoiceMaturity = 11;
    const error = await rejection(client.orders.create(body as SendEFakturaRequest, { requestId: 'sdk-test-417' }));
    assert.equal(error.name, 'EfakturaApiError');
    assert.deepEqual([error.status, error.statusCode, error.code, error.attempts], [417, 417, 'payloadValidationErrors', 1]);
    assert.deepEqual(Object.keys(error.fieldErrors).sort(), ['customerDetails.email', 'invoiceMaturity']);
    assert.ok(error.errors!.includes('The customer details.email field is required.'), error.errors!.join(' | '));
    assert.equal(error.requestId, 'sdk-test-417');
    assert.equal(error.envelope?.status_code, 417);
    assert.match(error.message, /^payloadValidationErrors \(HTTP 417\): /);
  });

  test('unknown order and document: 404 orderNotFound in the FPGO shape and 404 invoiceNotFound; a bad token is 401', async () => {
    const order = await rejection(client.orders.get('ODR0000000000'));
    assert.deepEqual([order.status, order.code, order.errors, order.fieldErrors], [404, 'orderNotFound', null, {}]);
    assert.equal(typeof order.requestId, 'string');
    assert.deepEqual(order.envelope && { is_data: 'is_data' in order.envelope ? order.envelope.is_data : undefined }, { is_data: false });
    for (const call of [() => client.orders.status('ODR0000000000'), () => client.orders.cancel('ODR0000000000', 'x'), () => client.orders.invoiceNumber('ODR0000000000')]) {
      assert.equal((await rejection(call())).code, 'orderNotFound');
    }
    const invoice = await rejection(client.invoices.pdf(999_999));
    assert.deepEqual([invoice.status, invoice.code], [404, 'invoiceNotFound']);
    const bad = await rejection(new EfakturaClient({ baseUrl: t.url, token: 'not-a-token' }).orders.list());
    assert.deepEqual([bad.status, bad.code, bad.attempts], [401, 'unauthenticated', 1]);
  });

  test('a create whose answer is lost on the way is retried with its Idempotency-Key and makes one order', async () => {
    const merchant = await createMerchant(t.db, 'Lost Answer AS');
    const upstream = new URL(t.url);
    const creates: string[] = [];
    // A proxy that passes everything through, but drops the connection instead of passing on the first create's answer.
    const proxy = http.createServer((req, res) => {
      const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        const isCreate = req.url!.endsWith('/orders/faktura/create');
        if (isCreate) creates.push(String(req.headers['idempotency-key']));
        if (isCreate && creates.length === 1) {
          answer.resume();
          answer.on('end', () => req.socket.destroy());
          return;
        }
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      });
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const viaProxy = new EfakturaClient({ baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, token: merchant.token, retry: { baseDelayMs: 10 } });
      const created = await viaProxy.orders.create(orderBody() as SendEFakturaRequest);
      assert.equal(creates.length, 2, 'sent twice');
      assert.deepEqual(creates, [created.idempotencyKey, created.idempotencyKey]);
      assert.equal(created.replayed, true, 'the second answer is the first one replayed');
      assert.deepEqual((await viaProxy.orders.list()).items.map((o) => o.uuid), [created.uuid], 'one order');
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
