/**
 * The merchant hears about payments (SPEC §4, §7): every status change a payment, a reversal or a repeated
 * file causes reaches the merchant's callback receiver exactly once, in order.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL, openTestDb, testConfig } from '../../helpers/harness.ts';
import { startReceiver, type Receiver } from '../../helpers/receiver.ts';
import { invoiceAll, storeOrder } from '../../helpers/invoicing.ts';
import { createLogger } from '../../../src/log.ts';
import { startCallbackDelivery, type Runner } from '../../../src/jobs/runner.ts';
import { importText, invoiceOf, merchantWithAccount, ocr, pay } from './payment-helpers.ts';

let t: Awaited<ReturnType<typeof openTestDb>>;
let receiver: Receiver;
let worker: Runner;
before(async () => {
  t = await openTestDb();
  receiver = await startReceiver();
  worker = await startCallbackDelivery({ db: t.db, config: testConfig({ callbackRetrySchedule: [0, 0.1, 0.1] }), logger: createLogger('silent') });
});
after(async () => {
  await worker.stop();
  await receiver.close();
  await t.close();
});

test(`payment, repeated file, reversal and a new payment: INVOICED, PAID, INVOICED, PAID at the receiver, each once (${DB_LABEL})`, async () => {
  const m = await merchantWithAccount(t.db);
  const order = await storeOrder(t.db, m.merchantId, { fee: false, callbackUrl: `${receiver.url}/cb` });
  await invoiceAll(t.db, m.merchantId);
  const { kid, total_ore: total } = await invoiceOf(t.db, m.merchantId, 1);
  const paid = ocr(m.account, [pay(kid, total)]);
  await importText(t.db, paid);
  await importText(t.db, paid);
  await importText(t.db, ocr(m.account, [pay(kid, total, '18')]));
  await importText(t.db, ocr(m.account, [pay(kid, 100), pay(kid, total - 100)]));
  worker.wake();
  await receiver.waitFor((r) => r.length >= 4, 15_000);
  await new Promise((r) => setTimeout(r, 500));
  const statuses = receiver.received.map((r) => [Object.fromEntries(r.query).orderUuid, Object.fromEntries(r.query).status]);
  assert.deepEqual(statuses, [[order.uuid, 'INVOICED'], [order.uuid, 'PAID'], [order.uuid, 'INVOICED'], [order.uuid, 'PAID']]);
  assert.equal(new Set(receiver.received.map((r) => r.eventId)).size, 4);
});
