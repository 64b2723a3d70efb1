/**
 * Callback delivery (SPEC §4) as a queue of the runner: claims due events from the outbox, sends each as
 * a signed HTTP GET, records every attempt (fenced by the claim's lease) and schedules the retry.
 * At-least-once: an event is marked delivered only after a 2xx, and a worker that dies mid-attempt
 * leaves a lease that another worker takes over.
 *
 * Concurrency is capped per worker and per host (in the claim's SQL, over all workers), so one slow
 * merchant endpoint cannot starve the rest.
 */
import { systemClock } from '../clock.ts';
import { buildCallbackUrl } from '../domain/callbacks/signature.ts';
import { formatOre } from '../domain/money/money.ts';
import {
  CALLBACK_CHANNEL,
  claimDueCallbacks,
  recordCallbackAttempts,
  secondsUntilNextCallback,
  type AttemptResult,
  type ClaimedCallback,
} from '../store/callback-outbox.ts';
import { createCallbackAgents, sendCallback, type CallbackAttempt } from '../adapters/http-out/send.ts';
import { groupCommit } from './group-commit.ts';
import type { Queue, WorkerDeps } from './types.ts';

/** The lease outlives one attempt (bounded by the timeout) plus recording it, by this margin. */
const LEASE_MARGIN_SECONDS = 5;
/** Most attempt results written in one statement. */
const RECORD_BATCH = 64;

/**
 * Seconds to wait after the `attemptsMade`-th failed attempt, or null when the schedule is exhausted.
 * The schedule's first entry is the wait before the first attempt (0 = immediately).
 */
export function retryDelayAfter(attemptsMade: number, schedule: readonly number[]): number | null {
  return attemptsMade < schedule.length ? schedule[attemptsMade]! : null;
}

export function callbackQueue(deps: WorkerDeps): Queue<ClaimedCallback> {
  const { db, config } = deps;
  const clock = deps.clock ?? systemClock;
  const log = deps.logger.child({ component: 'callbacks' });
  const agents = createCallbackAgents(config.allowPrivateCallbacks, config.callbackPerHostConcurrency);
  // After a crash the events a dead worker held go out again once this runs out.
  const leaseSeconds = Math.ceil(config.callbackTimeoutMs / 1000) + LEASE_MARGIN_SECONDS;
  const firstDelaySeconds = config.callbackRetrySchedule[0] ?? 0;
  // One transaction per finished attempt made PostgreSQL the bottleneck; results that finish together
  // commit together (each still fenced by its own lease).
  const record = groupCommit((results: AttemptResult[]) => recordCallbackAttempts(db, results), RECORD_BATCH);

  async function attempt(event: ClaimedCallback): Promise<{ url: string; result: CallbackAttempt }> {
    let url: string;
    try {
      url = buildCallbackUrl(
        event.callbackUrl,
        {
          orderUuid: event.orderUuid,
          status: event.status,
          createdAt: Math.floor(event.createdAt.getTime() / 1000),
          paymentMethod: 'efaktura',
          amount: formatOre(event.grandTotalOre),
          timestamp: Math.floor(clock.now().getTime() / 1000),
        },
        event.callbackSecret,
      );
    } catch (error) {
      // Only a URL that cannot be parsed is refused for good (review m6); anything else is our bug, and a
      // retry after the fix must still deliver the callback.
      const message = String((error as Error)?.message ?? error).slice(0, 500);
      const badUrl = (error as { code?: unknown })?.code === 'ERR_INVALID_URL';
      if (!badUrl) log.error({ err: error, eventId: event.eventId }, 'could not build the callback URL');
      return { url: event.callbackUrl, result: { outcome: badUrl ? 'refused' : 'failed', httpStatus: null, latencyMs: 0, error: message } };
    }
    const result = await sendCallback(url, {
      timeoutMs: config.callbackTimeoutMs,
      allowPrivate: config.allowPrivateCallbacks,
      agents,
      headers: {
        'efaktura-event-id': event.eventId,
        // Lets a merchant tell an old event sent again (redelivery) from a newer one (review m8).
        'efaktura-event-created-at': event.eventCreatedAt.toISOString(),
      },
    });
    return { url, result };
  }

  return {
    name: 'callbacks',
    concurrency: config.callbackConcurrency,
    channel: CALLBACK_CHANNEL,
    claim: (limit, now) =>
      claimDueCallbacks(db, { limit, leaseSeconds, perHostQuota: config.callbackPerHostConcurrency, firstDelaySeconds, now }),
    secondsUntilDue: (now) => secondsUntilNextCallback(db, now, firstDelaySeconds),
    async run(event) {
      // A worker that stalled between claim and send (GC, a slow pool) may already have lost the event to
      // another worker; sending now could overtake that worker's delivery of the order's next event.
      if (clock.now() >= event.leaseUntil) {
        log.warn({ eventId: event.eventId }, 'callback lease ran out before sending; left to the next claim');
        return;
      }
      const { url, result } = await attempt(event);
      const delay = result.outcome === 'failed' ? retryDelayAfter(event.attempts + 1, config.callbackRetrySchedule) : null;
      try {
        const state = await record({ id: event.id, attempt: { url, ...result }, retryDelaySeconds: delay, lease: { leaseToken: event.leaseToken, now: clock.now() } });
        const entry = { eventId: event.eventId, orderUuid: event.orderUuid, status: event.status, outcome: result.outcome, httpStatus: result.httpStatus, latencyMs: Math.round(result.latencyMs) };
        if (state === null) log.warn(entry, 'stale callback result dropped: the lease went to another worker');
        else if (result.outcome === 'delivered') log.debug({ ...entry, state }, 'callback delivered');
        else log.warn({ ...entry, state, error: result.error, retryInSeconds: delay }, 'callback not delivered');
      } catch (error) {
        // The attempt is not recorded; the lease runs out and the event is sent again (at-least-once).
        log.error({ err: error, eventId: event.eventId }, 'could not record callback attempt');
      }
    },
    close: () => agents.destroy(),
  };
}
