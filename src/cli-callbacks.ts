/** `efaktura callbacks …` — filled in with the callback outbox (issue 3). */
import type { Config } from './config.ts';
import type { Db } from './store/db.ts';

export async function runCallbacksCommand(_db: Db, _config: Config, _args: string[]): Promise<number> {
  process.stderr.write('efaktura: callbacks are not available yet\n');
  return 1;
}
