/**
 * A 200 MB bank file (issue 9): a clear, documented answer, never a 5xx, and nothing half imported. Over
 * HTTP the body is larger than EFAKTURA_IMPORT_BODY_LIMIT (100 MiB by default): 413 payloadTooLarge in the
 * error envelope, and the server goes on answering. The CLI reads a camt.054 file of that size up to the
 * same limit and refuses it with the reason (exit 1). The file is written in pieces to a temporary file.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { DB_LABEL, createTestDatabaseUrl, dropTestDatabase, startTestServer, type TestServer } from '../helpers/harness.ts';
import { runCli } from '../helpers/processes.ts';
import { openDatabase, type Db } from '../../src/store/db/db.ts';
import { migrate } from '../../src/store/db/migrate.ts';
import { writeCamt054 } from '../../src/domain/payments/camt054-writer.ts';

const SIZE = 200 * 1024 * 1024;
const LIMIT = 104_857_600; // the default of EFAKTURA_IMPORT_BODY_LIMIT
const ADMIN_TOKEN = 'c'.repeat(40);

/** A camt.054 of at least `size` bytes: one notification, the same entry again and again. */
function writeBigCamt(file: string, size: number): void {
  const sample = writeCamt054({
    messageId: 'BIG', notificationId: 'N', createdAt: '2026-12-10T06:00:00', account: '15032080119',
    entries: [{ amountOre: 49_900, bookingDate: '2026-12-10', valueDate: '2026-12-10', bankReference: 'R', kid: '1000000001' }],
  });
  const entryAt = sample.indexOf('   <Ntry>');
  const entryEnd = sample.indexOf('</Ntry>\n') + '</Ntry>\n'.length;
  const piece = Buffer.from(sample.slice(entryAt, entryEnd).repeat(Math.ceil((1 << 20) / (entryEnd - entryAt))));
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, sample.slice(0, entryAt));
    for (let written = 0; written < size; written += piece.length) fs.writeSync(fd, piece);
    fs.writeSync(fd, sample.slice(entryEnd));
  } finally {
    fs.closeSync(fd);
  }
}

async function stored(db: Db): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT (SELECT count(*) FROM payments)::int + (SELECT count(*) FROM payment_files)::int AS n');
  return row!.n;
}

describe(`a 200 MB bank file (${DB_LABEL})`, () => {
  let dir: string;
  let file: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'efk-pay-large-'));
    file = path.join(dir, 'big.camt054.xml');
    writeBigCamt(file, SIZE);
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('POST /api/v1/admin/payments/import: 413 payloadTooLarge in the error envelope, nothing stored, the server still answers', async () => {
    const t: TestServer = await startTestServer({ runWorker: false, adminToken: ADMIN_TOKEN, importBodyLimitBytes: LIMIT });
    try {
      // Sent in chunks without a length, as a client streaming a file does: the server has to stop reading at
      // the limit. It answers and closes; when the close overtakes the answer (a reset while we still send),
      // the attempt is tried again — but every answer that comes must be the 413.
      const send = () => new Promise<{ status: number; text: string } | null>((resolve, reject) => {
        const url = new URL('/api/v1/admin/payments/import', t.url);
        const req = http.request(url, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/xml' } }, (r) => {
          let text = '';
          r.setEncoding('utf8');
          r.on('data', (d: string) => (text += d));
          r.on('end', () => {
            // Stop sending: the server stopped reading, and its close waits for this connection to end.
            req.destroy();
            resolve({ status: r.statusCode!, text });
          });
          r.on('error', () => resolve(null));
        });
        req.on('error', () => resolve(null));
        req.setTimeout(60_000, () => req.destroy(new Error('no answer within 60 s')));
        fs.createReadStream(file, { highWaterMark: 1 << 20 }).on('error', reject).pipe(req);
      });
      let res = await send();
      for (let attempt = 1; res === null && attempt < 5; attempt++) res = await send();
      assert.ok(res !== null, 'five attempts, and not one answer');
      assert.equal(res.status, 413, res.text);
      const body = JSON.parse(res.text);
      assert.equal(body.message, 'payloadTooLarge');
      assert.ok(Array.isArray(body.errors) && body.errors.length === 1, res.text);
      assert.equal(await stored(t.db), 0);
      assert.equal((await fetch(new URL('/healthz', t.url))).status, 200);
    } finally {
      await t.close();
    }
  });

  test('efaktura payments import: refused with the reason (exit 1), nothing stored', async () => {
    const dbUrl = await createTestDatabaseUrl();
    const env = { EFAKTURA_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: dbUrl ?? '' };
    const db = await openDatabase({ databaseUrl: dbUrl, dataDir: env.EFAKTURA_DATA_DIR, poolSize: 1 });
    try {
      await migrate(db);
    } finally {
      await db.close();
    }
    try {
      const r = await runCli(['payments', 'import', file, '--json'], env);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`a camt\\.054 file larger than ${LIMIT} bytes is not imported \\(EFAKTURA_IMPORT_BODY_LIMIT\\)`));
      const after = await openDatabase({ databaseUrl: dbUrl, dataDir: env.EFAKTURA_DATA_DIR, poolSize: 1 });
      try {
        assert.equal(await stored(after), 0);
      } finally {
        await after.close();
      }
    } finally {
      await dropTestDatabase(dbUrl);
    }
  });
});
