import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  earliestStepDate, nextDunningStep, stepDueDate, statusAfterStep, type DunningSituation, type DunningStepSoFar,
} from '../../../src/domain/dunning/schedule.ts';
import { reminderFeeCapOre } from '../../../src/domain/dunning/rates.ts';
import { isBankingDay } from '../../../src/domain/invoicing/holidays.ts';
import { addDays, daysBetween } from '../../../src/domain/time/oslo.ts';

const situation = (over: Partial<DunningSituation> = {}): DunningSituation => ({
  invoiceDueDate: '2026-12-11', outstandingOre: 50_000, merchantFeeOre: 3500, steps: [], ...over,
});

describe('the reminder (SPEC §7: ≥ 14 days after the due date, banking-day rule)', () => {
  test('13 days after a due date on a Friday: nothing; 14 days: a reminder', () => {
    assert.equal(nextDunningStep(situation(), '2026-12-24'), null);
    const step = nextDunningStep(situation(), '2026-12-25');
    assert.equal(step?.kind, 'reminder');
    assert.equal(step?.date, '2026-12-25');
  });
  test('a due date on a Saturday counts from Monday', () => {
    const s = situation({ invoiceDueDate: '2026-12-05' });
    assert.equal(earliestStepDate('2026-12-05'), '2026-12-21');
    assert.equal(nextDunningStep(s, '2026-12-20'), null);
    assert.equal(nextDunningStep(s, '2026-12-21')?.kind, 'reminder');
  });
  test('a due date on Maundy Thursday counts from the Tuesday after Easter', () => {
    // Easter 2027: Thursday 25 March to Monday 29 March are no banking days.
    assert.equal(earliestStepDate('2027-03-25'), '2027-04-13');
    const s = situation({ invoiceDueDate: '2027-03-25' });
    assert.equal(nextDunningStep(s, '2027-04-12'), null);
    assert.equal(nextDunningStep(s, '2027-04-13')?.kind, 'reminder');
  });
  test('a due date on the Friday before a holiday weekend (Christmas 2026: Fri 25, Sat 26, Sun 27)', () => {
    // Due Thursday 24 Dec is a banking day; due Friday 25 Dec moves to Monday 28 Dec.
    assert.equal(earliestStepDate('2026-12-24'), '2027-01-07');
    assert.equal(earliestStepDate('2026-12-25'), '2027-01-11');
  });
  test('the new due date is 14 days later, moved to the next banking day', () => {
    assert.equal(nextDunningStep(situation(), '2026-12-25')?.dueDate, '2027-01-08');
    // 12 March 2027 + 14 = Good Friday 26 March → Tuesday 30 March.
    assert.equal(stepDueDate('2027-03-12'), '2027-03-30');
  });
  test('nothing outstanding, nothing to remind', () => {
    assert.equal(nextDunningStep(situation({ outstandingOre: 0 }), '2027-06-01'), null);
  });
  test('reminder → PURRING, notice keeps the status, collection → INKASSO', () => {
    assert.equal(statusAfterStep('reminder'), 'PURRING');
    assert.equal(statusAfterStep('notice'), null);
    assert.equal(statusAfterStep('collection'), 'INKASSO');
  });
});

describe('notice and collection', () => {
  const reminder: DunningStepSoFar = { kind: 'reminder', date: '2026-12-25', feeOre: 3500, dueDate: '2027-01-08' };
  test('the notice comes 14 days after the reminder\'s due date', () => {
    const s = situation({ steps: [reminder] });
    assert.equal(nextDunningStep(s, '2027-01-21'), null);
    const notice = nextDunningStep(s, '2027-01-22');
    assert.equal(notice?.kind, 'notice');
    assert.equal(notice?.feeOre, 3500);
    assert.equal(notice?.dueDate, '2027-02-05');
  });
  test('collection 14 days after the notice\'s due date, without a fee; then nothing more', () => {
    const notice: DunningStepSoFar = { kind: 'notice', date: '2027-01-22', feeOre: 3500, dueDate: '2027-02-05' };
    const s = situation({ steps: [reminder, notice] });
    assert.equal(nextDunningStep(s, '2027-02-18'), null);
    const collection = nextDunningStep(s, '2027-02-19');
    assert.equal(collection?.kind, 'collection');
    assert.equal(collection?.feeOre, 0);
    assert.equal(collection?.dueDate, null);
    assert.equal(collection?.totalOre, 50_000 + 7000 + collection!.interestOre);
    const done = { kind: 'collection' as const, date: '2027-02-19', feeOre: 0, dueDate: null };
    assert.equal(nextDunningStep(situation({ steps: [reminder, notice, done] }), '2028-01-01'), null);
  });
  test('one step per run: a run that missed months still takes only the next step', () => {
    assert.equal(nextDunningStep(situation(), '2027-12-01')?.kind, 'reminder');
  });
});

describe('fees', () => {
  test('the merchant\'s fee, capped at 35.00 NOK for claims due from 1 Oct 2020 (70.00 before)', () => {
    assert.equal(reminderFeeCapOre('2020-09-30'), 7000);
    assert.equal(reminderFeeCapOre('2020-10-01'), 3500);
    assert.equal(nextDunningStep(situation({ merchantFeeOre: 9999 }), '2026-12-25')?.feeOre, 3500);
    assert.equal(nextDunningStep(situation({ merchantFeeOre: 2000 }), '2026-12-25')?.feeOre, 2000);
    assert.equal(nextDunningStep(situation({ merchantFeeOre: 0 }), '2026-12-25')?.feeOre, 0);
  });
  test('the total is outstanding + all fees so far + interest', () => {
    const step = nextDunningStep(situation(), '2026-12-25')!;
    assert.equal(step.totalOre, 50_000 + 3500 + step.interestOre);
  });
});

// Walks a whole chain day by day from a random due date with random fees: the legal invariants hold.
const dates = fc.integer({ min: 0, max: 365 * 6 }).map((d) => addDays('2024-01-01', d));
describe('properties of a whole chain', () => {
  test('steps come in order, each ≥ 14 days after the previous deadline; deadlines are banking days ≥ 14 days out; at most two fees, each ≤ the cap', () => {
    fc.assert(fc.property(dates, fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 1, max: 10_000_000 }), (due, fee, outstanding) => {
      const steps: DunningStepSoFar[] = [];
      let day = due;
      for (let i = 0; i < 200 && steps.length < 3; i++) {
        day = addDays(day, 1);
        const step = nextDunningStep({ invoiceDueDate: due, outstandingOre: outstanding, merchantFeeOre: fee, steps }, day);
        if (step === null) continue;
        const deadline = steps.at(-1)?.dueDate ?? due;
        assert.ok(daysBetween(deadline, step.date) >= 14, `${step.kind} on ${step.date} after deadline ${deadline}`);
        assert.ok(step.feeOre <= 3500 && step.feeOre >= 0);
        if (step.dueDate !== null) {
          assert.ok(isBankingDay(step.dueDate));
          assert.ok(daysBetween(step.date, step.dueDate) >= 14);
        }
        assert.ok(step.interestOre >= 0);
        steps.push(step);
      }
      assert.deepEqual(steps.map((s) => s.kind), ['reminder', 'notice', 'collection']);
      assert.ok(steps.filter((s) => s.feeOre > 0).length <= 2);
    }), { numRuns: 60 });
  });
});
