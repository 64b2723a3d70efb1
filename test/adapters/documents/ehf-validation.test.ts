/**
 * Every kind of EHF efaktura writes passes the official Peppol BIS Billing 3.0 artefacts (CEN EN 16931
 * and Peppol incl. NO-R-*) with no fatal finding (SPEC §6.4). Own file because it is the slow one: the
 * first run compiles both stylesheets into .cache/peppol/ (~25 s on an idle machine), after that each
 * document takes ~0.2 s for both.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe as suite, test } from 'node:test';
import { buildEhf } from '../../../src/adapters/documents/ehf/build-ehf.ts';
import type { InvoiceDocument } from '../../../src/domain/documents/invoice-document.ts';
import { renderInvoicePdf } from '../../../src/adapters/documents/pdf/render-invoice-pdf.ts';
import { describe, fatal, PEPPOL_DIR, validateEhf } from './peppol-validator.ts';
import { DB_LABEL, createMerchant, openTestDb } from '../../helpers/harness.ts';
import { invoiceAll, setSettings, storeOrder } from '../../helpers/invoicing.ts';
import { cancelOrder } from '../../../src/app/orders/cancel-order.ts';
import { findInvoice } from '../../../src/store/invoices.ts';
import { systemClock } from '../../../src/clock.ts';
import { combinedGroups, feeLine, invoiceDocument, line, manyLines, mixedRateLines, ORDER_A } from './sample-documents.ts';

function assertNoFatal(xml: string): void {
  const findings = fatal(validateEhf(xml));
  assert.equal(findings.length, 0, describe(findings));
}

const oneGroup = (lines: InvoiceDocument['groups'][number]['lines']): InvoiceDocument['groups'] => [
  { orderUuid: ORDER_A, orderDate: '2026-03-01', referenceNo: null, lines },
];

const cases: [string, InvoiceDocument][] = [
  ['one VAT rate, no fee', invoiceDocument({ groups: oneGroup([line({ description: 'Genser', quantity: '2', unitPriceOre: 49900 })]), fee: null })],
  ['mixed 25/15/12/0 % with the fee', invoiceDocument({ groups: oneGroup(mixedRateLines()) })],
  [
    'discounts, fractional quantities and awkward prices',
    invoiceDocument({
      groups: oneGroup([
        line({ description: 'Konsulenttimer', quantity: '7.5', unitPriceOre: 118750, discountOre: 33333, vatRate: '25' }),
        line({ description: 'Kaffe', quantity: '3', unitPriceOre: 3333, discountOre: 1, vatRate: '15' }),
        line({ description: 'Taxi', quantity: '1', unitPriceOre: 101, discountOre: 100, vatRate: '12' }),
        line({ description: 'Mange småting', quantity: '12345', unitPriceOre: 7, vatRate: '25' }),
      ]),
    }),
  ],
  ['a fee at its own rate', invoiceDocument({ fee: line({ description: 'Fee', unitPriceOre: 2500, vatRate: '0' }, null, 'fee') })],
  ['a combined invoice of three orders', invoiceDocument({ language: 'en', groups: combinedGroups(), fee: feeLine(4900) })],
  ['a MOD11 KID with "-" as check digit', invoiceDocument({ kid: '000004200001042-' })],
  ['a business buyer with an organisation number', invoiceDocument({ businessBuyer: true })],
  ['60 lines at every rate', invoiceDocument({ groups: oneGroup(manyLines(60)) })],
  ['a credit note of an invoice', invoiceDocument({ kind: 'creditNote', fee: null })],
  ['a credit note of a combined invoice with its fee, business buyer', invoiceDocument({ kind: 'creditNote', groups: combinedGroups(), businessBuyer: true })],
];

suite('EHF against the official Peppol artefacts', () => {
  for (const [name, document] of cases) {
    test(`${name}: no fatal finding on CEN or Peppol`, () => assertNoFatal(buildEhf(document)));
  }

  test('random lines (quantities, prices, discounts, rates) give EHFs with no fatal finding', () => {
    const randomLine = fc
      .record({
        quantity: fc.oneof(fc.integer({ min: 1, max: 500 }).map(String), fc.integer({ min: 1, max: 9999 }).map((n) => (n / 100).toFixed(2))),
        unitPriceOre: fc.integer({ min: 1, max: 5_000_000 }),
        discountShare: fc.double({ min: 0, max: 0.9, noNaN: true }),
        vatRate: fc.constantFrom('25', '15', '12', '0'),
      })
      .map(({ quantity, unitPriceOre, discountShare, vatRate }) =>
        line({ description: 'Vare', quantity, unitPriceOre, vatRate, discountOre: Math.floor(Number(quantity) * unitPriceOre * discountShare) }),
      );
    fc.assert(
      fc.property(fc.array(randomLine, { minLength: 1, maxLength: 12 }), fc.boolean(), (lines, credit) => {
        assertNoFatal(buildEhf(invoiceDocument({ kind: credit ? 'creditNote' : 'invoice', groups: oneGroup(lines) })));
      }),
      { numRuns: 12 },
    );
  });

  test('an invoice with its PDF embedded as an attachment has no fatal finding', async () => {
    const document = invoiceDocument();
    assertNoFatal(buildEhf(document, { pdf: await renderInvoicePdf(document) }));
  });

  test('the official examples pass, and changing one amount in them is a fatal finding', () => {
    for (const example of ['Norwegian-example-1.xml', 'base-example.xml', 'base-creditnote-correction.xml']) {
      const xml = readFileSync(path.join(PEPPOL_DIR, 'examples', example), 'utf8');
      assert.equal(fatal(validateEhf(xml)).length, 0, `${example} should be valid`);
      const broken = xml.replace(/(<cbc:PayableAmount currencyID="\w+">)([\d.]+)/, (_, tag: string, amount: string) => `${tag}${(Number(amount) + 1).toFixed(2)}`);
      assert.notEqual(broken, xml);
      const ids = fatal(validateEhf(broken)).map((finding) => finding.id);
      assert.ok(ids.includes('BR-CO-16'), `${example} with a changed PayableAmount: ${ids.join(', ')}`);
    }
  });

  test('our own document with one line amount changed is caught', () => {
    const xml = buildEhf(invoiceDocument());
    const broken = xml.replace(/(<cac:InvoiceLine>[\s\S]*?<cbc:LineExtensionAmount currencyID="NOK">)([\d.]+)/, (_, head: string, amount: string) => `${head}${(Number(amount) + 0.5).toFixed(2)}`);
    const ids = fatal(validateEhf(broken)).map((finding) => finding.id);
    assert.ok(ids.includes('BR-CO-10'), ids.join(', '));
  });
});

// The documents the real pipeline issues — orders through the validator and the store, numbered, with KID,
// fee and VAT by the invoicing rules, a combined invoice and a credit note — pass too.
suite(`EHF of documents issued end to end (${DB_LABEL})`, () => {
  test('a combined mixed-rate MOD11 invoice with fee, and the credit note of one of its orders: 0 fatal', async () => {
    const t = await openTestDb();
    try {
      const m = await createMerchant(t.db);
      await setSettings(t.db, m.merchantId, {
        street: 'Karl Johans gate 22', zip: '0159', city: 'Oslo', vatRegistered: true, foretaksregisteret: true,
        invoiceEmail: 'faktura@example.no', invoiceFeeOre: 3900, invoiceFeeVatRate: '25', kidCheck: 'mod11',
      });
      const lines: Array<[string, string, string, string, string]> = [
        ['Hårklipp', '1', '699.00', '50.00', '25'], ['Sjampo', '2', '189.50', '0', '15'], ['Buss', '1', '42.00', '0', '12'], ['Avis', '1', '30.00', '0', '0'],
      ];
      const a = await storeOrder(t.db, m.merchantId, { interval: 1, separate: false, personalNumber: '01010199999', lines });
      await storeOrder(t.db, m.merchantId, { interval: 1, separate: false, personalNumber: '01010199999', lines: [['Farge', '1.5', '800.00', '0', '25']] });
      await invoiceAll(t.db, m.merchantId, { interval: 1 });
      await cancelOrder(t.db, systemClock, m.merchantId, a.uuid, 'Kunden angret');
      const invoice = (await findInvoice(t.db, m.merchantId, 'invoice', 1))!;
      const creditNote = (await findInvoice(t.db, m.merchantId, 'credit_note', 2))!;
      assert.equal(invoice.content.groups.length, 2);
      assert.ok(invoice.kid!.length === 16);
      for (const document of [invoice.content, creditNote.content]) assertNoFatal(buildEhf(document));
    } finally {
      await t.close();
    }
  });
});
