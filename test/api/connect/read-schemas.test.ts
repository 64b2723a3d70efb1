/**
 * The documented shapes of what a merchant reads back (order details, invoice, credit note, their lists)
 * against real answers: every field sent is documented, with its type and nullability, and every
 * documented field is sent. The schemas come from the served /openapi.json, the one the SDK's types are
 * generated from, so neither the document nor the SDK can drift from the wire.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv, type AnySchema } from 'ajv';
import addFormats from 'ajv-formats';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DB_LABEL, call, startTestServer, testConfig, type TestServer } from '../../helpers/harness.ts';
import { deliveryDeps, runDueDeliverySteps } from '../../delivery/helpers.ts';
import { createDeliveryChannels } from '../../../src/adapters/delivery-channels.ts';
import { CONNECT, createOrder } from '../../helpers/order-helpers.ts';
import { invoiceAll, orderBody, setSettings } from '../../helpers/invoicing.ts';
import { freshAccount, importText, invoiceOf, ocr, pay } from '../../app/payments/payment-helpers.ts';
import { renderDocuments } from '../../../src/app/invoicing/render-documents.ts';
import { createDocumentRenderers } from '../../../src/adapters/documents/renderers.ts';
import { runDunning } from '../../../src/app/dunning/run-dunning.ts';

/** Every object schema with properties and no word on others is closed: an undocumented field fails. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)])) : closed(v);
  if ('properties' in out && !('additionalProperties' in out)) out.additionalProperties = false;
  return out;
}

describe(`documented read shapes (${DB_LABEL})`, () => {
  let t: TestServer;
  let doc: any;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const get = (path: string) => call(t.url, 'GET', `${CONNECT}${path}`, { token: t.merchant.token });

  function check(path: string, template: string, body: unknown): void {
    const schema = doc.paths[`/api/v1/connect${template}`].get.responses['200'].content['application/json'].schema;
    const validate = ajv.compile(closed(schema) as AnySchema);
    assert.ok(validate(body), `${path}: ${JSON.stringify(validate.errors, null, 1)}`);
  }

  before(async () => {
    t = await startTestServer({ runWorker: false });
    await setSettings(t.db, t.merchant.merchantId, { accountNumber: freshAccount(), invoiceFeeOre: 3900, invoiceFeeVatRate: '25', street: 'Storgata 1', zip: '0155', city: 'Oslo' });
    doc = (await call(t.url, 'GET', '/openapi.json')).body;
  });
  after(async () => {
    await t.close();
  });

  test('an order that was invoiced, part-paid, reminded and partly credited: every read answer matches its schema', async () => {
    const uuid = await createOrder(t, { body: orderBody({ lines: [['Klipp', '2', '499.00', '10.00', '25'], ['Bok', '1', '200.00', '0', '0']], maturity: 10 }) });
    const fresh = await get(`/orders/details/${uuid}`);
    check('details before invoicing', '/orders/details/{uuid}', fresh.body);
    assert.equal(fresh.body.data.invoiceNumber, null);

    await invoiceAll(t.db, t.merchant.merchantId, { invoiceDate: '2026-12-01' });
    const invoice = await invoiceOf(t.db, t.merchant.merchantId, 1);
    await renderDocuments(t.db, createDocumentRenderers(), invoice.id);
    // Delivered by hand, as a worker would: the eFaktura network is not there (an attempt that failed), then the file outbox.
    const outboxDir = await mkdtemp(path.join(os.tmpdir(), 'efaktura-read-schemas-'));
    const channels = createDeliveryChannels(testConfig({ outboxDir, simulatorUrl: 'http://127.0.0.1:9', deliveryTimeoutMs: 2000 }));
    try {
      await runDueDeliverySteps(deliveryDeps(t.db, channels));
    } finally {
      channels.close();
      await rm(outboxDir, { recursive: true, force: true });
    }
    const [{ account }] = await t.db.query<{ account: string }>({ text: 'SELECT account_number AS account FROM merchants WHERE id = $1', values: [t.merchant.merchantId] }) as [{ account: string }];
    await importText(t.db, ocr(account, [pay(invoice.kid, 10_000)]));
    await runDunning(t.db, { asOf: '2026-12-28', merchantId: t.merchant.merchantId, actor: 'test' });
    const refund = await call(t.url, 'POST', `${CONNECT}/orders/refund/${uuid}`, { token: t.merchant.token, body: { type: 'invoiced', grandTotal: 200, products: [{ id: fresh.body.data.productList[1].id, amount: 200 }] } });
    assert.ok(refund.status < 300, refund.text);

    const details = await get(`/orders/details/${uuid}`);
    check('details', '/orders/details/{uuid}', details.body);
    assert.ok(details.body.data.events.length >= 2 && details.body.data.callbacks.length >= 2);
    const inv = await get('/invoices/1');
    check('invoice', '/invoices/{number}', inv.body);
    assert.equal(inv.body.data.payments.length, 1);
    assert.equal(inv.body.data.deliveryStatus, 'delivered');
    assert.ok(inv.body.data.deliveries.length >= 1);
    assert.equal(inv.body.data.reminders.length, 1);
    assert.equal(inv.body.data.creditNotes.length, 1);
    check('invoice list', '/invoices', (await get('/invoices')).body);
    const note = await get(`/credit-notes/${inv.body.data.creditNotes[0]}`);
    check('credit note', '/credit-notes/{number}', note.body);
    check('credit note list', '/credit-notes', (await get('/credit-notes')).body);
  });

  test('the check has teeth: an undocumented or mistyped field fails it', async () => {
    const uuid = await createOrder(t, { body: orderBody() });
    const details = (await get(`/orders/details/${uuid}`)).body;
    assert.throws(() => check('extra', '/orders/details/{uuid}', { ...details, data: { ...details.data, surprise: 1 } }));
    assert.throws(() => check('mistyped', '/orders/details/{uuid}', { ...details, data: { ...details.data, createdAt: 'yesterday' } }));
  });
});
