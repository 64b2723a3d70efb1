/**
 * Attempt results written together (group commit) are fenced one by one: a stale result in a batch
 * writes nothing, the others land with their own outcome, time and retry.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL, createMerchant, openTestDb } from '../helpers/harness.ts';
import { makeOrder, moveOrder } from '../helpers/orders.ts';
import type { Db } from '../../src/store/db/db.ts';
import { claimDueCallbacks, recordCallbackAttempts } from '../../src/store/callback-outbox.ts';
import { groupCommit } from '../../src/jobs/group-commit.ts';

let db: Db;
let close: () => Promise<void>;
before(async () => {
  ({ db, close } = await openTestDb());
});
after(async () => {
  await close();
});

test(`results recorded in one batch are fenced each on its own lease (${DB_LABEL})`, async () => {
  const merchant = await createMerchant(db);
  for (let i = 0; i < 3; i++) await moveOrder(db, merchant.merchantId, await makeOrder(db, merchant.merchantId, `https://example.com/cb${i}`), 'CANCELLED');
  const now = new Date(Date.now() + 1000);
  const [a, b, c] = await claimDueCallbacks(db, { limit: 3, leaseSeconds: 10, perHostQuota: 8, firstDelaySeconds: 0, now });
  assert.ok(a && b && c);
  const at = new Date(now.getTime() + 50);
  const ok = { url: 'https://example.com/cb', httpStatus: 200, latencyMs: 3, outcome: 'delivered' as const, error: null };
  const failed = { url: 'https://example.com/cb', httpStatus: 500, latencyMs: 4, outcome: 'failed' as const, error: 'HTTP 500' };
  const states = await recordCallbackAttempts(db, [
    { id: a.id, attempt: ok, retryDelaySeconds: null, lease: { leaseToken: a.leaseToken, now: at } },
    { id: b.id, attempt: ok, retryDelaySeconds: null, lease: { leaseToken: '00000000-0000-4000-8000-000000000000', now: at } },
    { id: c.id, attempt: failed, retryDelaySeconds: 30, lease: { leaseToken: c.leaseToken, now: at } },
  ]);
  assert.deepEqual(states, ['delivered', null, 'pending']);
  const rows = await db.query<{ id: number; state: string; attempts: number; lease_token: string | null; next_attempt_at: Date; delivered_at: Date | null }>({
    text: 'SELECT id, state, attempts, lease_token, next_attempt_at, delivered_at FROM callback_events WHERE id = ANY($1::bigint[]) ORDER BY id',
    values: [[a.id, b.id, c.id]],
  });
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  assert.equal(byId.get(a.id)!.state, 'delivered');
  assert.equal(byId.get(a.id)!.delivered_at!.getTime(), at.getTime());
  assert.equal(byId.get(b.id)!.state, 'pending', 'a stale lease wrote nothing');
  assert.equal(byId.get(b.id)!.attempts, 0);
  assert.equal(byId.get(b.id)!.lease_token, b.leaseToken, 'the live lease is untouched');
  assert.equal(byId.get(c.id)!.state, 'pending');
  assert.equal(byId.get(c.id)!.next_attempt_at.getTime(), at.getTime() + 30_000);
  const attempts = await db.query<{ event_id: number; outcome: string }>({
    text: 'SELECT event_id, outcome FROM callback_attempts WHERE event_id = ANY($1::bigint[]) ORDER BY event_id',
    values: [[a.id, b.id, c.id]],
  });
  assert.deepEqual(attempts.map((r) => [Number(r.event_id), r.outcome]), [[a.id, 'delivered'], [c.id, 'failed']]);
});

test('group commit writes a lone item at once and what arrives meanwhile in the next write, answering each in order', async () => {
  const writes: number[][] = [];
  let release!: () => void;
  let gate = new Promise<void>((r) => (release = r));
  const record = groupCommit(async (items: number[]) => {
    writes.push(items);
    await gate;
    return items.map((i) => i * 10);
  }, 3);
  const first = record(1);
  const rest = [2, 3, 4, 5].map(record);
  assert.deepEqual(writes, [[1]]);
  const open = release;
  gate = Promise.resolve();
  open();
  assert.deepEqual(await Promise.all([first, ...rest]), [10, 20, 30, 40, 50]);
  assert.deepEqual(writes, [[1], [2, 3, 4], [5]]);
});

test('a failed group write rejects every item of its batch, and the next batch is written', async () => {
  let calls = 0;
  const record = groupCommit(async (items: string[]) => {
    if (calls++ === 0) throw new Error('connection lost');
    return items.map((s) => s.toUpperCase());
  }, 10);
  const a = record('a');
  const b = record('b');
  await assert.rejects(a, /connection lost/);
  assert.equal(await b, 'B');
});
