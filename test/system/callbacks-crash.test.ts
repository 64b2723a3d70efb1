/**
 * Callbacks are never lost (issue 3): SIGKILL the server while callbacks are pending and orders are
 * being cancelled; after a restart every committed status change has its callback delivered, and no
 * callback arrives for a change that did not commit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exampleOrder } from '../fixtures/example-order.ts';
import { CREATE_PATH, DB_LABEL, call, createTestDatabaseUrl, dropTestDatabase } from '../helpers/harness.ts';
import { runCli, startServe } from '../helpers/processes.ts';
import { startReceiver } from '../helpers/receiver.ts';

test(`committed status changes get their callbacks after SIGKILL and restart (${DB_LABEL})`, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'efk-cbcrash-'));
  const dbUrl = await createTestDatabaseUrl();
  // The receiver is slow at first, so callbacks are still in flight or pending when the server dies.
  const receiver = await startReceiver(() => ({ status: 200, delayMs: 150 }));
  const env = {
    EFAKTURA_DATA_DIR: path.join(dir, 'data'),
    DATABASE_URL: dbUrl ?? '',
    EFAKTURA_ALLOW_PRIVATE_CALLBACKS: '1',
    EFAKTURA_CALLBACK_RETRY_SCHEDULE: '0,0.2,0.5,1,1,1',
    EFAKTURA_CALLBACK_PER_HOST_CONCURRENCY: '2',
    // Events the killed server had claimed go out again when their lease (timeout + 5 s) runs out.
    EFAKTURA_CALLBACK_TIMEOUT_MS: '1000',
  };
  try {
    const merchant = JSON.parse((await runCli(['merchant', 'create', '--name', 'Crash AS', '--org-number', '923609016', '--json'], env)).stdout);
    let server = await startServe(env);
    const uuids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const body = exampleOrder({ productsAs: 'array' });
      body.callback.callbackUrl = `${receiver.url}/cb`;
      const res = await call(server.url, 'POST', CREATE_PATH, { token: merchant.token, body });
      assert.equal(res.status, 201);
      uuids.push(res.body.data.uuid);
    }
    const acknowledged = new Set<string>();
    const cancels = uuids.map(async (uuid, i) => {
      await new Promise((r) => setTimeout(r, i * 8));
      try {
        const res = await call(server.url, 'POST', `/api/v1/connect/orders/cancel/${uuid}`, { token: merchant.token, body: { cancellationNote: 'crash test' } });
        if (res.status === 202) acknowledged.add(uuid);
      } catch {
        // the server died mid-request: this cancellation may or may not have committed
      }
    });
    await new Promise((r) => setTimeout(r, 200));
    server.child.kill('SIGKILL');
    await Promise.all(cancels);
    await server.exited;
    assert.ok(acknowledged.size < uuids.length, 'the server must die while cancellations are still arriving');

    receiver.setBehaviour(() => 200);
    server = await startServe(env);
    try {
      const statuses = new Map<string, string>();
      for (const uuid of uuids) {
        const res = await call(server.url, 'GET', `/api/v1/connect/orders/status/${uuid}`, { token: merchant.token });
        statuses.set(uuid, res.body.data.status);
      }
      const cancelled = uuids.filter((u) => statuses.get(u) === 'CANCELLED');
      for (const u of acknowledged) assert.equal(statuses.get(u), 'CANCELLED', `acknowledged cancel of ${u} was lost`);
      const calledBack = (u: string) =>
        receiver.received.some((r) => {
          const q = Object.fromEntries(r.query);
          return q.orderUuid === u && q.status === 'CANCELLED' && r.answered === 200;
        });
      await receiver.waitFor(() => cancelled.every(calledBack), 20_000);
      const notCommitted = uuids.filter((u) => statuses.get(u) === 'SENT');
      for (const u of notCommitted) {
        assert.ok(!receiver.received.some((r) => Object.fromEntries(r.query).orderUuid === u), `callback for ${u}, whose cancel never committed`);
      }
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  } finally {
    await receiver.close();
    await dropTestDatabase(dbUrl);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
