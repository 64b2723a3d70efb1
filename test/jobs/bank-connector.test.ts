/**
 * The bank connector (issue #9): the worker fetches yesterday's and today's payment file of each merchant
 * account from the simulator's bank and imports it. A customer pays in the simulator → the connector's job
 * runs → the order is PAID with its callback; the job again (and the use case again) → only duplicates,
 * nothing changes. Also the setting's defaults.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { DB_LABEL, call, startTestServer, type TestServer } from '../helpers/harness.ts';
import { setSettings } from '../helpers/invoicing.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { syntheticPersonalNumber } from '../helpers/efaktura-simulator.ts';
import { deliveredDocument, invoiceNumberOf, storeOrderFor, waitFor } from '../delivery/helpers.ts';
import { loadConfig, ConfigError } from '../../src/config.ts';
import { systemClock } from '../../src/clock.ts';
import { enqueueJob } from '../../src/store/jobs.ts';
import { BANK_FETCH_KIND } from '../../src/jobs/bank-connector.ts';
import { fetchAndImportBankFiles } from '../../src/app/payments/bank-connector.ts';
import { createSimulatorBank } from '../../src/adapters/bank/simulator-bank.ts';

describe(`the bank connector fetches the simulator's daily files and imports them (${DB_LABEL})`, () => {
  let t: TestServer;
  let receiver: Receiver;

  before(async () => {
    receiver = await startReceiver();
    t = await startTestServer({ runWorker: true, simulatorEnabled: true, simulatorPort: 0, bankConnector: 'simulator', bankPollMinutes: 60, deliveryRetrySchedule: [0.05] });
    await setSettings(t.db, t.merchant.merchantId, { street: 'Storgata 1', zip: '0155', city: 'Oslo' });
  });
  after(async () => {
    await t?.close();
    await receiver?.close();
    fs.rmSync(t.config.outboxDir, { recursive: true, force: true });
  });

  const count = async (sql: string): Promise<number> => Number((await t.db.query<{ n: string }>({ text: sql }))[0]!.n);

  async function runConnectorJob(key: string): Promise<void> {
    await enqueueJob(t.db, { kind: BANK_FETCH_KIND, key });
    t.server.worker!.wake();
    await waitFor(`bank-fetch job ${key} to finish`, async () => {
      const rows = await t.db.query<{ state: string }>({ text: 'SELECT state FROM jobs WHERE kind = $1 AND key = $2', values: [BANK_FETCH_KIND, key] });
      return rows[0]?.state === 'done';
    });
  }

  test('paid in the simulator → the connector job → the order is PAID with its callback; the job again changes nothing', async () => {
    const sim = t.server.simulator!.url;
    // The start's own fetch ran (with nothing to import) and queued the next period.
    await waitFor('the start fetch', async () => (await count(`SELECT count(*) AS n FROM jobs WHERE kind = '${BANK_FETCH_KIND}' AND key LIKE 'start:%' AND state = 'done'`)) === 1);
    assert.equal(await count(`SELECT count(*) AS n FROM jobs WHERE kind = '${BANK_FETCH_KIND}' AND key NOT LIKE 'start:%' AND state = 'pending'`), 1);

    const pn = syntheticPersonalNumber(321);
    assert.equal((await call(sim, 'PUT', `/simulator/consumers/${pn}`, { body: { consent: 'all' } })).status, 200);
    const uuid = await storeOrderFor(t.db, t.merchant.merchantId, { personalNumber: pn, email: 'payer@example.test' }, { callbackUrl: `${receiver.url}/cb` });
    const number = await invoiceNumberOf(t.db, uuid);
    const invoice = await deliveredDocument(t.url, t.merchant.token, number);
    assert.equal(invoice.deliveredBy, 'efaktura');
    const [shown] = (await call(sim, 'GET', `/simulator/consumers/${pn}/invoices`)).body;
    assert.equal((await call(sim, 'POST', `/simulator/consumers/${pn}/invoices/${shown.id}/pay`, { body: {} })).status, 201);

    await runConnectorJob('test-1');
    const status = await call(t.url, 'GET', `/api/v1/connect/orders/status/${uuid}`, { token: t.merchant.token });
    assert.equal(status.body.data.status, 'PAID');
    await receiver.waitFor((r) => r.some((x) => new URLSearchParams(x.url.split('?')[1]).get('status') === 'PAID'));
    const payments = await count('SELECT count(*) AS n FROM payments');
    assert.equal(payments, 1);

    await runConnectorJob('test-2');
    const again = await fetchAndImportBankFiles(t.db, createSimulatorBank({ simulatorUrl: sim, timeoutMs: 5000 }), systemClock);
    assert.deepEqual(again.failures, []);
    assert.equal(again.files.length, 2, 'yesterday and today of the one merchant account');
    for (const f of again.files) {
      assert.equal(f.summary.imported, 0);
      assert.equal(f.summary.duplicates, f.summary.transactions);
    }
    assert.equal(await count('SELECT count(*) AS n FROM payments'), payments);
    await new Promise((r) => setTimeout(r, 300));
    const statuses = receiver.received.map((x) => new URLSearchParams(x.url.split('?')[1]).get('status'));
    assert.deepEqual(statuses, ['INVOICED', 'PAID']);

    // Another payment the same day: today's file has grown; the next fetch brings only the new payment.
    const uuid2 = await storeOrderFor(t.db, t.merchant.merchantId, { personalNumber: pn, email: 'payer@example.test' }, { callbackUrl: `${receiver.url}/cb` });
    const number2 = await invoiceNumberOf(t.db, uuid2);
    await deliveredDocument(t.url, t.merchant.token, number2);
    const second = (await call(sim, 'GET', `/simulator/consumers/${pn}/invoices`)).body.find((i: { invoiceNumber: string }) => i.invoiceNumber === String(number2));
    assert.equal((await call(sim, 'POST', `/simulator/consumers/${pn}/invoices/${second.id}/pay`, { body: {} })).status, 201);
    await runConnectorJob('test-3');
    assert.equal(await count('SELECT count(*) AS n FROM payments'), payments + 1);
    assert.equal((await call(t.url, 'GET', `/api/v1/connect/orders/status/${uuid2}`, { token: t.merchant.token })).body.data.status, 'PAID');
    assert.equal(await count(`SELECT count(*) AS n FROM payments WHERE amount_ore <> ${Math.round(Number(invoice.total) * 100)}`), 0, 'no payment counted twice');
  });

  test('an unreachable bank is a failure per account and day, not a thrown job', async () => {
    const dead = createSimulatorBank({ simulatorUrl: 'http://127.0.0.1:9', timeoutMs: 1000 });
    const r = await fetchAndImportBankFiles(t.db, dead, systemClock);
    assert.equal(r.files.length, 0);
    assert.equal(r.failures.length, 2);
  });
});

test('EFAKTURA_BANK_CONNECTOR: simulator when the simulator runs, none when it does not; other values refused', () => {
  assert.equal(loadConfig({}).bankConnector, 'simulator');
  assert.equal(loadConfig({}).bankPollMinutes, 1);
  assert.equal(loadConfig({ EFAKTURA_SIMULATOR: '0' }).bankConnector, 'none');
  assert.equal(loadConfig({ EFAKTURA_BANK_CONNECTOR: 'none' }).bankConnector, 'none');
  assert.equal(loadConfig({ EFAKTURA_SIMULATOR: '0', EFAKTURA_BANK_CONNECTOR: 'simulator' }).bankConnector, 'simulator');
  assert.throws(() => loadConfig({ EFAKTURA_BANK_CONNECTOR: 'dnb' }), (e: unknown) => e instanceof ConfigError && /EFAKTURA_BANK_CONNECTOR must be simulator or none/.test(e.message));
  assert.throws(() => loadConfig({ EFAKTURA_BANK_POLL_MINUTES: '0' }), ConfigError);
});
