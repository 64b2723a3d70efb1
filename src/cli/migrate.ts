/** `efaktura migrate`: applies pending migrations and says which, so an operator can see it worked. */
import type { Config } from '../config.ts';
import { openDatabase } from '../store/db/db.ts';
import { migrate } from '../store/db/migrate.ts';
import { parseCommandLine } from './args.ts';
import { UsageError } from './errors.ts';

export const MIGRATE_USAGE = 'usage: efaktura migrate';

export async function migrateCommand(config: Config, args: string[]): Promise<number> {
  const { positionals } = parseCommandLine(args, {}, MIGRATE_USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n${MIGRATE_USAGE}`);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  let applied: string[];
  try {
    applied = await migrate(db);
  } finally {
    await db.close();
  }
  const names = applied.map((file) => file.replace(/\.sql$/, ''));
  process.stdout.write(names.length === 0 ? 'Database is up to date.\n' : `Applied ${names.join(', ')}.\n`);
  return 0;
}
