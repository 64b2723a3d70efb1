/** What every dashboard page is given: the composition root's dependencies and the request's session. */
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Db } from '../store/db/db.ts';
import type { WebSession } from '../store/web-sessions.ts';
import type { Dictionary, Language } from './i18n.ts';

/** The demo of `npm start` (SPEC §9 "without a terminal"): wired by the composition root when the demo merchant is on. */
export interface DashboardDemo {
  /** Sends the documentation's example order for the demo customer as this merchant; returns its uuid. */
  sendDemoOrder(merchantId: number): Promise<string>;
  /** The simulator's netbank page of the demo customer, or null when the simulator is off (known once it listens). */
  netbankUrl(): string | null;
}

export interface DashboardDeps {
  db: Db;
  config: Config;
  logger: Logger;
  clock: Clock;
  /** Called after a commit that added work, so an in-process worker wakes at once. */
  wakeWorker?: () => void;
  demo?: DashboardDemo | null;
}

/** Who is signed in and what they may see. */
export interface Viewer {
  /** The cookie's session id (to sign out or switch merchant). */
  sessionId: string;
  session: WebSession;
  /** The merchant the pages show: a merchant session's own, an operator's choice; null = all (operator only). */
  merchantId: number | null;
  merchantName: string | null;
}

export interface PageContext {
  lang: Language;
  t: Dictionary;
  viewer: Viewer;
  /** The request path with its query, for the language switch and the merchant switcher's way back. */
  path: string;
}
