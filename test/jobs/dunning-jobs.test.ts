/**
 * The daily dunning run in the worker (SPEC §7): the once-a-minute look queues the day's run only from
 * EFAKTURA_DUNNING_RUN_HOUR (Europe/Oslo), once per date however often it looks; the run takes the steps;
 * each step's PDF is rendered by a job that then queues its delivery.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL, openTestDb, testConfig } from '../helpers/harness.ts';
import { invoiceAll, storeOrder } from '../helpers/invoicing.ts';
import { merchantWithAccount, orderStatus } from '../app/payments/payment-helpers.ts';
import { createDocumentRenderers } from '../../src/adapters/documents/renderers.ts';
import { DUNNING_RENDER_JOB, DUNNING_RUN_JOB } from '../../src/app/dunning/run-dunning.ts';
import { DELIVERY_JOB } from '../../src/app/delivery/deliver-document.ts';
import { DUNNING_SCHEDULE_JOB, dunningRenderKind, dunningRunKind, dunningScheduleKind, scheduleDunningRuns } from '../../src/jobs/dunning.ts';
import type { JobHandler, WorkerDeps } from '../../src/jobs/types.ts';
import { createLogger } from '../../src/log.ts';
import { claimJobs, completeJob } from '../../src/store/jobs.ts';
import type { Clock } from '../../src/clock.ts';

let t: Awaited<ReturnType<typeof openTestDb>>;
before(async () => { t = await openTestDb(); });
after(async () => { await t.close(); });

let at = new Date('2026-12-25T05:30:00Z'); // 06:30 in Oslo (UTC+1)
const clock: Clock = { now: () => at };

/** Claims and runs every due job of `kind` with its handler, as the runner would; returns how many ran. */
async function runDue(kind: string, handler: JobHandler): Promise<number> {
  let ran = 0;
  for (;;) {
    const [job] = await claimJobs(t.db, { kind, limit: 1, leaseSeconds: 60, now: at });
    if (!job) return ran;
    let completed = false;
    const complete = async (tx: Parameters<typeof completeJob>[0]) => {
      if (completed) return;
      if (!(await completeJob(tx, job, at))) throw new Error('lease lost');
      completed = true;
    };
    await handler({ job, clock, complete });
    if (!completed) await t.db.transaction(complete);
    ran += 1;
  }
}

async function jobKeys(kind: string): Promise<string[]> {
  const rows = await t.db.query<{ key: string }>({ text: 'SELECT key FROM jobs WHERE kind = $1 ORDER BY id', values: [kind] });
  return rows.map((r) => r.key);
}

describe(`the daily dunning run in the worker (${DB_LABEL})`, () => {
  test('queued once per date from 07:00 Oslo; the run reminds; the reminder is rendered and its delivery queued', async () => {
    const m = await merchantWithAccount(t.db);
    const order = await storeOrder(t.db, m.merchantId, { fee: false, maturity: 10 });
    await invoiceAll(t.db, m.merchantId, { invoiceDate: '2026-12-01' });
    const deps: WorkerDeps = { db: t.db, config: testConfig({ dunningRunHour: 7 }), logger: createLogger('silent'), clock };
    const [, schedule] = dunningScheduleKind(deps);
    const [, run] = dunningRunKind(deps);
    const [, render] = dunningRenderKind(deps, createDocumentRenderers().dunningPdf!);

    await scheduleDunningRuns(deps);
    assert.equal(await runDue(DUNNING_SCHEDULE_JOB, schedule), 1);
    assert.deepEqual(await jobKeys(DUNNING_RUN_JOB), [], 'before 07:00 in Oslo: no run');

    at = new Date('2026-12-25T06:01:00Z'); // 07:01 in Oslo
    assert.equal(await runDue(DUNNING_SCHEDULE_JOB, schedule), 1);
    at = new Date('2026-12-25T06:05:00Z');
    assert.equal(await runDue(DUNNING_SCHEDULE_JOB, schedule), 1);
    assert.deepEqual(await jobKeys(DUNNING_RUN_JOB), ['2026-12-25'], 'one run per date');

    assert.equal(await runDue(DUNNING_RUN_JOB, run), 1);
    assert.equal(await orderStatus(t.db, order.uuid), 'PURRING');
    assert.equal(await runDue(DUNNING_RENDER_JOB, render), 1);
    const [doc] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM dunning_documents');
    assert.equal(doc!.n, 1);
    const [delivery] = await t.db.query<{ n: number }>({ text: `SELECT count(*)::int AS n FROM jobs WHERE kind = $1`, values: [DELIVERY_JOB] });
    assert.equal(delivery!.n, 1, "the reminder's delivery is queued");
  });
});
