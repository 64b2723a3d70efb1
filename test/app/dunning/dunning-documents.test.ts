/**
 * A reminder's document and its delivery (SPEC §7): the PDF in the customer's language holds the invoice
 * number, KID, amounts and new due date; it is delivered through the merchant's channels — the eFaktura
 * network as a `reminder` with the step's amount and due date, the outbox as `<number>-reminder.pdf` —
 * and the invoice JSON lists the step.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractText, getDocumentProxy } from 'unpdf';
import { DB_LABEL, openTestDb } from '../../helpers/harness.ts';
import { invoiceAll, setSettings, storeOrder } from '../../helpers/invoicing.ts';
import { deliveryDeps, runDueDeliverySteps } from '../../delivery/helpers.ts';
import { invoiceOf, merchantWithAccount } from '../payments/payment-helpers.ts';
import { createDocumentRenderers } from '../../../src/adapters/documents/renderers.ts';
import { createFileOutbox } from '../../../src/adapters/file-outbox/file-outbox.ts';
import { createOutboxAccessPoint } from '../../../src/adapters/peppol/outbox-access-point.ts';
import { renderDunningDocument } from '../../../src/app/dunning/render-dunning-document.ts';
import { runDunning } from '../../../src/app/dunning/run-dunning.ts';
import { invoiceView } from '../../../src/app/invoicing/invoice-view.ts';
import type { Consignment, EfakturaNetwork } from '../../../src/app/delivery/ports.ts';
import { findInvoiceById } from '../../../src/store/invoices.ts';
import { listDeliveries } from '../../../src/store/deliveries.ts';
import { dunningMail } from '../../../src/domain/dunning/texts.ts';
import { parseLateInterestRates } from '../../../src/domain/dunning/rates.ts';

let t: Awaited<ReturnType<typeof openTestDb>>;
let outbox: string;
before(async () => {
  t = await openTestDb();
  outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'efaktura-dunning-outbox-'));
});
after(async () => {
  await t.close();
  fs.rmSync(outbox, { recursive: true, force: true });
});

async function pdfText(pdf: Buffer): Promise<string> {
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
  return (text as unknown as string).replace(/\u00a0/g, ' ');
}

/** A network that takes everything and remembers what it was sent. */
function recordingNetwork(): EfakturaNetwork & { sent: Consignment[] } {
  const sent: Consignment[] = [];
  return {
    sent,
    async lookupRecipient() { return 'reachable'; },
    async sendInvoices(c) {
      sent.push(c);
      return { consignmentId: c.consignmentId, duplicate: false, invoices: c.invoices.map((i) => ({ invoiceNumber: i.invoiceNumber, status: 'accepted' as const })) };
    },
    async consignmentStatus() { return null; },
    async cancelInvoice() {},
  };
}

async function remindedInvoice(language: string, channels: string[], lateInterestRates?: ReturnType<typeof parseLateInterestRates>) {
  const m = await merchantWithAccount(t.db);
  await setSettings(t.db, m.merchantId, { deliveryChannels: channels });
  await storeOrder(t.db, m.merchantId, { fee: false, maturity: 10, language, personalNumber: '01010012345', lines: [['Hårklipp', '1', '1250.00', '0', '25']] });
  await invoiceAll(t.db, m.merchantId, { invoiceDate: '2026-12-01' });
  const invoice = await invoiceOf(t.db, m.merchantId, 1);
  await runDunning(t.db, { asOf: '2026-12-25', merchantId: m.merchantId, actor: 'test', ...(lateInterestRates ? { lateInterestRates } : {}) });
  const [step] = await t.db.query<{ id: number }>({ text: `SELECT id FROM dunning_steps WHERE invoice_id = $1 AND kind = 'reminder'`, values: [invoice.id] });
  await renderDunningDocument(t.db, createDocumentRenderers().dunningPdf!, step!.id);
  const [doc] = await t.db.query<{ content: Uint8Array }>({ text: 'SELECT content FROM dunning_documents WHERE step_id = $1', values: [step!.id] });
  return { ...m, invoice, stepId: step!.id, pdf: Buffer.from(doc!.content) };
}

describe(`reminder documents and their delivery (${DB_LABEL})`, () => {
  test('the Norwegian reminder PDF holds the invoice number, KID, amounts and the new due date', async () => {
    const { invoice, pdf } = await remindedInvoice('no', ['file']);
    const text = await pdfText(pdf);
    assert.match(text, /Betalingspåminnelse/);
    assert.match(text, /Fakturanummer\s*1\b/);
    assert.ok(text.includes(invoice.kid), 'the KID');
    assert.match(text, /1 250,00/, 'the invoice amount');
    assert.match(text, /Purregebyr\s*35,00/);
    assert.match(text, /kr 1 285,00/, 'outstanding + fee');
    assert.match(text, /08\.01\.2027/, 'the new due date: 25 Dec + 14 days');
    assert.match(text, /11\.12\.2026/, 'the original due date');
  });

  test('late-payment interest is printed, with its legal note, only when some is claimed', async () => {
    const none = await pdfText((await remindedInvoice('no', ['file'])).pdf);
    assert.doesNotMatch(none, /Forsinkelsesrente/, 'no rate for December 2026 in the built-in table: no "0,00" interest line');
    const { pdf } = await remindedInvoice('no', ['file'], parseLateInterestRates('2026-07-01=11.75'));
    const text = await pdfText(pdf);
    // 1 250,00 kr × 11.75 % × 14 days (12–25 Dec) / 365 = 5.633… → 5,63
    assert.match(text, /Forsinkelsesrente 12\.12\.2026–25\.12\.2026 \(14 dager\)\s*5,63/);
    assert.match(text, /forsinkelsesrenteloven/);
    assert.match(text, /kr 1 290,63/, 'outstanding + fee + interest');
  });

  test('an English customer gets an English reminder; German falls back to English', async () => {
    for (const language of ['en', 'de']) {
      const { pdf } = await remindedInvoice(language, ['file']);
      const text = await pdfText(pdf);
      assert.match(text, /Payment reminder/);
      assert.match(text, /New due date/);
      assert.match(text, /1,285\.00/);
    }
  });

  test('delivered to the outbox beside the invoice, as <number>-reminder.pdf; the invoice JSON lists it', async () => {
    const { merchantId, invoice, pdf } = await remindedInvoice('no', ['file']);
    const deps = deliveryDeps(t.db, { network: recordingNetwork(), mailer: null, outbox: createFileOutbox(outbox), peppol: createOutboxAccessPoint(outbox) });
    assert.ok((await runDueDeliverySteps(deps)) >= 1);
    const file = path.join(outbox, String(merchantId), '1-reminder.pdf');
    assert.ok(fs.existsSync(file), 'the outbox file exists');
    assert.deepEqual(fs.readFileSync(file), pdf);
    const view = invoiceView((await findInvoiceById(t.db, invoice.id))!);
    assert.deepEqual(view.reminders, [{
      kind: 'reminder', date: '2026-12-25', fee: '35.00', interest: '0.00', dueDate: '2027-01-08', total: '1285.00', deliveryStatus: 'delivered',
    }]);
    assert.equal(view.deliveryStatus, 'pending', "the invoice's own delivery is not the reminder's");
    const listed = (await listDeliveries(t.db, { merchantId, limit: 10 })).map((d) => [d.invoiceNumber, d.kind, d.dunningKind, d.status]);
    assert.deepEqual(listed, [[1, 'invoice', 'reminder', 'delivered']], 'the operator sees it as the reminder of invoice 1');
  });

  test('sent to the eFaktura network as a reminder with the step\'s amount, new due date and the same KID', async () => {
    const network = recordingNetwork();
    const { invoice, pdf } = await remindedInvoice('no', ['efaktura', 'file']);
    const deps = deliveryDeps(t.db, { network, mailer: null, outbox: createFileOutbox(outbox), peppol: createOutboxAccessPoint(outbox) });
    await runDueDeliverySteps(deps);
    const reminder = network.sent.flatMap((c) => c.invoices).find((i) => i.documentType === 'reminder');
    assert.ok(reminder, 'a reminder went to the network');
    assert.equal(reminder.kid, invoice.kid);
    assert.equal(reminder.amount, '1285.00');
    assert.equal(reminder.dueDate, '2027-01-08');
    assert.equal(reminder.invoiceNumber, '1');
    // The bank shows the reminder's own PDF through its signed link.
    const token = /\/d\/(s[^/]+)$/.exec(reminder.documentUrl)?.[1];
    assert.ok(token, reminder.documentUrl);
    const file = await deps.links.pdfFor(token);
    assert.deepEqual(file?.content, pdf);
    assert.equal(file?.filename, '1-reminder.pdf');
    assert.equal(await deps.links.pdfFor(token.slice(1)), null, 'a step token does not open the invoice of the same id');
    assert.equal(await deps.links.pdfFor(`s${token.slice(2)}`), null);
  });

  test('the e-mail subject says reminder', () => {
    const mail = dunningMail({
      kind: 'reminder', language: 'no', invoiceNumber: 7, totalOre: 128500, dueDate: '2027-01-08', kid: '0000000075',
      seller: { legalName: 'Demo AS', accountNumber: '15032080119' },
    });
    assert.equal(mail.subject, 'Betalingspåminnelse: faktura 7 fra Demo AS');
    assert.match(mail.text, /08\.01\.2027/);
    assert.equal(dunningMail({ kind: 'notice', language: 'en', invoiceNumber: 7, totalOre: 1, dueDate: null, kid: null, seller: { legalName: 'D', accountNumber: '1' } }).subject,
      'Debt collection notice: invoice 7 from D');
  });
});
