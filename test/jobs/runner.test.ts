/**
 * The runner with a dummy job kind, as invoice runs, renders and deliveries will use it: the handler's
 * writes commit with the job's completion, a lost lease rolls them back, errors retry with backoff unless
 * marked final, stop drains in-flight work, and housekeeping runs once per slot with several workers.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL, openTestDb, testConfig } from '../helpers/harness.ts';
import { createTestClock, type TestClock } from '../helpers/clock.ts';
import { createLogger } from '../../src/log.ts';
import type { Db } from '../../src/store/db/db.ts';
import { claimJobs, enqueueJob } from '../../src/store/jobs.ts';
import { createRunner, startWorker, type Runner, type Worker } from '../../src/jobs/runner.ts';
import { FinalJobError, type JobHandler, type JobKindOptions } from '../../src/jobs/types.ts';

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe(`job runner (${DB_LABEL})`, () => {
  let db: Db;
  let close: () => Promise<void>;
  const stoppers: Array<() => Promise<void>> = [];
  const runnerWith = async (clock: TestClock, kind: string, handler: JobHandler, options: JobKindOptions = {}): Promise<Runner> => {
    const runner = createRunner({ db, config: testConfig(), logger, clock });
    runner.register(kind, handler, options);
    await runner.start();
    stoppers.push(runner.stop);
    return runner;
  };
  const job = async (id: number) =>
    (await db.query<{ state: string; attempts: number; last_error: string | null }>({ text: 'SELECT state, attempts, last_error FROM jobs WHERE id = $1', values: [id] }))[0]!;
  const effects = async (id: number) =>
    (await db.query<{ n: number }>({ text: 'SELECT count(*)::int AS n FROM dummy_effects WHERE job_id = $1', values: [id] }))[0]!.n;

  before(async () => {
    ({ db, close } = await openTestDb());
    await db.query('CREATE TABLE dummy_effects (job_id bigint NOT NULL)');
  });
  afterEach(async () => {
    await Promise.all(stoppers.splice(0).map((stop) => stop()));
  });
  after(async () => {
    await close();
  });

  test('a handler’s write and the job’s completion commit together; when its lease was lost, both roll back', async () => {
    const clock = createTestClock();
    const proceed = gate();
    const started = gate();
    const handler: JobHandler = async ({ job, complete }) => {
      started.open();
      await proceed.opened;
      await db.transaction(async (tx) => {
        await tx.query({ text: 'INSERT INTO dummy_effects (job_id) VALUES ($1)', values: [job.id] });
        await complete(tx);
      });
    };
    const runner = await runnerWith(clock, 'dummy-render', handler, { leaseSeconds: 30 });
    const id = (await db.transaction((tx) => enqueueJob(tx, { kind: 'dummy-render', payload: { invoice: 1 } })))!;
    runner.wake();
    await started.opened;
    // Its lease runs out mid-work and another worker takes the job over.
    clock.advance(31_000);
    const [thief] = await claimJobs(db, { kind: 'dummy-render', limit: 1, leaseSeconds: 30, now: clock.now() });
    assert.equal(thief!.id, id);
    proceed.open();
    await runner.stop();
    assert.equal(await effects(id), 0, 'the stale handler’s write committed');
    assert.deepEqual(await job(id), { state: 'pending', attempts: 0, last_error: null });

    // Without a thief the same handler writes and completes in one commit.
    const second = (await enqueueJob(db, { kind: 'dummy-render' }))!;
    const runner2 = await runnerWith(clock, 'dummy-render', async ({ job, complete }) => {
      if (job.id !== second) return; // the first job is still leased to the thief
      await db.transaction(async (tx) => {
        await tx.query({ text: 'INSERT INTO dummy_effects (job_id) VALUES ($1)', values: [job.id] });
        await complete(tx);
      });
    });
    runner2.wake();
    await waitUntil(async () => (await job(second)).state === 'done');
    assert.equal(await effects(second), 1);
  });

  test('a thrown error is retried after its backoff, a programming error too; only an error marked final fails the job at once', async () => {
    const clock = createTestClock();
    let calls = 0;
    const runner = await runnerWith(
      clock,
      'dummy-delivery',
      async ({ job }) => {
        if ((job.payload as { final?: boolean }).final) throw new FinalJobError('the channel refused the document');
        calls++;
        if (calls === 1) throw new TypeError('undefined is not a function');
      },
      { retrySchedule: [300, 600] },
    );
    const retried = (await enqueueJob(db, { kind: 'dummy-delivery', payload: {} }))!;
    const final = (await enqueueJob(db, { kind: 'dummy-delivery', payload: { final: true } }))!;
    runner.wake();
    await waitUntil(async () => (await job(retried)).attempts === 1 && (await job(final)).attempts === 1);
    assert.equal((await job(retried)).state, 'pending');
    assert.match((await job(retried)).last_error ?? '', /TypeError: undefined is not a function/);
    assert.equal((await job(final)).state, 'failed');
    clock.advance(300_000);
    runner.wake();
    await waitUntil(async () => (await job(retried)).state === 'done');
    assert.equal(calls, 2);
  });

  test('stop waits for the jobs in flight and claims no new ones', async () => {
    const clock = createTestClock();
    const proceed = gate();
    const started = gate();
    let runs = 0;
    const runner = await runnerWith(clock, 'dummy-import', async () => {
      runs++;
      started.open();
      await proceed.opened;
    });
    const id = (await enqueueJob(db, { kind: 'dummy-import' }))!;
    runner.wake();
    await started.opened;
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    const later = (await enqueueJob(db, { kind: 'dummy-import' }))!;
    runner.wake();
    await new Promise((r) => setImmediate(r));
    assert.equal(stopped, false, 'stop returned while a job was running');
    proceed.open();
    await stopping;
    assert.equal((await job(id)).state, 'done');
    assert.equal((await job(later)).state, 'pending');
    assert.equal(runs, 1);
  });

  test('housekeeping runs once per slot however many workers start, and schedules the next slot', async () => {
    const clock = createTestClock();
    const workers: Worker[] = [];
    for (let i = 0; i < 3; i++) {
      const w = await startWorker({ db, config: testConfig(), logger, clock });
      workers.push(w);
      stoppers.push(w.stop);
    }
    const slots = async () =>
      db.query<{ key: string; state: string; attempts: number }>({ text: `SELECT key, state, attempts FROM jobs WHERE kind = 'housekeeping' ORDER BY key` });
    await waitUntil(async () => (await slots()).some((s) => s.state === 'done'));
    const rows = await slots();
    assert.equal(rows.length, 2, JSON.stringify(rows));
    assert.deepEqual(rows.map((r) => [r.state, r.attempts]), [['done', 1], ['pending', 0]]);
    assert.equal(Date.parse(rows[1]!.key) - Date.parse(rows[0]!.key), 10 * 60 * 1000);
  });
});
