/**
 * The background runner's words:
 * - queue: a source of leased work (the generic `jobs` table per kind, or the callback outbox) that the
 *   one runner loop claims from when it has free slots, and asks how long until something is due.
 * - job: one row of the `jobs` table, run by the handler registered for its kind.
 * - lease: a claim's token and expiry; results carry the token and are dropped once another worker holds
 *   the row (fencing), so a stale worker never overwrites a newer result.
 */
import type { DeliveryChannels } from '../app/delivery/ports.ts';
import type { BankConnector } from '../app/payments/bank-connector.ts';
import type { DocumentRenderers } from '../app/invoicing/render-documents.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Db, Queryable } from '../store/db/db.ts';
import type { ClaimedJob } from '../store/jobs.ts';

/** What the background jobs are given by the composition root. */
export interface WorkerDeps {
  db: Db;
  config: Config;
  logger: Logger;
  /** The time every due-ness and lease decision reads; the system clock when absent. */
  clock?: Clock;
  /** The PDF and EHF renderers (adapters/documents); without them no documents are rendered here. */
  documents?: DocumentRenderers;
  /** The delivery channels' adapters (adapters/delivery-channels.ts); without them nothing is delivered here. */
  delivery?: DeliveryChannels;
  /** Where the bank connector fetches the daily payment files (EFAKTURA_BANK_CONNECTOR); none: no fetching. */
  bank?: BankConnector;
  /** Base URL of document links when the server's own address decides it (EFAKTURA_PUBLIC_URL unset). */
  publicUrl?: string;
}

/** One source of work for the runner loop. */
export interface Queue<T> {
  readonly name: string;
  /** Most items of this queue in flight in this process. */
  readonly concurrency: number;
  /** NOTIFY channel that announces new work from other processes. */
  readonly channel: string;
  claim(limit: number, now: Date): Promise<T[]>;
  /** Runs one claimed item and records its result (fenced); never throws. */
  run(item: T): Promise<void>;
  /** Seconds until a runnable item is due (0: now), or null when nothing is pending. */
  secondsUntilDue(now: Date): Promise<number | null>;
  /** Called once when the runner stops, after in-flight items finished. */
  close?(): void;
}

export interface JobContext {
  job: ClaimedJob;
  clock: Clock;
  /**
   * Marks the job done inside the handler's own transaction, so the handler's writes and the job's
   * completion commit together. Throws `LeaseLostError` when another worker holds the job now: the
   * transaction then rolls back and the handler's writes with it.
   */
  complete(tx: Queryable): Promise<void>;
}

/** Does one job. Returning completes it (unless `complete(tx)` already did); throwing retries it. */
export type JobHandler = (ctx: JobContext) => Promise<void>;

export interface JobKindOptions {
  /** Jobs of this kind in flight at once in this process. Default 1. */
  concurrency?: number;
  /** How long a claim lasts; a worker that dies is replaced after it. Default 60 s. */
  leaseSeconds?: number;
  /** Seconds to wait after the 1st, 2nd, … failure; after the last the job is failed. Default 5 s … 1 h. */
  retrySchedule?: readonly number[];
  /** At most this many leased jobs per concurrency key, over all workers. Default: no quota. */
  perKeyConcurrency?: number;
}

/** Thrown by a handler for a failure no retry can cure (the job is failed at once). */
export class FinalJobError extends Error {
  override name = 'FinalJobError';
}

/** The job's lease went to another worker: this worker's result must not be written. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}
