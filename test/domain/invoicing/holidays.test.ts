import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { easterSunday, isBankingDay, isPublicHoliday, nextBankingDay, norwegianPublicHolidays } from '../../../src/domain/invoicing/holidays.ts';
import { addDays, weekday } from '../../../src/domain/time/oslo.ts';

const anyDate = fc.integer({ min: 0, max: 40_000 }).map((n) => addDays('1990-01-01', n));

describe('easterSunday (anonymous Gregorian algorithm)', () => {
  test('known Easter Sundays', () => {
    const known: Record<number, string> = {
      2008: '2008-03-23', 2019: '2019-04-21', 2024: '2024-03-31', 2025: '2025-04-20', 2026: '2026-04-05',
      2027: '2027-03-28', 2030: '2030-04-21', 2038: '2038-04-25', 2285: '2285-03-22',
    };
    for (const [year, date] of Object.entries(known)) assert.equal(easterSunday(Number(year)), date, year);
  });
  test('property: always a Sunday between 22 March and 25 April', () => {
    fc.assert(fc.property(fc.integer({ min: 1583, max: 9999 }), (year) => {
      const easter = easterSunday(year);
      const monthDay = easter.slice(5);
      return weekday(easter) === 0 && monthDay >= '03-22' && monthDay <= '04-25';
    }));
  });
  test('refuses years outside the Gregorian calendar it is defined for', () => {
    assert.throws(() => easterSunday(1582), RangeError);
  });
});

describe('norwegianPublicHolidays', () => {
  test('2026: the twelve holidays in date order', () => {
    assert.deepEqual(norwegianPublicHolidays(2026).map((h) => `${h.date} ${h.name}`), [
      '2026-01-01 Første nyttårsdag',
      '2026-04-02 Skjærtorsdag',
      '2026-04-03 Langfredag',
      '2026-04-05 Første påskedag',
      '2026-04-06 Andre påskedag',
      '2026-05-01 Arbeidernes dag',
      '2026-05-14 Kristi himmelfartsdag',
      '2026-05-17 Grunnlovsdagen',
      '2026-05-24 Første pinsedag',
      '2026-05-25 Andre pinsedag',
      '2026-12-25 Første juledag',
      '2026-12-26 Andre juledag',
    ]);
  });
  test('2025 and 2027 moveable feasts follow Easter', () => {
    const dates = (year: number) => norwegianPublicHolidays(year).map((h) => h.date);
    assert.deepEqual(dates(2025).slice(1, 5), ['2025-04-17', '2025-04-18', '2025-04-20', '2025-04-21']);
    assert.ok(dates(2025).includes('2025-05-29') && dates(2025).includes('2025-06-09'));
    assert.deepEqual(dates(2027).slice(1, 5), ['2027-03-25', '2027-03-26', '2027-03-28', '2027-03-29']);
  });
  test('when Ascension falls on 1 May (2008) both are listed', () => {
    const may1 = norwegianPublicHolidays(2008).filter((h) => h.date === '2008-05-01').map((h) => h.name);
    assert.deepEqual(may1.sort(), ['Arbeidernes dag', 'Kristi himmelfartsdag']);
  });
  test('Christmas Eve and ordinary days are not public holidays', () => {
    assert.equal(isPublicHoliday('2026-12-24'), false);
    assert.equal(isPublicHoliday('2026-05-18'), false);
    assert.equal(isPublicHoliday('2026-05-17'), true);
  });
});

describe('banking days', () => {
  test('weekends and holidays are not banking days', () => {
    assert.equal(isBankingDay('2026-12-05'), false); // Saturday
    assert.equal(isBankingDay('2026-12-06'), false); // Sunday
    assert.equal(isBankingDay('2026-04-06'), false); // Easter Monday
    assert.equal(isBankingDay('2026-12-07'), true);
  });
  test('nextBankingDay skips Easter and Christmas', () => {
    assert.equal(nextBankingDay('2026-04-01'), '2026-04-07');
    assert.equal(nextBankingDay('2026-12-24'), '2026-12-28');
    assert.equal(nextBankingDay('2026-12-31'), '2027-01-04'); // 1 Jan Friday, then a weekend
    assert.equal(nextBankingDay('2026-12-07'), '2026-12-08'); // never the day itself
  });
  test('property: the next banking day is one, and no banking day lies before it', () => {
    fc.assert(fc.property(anyDate, (date) => {
      const next = nextBankingDay(date);
      if (!(next > date) || !isBankingDay(next)) return false;
      for (let d = addDays(date, 1); d < next; d = addDays(d, 1)) if (isBankingDay(d)) return false;
      return true;
    }));
  });
});
