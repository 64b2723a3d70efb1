/**
 * Workers in other processes are woken by NOTIFY (SPEC §4, issue 3): enqueuing a callback notifies
 * listeners when its transaction commits, and never when it rolls back.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL, createMerchant, openTestDb } from '../helpers/harness.ts';
import { makeOrder } from '../helpers/orders.ts';
import type { Db } from '../../src/store/db/db.ts';
import { CALLBACK_CHANNEL, enqueueCallback } from '../../src/store/callback-outbox.ts';
import { findOrder } from '../../src/store/orders.ts';

let db: Db;
let close: () => Promise<void>;
before(async () => {
  ({ db, close } = await openTestDb());
});
after(async () => {
  await close();
});

test(`a committed callback notifies listeners, a rolled-back one does not (${DB_LABEL})`, async () => {
  const merchant = await createMerchant(db);
  const uuid = await makeOrder(db, merchant.merchantId, 'https://example.com/cb');
  const order = (await findOrder(db, merchant.merchantId, uuid))!;
  let notified = 0;
  const unlisten = await db.listen(CALLBACK_CHANNEL, () => notified++);
  try {
    const enqueue = (tx: Parameters<Parameters<Db['transaction']>[0]>[0]) =>
      enqueueCallback(tx, { orderId: order.id, merchantId: merchant.merchantId, status: 'CANCELLED', callbackUrl: order.callback_url });
    await assert.rejects(
      db.transaction(async (tx) => {
        await enqueue(tx);
        throw new Error('roll back');
      }),
      /roll back/,
    );
    await db.transaction(async (tx) => {
      await enqueue(tx);
    });
    const deadline = Date.now() + 5000;
    while (notified === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(notified, 1);
    const [row] = await db.query<{ n: number }>({ text: 'SELECT count(*)::int AS n FROM callback_events WHERE order_id = $1', values: [order.id] });
    assert.equal(row!.n, 1);
  } finally {
    await unlisten();
  }
});
