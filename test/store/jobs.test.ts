/**
 * The generic job queue (store/jobs.ts) against a real database: once-only keys, fencing, final states,
 * backoff, ordering keys and the per-key quota. Time comes from a test clock, passed as a parameter.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DB_LABEL, openTestDb } from '../helpers/harness.ts';
import { createTestClock } from '../helpers/clock.ts';
import type { Db } from '../../src/store/db/db.ts';
import { claimJobs, completeJob, enqueueJob, failJob, secondsUntilNextJob, JOBS_CHANNEL } from '../../src/store/jobs.ts';

let db: Db;
let close: () => Promise<void>;
before(async () => {
  ({ db, close } = await openTestDb());
});
after(async () => {
  await close();
});

async function jobRow(id: number) {
  const [row] = await db.query<{ state: string; attempts: number; lease_token: string | null; last_error: string | null }>({
    text: 'SELECT state, attempts, lease_token, last_error FROM jobs WHERE id = $1',
    values: [id],
  });
  return row!;
}

describe(`job queue (${DB_LABEL})`, () => {
  test('a job with a key is enqueued once however many transactions race to enqueue it, and notifies on commit only', async () => {
    let notified = 0;
    const unlisten = await db.listen(JOBS_CHANNEL, () => notified++);
    try {
      const ids = await Promise.all(
        Array.from({ length: 12 }, () => db.transaction((tx) => enqueueJob(tx, { kind: 'invoice-run', key: 'merchant-1:2026-11', payload: { merchantId: 1 } }))),
      );
      assert.equal(ids.filter((id) => id !== null).length, 1);
      const [count] = await db.query<{ n: number }>({ text: `SELECT count(*)::int AS n FROM jobs WHERE kind = 'invoice-run' AND key = 'merchant-1:2026-11'` });
      assert.equal(count!.n, 1);
      await assert.rejects(db.transaction(async (tx) => {
        await enqueueJob(tx, { kind: 'invoice-run', key: 'merchant-1:2026-12' });
        throw new Error('roll back');
      }), /roll back/);
      assert.equal((await db.query({ text: `SELECT 1 FROM jobs WHERE key = 'merchant-1:2026-12'` })).length, 0);
      await waitFor(() => notified >= 1);
    } finally {
      await unlisten();
    }
  });

  test('a stale worker’s result is dropped: after its lease ran out and another worker claimed the job, nothing it writes lands', async () => {
    const clock = createTestClock({ frozen: true });
    const id = (await enqueueJob(db, { kind: 'fence', runAt: clock.now() }))!;
    const [stale] = await claimJobs(db, { kind: 'fence', limit: 10, leaseSeconds: 30, now: clock.now() });
    assert.equal(stale!.id, id);
    assert.equal((await claimJobs(db, { kind: 'fence', limit: 10, leaseSeconds: 30, now: clock.now() })).length, 0, 'claimed twice while leased');
    clock.advance(31_000);
    const [fresh] = await claimJobs(db, { kind: 'fence', limit: 10, leaseSeconds: 30, now: clock.now() });
    assert.equal(fresh!.id, id);
    assert.notEqual(fresh!.leaseToken, stale!.leaseToken);

    assert.equal(await failJob(db, stale!, { now: clock.now(), error: 'late', retryDelaySeconds: 0 }), null);
    assert.equal(await completeJob(db, stale!, clock.now()), false);
    assert.equal((await jobRow(id)).lease_token, fresh!.leaseToken);
    assert.equal(await completeJob(db, fresh!, clock.now()), true);
    // A final state is never overwritten, not even by the worker that set it.
    assert.equal(await failJob(db, fresh!, { now: clock.now(), error: 'again', retryDelaySeconds: 0 }), null);
    assert.equal(await completeJob(db, fresh!, clock.now()), false);
    assert.deepEqual(await jobRow(id), { state: 'done', attempts: 1, lease_token: null, last_error: null });
  });

  test('a failed job waits its backoff, then runs again; with no delay left it is failed for good', async () => {
    const clock = createTestClock({ frozen: true });
    const id = (await enqueueJob(db, { kind: 'backoff', runAt: clock.now() }))!;
    const [first] = await claimJobs(db, { kind: 'backoff', limit: 1, leaseSeconds: 30, now: clock.now() });
    assert.equal(await failJob(db, first!, { now: clock.now(), error: 'boom', retryDelaySeconds: 120 }), 'pending');
    assert.equal((await claimJobs(db, { kind: 'backoff', limit: 1, leaseSeconds: 30, now: clock.now() })).length, 0);
    const wait = await secondsUntilNextJob(db, 'backoff', clock.now());
    assert.ok(wait !== null && Math.abs(wait - 120) < 0.01, `next due in ${wait} s`);
    clock.advance(120_000);
    const [second] = await claimJobs(db, { kind: 'backoff', limit: 1, leaseSeconds: 30, now: clock.now() });
    assert.equal(second!.attempts, 1);
    assert.equal(await failJob(db, second!, { now: clock.now(), error: 'boom again', retryDelaySeconds: null }), 'failed');
    assert.deepEqual(await jobRow(id), { state: 'failed', attempts: 2, lease_token: null, last_error: 'boom again' });
    assert.equal(await secondsUntilNextJob(db, 'backoff', clock.now()), null);
  });

  test('jobs sharing an ordering key run one at a time, oldest first; a head in backoff holds the rest without making them due', async () => {
    const clock = createTestClock({ frozen: true });
    const a = (await enqueueJob(db, { kind: 'ordered', orderingKey: 'order-7', runAt: clock.now() }))!;
    const b = (await enqueueJob(db, { kind: 'ordered', orderingKey: 'order-7', runAt: clock.now() }))!;
    const c = (await enqueueJob(db, { kind: 'ordered', orderingKey: 'order-8', runAt: clock.now() }))!;
    const claimed = await claimJobs(db, { kind: 'ordered', limit: 10, leaseSeconds: 30, now: clock.now() });
    assert.deepEqual(claimed.map((j) => j.id), [a, c]);
    await completeJob(db, claimed[1]!, clock.now());
    assert.equal(await failJob(db, claimed[0]!, { now: clock.now(), error: 'x', retryDelaySeconds: 600 }), 'pending');
    assert.equal((await claimJobs(db, { kind: 'ordered', limit: 10, leaseSeconds: 30, now: clock.now() })).length, 0);
    const wait = await secondsUntilNextJob(db, 'ordered', clock.now());
    assert.ok(wait !== null && wait > 599, `b is queued behind a, so nothing is due before a: ${wait}`);
    clock.advance(600_000);
    const [again] = await claimJobs(db, { kind: 'ordered', limit: 10, leaseSeconds: 30, now: clock.now() });
    assert.equal(again!.id, a);
    await completeJob(db, again!, clock.now());
    const [next] = await claimJobs(db, { kind: 'ordered', limit: 10, leaseSeconds: 30, now: clock.now() });
    assert.equal(next!.id, b);
  });

  test('per concurrency key at most the quota is leased at once, counting leases from earlier claims, for any mix of keys', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 10 }),
        async (keys, quota, batch) => {
          const clock = createTestClock({ frozen: true });
          const kind = `quota-${Math.random().toString(36).slice(2)}`;
          for (const key of keys) await enqueueJob(db, { kind, concurrencyKey: key, runAt: clock.now() });
          const leased = new Map<string, number>();
          for (;;) {
            const got = await claimJobs(db, { kind, limit: batch, leaseSeconds: 30, now: clock.now(), perKeyQuota: quota });
            if (got.length === 0) break;
            for (const j of got) leased.set(j.concurrencyKey!, (leased.get(j.concurrencyKey!) ?? 0) + 1);
          }
          for (const key of new Set(keys)) {
            const expected = Math.min(quota, keys.filter((k) => k === key).length);
            assert.equal(leased.get(key), expected, `key ${key}`);
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});

async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
