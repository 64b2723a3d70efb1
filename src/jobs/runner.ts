/**
 * The background worker: runs inside `efaktura serve` and standalone as `efaktura worker`. It wakes
 * on commit (in process, or LISTEN/NOTIFY on a PostgreSQL server) and on a timer, and runs each job
 * that claims its work from the database with FOR UPDATE SKIP LOCKED, so any number of workers can
 * share one database (SPEC §8).
 */
import type { WorkerDeps } from './types.ts';
import { expireIdempotencyKeys } from '../store/orders.ts';
export type { WorkerDeps } from './types.ts';
import { startCallbackDelivery, type CallbackDelivery } from './callbacks.ts';


export interface Worker {
  /** Look for work now (called after a commit that added some). */
  wake(): void;
  stop(): Promise<void>;
  readonly callbacks: CallbackDelivery;
}

const HOUSEKEEPING_INTERVAL_MS = 10 * 60 * 1000;

export async function startWorker(deps: WorkerDeps): Promise<Worker> {
  const log = deps.logger.child({ component: 'worker' });
  const callbacks = await startCallbackDelivery(deps);

  const housekeeping = async () => {
    try {
      const dropped = await expireIdempotencyKeys(deps.db, deps.config.idempotencyTtlHours);
      if (dropped > 0) log.info({ dropped }, 'expired idempotency keys');
    } catch (error) {
      log.warn({ err: error }, 'housekeeping failed');
    }
  };
  const housekeepingTimer = setInterval(housekeeping, HOUSEKEEPING_INTERVAL_MS);
  housekeepingTimer.unref();
  void housekeeping();

  return {
    callbacks,
    wake: () => callbacks.wake(),
    async stop() {
      clearInterval(housekeepingTimer);
      await callbacks.stop();
    },
  };
}
