/** The `efaktura` command as an operator uses it: merchants, tokens, the data-directory lock. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exampleOrder } from '../fixtures/example-order.ts';
import { CREATE_PATH, DB_LABEL, TEST_DATABASE_URL, call, createTestDatabaseUrl, dropTestDatabase } from '../helpers/harness.ts';
import { runCli, startServe } from '../helpers/processes.ts';

describe(`efaktura CLI (${DB_LABEL})`, () => {
  let env: Record<string, string | undefined>;
  let dir: string;
  let dbUrl: string | null;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'efk-cli-'));
    dbUrl = await createTestDatabaseUrl();
    env = { EFAKTURA_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: dbUrl ?? '' };
  });
  after(async () => {
    await dropTestDatabase(dbUrl);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('merchant create --json prints exactly one JSON object with merchantId, token and callbackSecret', async () => {
    const res = await runCli(['merchant', 'create', '--name', 'Kari Hår AS', '--org-number', '923609016', '--account-number', '15032080119', '--json'], env);
    assert.equal(res.code, 0, res.stderr);
    const lines = res.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const created = JSON.parse(lines[0]!);
    assert.deepEqual(Object.keys(created).sort(), ['callbackSecret', 'merchantId', 'token']);
    assert.equal(typeof created.merchantId, 'number');
    // ≥ 32 random bytes: 43 base64url characters after the prefix.
    assert.match(created.token, /^efk_live_[\w-]{43}$/);
    const list = await runCli(['merchant', 'list', '--json'], env);
    assert.ok(JSON.parse(list.stdout).some((m: any) => m.id === created.merchantId && m.name === 'Kari Hår AS'));
  });

  test('merchant create refuses a bad organisation number or account number with a clear message', async () => {
    const res = await runCli(['merchant', 'create', '--name', 'X', '--org-number', '123456789'], env);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /--org-number must be a valid 9-digit Norwegian organisation number/);
    const acc = await runCli(['merchant', 'create', '--name', 'X', '--org-number', '923609016', '--account-number', '12345678901'], env);
    assert.equal(acc.code, 2);
    assert.match(acc.stderr, /--account-number/);
  });

  test('tokens are stored only as hashes, and token create / revoke work by id or prefix', async () => {
    const created = JSON.parse((await runCli(['merchant', 'create', '--name', 'Tokens AS', '--org-number', '923609016', '--json'], env)).stdout);
    const extra = await runCli(['token', 'create', '--merchant', String(created.merchantId), '--json'], env);
    assert.equal(extra.code, 0, extra.stderr);
    const token = JSON.parse(extra.stdout).token as string;
    assert.notEqual(token, created.token);
    const list = await runCli(['token', 'list', '--merchant', String(created.merchantId), '--json'], env);
    assert.ok(!list.stdout.includes(token), 'a token listing must not contain the token');
    const revoke = await runCli(['token', 'revoke', token.slice(0, 24)], env);
    assert.equal(revoke.code, 0, revoke.stderr);
    const again = await runCli(['token', 'revoke', token.slice(0, 24)], env);
    assert.equal(again.code, 1);
    const unknown = await runCli(['token', 'create', '--merchant', '999999'], env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /No merchant 999999/);
  });

  test('an unknown command prints the usage', async () => {
    const res = await runCli(['frobnicate'], env);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /Unknown command "frobnicate"/);
  });

  test('invalid configuration is refused at start with every problem named', async () => {
    const res = await runCli(['merchant', 'list'], { ...env, PORT: 'eighty', LOG_LEVEL: 'loud' });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /PORT must be a whole number/);
    assert.match(res.stderr, /LOG_LEVEL must be one of/);
  });
});

describe('embedded data directory lock', { skip: TEST_DATABASE_URL !== null }, () => {
  test('a second process on a running server’s data directory fails with a clear message, and nothing is lost', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'efk-lock-'));
    const env = { EFAKTURA_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' };
    const created = JSON.parse((await runCli(['merchant', 'create', '--name', 'Lock AS', '--org-number', '923609016', '--json'], env)).stdout);
    const server = await startServe(env);
    try {
      const order = await call(server.url, 'POST', CREATE_PATH, { token: created.token, body: exampleOrder({ productsAs: 'array' }) });
      assert.equal(order.status, 201);
      const second = await runCli(['merchant', 'list'], env);
      assert.equal(second.code, 1);
      assert.match(second.stderr, /is in use by another efaktura process \(pid \d+\)/);
      const secondServer = await runCli(['serve'], { ...env, PORT: '0' });
      assert.equal(secondServer.code, 1);
      assert.match(secondServer.stderr, /in use by another efaktura process/);
      const status = await call(server.url, 'GET', `/api/v1/connect/orders/status/${order.body.data.uuid}`, { token: created.token });
      assert.equal(status.status, 200);
    } finally {
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0);
    }
    // After a graceful stop the lock is gone and the CLI works again.
    const list = await runCli(['merchant', 'list', '--json'], env);
    assert.equal(list.code, 0, list.stderr);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
