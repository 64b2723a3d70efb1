/** What every route is given: the composition root's dependencies plus the authenticator. */
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Db } from '../store/db/db.ts';
import type { Authenticator } from './auth.ts';

export interface AppDeps {
  db: Db;
  config: Config;
  logger: Logger;
  /** The time every use case reads (invoice and credit-note dates). */
  clock: Clock;
  /** Called after a commit that added outbox work, so an in-process worker wakes at once. */
  wakeWorker?: () => void;
}

export interface RouteContext extends AppDeps {
  auth: Authenticator;
  /** The shared secret (migration 003) that keys the `next_cursor` of order listings; the same on every API node. */
  cursorSecret: Buffer;
}
