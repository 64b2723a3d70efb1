import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dueDate, firstLateDate, isPaidOnTime, latestOnTimePaymentDate } from '../../../src/domain/invoicing/due-date.ts';
import { isBankingDay } from '../../../src/domain/invoicing/holidays.ts';
import { addDays, daysBetween } from '../../../src/domain/time/oslo.ts';

describe('dueDate', () => {
  test('invoice date + maturity days, across a month end', () => {
    assert.equal(dueDate('2026-12-01', 10), '2026-12-11');
    assert.equal(dueDate('2026-12-25', 10), '2027-01-04');
    assert.equal(dueDate('2026-12-01', 0), '2026-12-01');
  });
  test('the printed due date itself never moves, even onto a holiday', () => {
    assert.equal(dueDate('2026-12-15', 10), '2026-12-25');
  });
  test('refuses a negative or fractional maturity', () => {
    assert.throws(() => dueDate('2026-12-01', -1), RangeError);
    assert.throws(() => dueDate('2026-12-01', 1.5), RangeError);
  });
});

describe('latestOnTimePaymentDate (SPEC §6.3)', () => {
  test('a due date on a banking day stays', () => {
    assert.equal(latestOnTimePaymentDate('2026-12-11'), '2026-12-11');
  });
  test('a due date on a weekend moves to Monday', () => {
    assert.equal(latestOnTimePaymentDate('2026-12-05'), '2026-12-07');
    assert.equal(latestOnTimePaymentDate('2026-12-06'), '2026-12-07');
  });
  test('a due date on Christmas Day (Friday 2026) moves past the weekend to Monday 28th', () => {
    assert.equal(latestOnTimePaymentDate('2026-12-25'), '2026-12-28');
  });
  test('a due date on Maundy Thursday 2026 moves to the Tuesday after Easter', () => {
    assert.equal(latestOnTimePaymentDate('2026-04-02'), '2026-04-07');
  });
  test('payment on that banking day is on time, the day after is late', () => {
    assert.equal(isPaidOnTime('2026-12-25', '2026-12-28'), true);
    assert.equal(isPaidOnTime('2026-12-25', '2026-12-29'), false);
    assert.equal(isPaidOnTime('2026-12-11', '2026-12-11'), true);
    assert.equal(isPaidOnTime('2026-12-11', '2026-12-12'), false);
    assert.equal(firstLateDate('2026-12-25'), '2026-12-29');
    assert.equal(firstLateDate('2026-12-11'), '2026-12-12');
  });
  test('property: a banking day on or after the due date, at most 5 days later', () => {
    const dates = fc.integer({ min: 0, max: 40_000 }).map((n) => addDays('1990-01-01', n));
    fc.assert(fc.property(dates, (due) => {
      const latest = latestOnTimePaymentDate(due);
      const shift = daysBetween(due, latest);
      return isBankingDay(latest) && shift >= 0 && shift <= 5 && (shift === 0) === isBankingDay(due);
    }));
  });
});
