/** `efaktura dunning-run` and `efaktura inkasso export` as an operator runs them (SPEC §7). */
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
import { freshAccount } from '../app/payments/payment-helpers.ts';

describe(`efaktura dunning-run and inkasso export (${DB_LABEL})`, () => {
  let env: Record<string, string | undefined>;
  let dir: string;
  let dbUrl: string | null;
  let merchantId: number;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'efk-dun-cli-'));
    dbUrl = await createTestDatabaseUrl();
    env = { EFAKTURA_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: dbUrl ?? '' };
    const db = await openDatabase({ databaseUrl: dbUrl, dataDir: env.EFAKTURA_DATA_DIR!, poolSize: 2 });
    try {
      await migrate(db);
      const m = await createMerchant(db);
      merchantId = m.merchantId;
      await setSettings(db, m.merchantId, { accountNumber: freshAccount() });
      // Two invoices of 1 Oct 2026, due Sunday 11 Oct (on time until Monday 12 Oct).
      await storeOrder(db, m.merchantId, { fee: false, maturity: 10, personalNumber: '01010054321', lines: [['Klipp', '1', '499.00', '0', '25']] });
      await storeOrder(db, m.merchantId, { fee: false, maturity: 10, personalNumber: '01010054321', lines: [['Farge', '1', '899.00', '0', '25']] });
      await invoiceAll(db, m.merchantId, { invoiceDate: '2026-10-01' });
    } finally {
      await db.close();
    }
  });
  after(async () => {
    await dropTestDatabase(dbUrl);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('dunning-run --as-of takes each step on its day, once; a future date needs EFAKTURA_ALLOW_FUTURE_RUNS=1', async () => {
    const early = await runCli(['dunning-run', '--as-of', '2026-10-25', '--json'], env);
    assert.equal(early.code, 0, early.stderr);
    assert.deepEqual(JSON.parse(early.stdout), { asOf: '2026-10-25', reminders: 0, notices: 0, collections: 0 });
    const reminders = await runCli(['dunning-run', '--as-of', '2026-10-26', '--json'], env);
    assert.deepEqual(JSON.parse(reminders.stdout), { asOf: '2026-10-26', reminders: 2, notices: 0, collections: 0 });
    const again = await runCli(['dunning-run', '--as-of', '2026-10-26', '--merchant', String(merchantId), '--json'], env);
    assert.deepEqual(JSON.parse(again.stdout), { asOf: '2026-10-26', reminders: 0, notices: 0, collections: 0 });
    const notices = await runCli(['dunning-run', '--as-of', '2026-11-23'], env);
    assert.equal(notices.code, 0, notices.stderr);
    assert.match(notices.stdout, /0 reminders, 2 debt-collection notices, 0 claims to collection/);

    const future = await runCli(['dunning-run', '--as-of', '2026-12-21'], env);
    assert.equal(future.code, 2);
    assert.match(future.stderr, /in the future[^\n]*EFAKTURA_ALLOW_FUTURE_RUNS=1/);
    const malformed = await runCli(['dunning-run', '--as-of', '21.12.2026'], env);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /not a date as YYYY-MM-DD/);
    const collections = await runCli(['dunning-run', '--as-of', '2026-12-21', '--json'], { ...env, EFAKTURA_ALLOW_FUTURE_RUNS: '1' });
    assert.equal(collections.code, 0, collections.stderr);
    assert.deepEqual(JSON.parse(collections.stdout), { asOf: '2026-12-21', reminders: 0, notices: 0, collections: 2 });
  });

  test('inkasso export --out writes the claims once (debtor, amounts, fees, dates, documents); a file that exists exports nothing', async () => {
    const out = path.join(dir, 'claims.json');
    fs.writeFileSync(out, 'already here');
    const refused = await runCli(['inkasso', 'export', '--out', out, '--json'], env);
    assert.notEqual(refused.code, 0);
    assert.equal(fs.readFileSync(out, 'utf8'), 'already here');
    fs.rmSync(out);

    const res = await runCli(['inkasso', 'export', '--out', out, '--json'], env);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout), { exported: 2, out });
    const claims = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.equal(claims.length, 2);
    const first = claims[0];
    assert.equal(first.invoiceNumber, 1);
    assert.equal(first.debtor.personalNumber, '01010054321');
    assert.equal(first.principal, '499.00');
    assert.deepEqual(first.fees.map((f: any) => [f.kind, f.date, f.amount]), [['reminder', '2026-10-26', '35.00'], ['notice', '2026-11-23', '35.00']]);
    assert.equal(first.feesTotal, '70.00');
    assert.equal(first.dueDate, '2026-10-11');
    assert.equal(first.reminderDate, '2026-10-26');
    assert.equal(first.noticeDate, '2026-11-23');
    assert.equal(first.handedOverOn, '2026-12-21');
    assert.match(first.kid, /^\d+$/);
    assert.deepEqual(first.documents, ['1.pdf']);
    assert.equal(Number(first.total), 499 + 70 + Number(first.interest));

    const again = await runCli(['inkasso', 'export', '--json'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout), [], 'each claim is exported once');
    const csv = await runCli(['inkasso', 'export', '--csv'], env);
    assert.match(csv.stdout, /^merchantId,invoiceNumber,kid,debtorName,/);
  });

  test('bad command lines exit 2 with the usage', async () => {
    const res = await runCli(['inkasso'], env);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /usage: efaktura inkasso export/);
    const both = await runCli(['inkasso', 'export', '--json', '--csv'], env);
    assert.equal(both.code, 2);
    const merchant = await runCli(['dunning-run', '--merchant', 'x'], env);
    assert.equal(merchant.code, 2);
    assert.match(merchant.stderr, /--merchant must be a merchant id/);
  });
});
