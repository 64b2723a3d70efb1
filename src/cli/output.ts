/** What the commands share: one way to print a result, and a database opened for one command. */
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Db } from '../store/db/db.ts';
import { openAndMigrate } from '../server.ts';

/** `--json` prints exactly one JSON value a line, for scripts; otherwise the human text. */
export function print(json: boolean, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text}\n`);
}

export async function withDb<T>(config: Config, logger: Logger, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openAndMigrate(config, logger);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
