import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  runDatesBetween, runPeriodOf, runsDueAt, runsDueOn, scheduledRun,
} from '../../../src/domain/invoicing/run-schedule.ts';
import type { ScheduledInterval } from '../../../src/domain/invoicing/run-schedule.ts';
import { addDays, osloDate } from '../../../src/domain/time/oslo.ts';

const at = (iso: string) => new Date(iso);
const periods = (runs: { period: string }[]) => runs.map((r) => r.period);

describe('runDatesBetween', () => {
  test('monthly runs are on the 1st, across a year end', () => {
    assert.deepEqual(runDatesBetween(1, '2026-10-15', '2027-01-01'), ['2026-11-01', '2026-12-01', '2027-01-01']);
  });
  test('twice-monthly runs are on the 1st and the 16th, also in February', () => {
    assert.deepEqual(runDatesBetween(2, '2026-01-31', '2026-03-01'), ['2026-02-01', '2026-02-16', '2026-03-01']);
  });
  test('both ends are included; an empty range gives no runs', () => {
    assert.deepEqual(runDatesBetween(2, '2026-12-16', '2026-12-16'), ['2026-12-16']);
    assert.deepEqual(runDatesBetween(2, '2026-12-17', '2026-12-31'), []);
    assert.deepEqual(runDatesBetween(1, '2026-12-05', '2026-12-01'), []);
  });
});

describe('scheduledRun', () => {
  test('starts at the run hour Oslo time; the cut-off is midnight Oslo at the start of its date', () => {
    assert.deepEqual(scheduledRun(1, '2026-12-01', 6), {
      interval: 1, period: '2026-12-01', startsAt: at('2026-12-01T05:00:00Z'), cutoff: at('2026-11-30T23:00:00Z'),
    });
  });
  test('in summer time both instants are an hour earlier in UTC', () => {
    const run = scheduledRun(2, '2026-07-16', 6);
    assert.equal(run.startsAt.toISOString(), '2026-07-16T04:00:00.000Z');
    assert.equal(run.cutoff.toISOString(), '2026-07-15T22:00:00.000Z');
  });
  test('the first run after each DST change uses the new offset', () => {
    assert.equal(scheduledRun(1, '2026-04-01').cutoff.toISOString(), '2026-03-31T22:00:00.000Z');
    assert.equal(scheduledRun(1, '2026-11-01').cutoff.toISOString(), '2026-10-31T23:00:00.000Z');
  });
  test('refuses a date that is not a run date of the interval, and a bad hour', () => {
    assert.throws(() => scheduledRun(1, '2026-12-16'), /not a run date/);
    assert.throws(() => scheduledRun(2, '2026-12-02'), /not a run date/);
    assert.throws(() => scheduledRun(1, '2026-12-01', 24), /run hour/);
  });
});

describe('runsDueAt', () => {
  test('the run on the 1st is due from the run hour, not before', () => {
    const base = { interval: 1 as const, runHour: 6, since: '2026-11-02' };
    assert.deepEqual(runsDueAt({ ...base, now: at('2026-12-01T04:59:59Z') }), []);
    assert.deepEqual(periods(runsDueAt({ ...base, now: at('2026-12-01T05:00:00Z') })), ['2026-12-01']);
  });
  test('the run hour is read in Oslo time in summer too', () => {
    const base = { interval: 2 as const, runHour: 6, since: '2026-07-02' };
    assert.deepEqual(runsDueAt({ ...base, now: at('2026-07-16T03:59:59Z') }), []);
    assert.deepEqual(periods(runsDueAt({ ...base, now: at('2026-07-16T04:00:00Z') })), ['2026-07-16']);
  });
  test('runs missed since a date are all listed, oldest first (made up at start)', () => {
    const runs = runsDueAt({ interval: 2, runHour: 6, since: '2026-10-02', now: at('2027-01-16T12:00:00Z') });
    assert.deepEqual(periods(runs), ['2026-10-16', '2026-11-01', '2026-11-16', '2026-12-01', '2026-12-16', '2027-01-01', '2027-01-16']);
  });
  test('run hour 0 makes a run due at midnight Oslo, which is the evening before in UTC', () => {
    assert.deepEqual(periods(runsDueAt({ interval: 1, runHour: 0, since: '2026-12-01', now: at('2026-11-30T23:00:00Z') })), ['2026-12-01']);
  });
  test('interval 0 is never scheduled', () => {
    assert.deepEqual(runsDueAt({ interval: 0, runHour: 6, since: '2026-01-01', now: at('2027-01-01T12:00:00Z') }), []);
  });
  test('property: exactly the run dates since `since` whose start has come', () => {
    fc.assert(fc.property(
      fc.constantFrom<ScheduledInterval>(1, 2),
      fc.date({ min: at('2000-01-01T00:00:00Z'), max: at('2060-01-01T00:00:00Z'), noInvalidDate: true }),
      fc.integer({ min: 0, max: 120 }),
      fc.integer({ min: 0, max: 23 }),
      (interval, now, back, runHour) => {
        const since = addDays(osloDate(now), -back);
        const runs = runsDueAt({ interval, now, runHour, since });
        const expected = runDatesBetween(interval, since, osloDate(now))
          .filter((d) => scheduledRun(interval, d, runHour).startsAt <= now);
        return JSON.stringify(periods(runs)) === JSON.stringify(expected)
          && runs.every((r) => r.startsAt <= now && r.cutoff <= r.startsAt && r.period >= since);
      },
    ));
  });
});

describe('runsDueOn (a run by hand with --as-of)', () => {
  test('includes the run on the as-of date whatever the hour', () => {
    assert.deepEqual(periods(runsDueOn(1, '2026-12-01', '2026-10-01')), ['2026-10-01', '2026-11-01', '2026-12-01']);
    assert.deepEqual(runsDueOn(0, '2026-12-01', '2026-10-01'), []);
  });
});

describe('runPeriodOf', () => {
  test('an order made before midnight Oslo on the last day goes to the run on the 1st', () => {
    assert.equal(runPeriodOf(1, at('2026-11-30T22:59:59Z')), '2026-12-01');
  });
  test('an order made on the 1st, even before the run hour, waits for the next run', () => {
    assert.equal(runPeriodOf(1, at('2026-11-30T23:00:00Z')), '2027-01-01');
    assert.equal(runPeriodOf(1, at('2026-12-01T04:00:00Z')), '2027-01-01');
  });
  test('twice a month: the 15th goes to the 16th, the 16th to the next 1st', () => {
    assert.equal(runPeriodOf(2, at('2026-12-15T12:00:00Z')), '2026-12-16');
    assert.equal(runPeriodOf(2, at('2026-12-15T23:00:00Z')), '2027-01-01');
  });
  test('property: an order belongs to the first run whose cut-off is after its creation', () => {
    fc.assert(fc.property(
      fc.constantFrom<ScheduledInterval>(1, 2),
      fc.date({ min: at('2000-01-01T00:00:00Z'), max: at('2060-01-01T00:00:00Z'), noInvalidDate: true }),
      (interval, createdAt) => {
        const period = runPeriodOf(interval, createdAt);
        const earlier = runDatesBetween(interval, addDays(period, -31), addDays(period, -1)).at(-1)!;
        return createdAt < scheduledRun(interval, period).cutoff && createdAt >= scheduledRun(interval, earlier).cutoff;
      },
    ));
  });
});
