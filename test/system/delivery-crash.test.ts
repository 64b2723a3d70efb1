/**
 * SIGKILL during delivery (issue #8): a real `efaktura serve` process invoices, renders and delivers 60
 * invoices — most as eFaktura to a separate simulator, the rest by e-mail to a real SMTP server — and is
 * killed in the middle. After the restart every invoice is delivered, each exactly once in efaktura (one
 * delivered attempt), once in the network (the resent consignment of a step cut short is answered 209),
 * and each e-mail arrives; SMTP has no idempotency, so a message in flight at the kill may arrive twice —
 * at most that one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DB_LABEL, createMerchant, createTestDatabaseUrl, dropTestDatabase } from '../helpers/harness.ts';
import { startQuietServe } from '../helpers/processes.ts';
import { setSettings } from '../helpers/invoicing.ts';
import { register, startTestSimulator, syntheticPersonalNumber } from '../helpers/efaktura-simulator.ts';
import { startSmtpSink } from '../delivery/smtp-sink.ts';
import { storeOrderFor } from '../delivery/helpers.ts';
import { openDatabase, type Db } from '../../src/store/db/db.ts';
import { migrate } from '../../src/store/db/migrate.ts';

const EFAKTURA = 45;
const EMAIL = 15;
const TOTAL = EFAKTURA + EMAIL;

async function withDb<T>(dbUrl: string | null, dataDir: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDatabase({ databaseUrl: dbUrl, dataDir, poolSize: 4 });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

test(`every invoice is delivered exactly once after SIGKILL mid-delivery and restart (${DB_LABEL})`, { timeout: 240_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'efk-delivcrash-'));
  const dataDir = path.join(dir, 'data');
  const outbox = path.join(dir, 'outbox');
  const dbUrl = await createTestDatabaseUrl();
  const sim = await startTestSimulator();
  const smtp = await startSmtpSink();
  const env = {
    EFAKTURA_DATA_DIR: dataDir, DATABASE_URL: dbUrl ?? '',
    EFAKTURA_SIMULATOR_URL: sim.url, EFAKTURA_SMTP_URL: smtp.url, EFAKTURA_OUTBOX_DIR: outbox,
    EFAKTURA_BANK_CONNECTOR: 'none', EFAKTURA_RENDER_CONCURRENCY: '1', EFAKTURA_DELIVERY_RETRY_SCHEDULE: '0.2,0.5',
    EFAKTURA_DELIVERY_TIMEOUT_MS: '5000',
  };
  const simCount = async () => Number((await sim.db.query<{ n: string }>({ text: 'SELECT count(*) AS n FROM sim_invoices' }))[0]!.n);
  try {
    const merchant = await withDb(dbUrl, dataDir, async (db) => {
      await migrate(db);
      const m = await createMerchant(db);
      await setSettings(db, m.merchantId, { street: 'Storgata 1', zip: '0155', city: 'Oslo', invoiceEmail: 'regnskap@merchant.example' });
      // syntheticPersonalNumber(n) skips to the next valid number, so neighbouring n can give the same one.
      const numbers = new Set<string>();
      for (let n = 100; numbers.size < TOTAL; n++) numbers.add(syntheticPersonalNumber(n));
      for (const [i, pn] of [...numbers].entries()) {
        if (i < EFAKTURA) await register(sim, pn, 'all');
        await storeOrderFor(db, m.merchantId, { personalNumber: pn, email: `customer${i}@example.test` });
      }
      return m;
    });

    let server = await startQuietServe(env);
    const deadline = Date.now() + 60_000;
    while ((await simCount()) + smtp.messages.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    server.child.kill('SIGKILL');
    await server.exited;
    const atKill = (await simCount()) + smtp.messages.length;
    assert.ok(atKill >= 5 && atKill < TOTAL, `the server must die mid-delivery (${atKill} of ${TOTAL} had arrived)`);

    // The steps the dead worker held come back when their lease runs out (a minute or more): let it run
    // out now, as if that time had passed.
    await withDb(dbUrl, dataDir, (db) => db.query({ text: "UPDATE jobs SET lease_until = now() - interval '1 second' WHERE state = 'pending' AND lease_until IS NOT NULL" }));

    server = await startQuietServe(env);
    try {
      const until = Date.now() + 180_000;
      while ((await simCount()) < EFAKTURA || new Set(smtp.messages.map((m) => (m.to as { text: string }).text)).size < EMAIL) {
        assert.ok(Date.now() < until, `not all delivered: ${await simCount()} eFaktura, ${smtp.messages.length} e-mails`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 500)); // anything still to come would come now
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }

    await withDb(dbUrl, dataDir, async (db) => {
      const rows = await db.query<{ number: number; status: string; channel: string | null; delivered: number }>({
        text: `SELECT i.number, d.status, d.delivered_channel AS channel,
                 (SELECT count(*)::int FROM delivery_attempts a WHERE a.delivery_id = d.id AND a.outcome = 'delivered') AS delivered
               FROM invoices i JOIN deliveries d ON d.invoice_id = i.id WHERE i.merchant_id = $1 ORDER BY i.number`,
        values: [merchant.merchantId],
      });
      assert.equal(rows.length, TOTAL);
      for (const r of rows) assert.equal(r.status, 'delivered', `invoice ${r.number}`);
      for (const r of rows) assert.equal(r.delivered, 1, `invoice ${r.number}: one delivered attempt`);
      assert.equal(rows.filter((r) => r.channel === 'efaktura').length, EFAKTURA);
      assert.equal(rows.filter((r) => r.channel === 'email').length, EMAIL);
    });
    const atSim = await sim.db.query<{ invoice_number: string; n: number }>({ text: 'SELECT invoice_number, count(*)::int AS n FROM sim_invoices GROUP BY invoice_number' });
    assert.equal(atSim.length, EFAKTURA);
    assert.ok(atSim.every((r) => r.n === 1));
    const perRecipient = new Map<string, number>();
    for (const m of smtp.messages) {
      const to = (m.to as { text: string }).text;
      perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
    }
    assert.equal(perRecipient.size, EMAIL);
    const twice = [...perRecipient.values()].filter((n) => n > 1);
    assert.ok(twice.length <= 1 && twice.every((n) => n === 2), `at most the message in flight at the kill twice: ${JSON.stringify([...perRecipient])}`);
  } finally {
    await smtp.close();
    await sim.close();
    await dropTestDatabase(dbUrl);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
