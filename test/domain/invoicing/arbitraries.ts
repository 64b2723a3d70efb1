/** fast-check generators of order lines and orders as the store holds them (server figures, SPEC §5). */
import fc from 'fast-check';
import { parseDecimal } from '../../../src/domain/money/money.ts';
import { computeLine } from '../../../src/domain/money/totals.ts';
import type { InvoiceOrder, InvoiceOrderLine } from '../../../src/domain/invoicing/invoice.ts';

export const vatRate = fc.constantFrom('0', '12', '15', '25');

export const orderLine: fc.Arbitrary<InvoiceOrderLine> = fc
  .record({
    quantity: fc.constantFrom('1', '2', '3', '0.5', '1.25', '10'),
    rateOre: fc.integer({ min: 1, max: 5_000_000 }),
    discountPercent: fc.integer({ min: 0, max: 50 }),
    taxRate: vatRate,
    name: fc.string({ minLength: 1, maxLength: 20 }),
  })
  .map(({ quantity, rateOre, discountPercent, taxRate, name }) => {
    const q = parseDecimal(quantity)!;
    const gross = computeLine({ quantity: q, rateOre, discountOre: 0, taxPercent: parseDecimal(taxRate)! }).grossOre;
    const discountOre = Math.floor((gross * discountPercent) / 100);
    const totals = computeLine({ quantity: q, rateOre, discountOre, taxPercent: parseDecimal(taxRate)! });
    return { name, productId: null, quantity, rateOre, discountOre, taxRate, amountOre: totals.amountOre, vatOre: totals.vatOre };
  });

export const order: fc.Arbitrary<InvoiceOrder> = fc.record({
  uuid: fc.uuid(),
  invoiceFeeApplicable: fc.boolean(),
  lines: fc.array(orderLine, { minLength: 1, maxLength: 8 }),
});

export const fee = fc.option(fc.record({ amountOre: fc.integer({ min: 0, max: 10_000 }), vatRate }), { nil: null });
