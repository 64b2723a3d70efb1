import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { daysLate, lateInterestOre } from '../../../src/domain/dunning/interest.ts';
import { LATE_INTEREST_RATES, parseLateInterestRates } from '../../../src/domain/dunning/rates.ts';
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
    assert.equal(lateInterestOre(100_000, '2026-07-01', '2027-12-31'), 0);
    assert.equal(lateInterestOre(100_000, '2026-06-30', '2026-07-31'), lateInterestOre(100_000, '2026-06-30', '2026-06-30'));
  });
  test('the table has no gap from 2020 to its end, and its rates are those published (spot checks)', () => {
    for (let i = 1; i < LATE_INTEREST_RATES.length; i++) {
      assert.equal(LATE_INTEREST_RATES[i]!.from, addDays(LATE_INTEREST_RATES[i - 1]!.to, 1));
    }
    const rateOn = (day: string) => LATE_INTEREST_RATES.find((r) => r.from <= day && day <= r.to)?.basisPoints;
    assert.equal(rateOn('2020-01-01'), 950);
    assert.equal(rateOn('2023-09-15'), 1175);
    assert.equal(rateOn('2025-07-01'), 1225);
    assert.equal(rateOn('2026-06-30'), 1200);
    assert.equal(rateOn('2026-07-01'), undefined);
  });
  test('1000 kr for the 184 days of 2025 H2 at 12.25 %: 61.753… → 61.75', () => {
    assert.equal(lateInterestOre(100_000, '2025-07-01', '2025-12-31'), 6175);
  });
  test('the operator extends the table by half years (EFAKTURA_LATE_INTEREST_RATES)', () => {
    const rates = parseLateInterestRates('2026-07-01=11.75, 2027-01-01=11.5');
    assert.deepEqual(rates.slice(-2).map((r) => [r.from, r.to, r.basisPoints]), [['2026-07-01', '2026-12-31', 1175], ['2027-01-01', '2027-06-30', 1150]]);
    assert.match(rates.at(-1)!.source, /EFAKTURA_LATE_INTEREST_RATES/);
    // 1000 kr for July 2026 at 11.75 %: 1000 × 0.1175 × 31/365 = 9.979… → 9.98
    assert.equal(lateInterestOre(100_000, '2026-07-01', '2026-07-31', rates), 998);
    assert.deepEqual(parseLateInterestRates(''), [...LATE_INTEREST_RATES]);
  });
  test('operator rows that are not whole half years, or that change a sourced one, are refused', () => {
    for (const bad of ['2026-08-01=11', '2026-07-01', '2026-07-01=abc', '2026-07-01=11.755', '2025-07-01=13', '2026-07-01=11,2026-07-01=12']) {
      assert.throws(() => parseLateInterestRates(bad), RangeError, bad);
    }
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
