/**
 * The callback outbox (SPEC §4): all SQL for callback events and their attempts. An event is written
 * in the transaction of the status change it reports; workers claim due events with
 * FOR UPDATE SKIP LOCKED and a lease, so several workers never send one event at the same time, and
 * an event whose worker died is taken over once its lease runs out (at-least-once delivery).
 */
import type { Queryable } from './db/db.ts';

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

/** A claimed event with everything needed to build its URL. */
export interface ClaimedCallback {
  id: number;
  eventId: string;
  orderId: number;
  orderUuid: string;
  status: string;
  host: string;
  attempts: number;
  callbackUrl: string;
  createdAt: Date;
  grandTotalOre: number;
  callbackSecret: string;
}

/**
 * Claims up to `limit` due events, skipping hosts in `busyHosts`. Per order, only the oldest pending
 * event is eligible: a later change waits until the earlier one is delivered or has failed for good,
 * so callbacks of one order arrive in the order the changes happened.
 */
export async function claimDueCallbacks(
  db: Queryable,
  limit: number,
  leaseSeconds: number,
  busyHosts: readonly string[],
): Promise<ClaimedCallback[]> {
  const rows = await db.query<{
    id: number;
    event_id: string;
    order_id: number;
    order_uuid: string;
    status: string;
    host: string;
    attempts: number;
    callback_url: string;
    created_at: Date;
    grand_total_ore: number;
    callback_secret: string;
  }>({
    name: 'claim_due_callbacks',
    text: `WITH due AS (
             SELECT e.id FROM callback_events e
             WHERE e.state = 'pending' AND e.next_attempt_at <= now()
               AND (e.lease_until IS NULL OR e.lease_until < now())
               AND e.host <> ALL($3::text[])
               AND NOT EXISTS (
                 SELECT 1 FROM callback_events p
                 WHERE p.order_id = e.order_id AND p.state = 'pending' AND p.id < e.id)
             ORDER BY e.next_attempt_at, e.id
             LIMIT $1
             FOR UPDATE SKIP LOCKED
           ), leased AS (
             UPDATE callback_events c SET lease_until = now() + make_interval(secs => $2)
             FROM due WHERE c.id = due.id
             RETURNING c.id, c.event_id, c.order_id, c.merchant_id, c.status, c.host, c.attempts
           )
           SELECT l.id, l.event_id, l.order_id, o.uuid AS order_uuid, l.status, l.host, l.attempts,
                  o.callback_url, o.created_at, o.grand_total_ore, m.callback_secret
           FROM leased l JOIN orders o ON o.id = l.order_id JOIN merchants m ON m.id = l.merchant_id
           ORDER BY l.id`,
    values: [limit, leaseSeconds, busyHosts],
  });
  return rows.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    orderId: r.order_id,
    orderUuid: r.order_uuid,
    status: r.status,
    host: r.host,
    attempts: r.attempts,
    callbackUrl: r.callback_url,
    createdAt: r.created_at,
    grandTotalOre: r.grand_total_ore,
    callbackSecret: r.callback_secret,
  }));
}

/** Gives a claimed event back untried (its host became busy before it could be sent). */
export async function releaseCallback(db: Queryable, id: number): Promise<void> {
  await db.query({ name: 'release_callback', text: 'UPDATE callback_events SET lease_until = NULL WHERE id = $1', values: [id] });
}

export interface AttemptRecord {
  url: string;
  httpStatus: number | null;
  latencyMs: number;
  outcome: 'delivered' | 'gone' | 'failed' | 'refused';
  error: string | null;
}

/**
 * Records one attempt and moves the event on: delivered / gone / refused are final; a failure is
 * retried after `retryDelaySeconds`, or marked failed when that is null (schedule exhausted).
 */
export async function recordCallbackAttempt(
  db: Queryable,
  id: number,
  attempt: AttemptRecord,
  retryDelaySeconds: number | null,
): Promise<CallbackState> {
  const state: CallbackState =
    attempt.outcome === 'failed' ? (retryDelaySeconds === null ? 'failed' : 'pending') : attempt.outcome;
  await db.query({
    name: 'record_callback_attempt',
    text: `WITH attempt AS (
             INSERT INTO callback_attempts (event_id, url, http_status, latency_ms, outcome, error)
             VALUES ($1, $2, $3, $4, $5, $6)
           )
           UPDATE callback_events SET
             state = $7, attempts = attempts + 1, lease_until = NULL, last_error = $6,
             next_attempt_at = CASE WHEN $7 = 'pending' THEN now() + make_interval(secs => $8) ELSE next_attempt_at END,
             delivered_at = CASE WHEN $7 = 'delivered' THEN now() ELSE delivered_at END
           WHERE id = $1`,
    values: [id, attempt.url, attempt.httpStatus, Math.round(attempt.latencyMs), attempt.outcome, attempt.error, state, retryDelaySeconds ?? 0],
  });
  return state;
}

/** Seconds until the earliest pending event is due (0 if one is due now), or null if none is pending. */
export async function secondsUntilNextCallback(db: Queryable): Promise<number | null> {
  const rows = await db.query<{ wait: number | null }>({
    name: 'next_callback_due',
    text: `SELECT EXTRACT(EPOCH FROM (min(greatest(next_attempt_at, coalesce(lease_until, next_attempt_at))) - now()))::float8 AS wait
           FROM callback_events WHERE state = 'pending'`,
  });
  const wait = rows[0]?.wait;
  return wait === null || wait === undefined ? null : Math.max(0, wait);
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
      ? { sql: `e.event_id::text = $1`, value: target.eventId }
      : 'orderUuid' in target
        ? { sql: `e.order_id = (SELECT id FROM orders WHERE uuid = $1)`, value: target.orderUuid }
        : { sql: `e.state = 'failed' AND e.created_at >= $1`, value: target.failedSince };
  const rows = await db.query<{ event_id: string }>({
    text: `UPDATE callback_events e SET state = 'pending', attempts = 0, next_attempt_at = now(), lease_until = NULL
           WHERE ${where.sql} AND e.state <> 'pending'
           RETURNING e.event_id`,
    values: [where.value],
  });
  if (rows.length > 0) await db.query(`SELECT pg_notify('${CALLBACK_CHANNEL}', '')`);
  return rows.map((r) => r.event_id);
}
