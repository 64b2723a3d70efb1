import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  addDays, calendarDate, compareDates, daysBetween, isCalendarDate, osloDate, osloHour, osloInstant, osloOffsetMs, weekday,
} from '../../../src/domain/time/oslo.ts';

const at = (iso: string) => new Date(iso);

describe('osloDate and osloHour', () => {
  test('in winter Oslo is UTC+1: 23:30 UTC is already the next day', () => {
    assert.equal(osloDate(at('2026-11-30T23:30:00Z')), '2026-12-01');
    assert.equal(osloDate(at('2026-11-30T22:59:59Z')), '2026-11-30');
    assert.equal(osloHour(at('2026-12-01T05:00:00Z')), 6);
  });
  test('in summer Oslo is UTC+2: 22:00 UTC is the next day', () => {
    assert.equal(osloDate(at('2026-06-30T22:00:00Z')), '2026-07-01');
    assert.equal(osloDate(at('2026-06-30T21:59:59Z')), '2026-06-30');
    assert.equal(osloHour(at('2026-07-01T04:00:00Z')), 6);
  });
  test('the spring change (29 March 2026, 01:00 UTC) moves the clock from 02:00 to 03:00', () => {
    assert.equal(osloHour(at('2026-03-29T00:59:59Z')), 1);
    assert.equal(osloHour(at('2026-03-29T01:00:00Z')), 3);
    assert.equal(osloOffsetMs(at('2026-03-29T00:59:59Z')), 3_600_000);
    assert.equal(osloOffsetMs(at('2026-03-29T01:00:00Z')), 7_200_000);
  });
  test('the autumn change (25 October 2026, 01:00 UTC) shows 02:00 twice', () => {
    assert.equal(osloHour(at('2026-10-25T00:30:00Z')), 2);
    assert.equal(osloHour(at('2026-10-25T01:30:00Z')), 2);
    assert.equal(osloDate(at('2026-10-24T22:00:00Z')), '2026-10-25');
  });
});

describe('osloInstant', () => {
  test('midnight and 06:00 on ordinary winter and summer days', () => {
    assert.equal(osloInstant('2026-12-01').toISOString(), '2026-11-30T23:00:00.000Z');
    assert.equal(osloInstant('2026-12-01', 6).toISOString(), '2026-12-01T05:00:00.000Z');
    assert.equal(osloInstant('2026-07-01', 6).toISOString(), '2026-07-01T04:00:00.000Z');
  });
  test('an hour skipped in spring gives the moment the clock jumps past it', () => {
    assert.equal(osloInstant('2026-03-29', 1).toISOString(), '2026-03-29T00:00:00.000Z');
    assert.equal(osloInstant('2026-03-29', 2).toISOString(), '2026-03-29T01:00:00.000Z');
    assert.equal(osloInstant('2026-03-29', 3).toISOString(), '2026-03-29T01:00:00.000Z');
    assert.equal(osloInstant('2026-03-29', 6).toISOString(), '2026-03-29T04:00:00.000Z');
  });
  test('an hour repeated in autumn gives its first occurrence', () => {
    assert.equal(osloInstant('2026-10-25', 2).toISOString(), '2026-10-25T00:00:00.000Z');
    assert.equal(osloInstant('2026-10-25', 3).toISOString(), '2026-10-25T02:00:00.000Z');
    assert.equal(osloInstant('2026-10-25', 6).toISOString(), '2026-10-25T05:00:00.000Z');
  });
  test('refuses an hour outside 0–23 and a malformed date', () => {
    assert.throws(() => osloInstant('2026-12-01', 24), RangeError);
    assert.throws(() => osloInstant('2026-02-30'), RangeError);
  });
  test('property: every instant lies in its Oslo day, between that midnight and the next', () => {
    fc.assert(fc.property(fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), (instant) => {
      const day = osloDate(instant);
      return osloInstant(day) <= instant && instant < osloInstant(addDays(day, 1));
    }));
  });
  test('property: an hour that exists on a date is shown by the clock at osloInstant', () => {
    const days = fc.integer({ min: 0, max: 40_000 }).map((n) => addDays('1990-01-01', n));
    fc.assert(fc.property(days, fc.integer({ min: 0, max: 23 }), (day, hour) => {
      const instant = osloInstant(day, hour);
      // Only a skipped hour may give another hour, and then the instant is the jump itself.
      const atJump = osloOffsetMs(new Date(instant.getTime() - 1000)) !== osloOffsetMs(instant);
      return (osloDate(instant) === day && osloHour(instant) === hour) || (atJump && osloHour(instant) === hour + 1);
    }));
  });
});

describe('calendar arithmetic', () => {
  test('addDays crosses month, year and leap days', () => {
    assert.equal(addDays('2024-02-28', 1), '2024-02-29');
    assert.equal(addDays('2025-02-28', 1), '2025-03-01');
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.equal(addDays('2026-03-01', -1), '2026-02-28');
    assert.equal(addDays('2026-03-28', 1), '2026-03-29'); // a DST day is still one day
  });
  test('property: daysBetween undoes addDays', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: -5000, max: 5000 }), (start, n) => {
      const from = addDays('1900-01-01', start);
      return daysBetween(from, addDays(from, n)) === n && compareDates(addDays(from, n), from) === Math.sign(n);
    }));
  });
  test('isCalendarDate accepts existing dates only', () => {
    assert.ok(isCalendarDate('2024-02-29'));
    for (const bad of ['2025-02-29', '2026-13-01', '2026-1-01', '2026-01-01T00:00', '', 20260101, null]) {
      assert.equal(isCalendarDate(bad), false, String(bad));
    }
  });
  test('weekday and calendarDate', () => {
    assert.equal(weekday('2026-12-01'), 2); // a Tuesday
    assert.equal(weekday('2026-03-29'), 0);
    assert.equal(calendarDate(2026, 12, 32), '2027-01-01');
  });
});
