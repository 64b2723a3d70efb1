/**
 * Undelivered documents and the operator (SPEC §6.5): when every channel failed the invoice is
 * `undelivered`, listed by `efaktura deliveries list` and the admin API, and `deliveries retry` (CLI or
 * admin API) starts a new chain — with a new eFaktura consignment id — that the worker delivers.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DB_LABEL, call, startTestServer, type TestServer } from '../helpers/harness.ts';
import { setSettings } from '../helpers/invoicing.ts';
import { createSimulatorNetwork } from '../../src/adapters/efaktura-network/simulator-network.ts';
import { createFileOutbox } from '../../src/adapters/file-outbox/file-outbox.ts';
import { createOutboxAccessPoint } from '../../src/adapters/peppol/outbox-access-point.ts';
import { createDocumentRenderers } from '../../src/adapters/documents/renderers.ts';
import type { DeliveryDeps } from '../../src/app/delivery/deliver-document.ts';
import { renderDocuments } from '../../src/app/invoicing/render-documents.ts';
import { runDeliveriesCommand } from '../../src/cli/deliveries.ts';
import { UsageError } from '../../src/cli/errors.ts';
import { invoiceAll } from '../helpers/invoicing.ts';
import { startNetworkStub, type NetworkStub } from './network-stub.ts';
import { deliveryDeps, freshPersonalNumber, runDueDeliverySteps, storeOrderFor } from './helpers.ts';

const ADMIN = 'a'.repeat(40);

describe(`undelivered documents and deliveries retry (${DB_LABEL})`, () => {
  let t: TestServer;
  let net: NetworkStub;
  let outbox: string;
  let deps: DeliveryDeps;

  before(async () => {
    net = await startNetworkStub();
    outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'efaktura-outbox-'));
    t = await startTestServer({ runWorker: false, adminToken: ADMIN });
    deps = deliveryDeps(t.db, { network: createSimulatorNetwork({ baseUrl: net.url, timeoutMs: 2000 }), mailer: null, outbox: createFileOutbox(outbox), peppol: createOutboxAccessPoint(outbox) });
    await setSettings(t.db, t.merchant.merchantId, { street: 'Storgata 1', zip: '0155', city: 'Oslo', deliveryChannels: ['efaktura'] });
  });
  after(async () => {
    await t?.close();
    await net?.close();
    fs.rmSync(outbox, { recursive: true, force: true });
  });

  /** An invoice to a customer without consent, rendered and run through its (eFaktura-only) chain. */
  async function undeliveredInvoice(): Promise<{ number: number; personalNumber: string }> {
    const personalNumber = freshPersonalNumber();
    const uuid = await storeOrderFor(t.db, t.merchant.merchantId, { personalNumber, email: 'x@example.test' });
    await invoiceAll(t.db, t.merchant.merchantId);
    const [row] = await t.db.query<{ id: number; number: number }>({
      text: 'SELECT i.id, i.number FROM orders o JOIN invoices i ON i.id = o.invoice_id WHERE o.uuid = $1',
      values: [uuid],
    });
    await renderDocuments(t.db, createDocumentRenderers(), row!.id);
    await runDueDeliverySteps(deps);
    return { number: row!.number, personalNumber };
  }

  /** Runs the CLI command in this process and returns its exit code and output. */
  async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runDeliveriesCommand((fn) => fn(t.db), args, { out: (text) => (out += text), err: (text) => (err += text) });
    return { code, out, err };
  }

  const invoiceJson = async (number: number) => (await call(t.url, 'GET', `/api/v1/connect/invoices/${number}`, { token: t.merchant.token })).body.data;

  test('every channel failed: the invoice is undelivered, shown in its JSON and in deliveries list', async () => {
    const { number } = await undeliveredInvoice();
    const inv = await invoiceJson(number);
    assert.equal(inv.deliveryStatus, 'undelivered');
    assert.equal(inv.deliveredBy, null);
    assert.deepEqual(inv.deliveries.map((d: any) => [d.channel, d.outcome]), [['efaktura', 'unreachable']]);

    const listed = await cli(['list', '--status', 'undelivered', '--json']);
    assert.equal(listed.code, 0);
    const items = JSON.parse(listed.out);
    const item = items.find((d: any) => d.invoiceNumber === number);
    assert.equal(item.status, 'undelivered');
    assert.equal(item.kind, 'invoice');
    assert.equal(item.attempts, 1);
    assert.match(item.lastError, /no eFaktura consent/);
    const table = await cli(['list']);
    assert.match(table.out, /MERCHANT\s+NUMBER\s+KIND\s+STATUS/);
    assert.match(table.out, new RegExp(`\\b${number}\\s+invoice\\s+undelivered`));
  });

  test('efaktura deliveries retry NUMBER after the customer consented: delivered with the next consignment id', async () => {
    const { number, personalNumber } = await undeliveredInvoice();
    net.consumers.set(personalNumber, { consent: 'all', blockedIssuers: [] });
    const retried = await cli(['retry', String(number), '--json']);
    assert.equal(retried.code, 0, retried.err);
    assert.deepEqual(JSON.parse(retried.out).retried.map((r: any) => [r.merchantId, r.number]), [[t.merchant.merchantId, number]]);
    assert.equal((await invoiceJson(number)).deliveryStatus, 'pending');
    assert.equal(await runDueDeliverySteps(deps), 1);
    const inv = await invoiceJson(number);
    assert.equal(inv.deliveryStatus, 'delivered');
    assert.deepEqual(inv.deliveries.map((d: any) => [d.channel, d.outcome]), [['efaktura', 'unreachable'], ['efaktura', 'delivered']]);
    assert.match(inv.deliveries[1].messageId, /^efaktura-923609016-\d+-2$/);

    const again = await cli(['retry', String(number)]);
    assert.equal(again.code, 1);
    assert.match(again.err, /is delivered, not undelivered/);
  });

  test('deliveries retry refuses a bad command line with its usage', async () => {
    await assert.rejects(cli(['retry']), (e: unknown) => e instanceof UsageError && /exactly one of NUMBER, --all-undelivered/.test(e.message));
    await assert.rejects(cli(['retry', '1', '--all-undelivered']), UsageError);
    await assert.rejects(cli(['retry', 'abc']), UsageError);
    await assert.rejects(cli(['list', '--status', 'lost']), /--status must be one of pending, delivered, undelivered/);
    const unknown = await cli(['retry', '999999']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /No document number 999999/);
  });

  test('the admin API lists undelivered deliveries and retries them all', async () => {
    const a = await undeliveredInvoice();
    const b = await undeliveredInvoice();
    const list = await call(t.url, 'GET', '/api/v1/admin/deliveries?status=undelivered', { token: ADMIN });
    assert.equal(list.status, 200, list.text);
    const numbers = list.body.data.map((d: any) => d.invoiceNumber);
    assert.ok(numbers.includes(a.number) && numbers.includes(b.number));
    assert.ok(list.body.data.every((d: any) => d.status === 'undelivered'));

    assert.equal((await call(t.url, 'GET', '/api/v1/admin/deliveries?status=lost', { token: ADMIN })).status, 417);
    assert.equal((await call(t.url, 'GET', '/api/v1/admin/deliveries', { token: t.merchant.token })).status, 401);
    const bad = await call(t.url, 'POST', '/api/v1/admin/deliveries/retry', { token: ADMIN, body: { number: a.number, allUndelivered: true } });
    assert.equal(bad.status, 417, bad.text);

    for (const pn of [a.personalNumber, b.personalNumber]) net.consumers.set(pn, { consent: 'all', blockedIssuers: [] });
    const retry = await call(t.url, 'POST', '/api/v1/admin/deliveries/retry', { token: ADMIN, body: { allUndelivered: true } });
    assert.equal(retry.status, 200, retry.text);
    assert.ok(retry.body.data.retried.length >= 2);
    await runDueDeliverySteps(deps);
    assert.equal((await invoiceJson(a.number)).deliveredBy, 'efaktura');
    assert.equal((await invoiceJson(b.number)).deliveredBy, 'efaktura');

    const one = await call(t.url, 'POST', '/api/v1/admin/deliveries/retry', { token: ADMIN, body: { number: a.number } });
    assert.equal(one.status, 404);
    assert.match(one.body.errors[0], /is delivered, not undelivered/);
  });

  test('an invoice credited in full before it went out is not sent to eFaktura as a payment request', async () => {
    const personalNumber = freshPersonalNumber();
    net.consumers.set(personalNumber, { consent: 'all', blockedIssuers: [] });
    const uuid = await storeOrderFor(t.db, t.merchant.merchantId, { personalNumber, email: 'x@example.test' });
    await invoiceAll(t.db, t.merchant.merchantId);
    const cancel = await call(t.url, 'POST', `/api/v1/connect/orders/cancel/${uuid}`, { token: t.merchant.token, body: { cancellationNote: 'Wrong size' } });
    assert.equal(cancel.status, 202, cancel.text);
    const [row] = await t.db.query<{ id: number; number: number }>({
      text: 'SELECT i.id, i.number FROM orders o JOIN invoices i ON i.id = o.invoice_id WHERE o.uuid = $1',
      values: [uuid],
    });
    await renderDocuments(t.db, createDocumentRenderers(), row!.id);
    await runDueDeliverySteps(deps);
    const inv = await invoiceJson(row!.number);
    assert.equal(inv.deliveryStatus, 'undelivered');
    assert.match(inv.deliveries[0].error, /credited in full/);
    assert.equal(net.invoices.has(`923609016:${row!.number}`), false);
  });
});
