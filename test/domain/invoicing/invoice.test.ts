import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildInvoiceContent, invoiceFeeLine } from '../../../src/domain/invoicing/invoice.ts';
import type { InvoiceOrder, InvoiceOrderLine } from '../../../src/domain/invoicing/invoice.ts';
import { normalizeVatRate, summarizeVat } from '../../../src/domain/invoicing/vat-summary.ts';
import { fee as anyFee, order as anyOrder } from './arbitraries.ts';

const line = (name: string, amountOre: number, vatOre: number, taxRate: string): InvoiceOrderLine => ({
  name, productId: null, quantity: '1', rateOre: amountOre, discountOre: 0, taxRate, amountOre, vatOre,
});
const hairWash: InvoiceOrder = { uuid: 'ODR1', invoiceFeeApplicable: true, lines: [line('Hair Wash', 5100, 0, '0')] };
const travel: InvoiceOrder = {
  uuid: 'ODR2', invoiceFeeApplicable: false,
  lines: [line('Bus ticket', 450000, 48214, '12'), line('Shampoo', 12500, 2500, '25')],
};

describe('buildInvoiceContent', () => {
  test('one order: its lines as stored, VAT per rate, total without fee when the merchant has none', () => {
    const invoice = buildInvoiceContent([travel], null);
    assert.equal(invoice.feeLine, null);
    assert.equal(invoice.feeOre, 0);
    assert.equal(invoice.totalOre, 462500);
    assert.deepEqual(invoice.lines.map((l) => [l.orderUuid, l.kind, l.description, l.amountOre, l.vatOre]), [
      ['ODR2', 'product', 'Bus ticket', 450000, 48214],
      ['ODR2', 'product', 'Shampoo', 12500, 2500],
    ]);
    assert.deepEqual(invoice.vat, [
      { rate: '12', netOre: 401786, vatOre: 48214, grossOre: 450000 },
      { rate: '25', netOre: 10000, vatOre: 2500, grossOre: 12500 },
    ]);
  });

  test('the fee is its own line with its own VAT rate, computed by the per-line rule', () => {
    const invoice = buildInvoiceContent([hairWash], { amountOre: 2900, vatRate: '25' });
    assert.deepEqual(invoice.feeLine, {
      orderUuid: null, kind: 'fee', description: 'Fakturagebyr', productId: null, quantity: '1',
      unitPriceOre: 2900, discountOre: 0, vatRate: '25', amountOre: 2900, vatOre: 580,
    });
    assert.equal(invoice.totalOre, 8000);
    assert.deepEqual(invoice.vat, [
      { rate: '0', netOre: 5100, vatOre: 0, grossOre: 5100 },
      { rate: '25', netOre: 2320, vatOre: 580, grossOre: 2900 },
    ]);
    assert.equal(invoice.lines.at(-1), invoice.feeLine);
  });

  test('no fee line when the order did not ask for it or the merchant fee is 0', () => {
    assert.equal(buildInvoiceContent([travel], { amountOre: 2900, vatRate: '25' }).feeLine, null);
    assert.equal(buildInvoiceContent([hairWash], { amountOre: 0, vatRate: '25' }).feeLine, null);
  });

  test('a combined invoice groups each order under its own heading and charges the fee once', () => {
    const invoice = buildInvoiceContent([hairWash, travel, { ...hairWash, uuid: 'ODR3' }], { amountOre: 2900, vatRate: '25' });
    assert.deepEqual(invoice.groups.map((g) => [g.orderUuid, g.lines.length, g.totalOre]), [['ODR1', 1, 5100], ['ODR2', 2, 462500], ['ODR3', 1, 5100]]);
    assert.equal(invoice.lines.filter((l) => l.kind === 'fee').length, 1);
    assert.equal(invoice.totalOre, 5100 + 462500 + 5100 + 2900);
  });

  test('rates written differently ("25" and "25.00") are one VAT rate', () => {
    const invoice = buildInvoiceContent([{ ...travel, lines: [line('a', 12500, 2500, '25'), line('b', 100, 20, '25.00')] }], null);
    assert.deepEqual(invoice.vat, [{ rate: '25', netOre: 10080, vatOre: 2520, grossOre: 12600 }]);
  });

  test('rates sort as numbers, not as text', () => {
    const vat = summarizeVat(buildInvoiceContent([{ ...travel, lines: [line('a', 100, 20, '25'), line('b', 100, 0, '0'), line('c', 100, 11, '12'), line('d', 100, 13, '15')] }], null).lines);
    assert.deepEqual(vat.map((v) => v.rate), ['0', '12', '15', '25']);
    assert.equal(normalizeVatRate('11.110'), '11.11');
  });

  test('an invoice needs an order; a fee line needs a fee above 0', () => {
    assert.throws(() => buildInvoiceContent([], null), RangeError);
    assert.throws(() => invoiceFeeLine({ amountOre: 0, vatRate: '25' }), RangeError);
  });
});

describe('properties', () => {
  const orders = fc.array(anyOrder, { minLength: 1, maxLength: 5 });
  const orderTotal = (o: InvoiceOrder) => o.lines.reduce((s, l) => s + l.amountOre, 0);

  test('invoice total = Σ order totals + fee, and the fee appears at most once', () => {
    fc.assert(fc.property(orders, anyFee, (os, fee) => {
      const invoice = buildInvoiceContent(os, fee);
      const expectedFee = fee !== null && fee.amountOre > 0 && os.some((o) => o.invoiceFeeApplicable) ? fee.amountOre : 0;
      return invoice.feeOre === expectedFee
        && invoice.totalOre === os.reduce((s, o) => s + orderTotal(o), 0) + expectedFee
        && invoice.lines.filter((l) => l.kind === 'fee').length === (expectedFee > 0 ? 1 : 0)
        && invoice.groups.every((g, i) => g.totalOre === orderTotal(os[i]!));
    }));
  });

  test('VAT per rate = the orders\' VAT at that rate + the fee VAT; net + vat = gross; totals agree', () => {
    fc.assert(fc.property(orders, anyFee, (os, fee) => {
      const invoice = buildInvoiceContent(os, fee);
      for (const summary of invoice.vat) {
        const orderVat = os.flatMap((o) => o.lines).filter((l) => normalizeVatRate(l.taxRate) === summary.rate).reduce((s, l) => s + l.vatOre, 0);
        const feeVat = invoice.feeLine !== null && normalizeVatRate(invoice.feeLine.vatRate) === summary.rate ? invoice.feeLine.vatOre : 0;
        if (summary.vatOre !== orderVat + feeVat || summary.netOre + summary.vatOre !== summary.grossOre) return false;
      }
      return invoice.vat.reduce((s, v) => s + v.grossOre, 0) === invoice.totalOre;
    }));
  });

  test('combining orders saves the customer every fee but one, and changes nothing else', () => {
    fc.assert(fc.property(orders, fc.integer({ min: 1, max: 10_000 }), (os, amountOre) => {
      const all = os.map((o) => ({ ...o, invoiceFeeApplicable: true }));
      const fee = { amountOre, vatRate: '25' };
      const separate = all.reduce((s, o) => s + buildInvoiceContent([o], fee).totalOre, 0);
      return buildInvoiceContent(all, fee).totalOre === separate - (all.length - 1) * amountOre;
    }));
  });
});
