import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildInvoiceContent } from '../../../src/domain/invoicing/invoice.ts';
import type { InvoiceOrder, InvoiceOrderLine } from '../../../src/domain/invoicing/invoice.ts';
import { cancellationCreditNote, creditNoteContent, invoiceLineIndex, remainingOre } from '../../../src/domain/invoicing/credit-note.ts';
import { lineVatOre } from '../../../src/domain/money/totals.ts';
import { parseDecimal } from '../../../src/domain/money/money.ts';
import { order as anyOrder } from './arbitraries.ts';

const line = (name: string, quantity: string, rateOre: number, amountOre: number, vatOre: number, taxRate: string): InvoiceOrderLine => ({
  name, productId: null, quantity, rateOre, discountOre: 0, taxRate, amountOre, vatOre,
});
const first: InvoiceOrder = {
  uuid: 'ODR1', invoiceFeeApplicable: true,
  lines: [line('Haircut', '2', 25000, 50000, 10000, '25'), line('Bus ticket', '1', 450000, 450000, 48214, '12')],
};
const second: InvoiceOrder = { uuid: 'ODR2', invoiceFeeApplicable: true, lines: [line('Hair Wash', '1', 5100, 5100, 0, '0')] };
const fee = { amountOre: 2900, vatRate: '25' };
const combined = buildInvoiceContent([first, second], fee); // lines: 0 Haircut, 1 Bus ticket, 2 Hair Wash, 3 fee

describe('cancellationCreditNote', () => {
  test('cancelling one order of a combined invoice credits all its lines as they were, and keeps the fee', () => {
    const note = cancellationCreditNote(combined, { cancelling: ['ODR1'] })!;
    assert.deepEqual(note.lines, combined.lines.slice(0, 2));
    assert.equal(note.totalOre, 500000);
    assert.equal(note.creditsFee, false);
    assert.deepEqual(note.vat, [
      { rate: '12', netOre: 401786, vatOre: 48214, grossOre: 450000 },
      { rate: '25', netOre: 40000, vatOre: 10000, grossOre: 50000 },
    ]);
  });
  test('cancelling the last order on it credits the fee too: the invoice is void as a whole', () => {
    const note = cancellationCreditNote(combined, { cancelling: ['ODR2'], previouslyCancelled: ['ODR1'] })!;
    assert.deepEqual(note.lines.map((l) => l.kind), ['product', 'fee']);
    assert.equal(note.creditsFee, true);
    assert.equal(note.totalOre, 5100 + 2900);
  });
  test('cancelling every order at once credits the whole invoice', () => {
    const note = cancellationCreditNote(combined, { cancelling: ['ODR1', 'ODR2'] })!;
    assert.equal(note.totalOre, combined.totalOre);
    assert.deepEqual(note.vat, combined.vat);
  });
  test('what earlier refunds took is not credited again', () => {
    const invoice = buildInvoiceContent([first], null);
    const note = cancellationCreditNote(invoice, { cancelling: ['ODR1'], creditedOre: [50000, 100000] })!;
    assert.deepEqual(note.lines.map((l) => [l.description, l.amountOre]), [['Bus ticket', 350000]]);
    assert.equal(cancellationCreditNote(invoice, { cancelling: ['ODR1'], creditedOre: [50000, 450000] }), null);
  });
  test('an order that is not on the invoice is refused', () => {
    assert.throws(() => cancellationCreditNote(combined, { cancelling: ['ODR9'] }), /not on this invoice/);
  });
});

describe('creditNoteContent (refunds)', () => {
  test('a partial amount is one unit of that amount, its VAT by the per-line rule', () => {
    const note = creditNoteContent(combined, [{ lineIndex: 1, ore: 100000 }]);
    assert.deepEqual(note.lines[0], {
      orderUuid: 'ODR1', kind: 'product', description: 'Bus ticket', productId: null, quantity: '1',
      unitPriceOre: 100000, discountOre: 0, vatRate: '12', amountOre: 100000, vatOre: 10714, // 1000 × 12/112 = 107.142…
    });
    assert.equal(note.totalOre, 100000);
    assert.deepEqual(note.vat, [{ rate: '12', netOre: 89286, vatOre: 10714, grossOre: 100000 }]);
  });
  test('a whole line keeps its quantity, price and discount', () => {
    const note = creditNoteContent(combined, [{ lineIndex: 0, ore: 50000 }]);
    assert.deepEqual(note.lines[0], combined.lines[0]);
  });
  test('the last part of a line credited in parts carries the VAT the parts left over', () => {
    const invoice = buildInvoiceContent([{ ...second, lines: [line('Pin', '1', 3, 3, 1, '25')] }], null); // 0.6 øre VAT → 1
    const a = creditNoteContent(invoice, [{ lineIndex: 0, ore: 1 }]);
    const b = creditNoteContent(invoice, [{ lineIndex: 0, ore: 1 }], [1]);
    const c = creditNoteContent(invoice, [{ lineIndex: 0, ore: 1 }], [2]);
    // VAT of the first 1, 2, 3 øre: 0.2 → 0, 0.4 → 0, the whole line → 1; each part gets the difference.
    assert.deepEqual([a.lines[0]!.vatOre, b.lines[0]!.vatOre, c.lines[0]!.vatOre], [0, 0, 1]);
  });
  test('refuses more than is left, a line twice, an unknown line, nothing at all', () => {
    assert.throws(() => creditNoteContent(combined, [{ lineIndex: 0, ore: 50001 }]), RangeError);
    assert.throws(() => creditNoteContent(combined, [{ lineIndex: 0, ore: 1 }], [50000]), RangeError);
    assert.throws(() => creditNoteContent(combined, [{ lineIndex: 0, ore: 1 }, { lineIndex: 0, ore: 1 }]), /twice/);
    assert.throws(() => creditNoteContent(combined, [{ lineIndex: 9, ore: 1 }]), RangeError);
    assert.throws(() => creditNoteContent(combined, [{ lineIndex: 0, ore: 0 }]), RangeError);
    assert.throws(() => creditNoteContent(combined, []), RangeError);
  });
  test('invoiceLineIndex finds an order line on a combined invoice', () => {
    assert.equal(invoiceLineIndex(combined, 'ODR1', 1), 1);
    assert.equal(invoiceLineIndex(combined, 'ODR2', 0), 2);
    assert.throws(() => invoiceLineIndex(combined, 'ODR2', 1), RangeError);
    assert.throws(() => invoiceLineIndex(combined, 'ODR3', 0), RangeError);
  });
});

describe('properties', () => {
  test('a line credited in any parts: amounts and VAT add up to the line exactly', () => {
    fc.assert(fc.property(anyOrder, fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 6 }), (order, weights) => {
      const invoice = buildInvoiceContent([order], null);
      const target = invoice.lines[0]!;
      if (target.amountOre === 0) return true;
      const total = weights.reduce((s, w) => s + w, 0);
      const parts = weights.map((w) => Math.floor((target.amountOre * w) / total));
      parts[parts.length - 1]! += target.amountOre - parts.reduce((s, p) => s + p, 0);
      let credited = 0;
      let vat = 0;
      for (const ore of parts.filter((p) => p > 0)) {
        const note = creditNoteContent(invoice, [{ lineIndex: 0, ore }], [credited]);
        if (credited === 0 && note.lines[0]!.vatOre !== (ore === target.amountOre ? target.vatOre : lineVatOre(ore, parseDecimal(target.vatRate)!))) return false;
        credited += ore;
        vat += note.lines[0]!.vatOre;
      }
      return credited === target.amountOre && vat === target.vatOre && remainingOre(invoice, [credited])[0] === 0;
    }));
  });

  test('cancelling every order credits exactly the invoice: total, VAT per rate, net + vat = gross', () => {
    fc.assert(fc.property(fc.uniqueArray(anyOrder, { minLength: 1, maxLength: 4, selector: (o) => o.uuid }), fc.integer({ min: 0, max: 5000 }), (orders, amountOre) => {
      const invoice = buildInvoiceContent(orders, { amountOre, vatRate: '25' });
      const note = cancellationCreditNote(invoice, { cancelling: orders.map((o) => o.uuid) });
      // The generated lines are all above 0 øre, so every line is credited.
      return note !== null && note.totalOre === invoice.totalOre
        && JSON.stringify(note.vat) === JSON.stringify(invoice.vat)
        && note.vat.every((v) => v.netOre + v.vatOre === v.grossOre)
        && note.creditsFee === (invoice.feeLine !== null);
    }));
  });
});
