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

  test('merchant create --json prints exactly one JSON object with merchantId, token, callbackSecret and the settings', async () => {
    const res = await runCli(['merchant', 'create', '--name', 'Kari Hår AS', '--org-number', '923609016', '--account-number', '15032080119', '--json'], env);
    assert.equal(res.code, 0, res.stderr);
    const lines = res.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const created = JSON.parse(lines[0]!);
    assert.deepEqual(Object.keys(created).sort(), ['callbackSecret', 'merchantId', 'settings', 'token']);
    assert.equal(created.settings.legalName, 'Kari Hår AS');
    assert.equal(typeof created.merchantId, 'number');
    // ≥ 32 random bytes: 43 base64url characters after the prefix.
    assert.match(created.token, /^efk_live_[\w-]{43}$/);
    const list = await runCli(['merchant', 'list', '--json'], env);
    assert.ok(JSON.parse(list.stdout).some((m: any) => m.id === created.merchantId && m.name === 'Kari Hår AS'));
  });

  test('merchant create refuses a bad organisation number or account number with a clear message', async () => {
    const res = await runCli(['merchant', 'create', '--name', 'X', '--org-number', '123456789'], env);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /--org-number: The organisation number must be 9 digits with a valid MOD11 check digit; "123456789" is not\./);
    assert.match(res.stderr, /Nothing was changed\./);
    const acc = await runCli(['merchant', 'create', '--name', 'X', '--org-number', '923609016', '--account-number', '12345678901'], env);
    assert.equal(acc.code, 2);
    assert.match(acc.stderr, /--account-number/);
  });

  test('tokens are stored only as hashes, and token create / revoke work by id, full token or 17-character prefix', async () => {
    const created = JSON.parse((await runCli(['merchant', 'create', '--name', 'Tokens AS', '--org-number', '923609016', '--json'], env)).stdout);
    const mint = async () => {
      const res = await runCli(['token', 'create', '--merchant', String(created.merchantId), '--json'], env);
      assert.equal(res.code, 0, res.stderr);
      return JSON.parse(res.stdout) as { tokenId: number; token: string };
    };
    const [byToken, byPrefix, byId] = [await mint(), await mint(), await mint()];
    assert.notEqual(byToken.token, created.token);
    const list = await runCli(['token', 'list', '--merchant', String(created.merchantId), '--json'], env);
    assert.ok(!list.stdout.includes(byToken.token), 'a token listing must not contain the token');
    const liveIds = async () =>
      (JSON.parse((await runCli(['token', 'list', '--merchant', String(created.merchantId), '--json'], env)).stdout) as any[])
        .filter((t) => t.revoked_at === null)
        .map((t) => t.id as number);

    for (const [reference, tokenId] of [
      [byToken.token, byToken.tokenId],
      [`${byPrefix.token.slice(0, 17)}…`, byPrefix.tokenId], // as copied from `token list`
      [String(byId.tokenId), byId.tokenId],
    ] as const) {
      const revoke = await runCli(['token', 'revoke', reference, '--json'], env);
      assert.equal(revoke.code, 0, revoke.stderr);
      assert.deepEqual(JSON.parse(revoke.stdout), { revoked: [tokenId] });
      assert.ok(!(await liveIds()).includes(tokenId));
      const again = await runCli(['token', 'revoke', reference], env);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /no live token matches/);
    }
    const unknown = await runCli(['token', 'create', '--merchant', '999999'], env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /No merchant 999999/);
  });

  test('token revoke with a partial prefix revokes nothing and says what to give instead', async () => {
    const created = JSON.parse((await runCli(['merchant', 'create', '--name', 'Partial AS', '--org-number', '923609016', '--json'], env)).stdout);
    const live = async () => {
      const tokens = JSON.parse((await runCli(['token', 'list', '--json'], env)).stdout) as any[];
      return tokens.filter((t) => t.revoked_at === null).map((t) => t.id);
    };
    const before = await live();
    for (const reference of ['efk', 'efk_live_', created.token.slice(0, 16), created.token.slice(0, 24), 'efk_admin_x', '']) {
      const res = await runCli(['token', 'revoke', reference], env);
      assert.equal(res.code, 2, `${reference}: ${res.stderr}`);
      assert.match(res.stderr, /give the token id, the whole token, or its 17-character prefix/);
    }
    assert.deepEqual(await live(), before);
  });

  test('a mistyped flag or stray argument prints the command’s usage and exits 2, never a stack trace', async () => {
    const mistakes: Array<[string[], RegExp]> = [
      [['merchant', 'create', '--org', '1'], /usage: efaktura merchant create/],
      [['merchant', 'list', '--jsn'], /usage: efaktura merchant/],
      [['merchant', 'list', 'extra'], /usage: efaktura merchant/],
      [['token', 'list', '--merchant'], /usage: efaktura token/],
      [['token', 'create', '--merchnt', '1'], /usage: efaktura token/],
      [['token', 'list', '--merchant', 'abc'], /--merchant must be a merchant id/],
      [['token', 'revoke'], /usage: efaktura token/],
      [['admin-token', 'create', '--jsn'], /usage: efaktura admin-token create/],
      [['admin-token'], /usage: efaktura admin-token create/],
      [['callbacks', 'list', '--limt', '5'], /usage: efaktura callbacks list/],
      [['callbacks', 'redeliver', '--ordr', 'x'], /usage: efaktura callbacks redeliver/],
      [['migrate', '--force'], /usage: efaktura migrate/],
      [['config', '--all'], /usage: efaktura config/],
      [['serve', '--port', '3000'], /usage: efaktura serve/],
      [['worker', 'now'], /usage: efaktura worker/],
    ];
    for (const [args, usage] of mistakes) {
      const res = await runCli(args, env);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr, usage, args.join(' '));
      assert.doesNotMatch(res.stderr, /\n\s+at |TypeError/, `${args.join(' ')} printed a stack trace`);
    }
  });

  test('the usage lists callbacks list --limit, invoice-run and the payments commands', async () => {
    const res = await runCli(['--help'], env);
    assert.equal(res.code, 0);
    assert.match(res.stdout, /efaktura callbacks list [^\n]*--limit N/);
    assert.match(res.stdout, /efaktura invoice-run \[--as-of YYYY-MM-DD\] \[--merchant ID\] \[--json\]/);
    assert.match(res.stdout, /efaktura merchant update ID/);
    assert.match(res.stdout, /efaktura payments import FILE \[--json\]/);
    assert.match(res.stdout, /efaktura payments list \[--unmatched\]/);
    assert.match(res.stdout, /efaktura payments match PAYMENT_ID INVOICE_NUMBER/);
    const merchantHelp = await runCli(['merchant', '--help'], env);
    assert.equal(merchantHelp.code, 0);
    assert.match(merchantHelp.stdout, /--invoice-fee NOK/);
    assert.match(merchantHelp.stdout, /--kid-check mod10\|mod11/);
    assert.match(merchantHelp.stdout, /--first-invoice-number N/);
  });

  test('merchant create and update take the invoice settings; unlawful ones are refused with exit 2 and nothing changes', async () => {
    const created = await runCli(['merchant', 'create', '--name', 'Kari Hår AS', '--org-number', '923609016', '--account-number', '15032080119',
      '--street', 'Luramyrveien 65', '--zip', '4313', '--city', 'Sandnes', '--vat-registered', '--foretaksregisteret', '--email', 'faktura@karihar.no',
      '--invoice-fee', '39', '--invoice-fee-tax', '25', '--kid-check', 'mod11', '--json'], env);
    assert.equal(created.code, 0, created.stderr);
    const { merchantId, settings } = JSON.parse(created.stdout);
    assert.deepEqual(
      [settings.street, settings.zip, settings.city, settings.vatRegistered, settings.foretaksregisteret, settings.contactEmail, settings.invoiceFee, settings.kidCheck],
      ['Luramyrveien 65', '4313', 'Sandnes', true, true, 'faktura@karihar.no', '39.00', 'mod11'],
    );
    const bad = await runCli(['merchant', 'update', String(merchantId), '--reminder-fee', '36', '--account-number', '123', '--kid-check', 'luhn'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--reminder-fee: The reminder fee must not exceed 3500 øre/);
    assert.match(bad.stderr, /--account-number: The account number must be 11 digits/);
    assert.match(bad.stderr, /--kid-check: The KID check must be mod10 or mod11/);
    assert.match(bad.stderr, /Nothing was changed\./);
    const updated = await runCli(['merchant', 'update', String(merchantId), '--city', 'Stavanger', '--zip', '4006', '--no-vat-registered', '--delivery', 'email,file', '--json'], env);
    assert.equal(updated.code, 0, updated.stderr);
    const after = JSON.parse(updated.stdout);
    assert.deepEqual([after.city, after.zip, after.vatRegistered, after.deliveryChannels, after.invoiceFee, after.kidCheck], ['Stavanger', '4006', false, ['email', 'file'], '39.00', 'mod11']);
    const missing = await runCli(['merchant', 'update', '999999', '--city', 'Oslo'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /There is no merchant 999999/);
  });

  test('invoice-run invoices what is due, prints a summary, and refuses a future or malformed --as-of with exit 2', async () => {
    const run = await runCli(['invoice-run', '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout);
    assert.match(summary.asOf, /^\d{4}-\d{2}-\d{2}$/);
    assert.deepEqual(Object.keys(summary).sort(), ['asOf', 'immediate', 'refused', 'runs']);
    const future = await runCli(['invoice-run', '--as-of', '2999-01-01'], env);
    assert.equal(future.code, 2);
    assert.match(future.stderr, /in the future[^\n]*EFAKTURA_ALLOW_FUTURE_RUNS=1/);
    const malformed = await runCli(['invoice-run', '--as-of', '01.12.2026'], env);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /not a date as YYYY-MM-DD/);
    const allowed = await runCli(['invoice-run', '--as-of', '2999-01-01', '--json'], { ...env, EFAKTURA_ALLOW_FUTURE_RUNS: '1' });
    assert.equal(allowed.code, 0, allowed.stderr);
  });

  test('config prints each variable’s effective value from the environment next to its default, secrets hidden', async () => {
    const adminToken = 'a'.repeat(40);
    const res = await runCli(['config'], { PORT: '8123', EFAKTURA_ADMIN_TOKEN: adminToken, DATABASE_URL: 'postgres://u:s3cret@db.internal:5432/efk', EFAKTURA_DEMO_MERCHANT: '' });
    assert.equal(res.code, 0, res.stderr);
    const row = (name: string) => res.stdout.split('\n').find((l) => l.startsWith(`${name} `))?.split(/\s{2,}/);
    assert.deepEqual(row('PORT')?.slice(0, 4), ['PORT', '8123', 'environment', '3000']);
    assert.deepEqual(row('HOST')?.slice(0, 4), ['HOST', '127.0.0.1', 'default', '127.0.0.1']);
    assert.deepEqual(row('EFAKTURA_DEMO_MERCHANT')?.slice(0, 3), ['EFAKTURA_DEMO_MERCHANT', '0', 'derived']);
    assert.deepEqual(row('EFAKTURA_ADMIN_TOKEN')?.slice(0, 3), ['EFAKTURA_ADMIN_TOKEN', '(set, hidden)', 'environment']);
    assert.ok(!res.stdout.includes(adminToken) && !res.stdout.includes('s3cret'), 'secrets must not be printed');
    assert.match(row('DATABASE_URL')?.[1] ?? '', /^postgres:\/\/u:\*\*\*@db\.internal:5432\/efk$/);

    const bad = await runCli(['config'], { PORT: 'eighty' });
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /^PORT\s+eighty\s+environment/m);
    assert.match(bad.stderr, /PORT must be a whole number/);
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
