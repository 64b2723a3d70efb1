import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { daysLate, lateInterestOre } from '../../../src/domain/dunning/interest.ts';
import { LATE_INTEREST_RATES } from '../../../src/domain/dunning/rates.ts';
import { addDays } from '../../../src/domain/time/oslo.ts';

describe('late-payment interest (forsinkelsesrente)', () => {
  test('1000 kr for January 2025 at 12.5 %: 1000 × 0.125 × 31/365 = 10.6164… → 10.62', () => {
    assert.equal(lateInterestOre(100_000, '2025-01-01', '2025-01-31'), 1062);
  });
  test('the first half of 2025 (181 days): 61.9863… → 61.99', () => {
    assert.equal(lateInterestOre(100_000, '2025-01-01', '2025-06-30'), 6199);
  });
  test('across a rate change, each day at its own rate (2022 H2 at 9.25 %, 2023 H1 at 10.75 %)', () => {
    // 100 000 kr, 31 Dec 2022 and 1 Jan 2023: 10 000 000 × (925 + 1075) / 3 650 000 = 5479.45… → 5479
    assert.equal(lateInterestOre(10_000_000, '2022-12-31', '2023-01-01'), 5479);
  });
  test('days without a sourced rate earn nothing (under-claiming rather than guessing)', () => {
    assert.equal(lateInterestOre(100_000, '2025-07-01', '2026-12-31'), 0);
    assert.equal(lateInterestOre(100_000, '2025-06-30', '2025-07-31'), lateInterestOre(100_000, '2025-06-30', '2025-06-30'));
  });
  test('not late yet, or nothing owed: 0', () => {
    assert.equal(lateInterestOre(100_000, '2025-02-01', '2025-01-31'), 0);
    assert.equal(lateInterestOre(0, '2025-01-01', '2025-06-30'), 0);
    assert.equal(daysLate('2025-02-01', '2025-01-31'), 0);
    assert.equal(daysLate('2025-01-01', '2025-01-31'), 31);
  });
  test('every rate names its source and the periods do not overlap', () => {
    for (const [i, rate] of LATE_INTEREST_RATES.entries()) {
      assert.ok(rate.source.length > 10);
      assert.ok(rate.from <= rate.to);
      if (i > 0) assert.ok(LATE_INTEREST_RATES[i - 1]!.to < rate.from);
    }
  });
  test('property: grows with the days and the principal, and is within ½ øre of the exact value', () => {
    const day = fc.integer({ min: 0, max: 1200 }).map((d) => addDays('2022-06-01', d));
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e11 }), day, fc.integer({ min: 0, max: 400 }), (principal, from, length) => {
      const to = addDays(from, length);
      const i = lateInterestOre(principal, from, to);
      assert.ok(Number.isSafeInteger(i) && i >= 0);
      assert.ok(lateInterestOre(principal, from, addDays(to, 1)) >= i);
      assert.ok(lateInterestOre(principal + 1000, from, to) >= i);
      // Exact value in rationals vs the rounded one.
      let exact = 0;
      for (let d = from; d <= to; d = addDays(d, 1)) {
        const rate = LATE_INTEREST_RATES.find((r) => r.from <= d && d <= r.to);
        if (rate) exact += (principal * rate.basisPoints) / 3_650_000;
      }
      assert.ok(Math.abs(i - exact) <= 0.5 + 1e-6 * Math.max(1, exact), `${i} vs ${exact}`);
    }), { numRuns: 80 });
  });
});
