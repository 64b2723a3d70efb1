/**
 * The EHF's structure and arithmetic without the (slow) official artefacts: what a Norwegian receiver
 * reads (KID, account, NO…MVA, endpoints), exact sums for any lines, and customer text that cannot
 * change the XML.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { create } from 'xmlbuilder2';
import { buildEhf } from '../../../src/adapters/documents/ehf/build-ehf.ts';
import { ehfAmount, ehfLineAmounts } from '../../../src/adapters/documents/ehf/ehf-amounts.ts';
import { invoiceDocument, line, ORDER_A } from './sample-documents.ts';

const one = (xml: string, pattern: RegExp): string => pattern.exec(xml)?.[1] ?? assert.fail(`${pattern} not in EHF`);

test('an invoice carries the KID as PaymentID, the account, NO<orgnr>MVA and Foretaksregisteret', () => {
  const xml = buildEhf(invoiceDocument({ kid: '000004200001042-' }));
  assert.equal(one(xml, /<cbc:PaymentMeansCode>(\d+)</), '30');
  assert.equal(one(xml, /<cbc:PaymentID>([^<]+)</), '000004200001042-');
  assert.equal(one(xml, /<cac:PayeeFinancialAccount>\s*<cbc:ID>(\d+)</), '12345678903');
  assert.match(xml, /<cbc:CompanyID>NO123456785MVA<\/cbc:CompanyID>/);
  assert.match(xml, /<cbc:CompanyID>Foretaksregisteret<\/cbc:CompanyID>/);
});

test("a private buyer is addressed to the seller's own 0192 endpoint with the buyer's e-mail as contact", () => {
  const xml = buildEhf(invoiceDocument());
  const customer = one(xml, /<cac:AccountingCustomerParty>([\s\S]*?)<\/cac:AccountingCustomerParty>/);
  assert.equal(one(customer, /<cbc:EndpointID schemeID="0192">(\d+)</), '123456785');
  assert.equal(one(customer, /<cbc:ElectronicMail>([^<]+)</), 'ase.baerheim@example.no');
  assert.doesNotMatch(customer, /CompanyID/);
});

test('a business buyer is addressed to 0192:<its org number>', () => {
  const customer = one(buildEhf(invoiceDocument({ businessBuyer: true })), /<cac:AccountingCustomerParty>([\s\S]*?)<\/cac:AccountingCustomerParty>/);
  assert.equal(one(customer, /<cbc:EndpointID schemeID="0192">(\d+)</), '987654325');
  assert.equal(one(customer, /<cbc:CompanyID schemeID="0192">(\d+)</), '987654325');
});

test('a credit note is a CreditNote (381) referencing the credited invoice, with no payment means', () => {
  const xml = buildEhf(invoiceDocument({ kind: 'creditNote', fee: null }));
  assert.match(xml, /<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/);
  assert.equal(one(xml, /<cbc:CreditNoteTypeCode>(\d+)</), '381');
  assert.equal(one(xml, /<cac:InvoiceDocumentReference>\s*<cbc:ID>(\d+)</), '1042');
  assert.doesNotMatch(xml, /PaymentMeans|InvoiceLine|DueDate/);
  assert.match(xml, /<cbc:CreditedQuantity unitCode="C62">2<\/cbc:CreditedQuantity>/);
});

test('amounts are written with two decimals and a point', () => {
  assert.equal(ehfAmount(0), '0.00');
  assert.equal(ehfAmount(5), '0.05');
  assert.equal(ehfAmount(123456), '1234.56');
  assert.equal(ehfAmount(-1050), '-10.50');
});

test('for any line, quantity × net price − allowance is within 0.02 of the line net (PEPPOL-EN16931-R120) and the net is exact', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 99_999 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 10_000_000 }),
      fc.constantFrom('25', '15', '12', '0', '11.11'),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (quantityUnits, quantityScale, unitPriceOre, vatRate, discountShare) => {
        const quantity = quantityScale === 0 ? String(quantityUnits) : (quantityUnits / 10 ** quantityScale).toFixed(quantityScale);
        const gross = Math.round((Number(quantity) * unitPriceOre));
        const discountOre = Math.floor(gross * discountShare);
        const documentLine = line({ description: 'x', quantity, unitPriceOre, discountOre, vatRate });
        const amounts = ehfLineAmounts(documentLine);
        assert.equal(amounts.netOre, documentLine.amountOre - documentLine.vatOre);
        const computedOre = Number(quantity) * Number(amounts.netPrice) * 100 - amounts.allowanceNetOre;
        assert.ok(Math.abs(computedOre - amounts.netOre) <= 2, `${quantity} × ${amounts.netPrice} − ${amounts.allowanceNetOre} vs ${amounts.netOre}`);
        assert.ok(Number(amounts.netPrice) >= 0);
      },
    ),
    { numRuns: 500 },
  );
});

test('any customer text stays text: the EHF parses and gives the text back (control characters dropped)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 40 }), (description, name) => {
      const document = invoiceDocument({ groups: [{ orderUuid: ORDER_A, orderDate: '2026-03-01', referenceNo: null, lines: [line({ description, unitPriceOre: 1000 })] }] });
      document.buyer = { ...document.buyer, name };
      const parsed = create(buildEhf(document)).end({ format: 'object' }) as Record<string, any>;
      const invoice = parsed['Invoice'];
      const xmlSafe = (text: string): string => text.replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '');
      const lineName = [invoice['cac:InvoiceLine']].flat()[0]['cac:Item']['cbc:Name'];
      const text = (value: unknown): string => (typeof value === 'string' ? value : value && typeof value === 'object' && '#' in value ? String((value as any)['#']) : '');
      assert.equal(text(lineName).trim(), xmlSafe(description).trim());
      assert.equal([invoice['cac:InvoiceLine']].flat().length, 2, 'the product line and the fee line, nothing injected');
    }),
    { numRuns: 100 },
  );
});
