/**
 * Numbered SQL migrations (`migrations/NNN_name.sql`), applied in order, each in its own transaction
 * together with its row in `schema_migrations`. An advisory lock serialises servers that start at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_KEY = 0x65666b74; // "efkt"

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d+_[\w-]+\.sql$/.test(f))
    .map((f) => ({ version: Number(f.split('_')[0]), name: f, sql: fs.readFileSync(path.join(dir, f), 'utf8') }))
    .sort((a, b) => a.version - b.version);
}

/** Applies the pending migrations; returns the names of those it applied. */
export async function migrate(db: Db, migrations = readMigrations()): Promise<string[]> {
  await db.transaction(async (tx) => {
    await tx.query({ text: 'SELECT pg_advisory_xact_lock($1)', values: [LOCK_KEY] });
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
  });
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query({ text: 'SELECT pg_advisory_xact_lock($1)', values: [LOCK_KEY] });
      const rows = await tx.query({ text: 'SELECT 1 FROM schema_migrations WHERE version = $1', values: [m.version] });
      if (rows.length > 0) return false;
      await tx.query(m.sql);
      await tx.query({ text: 'INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', values: [m.version, m.name] });
      return true;
    });
    if (done) applied.push(m.name);
  }
  return applied;
}
