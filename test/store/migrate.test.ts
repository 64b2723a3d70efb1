/** Migrations: applied once each, in order, however often and however concurrently `migrate` runs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL, createTestDatabaseUrl, dropTestDatabase } from '../helpers/harness.ts';
import { openDatabase, type Db } from '../../src/store/db/db.ts';
import { migrate, readMigrations } from '../../src/store/db/migrate.ts';

const ALL = readMigrations().map((m) => m.name);

test(`a second migrate applies nothing, and schema_migrations names every migration once (${DB_LABEL})`, async () => {
  const url = await createTestDatabaseUrl();
  const db = await openDatabase({ databaseUrl: url, dataDir: 'memory://', poolSize: 4 });
  try {
    assert.deepEqual(await migrate(db), ALL);
    assert.deepEqual(await migrate(db), []);
    const rows = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY version');
    assert.deepEqual(rows.map((r) => r.name), ALL);
  } finally {
    await db.close();
    await dropTestDatabase(url);
  }
});

test(`concurrent migrate runs apply each migration exactly once between them (${DB_LABEL})`, async () => {
  const url = await createTestDatabaseUrl();
  // On a server: separate pools, like separate processes starting at once. Embedded: one database
  // shared by concurrent callers (a second process is kept out by the data-dir lock).
  const first = await openDatabase({ databaseUrl: url, dataDir: 'memory://', poolSize: 4 });
  const others: Db[] = url === null ? [first, first, first] : [];
  if (url !== null) for (let i = 0; i < 3; i++) others.push(await openDatabase({ databaseUrl: url, dataDir: 'memory://', poolSize: 2 }));
  try {
    const results = await Promise.all([first, ...others].map((db) => migrate(db)));
    const applied = results.flat();
    assert.deepEqual([...applied].sort(), [...ALL].sort(), `applied: ${JSON.stringify(results)}`);
    for (const run of results) assert.deepEqual(run, [...run].sort(), 'each run applies in version order');
    const rows = await first.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    assert.equal(rows.length, ALL.length);
  } finally {
    await first.close();
    if (url !== null) for (const db of others) await db.close();
    await dropTestDatabase(url);
  }
});
