/**
 * Never a lost or a double delivery (SPEC §6.5, issue #8): two workers share the delivery jobs and each
 * document reaches the network once; a worker that dies between sending and recording leaves the step
 * to be run again after its lease, and the repeated send is answered 209 and counted as delivered once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DB_LABEL, createMerchant, openTestDb, testConfig } from '../helpers/harness.ts';
import { invoiceAll, setSettings } from '../helpers/invoicing.ts';
import { createDocumentRenderers } from '../../src/adapters/documents/renderers.ts';
import { createSimulatorNetwork } from '../../src/adapters/efaktura-network/simulator-network.ts';
import { createFileOutbox } from '../../src/adapters/file-outbox/file-outbox.ts';
import { createOutboxAccessPoint } from '../../src/adapters/peppol/outbox-access-point.ts';
import type { DeliveryChannels } from '../../src/app/delivery/ports.ts';
import { renderDocuments } from '../../src/app/invoicing/render-documents.ts';
import { createTestClock } from '../../src/clock.ts';
import { createLogger } from '../../src/log.ts';
import type { Db } from '../../src/store/db/db.ts';
import { createRunner } from '../../src/jobs/runner.ts';
import { deliveryKind } from '../../src/jobs/delivery.ts';
import { startNetworkStub, type NetworkStub } from './network-stub.ts';
import { deliveryDeps, freshPersonalNumber, runDueDeliverySteps, storeOrderFor, waitFor } from './helpers.ts';

describe(`delivery exactly once (${DB_LABEL})`, () => {
  let db: Db;
  let close: () => Promise<void>;
  let net: NetworkStub;
  let outbox: string;
  let channels: DeliveryChannels;
  let merchantId: number;

  before(async () => {
    ({ db, close } = await openTestDb());
    net = await startNetworkStub();
    outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'efaktura-outbox-'));
    channels = { network: createSimulatorNetwork({ baseUrl: net.url, timeoutMs: 2000 }), mailer: null, outbox: createFileOutbox(outbox), peppol: createOutboxAccessPoint(outbox) };
    merchantId = (await createMerchant(db)).merchantId;
    await setSettings(db, merchantId, { street: 'Storgata 1', zip: '0155', city: 'Oslo' });
  });
  after(async () => {
    await close?.();
    await net?.close();
    fs.rmSync(outbox, { recursive: true, force: true });
  });

  /** Invoices `n` orders of consenting customers and renders them (which queues their deliveries). */
  async function renderedInvoices(n: number): Promise<Array<{ id: number; number: number }>> {
    for (let i = 0; i < n; i++) {
      const personalNumber = freshPersonalNumber();
      net.consumers.set(personalNumber, { consent: 'all', blockedIssuers: [] });
      await storeOrderFor(db, merchantId, { personalNumber, email: 'x@example.test' });
    }
    await invoiceAll(db, merchantId);
    const rows = await db.query<{ id: number; number: number }>({
      text: `SELECT i.id, i.number FROM invoices i WHERE i.merchant_id = $1 AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.invoice_id = i.id) ORDER BY i.id`,
      values: [merchantId],
    });
    const renderers = createDocumentRenderers();
    for (const r of rows) await renderDocuments(db, renderers, r.id);
    return rows;
  }

  const attemptsOf = (invoiceId: number) =>
    db.query<{ channel: string; outcome: string; message_id: string | null }>({
      text: 'SELECT a.channel, a.outcome, a.message_id FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.invoice_id = $1 ORDER BY a.id',
      values: [invoiceId],
    });

  test('two workers deliver every invoice once: one consignment, one accepted invoice and one attempt each', async () => {
    const invoices = await renderedInvoices(8);
    const config = testConfig({ deliveryRetrySchedule: [0.05], deliveryTimeoutMs: 2000 });
    const logger = createLogger('silent');
    const runners = [createRunner({ db, config, logger }), createRunner({ db, config, logger })];
    for (const r of runners) {
      r.register(...deliveryKind({ db, config, logger }, channels));
      await r.start();
    }
    try {
      await waitFor('every delivery to end', async () => {
        const [row] = await db.query<{ n: number }>({
          text: `SELECT count(*)::int AS n FROM deliveries WHERE status = 'pending' AND invoice_id = ANY($1::bigint[])`,
          values: [invoices.map((i) => i.id)],
        });
        return row!.n === 0;
      });
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
    }
    for (const inv of invoices) {
      assert.deepEqual((await attemptsOf(inv.id)).map((a) => [a.channel, a.outcome]), [['efaktura', 'delivered']], `invoice ${inv.number}`);
      assert.ok(net.invoices.has(`923609016:${inv.number}`));
    }
    const sends = net.requests.filter((r) => r === 'POST /network/v1/consignments').length;
    assert.equal(sends, invoices.length, 'one send per invoice');
  });

  test('a worker dying between the send and its record: the step runs again after the lease, gets 209 and records one delivery', async () => {
    const [inv] = await renderedInvoices(1);
    const clock = createTestClock();
    // The first worker's network: the consignment reaches the network, then the process "dies" before
    // the transaction that records the attempt.
    const dying: DeliveryChannels = {
      ...channels,
      network: {
        ...channels.network,
        async sendInvoices(consignment) {
          await channels.network.sendInvoices(consignment);
          throw new Error('killed before recording');
        },
      },
    };
    await assert.rejects(runDueDeliverySteps(deliveryDeps(db, dying, { clock })), /killed before recording/);
    assert.deepEqual(await attemptsOf(inv!.id), [], 'nothing recorded by the dead worker');
    assert.equal(await runDueDeliverySteps(deliveryDeps(db, channels, { clock })), 0, 'the step is leased to the dead worker until its lease runs out');

    clock.advance(61_000);
    assert.equal(await runDueDeliverySteps(deliveryDeps(db, channels, { clock })), 1);
    const attempts = await attemptsOf(inv!.id);
    assert.deepEqual(attempts.map((a) => [a.channel, a.outcome]), [['efaktura', 'delivered']]);
    const consignmentId = attempts[0]!.message_id!;
    assert.ok(net.requests.includes(`GET /network/v1/consignments/${consignmentId}`), 'the 209 was followed by a status read');
    assert.equal(net.consignments.has(consignmentId), true);
    assert.equal([...net.invoices.keys()].filter((k) => k === `923609016:${inv!.number}`).length, 1, 'the network shows it once');
  });
});
