/**
 * The LISTEN connection comes back after the server drops it (review m10), says so, and wakes its
 * listener once it is back (notifications sent meanwhile are lost). PostgreSQL server only: the embedded
 * database has no connection to lose.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASE_URL, openTestDb } from '../helpers/harness.ts';

test('a dropped LISTEN connection is reopened and reported, and notifications arrive again', { skip: TEST_DATABASE_URL === null ? 'needs TEST_DATABASE_URL' : false }, async () => {
  const { db, close } = await openTestDb();
  const payloads: string[] = [];
  let downs = 0;
  let ups = 0;
  const unlisten = await db.listen('efk_reconnect_test', (p) => payloads.push(p), { onDown: () => downs++, onUp: () => ups++ });
  const waitFor = async (check: () => boolean) => {
    const deadline = Date.now() + 15_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  try {
    await db.query(`SELECT pg_notify('efk_reconnect_test', 'before')`);
    await waitFor(() => payloads.includes('before'));
    await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN "efk_reconnect_test"' AND datname = current_database()`);
    await waitFor(() => downs >= 1 && ups >= 1);
    assert.ok(payloads.includes(''), 'no wake-up after reconnecting');
    await db.query(`SELECT pg_notify('efk_reconnect_test', 'after')`);
    await waitFor(() => payloads.includes('after'));
  } finally {
    await unlisten();
    await close();
  }
});
