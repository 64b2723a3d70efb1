/**
 * Delivery through the channels (SPEC §6.5), end to end inside efaktura: an order is invoiced and
 * rendered by the worker, then delivered to a loopback eFaktura network stub, a real SMTP server and a
 * real outbox directory. Covers the fallback chain in each direction, the faults (500, timeout, 5003,
 * SMTP 4xx/5xx) with retries then fallback, the invoice JSON, the signed link, and the credit note that
 * cancels an eFaktura invoice.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractText, getDocumentProxy } from 'unpdf';
import { DB_LABEL, call, startTestServer, type TestServer } from '../helpers/harness.ts';
import { setSettings } from '../helpers/invoicing.ts';
import { startNetworkStub, type NetworkStub } from './network-stub.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';
import { deliveredDocument, freshPersonalNumber, invoiceNumberOf, storeOrderFor } from './helpers.ts';

async function pdfText(pdf: Buffer | Uint8Array): Promise<string> {
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
  return text as unknown as string;
}

describe(`delivery through eFaktura, e-mail and file (${DB_LABEL})`, () => {
  let t: TestServer;
  let net: NetworkStub;
  let smtp: SmtpSink;
  let outbox: string;
  const ORG = '923609016';

  before(async () => {
    net = await startNetworkStub();
    smtp = await startSmtpSink();
    outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'efaktura-outbox-'));
    t = await startTestServer({
      runWorker: true,
      simulatorUrl: net.url,
      smtpUrl: smtp.url,
      outboxDir: outbox,
      deliveryRetrySchedule: [0.05, 0.1],
      // Generous: on a loaded CI machine a 500 ms SMTP exchange can time out, and the chains below are exact.
      deliveryTimeoutMs: 2000,
      mailFrom: 'Faktura <faktura@efaktura.test>',
      publicUrl: 'https://faktura.shop.example',
    });
    await setSettings(t.db, t.merchant.merchantId, { street: 'Storgata 1', zip: '0155', city: 'Oslo', invoiceEmail: 'regnskap@merchant.example' });
  });
  after(async () => {
    await t?.close();
    await net?.close();
    await smtp?.close();
    fs.rmSync(outbox, { recursive: true, force: true });
  });

  const consenting = (personalNumber: string, blockedIssuers: string[] = []) => net.consumers.set(personalNumber, { consent: 'all', blockedIssuers });

  async function invoiceFor(customer: { personalNumber: string; email: string | null; language?: string }): Promise<number> {
    return invoiceNumberOf(t.db, await storeOrderFor(t.db, t.merchant.merchantId, customer));
  }
  const mailTo = (address: string) => smtp.messages.filter((m) => (m.to as { text: string } | undefined)?.text === address);

  test('a customer with eFaktura consent gets the invoice in the network, with KID, amount, due date, account and a working document link', async () => {
    const pn = freshPersonalNumber();
    consenting(pn);
    const number = await invoiceFor({ personalNumber: pn, email: 'efaktura-customer@example.test' });
    const inv = await deliveredDocument(t.url, t.merchant.token, number);
    assert.equal(inv.deliveryStatus, 'delivered');
    assert.equal(inv.deliveredBy, 'efaktura');
    assert.equal(inv.deliveries.length, 1);
    const [attempt] = inv.deliveries;
    assert.equal(attempt.channel, 'efaktura');
    assert.equal(attempt.outcome, 'delivered');
    assert.match(attempt.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.match(attempt.messageId, new RegExp(`^efaktura-${ORG}-\\d+-1$`));

    const shown = net.invoices.get(`${ORG}:${number}`)!;
    assert.deepEqual(
      [shown.socialSecurityNumber, shown.kid, shown.amount, shown.dueDate, shown.accountNumber],
      [pn, inv.kid, inv.total, inv.dueDate, '15032080119'],
    );
    assert.equal(mailTo('efaktura-customer@example.test').length, 0, 'delivered once, by the first channel that reached the customer');
    // The bank fetches the document by its signed link, without a token.
    assert.match(shown.documentUrl, /^https:\/\/faktura\.shop\.example\/d\/\d+\.\d+\.[\w-]{43}$/, 'links name EFAKTURA_PUBLIC_URL');
    const pdf = await fetch(shown.documentUrl.replace('https://faktura.shop.example', t.url));
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    assert.match(await pdfText(Buffer.from(await pdf.arrayBuffer())), new RegExp(`\\b${number}\\b`));
  });

  test('no eFaktura consent: the invoice goes by e-mail, subject and text in the customer language, the PDF attached, Reply-To the merchant', async () => {
    const pn = freshPersonalNumber();
    const number = await invoiceFor({ personalNumber: pn, email: 'no-consent@example.test', language: 'en' });
    const inv = await deliveredDocument(t.url, t.merchant.token, number);
    assert.equal(inv.deliveredBy, 'email');
    assert.deepEqual(inv.deliveries.map((d: any) => [d.channel, d.outcome]), [['efaktura', 'unreachable'], ['email', 'delivered']]);
    assert.match(inv.deliveries[0].error, /no eFaktura consent/);
    const [mail] = mailTo('no-consent@example.test');
    assert.ok(mail, 'the mail arrived');
    assert.equal(mail.subject, `Invoice ${number} from Test Merchant AS`);
    assert.match(mail.text ?? '', new RegExp(`Invoice number: ${number}`));
    assert.match(mail.text ?? '', /\/d\/\d+\.\d+\.[\w-]{43}/);
    assert.equal((mail.replyTo as { text: string }).text, 'regnskap@merchant.example');
    assert.equal(mail.messageId, inv.deliveries[1].messageId);
    assert.equal(mail.attachments.length, 1);
    assert.equal(mail.attachments[0]!.filename, `Invoice-${number}.pdf`);
    assert.equal(mail.attachments[0]!.contentType, 'application/pdf');
    assert.match(await pdfText(mail.attachments[0]!.content), new RegExp(`\\b${number}\\b`));
  });

  test('a Norwegian customer gets a Norwegian subject, a Faktura-<number>.pdf, and the Norwegian text', async () => {
    const number = await invoiceFor({ personalNumber: freshPersonalNumber(), email: 'norsk@example.test', language: 'no' });
    await deliveredDocument(t.url, t.merchant.token, number);
    const [mail] = mailTo('norsk@example.test');
    assert.equal(mail!.subject, `Faktura ${number} fra Test Merchant AS`);
    assert.equal(mail!.attachments[0]!.filename, `Faktura-${number}.pdf`);
    assert.match(mail!.text ?? '', /Å betale: kr/);
  });

  test('a customer who blocked the merchant as issuer gets the invoice by e-mail', async () => {
    const pn = freshPersonalNumber();
    consenting(pn, [ORG]);
    const number = await invoiceFor({ personalNumber: pn, email: 'blocker@example.test' });
    const inv = await deliveredDocument(t.url, t.merchant.token, number);
    assert.equal(inv.deliveredBy, 'email');
    assert.match(inv.deliveries[0].error, /blocked this issuer/);
    assert.equal(mailTo('blocker@example.test').length, 1);
    assert.equal(net.invoices.has(`${ORG}:${number}`), false);
  });

  test('an unknown mailbox (SMTP 550) passes to the file channel at once', async () => {
    smtp.unknownMailboxes.add('gone@example.test');
    const number = await invoiceFor({ personalNumber: freshPersonalNumber(), email: 'gone@example.test' });
    const inv = await deliveredDocument(t.url, t.merchant.token, number);
    assert.deepEqual(inv.deliveries.map((d: any) => [d.channel, d.outcome]), [['efaktura', 'unreachable'], ['email', 'unreachable'], ['file', 'delivered']]);
    assert.match(inv.deliveries[1].error, /SMTP 550/);
  });

  test('SMTP 451 (try later) is retried on the e-mail channel', async () => {
    smtp.tempFail(1);
    const number = await invoiceFor({ personalNumber: freshPersonalNumber(), email: 'later@example.test' });
    const inv = await deliveredDocument(t.url, t.merchant.token, number);
    assert.deepEqual(inv.deliveries.map((d: any) => [d.channel, d.outcome]), [['efaktura', 'unreachable'], ['email', 'failed'], ['email', 'delivered']]);
    assert.match(inv.deliveries[1].error, /451/);
    assert.equal(mailTo('later@example.test').length, 1);
  });

  test('the network answering 500 is retried on eFaktura, and delivered there when it recovers', async () => {
    const pn = freshPersonalNumber();
    consenting(pn);
    net.fail(2, 'http500');
    const number = await invoiceFor({ personalNumber: pn, email: 'flaky-net@example.test' });
    const inv = await deliveredDocument(t.url, t.merchant.token, number);
    assert.deepEqual(inv.deliveries.map((d: any) => [d.channel, d.outcome]), [['efaktura', 'failed'], ['efaktura', 'failed'], ['efaktura', 'delivered']]);
    assert.match(inv.deliveries[0].error, /HTTP 500/);
  });

  test('a network that stays down: the retries are used up, then the invoice goes by e-mail', async () => {
    const pn = freshPersonalNumber();
    consenting(pn);
    net.fail(3, 'http500');
    const number = await invoiceFor({ personalNumber: pn, email: 'net-down@example.test' });
    const inv = await deliveredDocument(t.url, t.merchant.token, number);
    assert.deepEqual(inv.deliveries.map((d: any) => [d.channel, d.outcome]), [['efaktura', 'failed'], ['efaktura', 'failed'], ['efaktura', 'failed'], ['email', 'delivered']]);
    assert.equal(net.invoices.has(`${ORG}:${number}`), false);
  });

  test('a network that does not answer in time is retried like a 500', async () => {
    const pn = freshPersonalNumber();
    consenting(pn);
    net.fail(1, 'timeout');
    const number = await invoiceFor({ personalNumber: pn, email: 'slow-net@example.test' });
    const inv = await deliveredDocument(t.url, t.merchant.token, number);
    assert.deepEqual(inv.deliveries.map((d: any) => [d.channel, d.outcome]), [['efaktura', 'failed'], ['efaktura', 'delivered']]);
    assert.match(inv.deliveries[0].error, /no answer within 2000 ms/);
  });

  test('a 5003 refusal of the consignment is final for eFaktura: the e-mail channel at once, no retry', async () => {
    const pn = freshPersonalNumber();
    consenting(pn);
    net.fail(1, 'reject5003');
    const number = await invoiceFor({ personalNumber: pn, email: 'refused@example.test' });
    const inv = await deliveredDocument(t.url, t.merchant.token, number);
    assert.deepEqual(inv.deliveries.map((d: any) => [d.channel, d.outcome]), [['efaktura', 'unreachable'], ['email', 'delivered']]);
    assert.match(inv.deliveries[0].error, /5003/);
  });

  test('a credit note cancelling an unpaid eFaktura invoice cancels it in the network, and is itself delivered by e-mail', async () => {
    const pn = freshPersonalNumber();
    consenting(pn);
    const uuid = await storeOrderFor(t.db, t.merchant.merchantId, { personalNumber: pn, email: 'cancelled@example.test' });
    const number = await invoiceNumberOf(t.db, uuid);
    await deliveredDocument(t.url, t.merchant.token, number);
    const cancel = await call(t.url, 'POST', `/api/v1/connect/orders/cancel/${uuid}`, { token: t.merchant.token, body: { cancellationNote: 'Changed my mind' } });
    assert.equal(cancel.status, 202, cancel.text);
    const inv = (await call(t.url, 'GET', `/api/v1/connect/invoices/${number}`, { token: t.merchant.token })).body.data;
    const creditNote = inv.creditNotes[0];
    assert.ok(creditNote, 'a credit note was issued');
    const cn = await deliveredDocument(t.url, t.merchant.token, creditNote, 'credit-notes');
    assert.equal(cn.deliveredBy, 'email');
    assert.match(cn.deliveries[0].error, /eFaktura carries invoices only/);
    assert.equal(net.invoices.get(`${ORG}:${number}`)!.status, 'cancelled');
    const after = (await call(t.url, 'GET', `/api/v1/connect/invoices/${number}`, { token: t.merchant.token })).body.data;
    assert.deepEqual(after.deliveries.map((d: any) => [d.channel, d.outcome]), [['efaktura', 'delivered'], ['efaktura', 'cancelled']]);
    assert.equal(after.deliveryStatus, 'delivered');
    const [mail] = mailTo('cancelled@example.test');
    assert.equal(mail!.subject, `Kreditnota ${creditNote} fra Test Merchant AS`);
  });

  test('a tampered, made-up or expired document link is 404 in the error envelope', async () => {
    const number = await invoiceFor({ personalNumber: freshPersonalNumber(), email: 'links@example.test' });
    await deliveredDocument(t.url, t.merchant.token, number);
    const link = /\/d\/(\S+)/.exec(mailTo('links@example.test')[0]!.text ?? '')![1]!;
    assert.equal((await fetch(`${t.url}/d/${link}`)).status, 200);
    const [id, expires, mac] = link.split('.') as [string, string, string];
    for (const bad of [
      `${Number(id) + 1}.${expires}.${mac}`, // another document
      `${id}.${Number(expires) + 86400}.${mac}`, // a longer life
      `${id}.${expires}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`, // a changed signature
      'nothing',
    ]) {
      const res = await call(t.url, 'GET', `/d/${bad}`);
      assert.equal(res.status, 404, bad);
      assert.equal(res.body.is_error, true);
      assert.equal(res.body.message, 'notFound');
      assert.equal(typeof res.body.requestId, 'string');
    }
  });
});

describe(`delivery without SMTP (${DB_LABEL})`, () => {
  let t: TestServer;
  let net: NetworkStub;
  let outbox: string;

  before(async () => {
    net = await startNetworkStub();
    outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'efaktura-outbox-'));
    t = await startTestServer({ runWorker: true, simulatorUrl: net.url, smtpUrl: null, outboxDir: outbox, deliveryRetrySchedule: [0.05], deliveryTimeoutMs: 2000 });
    await setSettings(t.db, t.merchant.merchantId, { street: 'Storgata 1', zip: '0155', city: 'Oslo' });
  });
  after(async () => {
    await t?.close();
    await net?.close();
    fs.rmSync(outbox, { recursive: true, force: true });
  });

  test('no consent and no SMTP server: the e-mail channel is skipped and the invoice lands in the outbox as PDF and EHF', async () => {
    const number = await invoiceNumberOf(t.db, await storeOrderFor(t.db, t.merchant.merchantId, { personalNumber: freshPersonalNumber(), email: 'nosmtp@example.test' }));
    const inv = await deliveredDocument(t.url, t.merchant.token, number);
    assert.equal(inv.deliveredBy, 'file');
    assert.deepEqual(inv.deliveries.map((d: any) => [d.channel, d.outcome]), [['efaktura', 'unreachable'], ['email', 'unreachable'], ['file', 'delivered']]);
    assert.match(inv.deliveries[1].error, /EFAKTURA_SMTP_URL/);
    const dir = path.join(outbox, String(t.merchant.merchantId));
    assert.equal(fs.readFileSync(path.join(dir, `${number}.pdf`)).subarray(0, 5).toString(), '%PDF-');
    assert.match(fs.readFileSync(path.join(dir, `${number}.xml`), 'utf8'), /<Invoice /);
    assert.equal(inv.deliveries[2].messageId, `${t.merchant.merchantId}/${number}.pdf`, 'relative to the outbox: no server path in the merchant API');
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left behind');
  });

  test('an outbox that cannot be written: a clear error in each attempt, retried, then undelivered', async () => {
    await setSettings(t.db, t.merchant.merchantId, { deliveryChannels: ['file'] });
    try {
      // A plain file where the merchant's outbox folder should be: nothing can be written under it.
      const dir = path.join(outbox, String(t.merchant.merchantId));
      fs.rmSync(dir, { recursive: true, force: true });
      fs.writeFileSync(dir, 'not a directory');
      const number = await invoiceNumberOf(t.db, await storeOrderFor(t.db, t.merchant.merchantId, { personalNumber: freshPersonalNumber(), email: 'x@example.test' }));
      const inv = await deliveredDocument(t.url, t.merchant.token, number);
      assert.equal(inv.deliveryStatus, 'undelivered');
      assert.equal(inv.deliveredBy, null);
      assert.deepEqual(inv.deliveries.map((d: any) => [d.channel, d.outcome]), [['file', 'failed'], ['file', 'failed']]);
      assert.match(inv.deliveries[0].error, new RegExp(`cannot write to the outbox directory .*${t.merchant.merchantId}.*EFAKTURA_OUTBOX_DIR`));
      fs.rmSync(dir, { force: true });
    } finally {
      await setSettings(t.db, t.merchant.merchantId, { deliveryChannels: ['efaktura', 'email', 'file'] });
    }
  });
});
