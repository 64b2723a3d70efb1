/**
 * The Peppol channel (issue 11): a business customer's invoice (Send EHF Invoice) is handed to the Peppol
 * access point — by default the outbox's peppol/ folder — addressed to 0192:<organizationId>, and its credit
 * note after it; a private customer has no Peppol address and goes to the next channel. End to end inside
 * efaktura: the worker invoices, renders and delivers.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DB_LABEL, call, startTestServer, type TestServer } from '../helpers/harness.ts';
import { orderBody, setSettings } from '../helpers/invoicing.ts';
import { deliveredDocument, invoiceNumberOf, waitFor } from './helpers.ts';

const CONNECT = '/api/v1/connect';
const BUYER_ORG = '987654325';
const SELLER_ORG = '923609016';

describe(`delivery on Peppol (${DB_LABEL})`, () => {
  let t: TestServer;
  let outbox: string;

  before(async () => {
    outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'efaktura-outbox-'));
    // Nothing listens at the simulator URL: a private customer's eFaktura attempt would fail, so the
    // private-customer test below lists only peppol and file.
    t = await startTestServer({ runWorker: true, outboxDir: outbox, simulatorUrl: 'http://127.0.0.1:9', deliveryRetrySchedule: [0.05] });
    await setSettings(t.db, t.merchant.merchantId, { street: 'Storgata 1', zip: '0155', city: 'Oslo', vatRegistered: true });
  });
  after(async () => {
    await t?.close();
    fs.rmSync(outbox, { recursive: true, force: true });
  });

  const ehfOf = async (kind: 'invoices' | 'credit-notes', number: number): Promise<Buffer> => {
    const res = await fetch(`${t.url}${CONNECT}/${kind}/${number}/ehf`, { headers: { authorization: `Bearer ${t.merchant.token}` } });
    assert.equal(res.status, 200);
    return Buffer.from(await res.arrayBuffer());
  };

  test("a new merchant's channels put peppol first (migration 011)", async () => {
    const [row] = await t.db.query<{ channels: string[] }>({ text: 'SELECT delivery_channels AS channels FROM merchants WHERE id = $1', values: [t.merchant.merchantId] });
    assert.deepEqual(row!.channels, ['peppol', 'efaktura', 'email', 'file']);
  });

  test('a business invoice goes to 0192:<orgnr> through the Peppol outbox; its credit note follows it', async () => {
    const body = orderBody({ fee: false });
    delete body.customerDetails.personalNumber;
    body.customerDetails.organizationId = BUYER_ORG;
    body.customerDetails.name = 'Nordmann Consulting AS';
    const created = await call(t.url, 'POST', `${CONNECT}/orders/ehf/create`, { token: t.merchant.token, body });
    assert.equal(created.status, 201, created.text);
    const uuid = created.body.data.uuid as string;
    const number = await invoiceNumberOf(t.db, uuid);

    const inv = await deliveredDocument(t.url, t.merchant.token, number);
    assert.equal(inv.deliveryStatus, 'delivered');
    assert.equal(inv.deliveredBy, 'peppol');
    assert.deepEqual(inv.deliveries.map((d: any) => [d.channel, d.outcome]), [['peppol', 'delivered']]);
    const id = t.merchant.merchantId;
    assert.equal(inv.deliveries[0].messageId, `peppol/${id}/${number}.xml`, 'relative to the outbox: no server path in the merchant API');

    const dir = path.join(outbox, 'peppol', String(id));
    const handedOver = fs.readFileSync(path.join(dir, `${number}.xml`));
    assert.ok(handedOver.equals(await ehfOf('invoices', number)), 'the EHF handed to Peppol is the stored one, byte for byte');
    assert.match(handedOver.toString(), new RegExp(`<cac:AccountingCustomerParty>[\\s\\S]*<cbc:EndpointID schemeID="0192">${BUYER_ORG}</cbc:EndpointID>`));
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, `${number}.json`), 'utf8')), {
      senderId: `0192:${SELLER_ORG}`,
      receiverId: `0192:${BUYER_ORG}`,
      documentType: 'Invoice',
      process: 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0',
      file: `${number}.xml`,
    });
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left behind');
    assert.equal(fs.existsSync(path.join(outbox, String(id), `${number}.pdf`)), false, 'delivered once, by the first channel that reached the customer');

    const cancel = await call(t.url, 'POST', `${CONNECT}/orders/cancel/${uuid}`, { token: t.merchant.token, body: { cancellationNote: 'Ordered twice' } });
    assert.equal(cancel.status, 202, cancel.text);
    const creditNumber = await waitFor('the credit note', async () => {
      const list = await call(t.url, 'GET', `${CONNECT}/credit-notes`, { token: t.merchant.token });
      return (list.body.data as Array<{ number: number }>)[0]?.number;
    });
    const note = await deliveredDocument(t.url, t.merchant.token, creditNumber, 'credit-notes');
    assert.equal(note.deliveredBy, 'peppol');
    const noteXml = fs.readFileSync(path.join(dir, `${creditNumber}.xml`));
    assert.ok(noteXml.equals(await ehfOf('credit-notes', creditNumber)));
    assert.match(noteXml.toString(), /<CreditNote /);
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, `${creditNumber}.json`), 'utf8')).documentType, 'CreditNote');
  });

  test('a private customer has no Peppol address: Peppol is passed over (no attempt on record) and the next channel takes the invoice', async () => {
    await setSettings(t.db, t.merchant.merchantId, { deliveryChannels: ['peppol', 'file'] });
    try {
      const created = await call(t.url, 'POST', `${CONNECT}/orders/faktura/create`, { token: t.merchant.token, body: orderBody({ fee: false }) });
      assert.equal(created.status, 201, created.text);
      const number = await invoiceNumberOf(t.db, created.body.data.uuid);
      const inv = await deliveredDocument(t.url, t.merchant.token, number);
      assert.equal(inv.deliveredBy, 'file');
      assert.deepEqual(inv.deliveries.map((d: any) => [d.channel, d.outcome]), [['file', 'delivered']]);
      assert.equal(fs.existsSync(path.join(outbox, 'peppol', String(t.merchant.merchantId), `${number}.xml`)), false);
    } finally {
      await setSettings(t.db, t.merchant.merchantId, { deliveryChannels: ['peppol', 'efaktura', 'email', 'file'] });
    }
  });

  test('Peppol alone for a private customer: tried, and the reason recorded; then undelivered', async () => {
    await setSettings(t.db, t.merchant.merchantId, { deliveryChannels: ['peppol'] });
    try {
      const created = await call(t.url, 'POST', `${CONNECT}/orders/faktura/create`, { token: t.merchant.token, body: orderBody({ fee: false }) });
      const number = await invoiceNumberOf(t.db, created.body.data.uuid);
      const inv = await deliveredDocument(t.url, t.merchant.token, number);
      assert.equal(inv.deliveryStatus, 'undelivered');
      assert.deepEqual(inv.deliveries.map((d: any) => [d.channel, d.outcome]), [['peppol', 'unreachable']]);
      assert.match(inv.deliveries[0].error, /not a business/);
    } finally {
      await setSettings(t.db, t.merchant.merchantId, { deliveryChannels: ['peppol', 'efaktura', 'email', 'file'] });
    }
  });

  test('a business customer is not looked up in eFaktura when a later channel serves it', async () => {
    await setSettings(t.db, t.merchant.merchantId, { deliveryChannels: ['efaktura', 'file'] });
    try {
      const body = orderBody({ fee: false });
      delete body.customerDetails.personalNumber;
      body.customerDetails.organizationId = BUYER_ORG;
      const created = await call(t.url, 'POST', `${CONNECT}/orders/ehf/create`, { token: t.merchant.token, body });
      const number = await invoiceNumberOf(t.db, created.body.data.uuid);
      const inv = await deliveredDocument(t.url, t.merchant.token, number);
      assert.deepEqual(inv.deliveries.map((d: any) => [d.channel, d.outcome]), [['file', 'delivered']]);
    } finally {
      await setSettings(t.db, t.merchant.merchantId, { deliveryChannels: ['peppol', 'efaktura', 'email', 'file'] });
    }
  });
});
