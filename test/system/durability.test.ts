/**
 * A 201 means committed (issue 2): orders answered 201 survive SIGKILL of the server and a restart,
 * on the embedded data directory and on the PostgreSQL server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exampleOrder } from '../fixtures/example-order.ts';
import { CREATE_PATH, DB_LABEL, call, createTestDatabaseUrl, dropTestDatabase } from '../helpers/harness.ts';
import { runCli, startServe } from '../helpers/processes.ts';

test(`orders answered 201 are there after SIGKILL and restart (${DB_LABEL})`, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'efk-kill-'));
  const dbUrl = await createTestDatabaseUrl();
  const env = { EFAKTURA_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: dbUrl ?? '', LOG_LEVEL: 'info' };
  try {
    const merchant = JSON.parse((await runCli(['merchant', 'create', '--name', 'Crash AS', '--org-number', '923609016', '--json'], env)).stdout);
    const acknowledged: string[] = [];
    for (let round = 0; round < 3; round++) {
      const server = await startServe(env);
      let stop = false;
      const clients = Array.from({ length: 8 }, async () => {
        while (!stop) {
          try {
            const res = await call(server.url, 'POST', CREATE_PATH, { token: merchant.token, body: exampleOrder({ productsAs: 'array' }) });
            if (res.status === 201) acknowledged.push(res.body.data.uuid);
          } catch {
            return; // the server died mid-request: that order was never acknowledged
          }
        }
      });
      await new Promise((r) => setTimeout(r, 800 + round * 300));
      server.child.kill('SIGKILL');
      stop = true;
      await Promise.all(clients);
      await server.exited;
    }
    assert.ok(acknowledged.length > 10, `only ${acknowledged.length} orders were acknowledged`);
    const server = await startServe(env);
    try {
      const missing: string[] = [];
      for (const uuid of acknowledged) {
        const res = await call(server.url, 'GET', `/api/v1/connect/orders/status/${uuid}`, { token: merchant.token });
        if (res.status !== 200) missing.push(uuid);
      }
      assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.length} acknowledged orders were lost`);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  } finally {
    await dropTestDatabase(dbUrl);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
