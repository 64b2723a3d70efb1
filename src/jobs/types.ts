import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Db } from '../store/db/db.ts';

/** What the background jobs are given by the composition root. */
export interface WorkerDeps {
  db: Db;
  config: Config;
  logger: Logger;
}
