/**
 * The whole loop (issues #8 and #9), as a merchant and a customer live it: a real server with its worker
 * and the eFaktura simulator in the same process. The customer says yes to eFaktura in the simulator, the
 * merchant sends an order through the API, the worker invoices, renders and delivers it through the
 * `efaktura` channel, the netbank shows it with its PDF, the customer pays (by the control API, and by the
 * netbank's plain HTML form), the bank's OCR giro file of the day holds the payment with the invoice's KID
 * and amount, and importing that file makes the order PAID with its callback. A customer without consent,
 * or one who blocked the merchant, gets the invoice by the next channel (the file outbox).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { CREATE_PATH, DB_LABEL, call, startTestServer, type TestServer } from '../helpers/harness.ts';
import { orderBody, setSettings } from '../helpers/invoicing.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { syntheticPersonalNumber } from '../helpers/efaktura-simulator.ts';
import { deliveredDocument, invoiceNumberOf, waitFor } from '../delivery/helpers.ts';
import { importPaymentFile } from '../../src/app/payments/import-payments.ts';
import { bufferSource, readPaymentFile } from '../../src/app/payments/read-payment-file.ts';

const ADMIN = 'e'.repeat(40);
const ORG = '923609016';
const ACCOUNT = '15032080119';

describe(`the eFaktura loop: order → invoice → netbank → payment → bank file → PAID (${DB_LABEL})`, () => {
  let t: TestServer;
  let sim: string;
  let receiver: Receiver;
  let outbox: string;
  let pnCounter = 700;

  before(async () => {
    receiver = await startReceiver();
    t = await startTestServer({
      runWorker: true,
      simulatorEnabled: true,
      simulatorPort: 0,
      adminToken: ADMIN,
      deliveryRetrySchedule: [0.05, 0.1],
      callbackRetrySchedule: [0, 0.2, 0.4],
    });
    outbox = t.config.outboxDir;
    assert.ok(t.server.simulator, 'the simulator runs in the server process');
    sim = t.server.simulator.url;
    await setSettings(t.db, t.merchant.merchantId, { street: 'Storgata 1', zip: '0155', city: 'Oslo', invoiceEmail: 'regnskap@merchant.example' });
  });
  after(async () => {
    await t?.close();
    await receiver?.close();
    if (outbox) fs.rmSync(outbox, { recursive: true, force: true });
  });

  const simCall = (method: string, path: string, body?: unknown) => call(sim, method, path, body === undefined ? {} : { body });

  async function register(pn: string, consent: 'all' | 'none', blockedIssuers: string[] = []) {
    const res = await simCall('PUT', `/simulator/consumers/${pn}`, { consent, blockedIssuers });
    assert.equal(res.status, 200, res.text);
  }

  /** Creates an order through the merchant API; returns its uuid and its invoice once delivered. */
  async function orderAndDelivery(pn: string, rate: string) {
    const body = orderBody({ personalNumber: pn, fee: false, lines: [['Hair Wash', '1', rate, '0', '25']], callbackUrl: `${receiver.url}/cb/${pn}` });
    const created = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, body });
    assert.equal(created.status, 201, created.text);
    const uuid: string = created.body.data.uuid;
    const number = await invoiceNumberOf(t.db, uuid);
    const invoice = await deliveredDocument(t.url, t.merchant.token, number);
    return { uuid, number, invoice };
  }

  async function orderStatus(uuid: string): Promise<string> {
    const res = await call(t.url, 'GET', `/api/v1/connect/orders/status/${uuid}`, { token: t.merchant.token });
    assert.equal(res.status, 200, res.text);
    return res.body.data.status;
  }

  const callbacksFor = (uuid: string) => receiver.received.filter((r) => Object.fromEntries(r.query).orderUuid === uuid).map((r) => Object.fromEntries(r.query).status);

  async function netbankInvoice(pn: string, number: number) {
    const list = await simCall('GET', `/simulator/consumers/${pn}/invoices`);
    assert.equal(list.status, 200, list.text);
    return list.body.find((i: { invoiceNumber: string; issuerOrgNumber: string }) => i.invoiceNumber === String(number) && i.issuerOrgNumber === ORG);
  }

  async function ocrFile(date: string): Promise<Buffer> {
    const res = await fetch(`${sim}/simulator/bank/${ACCOUNT}/ocr?date=${date}`);
    assert.equal(res.status, 200);
    return Buffer.from(await res.arrayBuffer());
  }

  /** The file's payments as [KID, øre], read by efaktura's own OCR giro reader. */
  async function ocrPayments(file: Buffer): Promise<Array<[string | null, number]>> {
    const out: Array<[string | null, number]> = [];
    for await (const e of readPaymentFile(bufferSource(file))) if (e.event === 'transaction') out.push([e.transaction.kid, e.transaction.amountOre]);
    return out;
  }

  test('consent → delivered as eFaktura → shown in the netbank with its PDF → paid (control API) → OCR file → import (admin API) → PAID with its callback', async () => {
    const pn = syntheticPersonalNumber(pnCounter++);
    await register(pn, 'all');
    const { uuid, number, invoice } = await orderAndDelivery(pn, '1000.00');
    assert.equal(invoice.deliveryStatus, 'delivered');
    assert.equal(invoice.deliveredBy, 'efaktura');

    const shown = await netbankInvoice(pn, number);
    assert.ok(shown, 'the consumer sees the invoice');
    assert.deepEqual(
      [shown.kid, shown.amount, shown.dueDate, shown.accountNumber, shown.status],
      [invoice.kid, invoice.total, invoice.dueDate, ACCOUNT, 'unpaid'],
    );
    const pdf = await fetch(shown.documentUrl);
    assert.equal(pdf.status, 200);
    assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 4).toString('latin1'), '%PDF');

    const paid = await simCall('POST', `/simulator/consumers/${pn}/invoices/${shown.id}/pay`, {});
    assert.equal(paid.status, 201, paid.text);
    assert.equal(paid.body.invoice.status, 'paid');
    const date: string = paid.body.payment.date;

    const file = await ocrFile(date);
    assert.ok((await ocrPayments(file)).some(([kid, ore]) => kid === invoice.kid && ore === Math.round(Number(invoice.total) * 100)), 'the OCR file holds the payment with the KID and amount');

    const imported = await call(t.url, 'POST', '/api/v1/admin/payments/import', {
      token: ADMIN, rawBody: file.toString('latin1'), headers: { 'content-type': 'text/plain' },
    });
    assert.equal(imported.status, 200, imported.text);
    assert.ok(imported.body.data.matched >= 1, imported.text);
    assert.equal(imported.body.data.unmatched, 0);

    assert.equal(await orderStatus(uuid), 'PAID');
    await waitFor('the PAID callback', async () => callbacksFor(uuid).includes('PAID'));
    assert.deepEqual(callbacksFor(uuid), ['INVOICED', 'PAID']);
    const after = await call(t.url, 'GET', `/api/v1/connect/invoices/${number}`, { token: t.merchant.token });
    assert.equal(after.body.data.outstanding ?? '0.00', '0.00');
  });

  test('paid in the netbank with its HTML form (no JavaScript): the day\'s file brings it, a file again changes nothing', async () => {
    const pn = syntheticPersonalNumber(pnCounter++);
    await register(pn, 'all');
    const { uuid, number, invoice } = await orderAndDelivery(pn, '80.00');
    assert.equal(invoice.deliveredBy, 'efaktura');
    const shown = await netbankInvoice(pn, number);

    const page = await fetch(`${sim}/?pn=${pn}`);
    const html = await page.text();
    assert.match(html, /<form method="post" action="\/netbank\/pay"/);
    assert.ok(html.includes(invoice.kid), 'the netbank page shows the KID');
    const form = new URLSearchParams({ personalNumber: pn, invoiceId: String(shown.id), amount: invoice.total.replace('.', ',') }); // as a Norwegian types it
    const posted = await fetch(`${sim}/netbank/pay`, { method: 'POST', body: form, redirect: 'manual' });
    assert.equal(posted.status, 303);
    assert.match(posted.headers.get('location') ?? '', /ok=paid/);
    const paidNow = await netbankInvoice(pn, number);
    assert.equal(paidNow.status, 'paid');

    const date = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(new Date());
    const file = await ocrFile(date);
    assert.ok((await ocrPayments(file)).some(([kid, ore]) => kid === invoice.kid && ore === Math.round(Number(invoice.total) * 100)));

    // The day's file has grown since the first test imported it: its payment is known, only the new one counts.
    const first = await importPaymentFile(t.db, bufferSource(file), { name: 'netbank-day' });
    assert.deepEqual([first.transactions, first.imported, first.duplicates, first.matched], [2, 1, 1, 1]);
    assert.equal(await orderStatus(uuid), 'PAID');
    const again = await importPaymentFile(t.db, bufferSource(file), { name: 'netbank-day' });
    assert.equal(again.imported, 0);
    assert.equal(again.duplicates, again.transactions);
    await waitFor('the PAID callback', async () => callbacksFor(uuid).includes('PAID'));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(callbacksFor(uuid), ['INVOICED', 'PAID']);
  });

  test('consent "none": the invoice goes by the next channel (the file outbox), nothing reaches the netbank', async () => {
    const pn = syntheticPersonalNumber(pnCounter++);
    await register(pn, 'none');
    const { number, invoice } = await orderAndDelivery(pn, '10.00');
    assert.equal(invoice.deliveryStatus, 'delivered');
    assert.equal(invoice.deliveredBy, 'file');
    assert.deepEqual(invoice.deliveries.map((d: { channel: string }) => d.channel).at(-1), 'file');
    assert.ok(fs.existsSync(`${outbox}/${t.merchant.merchantId}/${number}.pdf`));
    assert.equal(await netbankInvoice(pn, number), undefined);
  });

  test('the customer blocked the merchant: the invoice goes by the next channel (the file outbox)', async () => {
    const pn = syntheticPersonalNumber(pnCounter++);
    await register(pn, 'all', [ORG]);
    const { number, invoice } = await orderAndDelivery(pn, '10.00');
    assert.equal(invoice.deliveryStatus, 'delivered');
    assert.equal(invoice.deliveredBy, 'file');
    assert.ok(fs.existsSync(`${outbox}/${t.merchant.merchantId}/${number}.pdf`));
    assert.equal(await netbankInvoice(pn, number), undefined);
  });
});
