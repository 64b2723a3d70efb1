/**
 * The callback outbox (SPEC §4): all SQL for callback events and their attempts. An event is written
 * in the transaction of the status change it reports; workers claim due events with
 * FOR UPDATE SKIP LOCKED and a lease, so several workers never send one event at the same time, and
 * an event whose worker died is taken over once its lease runs out (at-least-once delivery).
 */
import type { Queryable } from './db/db.ts';
import { fence, claimCtes, nextDueSql, secondsFrom, type Lease, type QueueTable } from './jobs.ts';

/** NOTIFY channel that wakes workers after a commit that added callback work. */
export const CALLBACK_CHANNEL = 'efaktura_callbacks';

export type CallbackState = 'pending' | 'delivered' | 'failed' | 'gone' | 'refused';
export const CALLBACK_STATES: readonly CallbackState[] = ['pending', 'delivered', 'failed', 'gone', 'refused'];

/** Adds the callback for a status change; call inside the transaction that makes the change. */
export async function enqueueCallback(
  tx: Queryable,
  e: { orderId: number; merchantId: number; status: string; callbackUrl: string },
): Promise<string> {
  // The NOTIFY rides in the same statement; PostgreSQL delivers it only if the transaction commits.
  const rows = await tx.query<{ event_id: string }>({
    name: 'enqueue_callback',
    text: `WITH e AS (
             INSERT INTO callback_events (event_id, order_id, merchant_id, status, host)
             VALUES (gen_random_uuid(), $1, $2, $3, $4) RETURNING event_id)
           SELECT e.event_id, pg_notify('${CALLBACK_CHANNEL}', '') FROM e`,
    values: [e.orderId, e.merchantId, e.status, hostOf(e.callbackUrl)],
  });
  return rows[0]!.event_id;
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return '';
  }
}

/**
 * The outbox as a queue (see jobs.ts): the order is the ordering key (callbacks of one order go out one at
 * a time, in the order of the changes), the host the concurrency key. The extra parameter is the first
 * entry of the retry schedule, the wait before the first attempt (review m7).
 */
export const CALLBACK_QUEUE: QueueTable = {
  table: 'callback_events',
  dueAt: (p) => `(e.next_attempt_at + CASE WHEN e.attempts = 0 THEN make_interval(secs => ${p}::float8) ELSE interval '0' END)`,
  scope: () => 'TRUE',
  orderBy: 'next_attempt_at',
  orderingKey: 'order_id',
  concurrencyKey: 'host',
};

/** A claimed event with everything needed to build its URL, and its lease. */
export interface ClaimedCallback extends Lease {
  eventId: string;
  orderId: number;
  orderUuid: string;
  status: string;
  host: string;
  attempts: number;
  callbackUrl: string;
  /** When the order was created (the `createdAt` parameter). */
  createdAt: Date;
  /** When the status change happened (the `efaktura-event-created-at` header). */
  eventCreatedAt: Date;
  grandTotalOre: number;
  callbackSecret: string;
}

/**
 * Claims up to `limit` due events. Per order only the oldest pending event is eligible, and per host at
 * most `perHostQuota` events are leased at once (counted over every worker, in SQL).
 */
export async function claimDueCallbacks(
  db: Queryable,
  o: { limit: number; leaseSeconds: number; perHostQuota: number; firstDelaySeconds: number; now: Date },
): Promise<ClaimedCallback[]> {
  const rows = await db.query<{
    id: number;
    lease_token: string;
    lease_until: Date;
    event_id: string;
    order_id: number;
    order_uuid: string;
    status: string;
    host: string;
    attempts: number;
    callback_url: string;
    created_at: Date;
    event_created_at: Date;
    grand_total_ore: number;
    callback_secret: string;
  }>({
    name: 'claim_due_callbacks',
    text: `WITH ${claimCtes(CALLBACK_QUEUE, 'c.id, c.lease_token, c.lease_until, c.event_id, c.order_id, c.merchant_id, c.status, c.host, c.attempts, c.created_at')}
           SELECT l.id, l.lease_token, l.lease_until, l.event_id, l.order_id, o.uuid AS order_uuid, l.status, l.host, l.attempts,
                  o.callback_url, o.created_at, l.created_at AS event_created_at, o.grand_total_ore, m.callback_secret
           FROM leased l JOIN orders o ON o.id = l.order_id JOIN merchants m ON m.id = l.merchant_id
           ORDER BY l.id`,
    values: [o.now, o.limit, o.leaseSeconds, o.perHostQuota, o.firstDelaySeconds],
  });
  return rows.map((r) => ({
    id: r.id,
    leaseToken: r.lease_token,
    leaseUntil: r.lease_until,
    eventId: r.event_id,
    orderId: r.order_id,
    orderUuid: r.order_uuid,
    status: r.status,
    host: r.host,
    attempts: r.attempts,
    callbackUrl: r.callback_url,
    createdAt: r.created_at,
    eventCreatedAt: r.event_created_at,
    grandTotalOre: r.grand_total_ore,
    callbackSecret: r.callback_secret,
  }));
}

export interface AttemptRecord {
  url: string;
  httpStatus: number | null;
  latencyMs: number;
  outcome: 'delivered' | 'gone' | 'failed' | 'refused';
  error: string | null;
}

/** One attempt's result, for `recordCallbackAttempts`. */
export interface AttemptResult {
  id: number;
  attempt: AttemptRecord;
  /** After a failure: the wait before the next attempt, or null when the schedule is exhausted. */
  retryDelaySeconds: number | null;
  /** The claim's lease; null records for an event nobody has claimed (operators, tests). */
  lease: { leaseToken: string; now: Date } | null;
}

/**
 * Records one attempt and moves the event on: delivered / gone / refused are final; a failure is
 * retried after `retryDelaySeconds`, or marked failed when that is null (schedule exhausted).
 * Fenced (review M2): `lease` is the claim's; null records for an event nobody has claimed (operators,
 * tests). Returns the new state, or null when nothing was written: the lease was lost to another worker
 * or the event is already final, and this result must be dropped.
 */
export async function recordCallbackAttempt(
  db: Queryable,
  id: number,
  attempt: AttemptRecord,
  retryDelaySeconds: number | null,
  lease: { leaseToken: string; now: Date } | null = null,
): Promise<CallbackState | null> {
  const [state] = await recordCallbackAttempts(db, [{ id, attempt, retryDelaySeconds, lease }]);
  return state ?? null;
}

/**
 * `recordCallbackAttempt` for many results in one statement (one transaction, one commit): a worker
 * delivering hundreds of callbacks a second groups the results that finish while the previous write is
 * under way. Each row is fenced on its own; the answer is per result, in the order given.
 */
export async function recordCallbackAttempts(db: Queryable, results: readonly AttemptResult[]): Promise<Array<CallbackState | null>> {
  if (results.length === 0) return [];
  const states = results.map(({ attempt, retryDelaySeconds }): CallbackState =>
    attempt.outcome === 'failed' ? (retryDelaySeconds === null ? 'failed' : 'pending') : attempt.outcome,
  );
  const rows = await db.query<{ id: number; token: string | null }>({
    name: 'record_callback_attempts',
    // The columns of `r` are prefixed so that the fence's bare column names can only mean the event's.
    text: `WITH r AS (
             SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::timestamptz[], $4::text[], $5::int[], $6::int[], $7::text[], $8::text[], $9::text[], $10::float8[])
               AS r(r_id, r_token, r_at, r_url, r_http_status, r_latency_ms, r_outcome, r_error, r_state, r_delay)
           ), moved AS (
             UPDATE callback_events SET
               state = r.r_state, attempts = attempts + 1, lease_token = NULL, lease_until = NULL, last_error = r.r_error,
               next_attempt_at = CASE WHEN r.r_state = 'pending' THEN coalesce(r.r_at, now()) + make_interval(secs => r.r_delay) ELSE next_attempt_at END,
               delivered_at = CASE WHEN r.r_state = 'delivered' THEN coalesce(r.r_at, now()) ELSE delivered_at END
             FROM r
             WHERE ${fence('r.r_id', 'r.r_token')}
             RETURNING r.*
           ), logged AS (
             INSERT INTO callback_attempts (event_id, attempted_at, url, http_status, latency_ms, outcome, error)
             SELECT r_id, coalesce(r_at, now()), r_url, r_http_status, r_latency_ms, r_outcome, r_error FROM moved ORDER BY r_id
           )
           SELECT r_id AS id, r_token::text AS token FROM moved`,
    values: [
      results.map((r) => r.id),
      results.map((r) => r.lease?.leaseToken ?? null),
      results.map((r) => r.lease?.now ?? null),
      results.map((r) => r.attempt.url),
      results.map((r) => r.attempt.httpStatus),
      results.map((r) => Math.round(r.attempt.latencyMs)),
      results.map((r) => r.attempt.outcome),
      results.map((r) => r.attempt.error),
      states,
      results.map((r) => r.retryDelaySeconds ?? 0),
    ],
  });
  // A row and its token identify a result: the same event may appear twice under two leases (a stale one).
  const written = new Set(rows.map((r) => `${Number(r.id)}/${r.token}`));
  return results.map((r, i) => (written.has(`${r.id}/${r.lease?.leaseToken ?? null}`) ? states[i]! : null));
}

/** Seconds until the earliest runnable event is due (0: now), or null if none is pending. */
export async function secondsUntilNextCallback(db: Queryable, now: Date, firstDelaySeconds: number): Promise<number | null> {
  return secondsFrom(
    await db.query<{ wait: number | null }>({ name: 'next_callback_due', text: nextDueSql(CALLBACK_QUEUE), values: [now, firstDelaySeconds] }),
  );
}

export interface CallbackEventView {
  eventId: string;
  orderUuid: string;
  status: string;
  state: CallbackState;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

const EVENT_VIEW = `SELECT e.event_id, o.uuid AS order_uuid, e.status, e.state, e.attempts,
    CASE WHEN e.state = 'pending' THEN e.next_attempt_at END AS next_attempt_at, e.last_error, e.created_at, e.delivered_at
  FROM callback_events e JOIN orders o ON o.id = e.order_id`;

function toView(r: Record<string, unknown>): CallbackEventView {
  return {
    eventId: r.event_id as string,
    orderUuid: r.order_uuid as string,
    status: r.status as string,
    state: r.state as CallbackState,
    attempts: r.attempts as number,
    nextAttemptAt: (r.next_attempt_at as Date | null) ?? null,
    lastError: (r.last_error as string | null) ?? null,
    createdAt: r.created_at as Date,
    deliveredAt: (r.delivered_at as Date | null) ?? null,
  };
}

/** Operator listing (CLI and admin API), newest first. */
export async function listCallbackEvents(
  db: Queryable,
  filter: { orderUuid?: string; state?: CallbackState; merchantId?: number; limit?: number },
): Promise<CallbackEventView[]> {
  const rows = await db.query<Record<string, unknown>>({
    text: `${EVENT_VIEW}
           WHERE ($1::text IS NULL OR o.uuid = $1) AND ($2::text IS NULL OR e.state = $2)
             AND ($3::bigint IS NULL OR e.merchant_id = $3)
           ORDER BY e.id DESC LIMIT $4`,
    values: [filter.orderUuid ?? null, filter.state ?? null, filter.merchantId ?? null, filter.limit ?? 100],
  });
  return rows.map(toView);
}

export interface CallbackAttemptView {
  attemptedAt: Date;
  url: string;
  httpStatus: number | null;
  latencyMs: number;
  outcome: string;
  error: string | null;
}

/** Every event of one order with its attempts, oldest first (order details). */
export async function callbackHistory(
  db: Queryable,
  orderId: number,
): Promise<Array<CallbackEventView & { attemptLog: CallbackAttemptView[] }>> {
  const events = await db.query<Record<string, unknown>>({
    name: 'callback_history_events',
    text: `${EVENT_VIEW} WHERE e.order_id = $1 ORDER BY e.id`,
    values: [orderId],
  });
  const attempts = await db.query<{ event_id: string; attempted_at: Date; url: string; http_status: number | null; latency_ms: number; outcome: string; error: string | null }>({
    name: 'callback_history_attempts',
    text: `SELECT e.event_id, a.attempted_at, a.url, a.http_status, a.latency_ms, a.outcome, a.error
           FROM callback_attempts a JOIN callback_events e ON e.id = a.event_id
           WHERE e.order_id = $1 ORDER BY a.id`,
    values: [orderId],
  });
  return events.map((r) => ({
    ...toView(r),
    attemptLog: attempts
      .filter((a) => a.event_id === r.event_id)
      .map((a) => ({ attemptedAt: a.attempted_at, url: a.url, httpStatus: a.http_status, latencyMs: a.latency_ms, outcome: a.outcome, error: a.error })),
  }));
}

/**
 * Sends events again (operator action): by event id, every event of an order, or every failed
 * event since a time. Attempts start over; the history of earlier attempts is kept.
 */
export type RedeliverTarget = { eventId: string } | { orderUuid: string } | { failedSince: Date };

export async function redeliverCallbacks(
  db: Queryable,
  target: RedeliverTarget,
): Promise<string[]> {
  const where =
    'eventId' in target
      ? { sql: `e.event_id = $1::uuid`, value: target.eventId }
      : 'orderUuid' in target
        ? { sql: `e.order_id = (SELECT id FROM orders WHERE uuid = $1)`, value: target.orderUuid }
        : { sql: `e.state = 'failed' AND e.created_at >= $1`, value: target.failedSince };
  const rows = await db.query<{ event_id: string }>({
    text: `UPDATE callback_events e SET state = 'pending', attempts = 0, next_attempt_at = now(), lease_token = NULL, lease_until = NULL
           WHERE ${where.sql} AND e.state <> 'pending'
           RETURNING e.event_id`,
    values: [where.value],
  });
  if (rows.length > 0) await db.query(`SELECT pg_notify('${CALLBACK_CHANNEL}', '')`);
  return rows.map((r) => r.event_id);
}
