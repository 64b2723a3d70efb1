/** `efaktura migrate` as an operator runs it: it names what it applied, then says the database is current. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DB_LABEL, TEST_DATABASE_URL, createTestDatabaseUrl, dropTestDatabase } from '../helpers/harness.ts';
import { runCli } from '../helpers/processes.ts';
import { readMigrations } from '../../src/store/db/migrate.ts';

const NAMES = readMigrations().map((m) => m.name.replace(/\.sql$/, ''));

test(`efaktura migrate names the migrations it applied, and a re-run says the database is up to date (${DB_LABEL})`, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'efk-migrate-'));
  const url = await createTestDatabaseUrl();
  const env = { EFAKTURA_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: url ?? '' };
  try {
    const first = await runCli(['migrate'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, `Applied ${NAMES.join(', ')}.\n`);
    const second = await runCli(['migrate'], env);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, 'Database is up to date.\n');
  } finally {
    await dropTestDatabase(url);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('two efaktura migrate processes at once against one PostgreSQL server apply each migration once', { skip: TEST_DATABASE_URL === null }, async () => {
  const url = await createTestDatabaseUrl();
  try {
    const runs = await Promise.all([runCli(['migrate'], { DATABASE_URL: url! }), runCli(['migrate'], { DATABASE_URL: url! })]);
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    const applied = runs.flatMap((r) => /^Applied (.*)\.$/m.exec(r.stdout)?.[1]?.split(', ') ?? []);
    assert.deepEqual(applied.sort(), [...NAMES].sort(), runs.map((r) => r.stdout).join(' | '));
  } finally {
    await dropTestDatabase(url);
  }
});
