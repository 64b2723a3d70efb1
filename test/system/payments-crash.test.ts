/**
 * An import cut short by SIGKILL (issue 9): importing the same file again stores exactly the rest, so every
 * payment is there once and the invoice it pays has one PAID callback. PostgreSQL server only: the test
 * watches the database while the importer runs, which the embedded database (one process) does not allow.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DB_LABEL, TEST_DATABASE_URL, createMerchant, createTestDatabaseUrl, dropTestDatabase } from '../helpers/harness.ts';
import { BIN, runCli } from '../helpers/processes.ts';
import { invoiceAll, setSettings, storeOrder } from '../helpers/invoicing.ts';
import { openDatabase } from '../../src/store/db/db.ts';
import { migrate } from '../../src/store/db/migrate.ts';
import { freshAccount, pay } from '../app/payments/payment-helpers.ts';
import { ocrFile } from '../domain/payments/ocr-lines.ts';

const TRANSACTIONS = 20_000;

test(`SIGKILL in the middle of an import, then the same file again: every payment once, one PAID callback (${DB_LABEL})`, { skip: TEST_DATABASE_URL === null ? 'needs TEST_DATABASE_URL' : false }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'efk-paycrash-'));
  const dbUrl = (await createTestDatabaseUrl())!;
  const db = await openDatabase({ databaseUrl: dbUrl, dataDir: 'memory://', poolSize: 2 });
  try {
    await migrate(db);
    const m = await createMerchant(db);
    const account = freshAccount();
    await setSettings(db, m.merchantId, { accountNumber: account });
    const order = await storeOrder(db, m.merchantId, { fee: false });
    await invoiceAll(db, m.merchantId);
    const [invoice] = await db.query<{ kid: string; total_ore: number }>({ text: 'SELECT kid, total_ore FROM invoices WHERE merchant_id = $1', values: [m.merchantId] });
    // Unknown KIDs (they wait in the unmatched list) and, last, the invoice's payment.
    const transactions = Array.from({ length: TRANSACTIONS - 1 }, (_, i) => pay(String(10_000_000 + i), 100 + i));
    transactions.push(pay(invoice!.kid, invoice!.total_ore));
    const file = path.join(dir, 'big.ocr');
    fs.writeFileSync(file, ocrFile([{ account, transactions }]), 'latin1');
    const count = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM payments'))[0]!.n;

    const child = spawn(process.execPath, [BIN, 'payments', 'import', file], { env: { ...process.env, DATABASE_URL: dbUrl, LOG_LEVEL: 'silent' }, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const deadline = Date.now() + 120_000;
    while ((await count()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await exited;
    const stored = await count();
    assert.ok(stored > 0 && stored < TRANSACTIONS, `the importer must die mid-import (had stored ${stored} of ${TRANSACTIONS})`);

    const again = await runCli(['payments', 'import', file, '--json'], { DATABASE_URL: dbUrl });
    assert.equal(again.code, 0, again.stderr);
    const summary = JSON.parse(again.stdout);
    assert.equal(summary.duplicates, stored);
    assert.equal(summary.imported, TRANSACTIONS - stored);
    assert.equal(await count(), TRANSACTIONS);
    const [distinct] = await db.query<{ n: number }>('SELECT count(DISTINCT position)::int AS n FROM payments');
    assert.equal(distinct!.n, TRANSACTIONS);
    const [paid] = await db.query<{ status: string; callbacks: number; paid_ore: number }>({
      text: `SELECT o.status, (SELECT count(*)::int FROM callback_events c WHERE c.order_id = o.id AND c.status = 'PAID') AS callbacks,
                    (SELECT paid_ore FROM invoices WHERE id = o.invoice_id) AS paid_ore
             FROM orders o WHERE o.uuid = $1`,
      values: [order.uuid],
    });
    assert.deepEqual(paid, { status: 'PAID', callbacks: 1, paid_ore: invoice!.total_ore });
    const third = await runCli(['payments', 'import', file, '--json'], { DATABASE_URL: dbUrl });
    assert.equal(JSON.parse(third.stdout).duplicates, TRANSACTIONS);
  } finally {
    await db.close();
    await dropTestDatabase(dbUrl);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
