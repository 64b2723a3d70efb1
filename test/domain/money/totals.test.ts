import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDecimal } from '../../../src/domain/money/money.ts';
import type { Decimal } from '../../../src/domain/money/money.ts';
import { computeLine, computeSummary, lineGrossOre, lineVatOre, roundHalfUp } from '../../../src/domain/money/totals.ts';

const dec = (text: string): Decimal => parseDecimal(text)!;
const line = (quantity: string, rateOre: number, discountOre: number, tax: string) =>
  computeLine({ quantity: dec(quantity), rateOre, discountOre, taxPercent: dec(tax) });

describe('roundHalfUp', () => {
  test('rounds halves away from zero and everything else to the nearest integer', () => {
    assert.equal(roundHalfUp(5n, 2n), 3n);
    assert.equal(roundHalfUp(-5n, 2n), -3n);
    assert.equal(roundHalfUp(7n, 3n), 2n);
    assert.equal(roundHalfUp(8n, 3n), 3n);
    assert.equal(roundHalfUp(-7n, 3n), -2n);
    assert.equal(roundHalfUp(0n, 7n), 0n);
  });
});

describe('computeLine', () => {
  test("the docs' vector: 1 × 4500.00 at 12 % holds 482.14 VAT, 4017.86 net", () => {
    assert.deepEqual(line('1', 450000, 0, '12'), { grossOre: 450000, discountOre: 0, amountOre: 450000, vatOre: 48214, netOre: 401786 });
  });

  test("the documented example line: 1 × 51 at 0 % has no VAT", () => {
    assert.deepEqual(line('1', 5100, 0, '0'), { grossOre: 5100, discountOre: 0, amountOre: 5100, vatOre: 0, netOre: 5100 });
  });

  test('25 % VAT of a VAT-inclusive amount is one fifth', () => {
    assert.equal(line('1', 12500, 0, '25').vatOre, 2500);
    assert.equal(line('2', 10000, 5000, '25').vatOre, 3000); // 150.00 incl. VAT
  });

  test('the discount comes off the line total, not per unit', () => {
    const l = line('3', 1000, 500, '0');
    assert.equal(l.grossOre, 3000);
    assert.equal(l.amountOre, 2500);
  });

  test('a fractional quantity is rounded half-up to øre', () => {
    assert.equal(line('0.5', 3, 0, '0').amountOre, 2); // 1.5 øre → 2
    assert.equal(line('1.3333', 1000, 0, '0').amountOre, 1333); // 1333.3 øre
    assert.equal(line('2.25', 999, 0, '0').amountOre, 2248); // 2247.75 øre
  });

  test('VAT is rounded half-up per line', () => {
    assert.equal(lineVatOre(100, dec('25')), 20);
    assert.equal(lineVatOre(1, dec('25')), 0); // 0.2 øre
    assert.equal(lineVatOre(3, dec('25')), 1); // 0.6 øre
    assert.equal(lineVatOre(56, dec('12')), 6); // exactly 6
    assert.equal(lineVatOre(1000, dec('11.11')), 100); // 1000 × 11.11 / 111.11 = 99.99…
    assert.equal(lineVatOre(15, dec('15')), 2); // 1.956…
  });

  test('a credit line (negative quantity) mirrors the sale exactly', () => {
    const sale = line('1', 450000, 0, '12');
    const credit = line('-1', 450000, 0, '12');
    assert.deepEqual(credit, { grossOre: -450000, discountOre: 0, amountOre: -450000, vatOre: -48214, netOre: -401786 });
    assert.equal(credit.vatOre, -sale.vatOre);
  });

  test('refuses a negative VAT rate and results beyond a safe integer', () => {
    assert.throws(() => line('1', 100, 0, '-100'), RangeError);
    assert.throws(() => line('1000000000', Number.MAX_SAFE_INTEGER, 0, '0'), RangeError);
  });

  test('lineGrossOre exposes quantity × rate as a bigint for bound checks', () => {
    assert.equal(lineGrossOre(dec('1000000000'), 100_000_000_000), 100_000_000_000_000_000_000n);
  });
});

describe('computeSummary', () => {
  test("the docs' vector: subTotal 4017.86, totalTax 482.14, grandTotal 4500.00", () => {
    assert.deepEqual(computeSummary([line('1', 450000, 0, '12')]), {
      subTotalOre: 401786, totalTaxOre: 48214, totalDiscountOre: 0, grandTotalOre: 450000,
    });
  });

  test('sums VAT per line, which can differ from VAT of the total', () => {
    const lines = [line('1', 3, 0, '25'), line('1', 3, 0, '25'), line('1', 3, 0, '25')];
    // each line: 0.6 øre → 1; the sum 9 øre would give 1.8 → 2
    assert.equal(computeSummary(lines).totalTaxOre, 3);
  });

  test('totals discounts and mixes rates', () => {
    const s = computeSummary([line('2', 10000, 1000, '25'), line('1', 4500, 0, '15'), line('3', 100, 0, '0')]);
    assert.deepEqual(s, { grandTotalOre: 19000 + 4500 + 300, totalTaxOre: 3800 + 587, totalDiscountOre: 1000, subTotalOre: 23800 - 4387 });
  });

  test('an empty order sums to zero', () => {
    assert.deepEqual(computeSummary([]), { subTotalOre: 0, totalTaxOre: 0, totalDiscountOre: 0, grandTotalOre: 0 });
  });
});

describe('properties', () => {
  const taxRate = fc.constantFrom('0', '12', '15', '25', '11.11', '6', '8');
  const quantity = fc.tuple(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 4 }))
    .map(([units, scale]): Decimal => ({ units: BigInt(units), scale }));
  const saleLine = fc.record({
    quantity,
    rateOre: fc.integer({ min: 0, max: 100_000_000 }),
    discountShare: fc.double({ min: 0, max: 1, noNaN: true }),
    taxPercent: taxRate.map(dec),
  }).map(({ discountShare, ...l }) => {
    const gross = Number(lineGrossOre(l.quantity, l.rateOre));
    return { ...l, discountOre: Math.floor(gross * discountShare) };
  });

  test('VAT is never negative and never exceeds the amount it is part of', () => {
    fc.assert(fc.property(saleLine, (input) => {
      const l = computeLine(input);
      return l.vatOre >= 0 && l.vatOre <= l.amountOre && l.netOre + l.vatOre === l.amountOre;
    }), { numRuns: 2000 });
  });

  test('VAT is within half an øre of the exact amount × tax / (100 + tax)', () => {
    fc.assert(fc.property(saleLine, (input) => {
      const l = computeLine(input);
      const t = Number(input.taxPercent.units) / 10 ** input.taxPercent.scale;
      return Math.abs(l.vatOre - (l.amountOre * t) / (100 + t)) <= 0.5 + 1e-6;
    }), { numRuns: 2000 });
  });

  test('summary identities: grandTotal = Σ amount = subTotal + totalTax, totalDiscount = Σ discount', () => {
    fc.assert(fc.property(fc.array(saleLine, { maxLength: 50 }), (inputs) => {
      const lines = inputs.map(computeLine);
      const s = computeSummary(lines);
      const sum = (f: (l: (typeof lines)[number]) => number) => lines.reduce((acc, l) => acc + f(l), 0);
      return s.grandTotalOre === sum((l) => l.amountOre)
        && s.subTotalOre + s.totalTaxOre === s.grandTotalOre
        && s.totalTaxOre === sum((l) => l.vatOre)
        && s.totalDiscountOre === sum((l) => l.discountOre)
        && s.totalTaxOre <= s.grandTotalOre;
    }), { numRuns: 500 });
  });

  test('a whole quantity multiplies exactly: amount = q × rate − discount', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1_000_000 }), (q, rate) =>
      computeLine({ quantity: dec(String(q)), rateOre: rate, discountOre: 0, taxPercent: dec('25') }).amountOre === q * rate));
  });
});
