/**
 * Callback delivery (SPEC §4): claims due events from the outbox, sends each as a signed HTTP GET,
 * records every attempt and schedules the retry. At-least-once: an event is marked delivered only
 * after a 2xx, and a worker that dies mid-attempt leaves a lease that another worker takes over.
 *
 * Wake-ups: after a local commit (`wake()`), on NOTIFY from other processes (PostgreSQL server), when
 * an attempt finishes (the order's next event may now go), and on a timer for retries that fall due.
 * Concurrency is capped in total and per host, so one slow merchant endpoint cannot starve the rest.
 */
import { buildCallbackUrl } from '../domain/callbacks/signature.ts';
import { formatOre } from '../domain/money/money.ts';
import {
  CALLBACK_CHANNEL,
  claimDueCallbacks,
  recordCallbackAttempt,
  releaseCallback,
  secondsUntilNextCallback,
  type ClaimedCallback,
} from '../store/callback-outbox.ts';
import { createCallbackAgents, sendCallback, type CallbackAttempt } from '../adapters/http-out/send.ts';
import type { WorkerDeps } from './types.ts';

export interface CallbackDelivery {
  wake(): void;
  stop(): Promise<void>;
}

/** The longest a worker sleeps when it knows of no due event; NOTIFY and wake() cut it short. */
const IDLE_POLL_MS = 1000;
const CLAIM_BATCH = 100;
const ERROR_BACKOFF_MS = 1000;

/**
 * Seconds to wait after the `attemptsMade`-th failed attempt, or null when the schedule is exhausted.
 * The schedule's first entry is the wait before the first attempt (0 = immediately).
 */
export function retryDelayAfter(attemptsMade: number, schedule: readonly number[]): number | null {
  return attemptsMade < schedule.length ? schedule[attemptsMade]! : null;
}

export async function startCallbackDelivery(deps: WorkerDeps): Promise<CallbackDelivery> {
  const { db, config } = deps;
  const log = deps.logger.child({ component: 'callbacks' });
  const agents = createCallbackAgents(config.allowPrivateCallbacks, config.callbackPerHostConcurrency);
  // The lease outlives one attempt (bounded by the timeout) plus recording it; after a crash the
  // events a dead worker held go out again once it runs out.
  const leaseSeconds = Math.ceil(config.callbackTimeoutMs / 1000) + 5;
  const perHost = new Map<string, number>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  let wakeRequested = false;
  let wakeUp: (() => void) | null = null;
  const wake = () => {
    wakeRequested = true;
    wakeUp?.();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (wakeRequested || stopped) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });

  const unlisten = await db.listen(CALLBACK_CHANNEL, wake);

  async function deliver(event: ClaimedCallback): Promise<void> {
    let url = event.callbackUrl;
    let result: CallbackAttempt;
    try {
      url = buildCallbackUrl(
        event.callbackUrl,
        {
          orderUuid: event.orderUuid,
          status: event.status,
          createdAt: Math.floor(event.createdAt.getTime() / 1000),
          paymentMethod: 'efaktura',
          amount: formatOre(event.grandTotalOre),
          timestamp: Math.floor(Date.now() / 1000),
        },
        event.callbackSecret,
      );
      result = await sendCallback(url, {
        timeoutMs: config.callbackTimeoutMs,
        allowPrivate: config.allowPrivateCallbacks,
        agents,
        headers: { 'efaktura-event-id': event.eventId, 'user-agent': 'efaktura-callbacks/1' },
      });
    } catch (error) {
      result = { outcome: 'refused', httpStatus: null, latencyMs: 0, error: String((error as Error)?.message ?? error).slice(0, 500) };
    }
    const delay = result.outcome === 'failed' ? retryDelayAfter(event.attempts + 1, config.callbackRetrySchedule) : null;
    try {
      const state = await recordCallbackAttempt(db, event.id, { url, ...result }, delay);
      const entry = { eventId: event.eventId, orderUuid: event.orderUuid, status: event.status, outcome: result.outcome, httpStatus: result.httpStatus, latencyMs: Math.round(result.latencyMs), state };
      if (result.outcome === 'delivered') log.debug(entry, 'callback delivered');
      else log.warn({ ...entry, error: result.error, retryInSeconds: delay }, 'callback not delivered');
    } catch (error) {
      // The attempt is not recorded; the lease runs out and the event is sent again (at-least-once).
      log.error({ err: error, eventId: event.eventId }, 'could not record callback attempt');
    }
  }

  function start(event: ClaimedCallback): void {
    perHost.set(event.host, (perHost.get(event.host) ?? 0) + 1);
    const task = deliver(event).finally(() => {
      const left = (perHost.get(event.host) ?? 1) - 1;
      if (left <= 0) perHost.delete(event.host);
      else perHost.set(event.host, left);
      running.delete(task);
      wake(); // a slot is free, and this order's next event may now be due
    });
    running.add(task);
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      wakeRequested = false;
      let waitMs = IDLE_POLL_MS;
      try {
        const capacity = Math.min(CLAIM_BATCH, config.callbackConcurrency - running.size);
        if (capacity > 0) {
          const busy = [...perHost].filter(([, n]) => n >= config.callbackPerHostConcurrency).map(([host]) => host);
          const claimed = await claimDueCallbacks(db, capacity, leaseSeconds, busy);
          for (const event of claimed) {
            if ((perHost.get(event.host) ?? 0) >= config.callbackPerHostConcurrency) {
              await releaseCallback(db, event.id);
              continue;
            }
            start(event);
          }
          if (claimed.length === capacity) continue; // there may be more due right now
          if (claimed.length === 0 && running.size === 0) {
            const next = await secondsUntilNextCallback(db);
            if (next !== null) waitMs = Math.min(IDLE_POLL_MS, Math.max(10, next * 1000));
          }
        }
      } catch (error) {
        if (stopped) break;
        log.error({ err: error }, 'callback worker could not claim work');
        waitMs = ERROR_BACKOFF_MS;
      }
      await sleep(waitMs);
    }
  }

  const looping = loop();
  return {
    wake,
    async stop() {
      stopped = true;
      wake();
      await looping;
      await Promise.allSettled([...running]);
      await unlisten().catch(() => {});
      agents.destroy();
    },
  };
}
