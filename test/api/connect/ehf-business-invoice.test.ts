/**
 * End to end for a business customer (issue 11, SPEC §6.4): an order sent to Send EHF Invoice is invoiced
 * like any other (number series, KID, fee, INVOICED with its callback), and its EHF is a real Peppol BIS
 * Billing 3.0 invoice to 0192:<organizationId> with no fatal finding on either official artefact; its PDF
 * shows the buyer's organisation number; its credit note's EHF passes too. A private customer's EHF keeps
 * the private-buyer convention (the seller's own endpoint). Slow on a first run: it compiles the artefacts
 * (see test/adapters/documents/peppol-validator.ts; EFAKTURA_PEPPOL_DIR if ../shared/peppol is not found).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { extractText, getDocumentProxy } from 'unpdf';
import { exampleOrder, type JsonObject } from '../../fixtures/example-order.ts';
import { DB_LABEL, call, startTestServer, type TestServer } from '../../helpers/harness.ts';
import { CONNECT } from '../../helpers/order-helpers.ts';
import { invoiceAll, orderBody, setSettings } from '../../helpers/invoicing.ts';
import { renderDocuments } from '../../../src/app/invoicing/render-documents.ts';
import { createDocumentRenderers } from '../../../src/adapters/documents/renderers.ts';
import { describe as describeFindings, fatal, validateEhf } from '../../adapters/documents/peppol-validator.ts';

const EHF_PATH = `${CONNECT}/orders/ehf/create`;
const BUYER_ORG = '987654325';

/** A two-line business order at 25 % and 15 % VAT, with the fee. */
function businessBody(): JsonObject {
  const body = orderBody({ lines: [['Konsulenttimer', '7.5', '1187.50', '333.33', '25'], ['Lunsj', '3', '189.00', '0', '15']], fee: true });
  delete body.customerDetails.personalNumber;
  body.customerDetails.organizationId = BUYER_ORG;
  body.customerDetails.name = 'Nordmann Consulting AS';
  body.customerDetails.email = 'faktura@nordmann.example';
  body.referenceNo = 'PO-4711';
  return body;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, parseTagValue: false });

function assertNoFatal(xml: string): void {
  const findings = fatal(validateEhf(xml));
  assert.equal(findings.length, 0, describeFindings(findings));
}

async function pdfText(pdf: Buffer): Promise<string> {
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
  return text.replace(/\s+/g, ' ');
}

describe(`a business customer's invoice as a Peppol EHF (${DB_LABEL})`, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ runWorker: false });
    await setSettings(t.db, t.merchant.merchantId, {
      invoiceFeeOre: 3900, invoiceFeeVatRate: '25', street: 'Storgata 1', zip: '0155', city: 'Oslo', vatRegistered: true,
    });
  });
  after(async () => {
    await t.close();
  });

  const get = (path: string) => call(t.url, 'GET', `${CONNECT}${path}`, { token: t.merchant.token });
  const getBytes = async (path: string): Promise<Buffer> => {
    const res = await fetch(`${t.url}${CONNECT}${path}`, { headers: { authorization: `Bearer ${t.merchant.token}` } });
    assert.equal(res.status, 200, path);
    return Buffer.from(await res.arrayBuffer());
  };
  async function render(number: number, kind: 'invoice' | 'credit_note'): Promise<void> {
    const [row] = await t.db.query<{ id: number }>({
      text: 'SELECT id FROM invoices WHERE merchant_id = $1 AND number = $2 AND kind = $3',
      values: [t.merchant.merchantId, number, kind],
    });
    await renderDocuments(t.db, createDocumentRenderers(), row!.id);
  }

  let invoiceNumber: number;
  let orderUuid: string;

  test('the order is invoiced like any other: INVOICED with a number, a KID and the fee', async () => {
    const created = await call(t.url, 'POST', EHF_PATH, { token: t.merchant.token, body: businessBody() });
    assert.equal(created.status, 201, created.text);
    orderUuid = created.body.data.uuid;
    assert.deepEqual(await invoiceAll(t.db, t.merchant.merchantId, { invoiceDate: '2026-12-01' }), { orders: 1, invoices: 1 });
    const details = (await get(`/orders/details/${orderUuid}`)).body.data;
    assert.equal(details.status, 'INVOICED');
    assert.match(details.kid, /^\d{16}$/);
    invoiceNumber = Number(details.invoiceNumber);
    const invoice = (await get(`/invoices/${invoiceNumber}`)).body.data;
    // The merchant's invoice fee applies to businesses too (README: only consumers are protected by law).
    assert.equal(invoice.fee, '39.00');
    assert.deepEqual(invoice.orders, [orderUuid]);
    const [callback] = await t.db.query<{ status: string }>({
      text: `SELECT c.status FROM callback_events c JOIN orders o ON o.id = c.order_id WHERE o.uuid = $1`,
      values: [orderUuid],
    });
    assert.equal(callback?.status, 'INVOICED');
  });

  test('its EHF is addressed to 0192:<organizationId> and passes both official artefacts with no fatal finding', async () => {
    await render(invoiceNumber, 'invoice');
    const xml = (await getBytes(`/invoices/${invoiceNumber}/ehf`)).toString('utf8');
    const party = parser.parse(xml).Invoice.AccountingCustomerParty.Party;
    assert.deepEqual(party.EndpointID, { '#text': BUYER_ORG, '@schemeID': '0192' });
    assert.deepEqual(party.PartyLegalEntity.CompanyID, { '#text': BUYER_ORG, '@schemeID': '0192' });
    assert.equal(party.PartyLegalEntity.RegistrationName, 'Nordmann Consulting AS');
    assert.equal(party.Contact.ElectronicMail, 'faktura@nordmann.example');
    assertNoFatal(xml);
  });

  test('its PDF shows the buyer organisation number', async () => {
    const text = await pdfText(await getBytes(`/invoices/${invoiceNumber}/pdf`));
    assert.ok(text.includes('Nordmann Consulting AS'), text);
    assert.ok(text.includes('987 654 325'), text);
  });

  test('the credit note of a cancelled business invoice is a valid Peppol CreditNote to the same address', async () => {
    const cancel = await call(t.url, 'POST', `${CONNECT}/orders/cancel/${orderUuid}`, {
      token: t.merchant.token, body: { cancellationNote: 'Feil bestilling' },
    });
    assert.equal(cancel.status, 202, cancel.text);
    const [row] = await t.db.query<{ number: number }>({
      text: `SELECT number FROM invoices WHERE merchant_id = $1 AND kind = 'credit_note' ORDER BY number DESC LIMIT 1`,
      values: [t.merchant.merchantId],
    });
    await render(row!.number, 'credit_note');
    const xml = (await getBytes(`/credit-notes/${row!.number}/ehf`)).toString('utf8');
    const party = parser.parse(xml).CreditNote.AccountingCustomerParty.Party;
    assert.deepEqual(party.EndpointID, { '#text': BUYER_ORG, '@schemeID': '0192' });
    assertNoFatal(xml);
  });

  test("a private customer's EHF keeps the private-buyer convention (the seller's own endpoint, no CompanyID)", async () => {
    const created = await call(t.url, 'POST', `${CONNECT}/orders/faktura/create`, { token: t.merchant.token, body: exampleOrder({ productsAs: 'array' }) });
    assert.equal(created.status, 201);
    await invoiceAll(t.db, t.merchant.merchantId, { invoiceDate: '2026-12-01' });
    const number = Number((await get(`/orders/details/${created.body.data.uuid}`)).body.data.invoiceNumber);
    await render(number, 'invoice');
    const xml = (await getBytes(`/invoices/${number}/ehf`)).toString('utf8');
    const party = parser.parse(xml).Invoice.AccountingCustomerParty.Party;
    assert.deepEqual(party.EndpointID, { '#text': '923609016', '@schemeID': '0192' });
    assert.equal(party.PartyLegalEntity.CompanyID, undefined);
    assertNoFatal(xml);
  });
});
