/** `efaktura payments import|list|match` as an operator runs them (SPEC §7, §8). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DB_LABEL, createMerchant, createTestDatabaseUrl, dropTestDatabase } from '../helpers/harness.ts';
import { runCli } from '../helpers/processes.ts';
import { openDatabase } from '../../src/store/db/db.ts';
import { migrate } from '../../src/store/db/migrate.ts';
import { invoiceAll, setSettings, storeOrder } from '../helpers/invoicing.ts';
import { freshAccount, ocr, pay } from '../app/payments/payment-helpers.ts';

describe(`efaktura payments (${DB_LABEL})`, () => {
  let env: Record<string, string | undefined>;
  let dir: string;
  let dbUrl: string | null;
  let account: string;
  let kid: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'efk-pay-cli-'));
    dbUrl = await createTestDatabaseUrl();
    env = { EFAKTURA_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: dbUrl ?? '' };
    // The data set: one merchant with an account and one invoice, written before the CLI opens the database.
    const db = await openDatabase({ databaseUrl: dbUrl, dataDir: env.EFAKTURA_DATA_DIR!, poolSize: 2 });
    try {
      await migrate(db);
      const m = await createMerchant(db);
      account = freshAccount();
      await setSettings(db, m.merchantId, { accountNumber: account });
      await storeOrder(db, m.merchantId, { fee: false, lines: [['Klipp', '1', '499.00', '0', '25']] });
      await invoiceAll(db, m.merchantId);
      kid = (await db.query<{ kid: string }>('SELECT kid FROM invoices WHERE number = 1'))[0]!.kid;
    } finally {
      await db.close();
    }
  });
  after(async () => {
    await dropTestDatabase(dbUrl);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text, 'latin1');
    return file;
  };

  test('import --json prints the summary; the same file again is all duplicates', async () => {
    const file = write('one.ocr', ocr(account, [pay(kid, 20000), pay('1111111111111', 500)]));
    const res = await runCli(['payments', 'import', file, '--json'], env);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout), { imported: 2, duplicates: 0, matched: 0, partial: 1, overpaid: 0, unmatched: 1, reversed: 0 });
    assert.equal(res.stderr, '', 'no progress bar when stderr is not a terminal');
    const again = await runCli(['payments', 'import', file, '--json'], env);
    assert.deepEqual(JSON.parse(again.stdout), { imported: 0, duplicates: 2, matched: 0, partial: 0, overpaid: 0, unmatched: 0, reversed: 0 });
    const text = await runCli(['payments', 'import', file], env);
    assert.match(text.stdout, /imported 0, duplicates 2/);
  });

  test('list --unmatched, then match PAYMENT_ID INVOICE_NUMBER pays the rest', async () => {
    const list = await runCli(['payments', 'list', '--unmatched', '--json'], env);
    assert.equal(list.code, 0, list.stderr);
    const unmatched = JSON.parse(list.stdout);
    assert.equal(unmatched.length, 1);
    assert.equal(unmatched[0].kid, '1111111111111');
    const rest = write('rest.ocr', ocr(account, [pay('2222222222222', 29900)]));
    await runCli(['payments', 'import', rest], env);
    const id = JSON.parse((await runCli(['payments', 'list', '--unmatched', '--json'], env)).stdout).find((p: any) => p.kid === '2222222222222').id;
    const match = await runCli(['payments', 'match', String(id), '1', '--json'], env);
    assert.equal(match.code, 0, match.stderr);
    assert.deepEqual(JSON.parse(match.stdout), { paymentId: id, invoiceNumber: 1, outcome: 'matched', paidOrders: 1 });
    const again = await runCli(['payments', 'match', String(id), '1'], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /only unmatched payments can be matched by hand/);
    const human = await runCli(['payments', 'list'], env);
    assert.match(human.stdout, /matched\t299\.00/);
  });

  test('a refused file exits 1 with the line and the reason; bad command lines exit 2 with the usage', async () => {
    const bad = write('bad.ocr', ocr(account, [pay(kid, 100)]).replace(/\r\n$/, '').slice(0, -1));
    const res = await runCli(['payments', 'import', bad], env);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /nothing was imported: line 6: a record is 80 characters long; this one has 79/);
    for (const args of [['payments'], ['payments', 'import'], ['payments', 'import', path.join(dir, 'missing.ocr')], ['payments', 'match', '1'], ['payments', 'match', 'x', '1'], ['payments', 'list', '--merchant', 'abc'], ['payments', 'pay']]) {
      const r = await runCli(args, env);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /usage: efaktura payments/, args.join(' '));
    }
  });
});
