/**
 * `efaktura serve` as an operator meets it: the first-start demo merchant (only on the embedded database
 * unless asked for), and stopping with Ctrl-C — a second one exits at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { exampleOrder } from '../fixtures/example-order.ts';
import { CREATE_PATH, DB_LABEL, TEST_DATABASE_URL, call, createTestDatabaseUrl, dropTestDatabase } from '../helpers/harness.ts';
import { runCli, startServe } from '../helpers/processes.ts';
import { startReceiver } from '../helpers/receiver.ts';

const ADMIN_TOKEN = 'operator-token-for-tests-0123456789abcdef';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'efk-serve-'));
}

test('first start on the embedded database prints a demo merchant whose curl creates an order', { skip: TEST_DATABASE_URL !== null }, async () => {
  const dir = tempDir();
  // EFAKTURA_DEMO_MERCHANT unset: the default for the embedded database applies.
  const env = { EFAKTURA_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '', EFAKTURA_DEMO_MERCHANT: undefined, EFAKTURA_ADMIN_TOKEN: ADMIN_TOKEN };
  const server = await startServe(env);
  try {
    const out = server.output();
    assert.match(out, /first start — a demo merchant was created/);
    const token = /API token:\s+(efk_live_[\w-]{43})/.exec(out)?.[1];
    assert.ok(token, out);
    const curl = /^curl -s -X POST [^\n]*\\\n(?:[^\n]*\\\n)*[^\n]*'$/m.exec(out)?.[0];
    assert.ok(curl, `no curl command in:\n${out}`);
    assert.ok(curl.startsWith(`curl -s -X POST ${server.url}/api/v1/connect/orders/faktura/create`));

    // Run the printed command exactly as a shell would.
    const { stdout } = await promisify(execFile)('sh', ['-c', curl]);
    const created = JSON.parse(stdout);
    assert.match(created.data.uuid, /^ODR\d{10}$/);
    // Within seconds the worker invoices it (interval 0): number 1, a KID, and its PDF and EHF rendered.
    let details = await call(server.url, 'GET', `/api/v1/connect/orders/details/${created.data.uuid}`, { token });
    for (let i = 0; i < 1200 && details.body.data.status !== 'INVOICED'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      details = await call(server.url, 'GET', `/api/v1/connect/orders/details/${created.data.uuid}`, { token });
    }
    assert.equal(details.body.data.status, 'INVOICED');
    assert.equal(details.body.data.invoiceNumber, '1');
    assert.match(details.body.data.kid, /^\d{16}$/);
    let pdf = await call(server.url, 'GET', '/api/v1/connect/invoices/1/pdf', { token });
    for (let i = 0; i < 1200 && pdf.status === 409; i++) {
      await new Promise((r) => setTimeout(r, 50));
      pdf = await call(server.url, 'GET', '/api/v1/connect/invoices/1/pdf', { token });
    }
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    // The banner's callbackUrl never resolves: nobody's server on the internet is called.
    const callbacks = await call(server.url, 'GET', '/api/v1/admin/callbacks', { token: ADMIN_TOKEN });
    assert.equal(callbacks.status, 200);
    assert.deepEqual(callbacks.body.data.map((c: { status: string }) => c.status), ['INVOICED']);
    assert.match(curl, /"callbackUrl":"https:\/\/merchant\.invalid\/efaktura-callback"/);
    assert.doesNotMatch(curl, /example\.com/);
  } finally {
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  }
  // A restart finds a merchant and prints no second banner.
  const again = await startServe(env);
  try {
    assert.doesNotMatch(again.output(), /demo merchant was created/);
  } finally {
    again.child.kill('SIGTERM');
    await again.exited;
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('with DATABASE_URL no demo merchant is created unless EFAKTURA_DEMO_MERCHANT=1', { skip: TEST_DATABASE_URL === null }, async () => {
  const url = await createTestDatabaseUrl();
  try {
    const quiet = await startServe({ DATABASE_URL: url!, EFAKTURA_DEMO_MERCHANT: undefined });
    quiet.child.kill('SIGTERM');
    assert.equal(await quiet.exited, 0);
    assert.doesNotMatch(quiet.output(), /demo merchant/);
    assert.equal((await runCli(['merchant', 'list'], { DATABASE_URL: url! })).stdout, 'No merchants.\n');

    const asked = await startServe({ DATABASE_URL: url!, EFAKTURA_DEMO_MERCHANT: '1' });
    asked.child.kill('SIGTERM');
    assert.equal(await asked.exited, 0);
    assert.match(asked.output(), /a demo merchant was created/);
    assert.match((await runCli(['merchant', 'list'], { DATABASE_URL: url! })).stdout, /Demo Merchant AS/);
  } finally {
    await dropTestDatabase(url);
  }
});

test(`a second Ctrl-C exits at once while shutdown waits for a hanging callback (${DB_LABEL})`, { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const url = await createTestDatabaseUrl();
  const receiver = await startReceiver(() => 'hang');
  const env = {
    EFAKTURA_DATA_DIR: path.join(dir, 'data'),
    DATABASE_URL: url ?? '',
    EFAKTURA_ALLOW_PRIVATE_CALLBACKS: '1',
    // Far longer than the test may run: a graceful stop would wait for this callback to time out.
    EFAKTURA_CALLBACK_TIMEOUT_MS: '600000',
  };
  try {
    const merchant = JSON.parse((await runCli(['merchant', 'create', '--name', 'Stop AS', '--org-number', '923609016', '--json'], env)).stdout);
    const server = await startServe(env);
    try {
      const body = exampleOrder({ productsAs: 'array' });
      body.callback.callbackUrl = `${receiver.url}/cb`;
      const order = await call(server.url, 'POST', CREATE_PATH, { token: merchant.token, body });
      assert.equal(order.status, 201);
      const cancel = await call(server.url, 'POST', `/api/v1/connect/orders/cancel/${order.body.data.uuid}`, { token: merchant.token, body: { cancellationNote: 'stop test' } });
      assert.equal(cancel.status, 202);
      await receiver.waitFor((r) => r.length > 0, 30_000); // the callback is now in flight, hanging

      server.child.kill('SIGINT');
      await waitForOutput(server.output, /shutting down/);
      server.child.kill('SIGINT');
      assert.equal(await server.exited, 130);
      assert.match(server.output(), /SIGINT again: exiting now/);
    } finally {
      server.child.kill('SIGKILL');
    }
  } finally {
    await receiver.close();
    await dropTestDatabase(url);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

async function waitForOutput(output: () => string, pattern: RegExp): Promise<void> {
  while (!pattern.test(output())) await new Promise((r) => setTimeout(r, 20));
}
