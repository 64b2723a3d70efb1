/**
 * The job queue: claim, lease, fence, backoff (review M2, M3, m14). All SQL that decides which work runs
 * lives here, written once for any table that has the queue columns (`state`, `attempts`, `lease_token`,
 * `lease_until` and a due time): the generic `jobs` table, and the callback outbox, which keeps its own
 * table because it is also the operators' history.
 *
 * Glossary:
 * - claim: a worker takes due rows with FOR UPDATE SKIP LOCKED and leases them (token + lease_until).
 * - fence: every result is written `WHERE id AND lease_token AND state = 'pending'`; a worker whose lease
 *   ran out (another worker has claimed the row since) or whose row is already final writes nothing.
 * - ordering key: rows sharing one run one at a time, oldest first; only the head is runnable.
 * - concurrency key: at most `perKeyQuota` leased rows per key (callbacks: the host), counted in SQL.
 *
 * The time is always a parameter from the caller's Clock, never `now()`, so a test clock drives leases
 * and backoff.
 */
import type { Queryable } from './db/db.ts';

/** NOTIFY channel that wakes runners after a commit that added jobs. */
export const JOBS_CHANNEL = 'efaktura_jobs';

/** How a queue table spells its columns; expressions use the alias `e`. */
export interface QueueTable {
  table: string;
  /** When a pending row is due; `p` is the placeholder of the table's extra parameter. */
  dueAt(p: string): string;
  /** Which rows this claim looks at (e.g. one kind), also for the quota; `p` as above. */
  scope(p: string): string;
  /** The column claims walk in (the leading column of the table's due index). */
  orderBy: string;
  orderingKey: string | null;
  concurrencyKey: string | null;
}

function headOnly(q: QueueTable): string {
  if (q.orderingKey === null) return 'TRUE';
  const k = q.orderingKey;
  // Only the oldest pending row of a key may run: a later one waits while the head is in backoff or leased.
  return `(e.${k} IS NULL OR NOT EXISTS (SELECT 1 FROM ${q.table} p WHERE p.${k} = e.${k} AND p.state = 'pending' AND p.id < e.id))`;
}

/**
 * The CTEs of a claim, ending in `leased` (the updated rows, `returning` columns of alias `c`).
 * Parameters: $1 now, $2 limit, $3 lease seconds, $4 per-key quota (null: none), $5 the table's extra.
 */
export function claimCtes(q: QueueTable, returning: string): string {
  const ck = q.concurrencyKey;
  // Rows of a key already leased, by any worker (an index range scan over the few leased rows).
  const inFlight =
    ck === null
      ? `in_flight AS (SELECT NULL::text AS ckey, 0::bigint AS n WHERE FALSE)`
      : `in_flight AS (
           SELECT e.${ck}::text AS ckey, count(*) AS n FROM ${q.table} e
           WHERE e.state = 'pending' AND ${q.scope('$5')} AND e.lease_until >= $1::timestamptz GROUP BY e.${ck}
         )`;
  const notSaturated = ck === null ? 'TRUE' : `($4::int IS NULL OR e.${ck}::text NOT IN (SELECT ckey FROM in_flight WHERE n >= $4::int))`;
  // Heads are read in the order of the due index and only a batch of them is ranked: the claim stays
  // cheap with a large backlog. Keys at their quota are skipped before that, so a saturated host cannot
  // fill the batch; a host with some room can, and takes what its quota allows (the next claim goes on).
  return `${inFlight}, heads AS (
      SELECT e.id, ${ck === null ? 'NULL::text' : `e.${ck}::text`} AS ckey, ${q.dueAt('$5')} AS due_at, e.${q.orderBy} AS order_at
      FROM ${q.table} e
      WHERE e.state = 'pending' AND ${q.scope('$5')}
        AND ${q.dueAt('$5')} <= $1::timestamptz
        AND (e.lease_until IS NULL OR e.lease_until < $1::timestamptz)
        AND ${notSaturated}
        AND ${headOnly(q)}
      ORDER BY e.${q.orderBy}, e.id
      LIMIT $2::int
    ), ranked AS (
      SELECT h.id, h.order_at,
             row_number() OVER (PARTITION BY h.ckey ORDER BY h.order_at, h.id) + coalesce(f.n, 0) AS slot
      FROM heads h LEFT JOIN in_flight f ON f.ckey = h.ckey
    ), picked AS (
      SELECT e.id FROM ${q.table} e JOIN ranked r ON r.id = e.id
      -- repeated here so they are checked again on the row version a concurrent claim left behind
      WHERE e.state = 'pending' AND (e.lease_until IS NULL OR e.lease_until < $1::timestamptz)
        AND ($4::int IS NULL OR ${ck === null ? 'TRUE' : 'r.slot <= $4::int'})
      ORDER BY r.order_at, r.id
      LIMIT $2::int
      FOR UPDATE OF e SKIP LOCKED
    ), leased AS (
      UPDATE ${q.table} c SET lease_token = gen_random_uuid(), lease_until = $1::timestamptz + make_interval(secs => $3)
      FROM picked WHERE c.id = picked.id
      RETURNING ${returning}
    )`;
}

/**
 * Seconds until the earliest runnable head is due (0: now), or null when nothing is pending. Rows queued
 * behind a head do not count (review M3: they made every worker poll every 10 ms while a head was in
 * backoff). Parameters: $1 now, $2 the table's extra.
 */
export function nextDueSql(q: QueueTable): string {
  const due = q.dueAt('$2');
  return `SELECT EXTRACT(EPOCH FROM (min(greatest(${due}, coalesce(e.lease_until, ${due}))) - $1::timestamptz))::float8 AS wait
          FROM ${q.table} e WHERE e.state = 'pending' AND ${q.scope('$2')} AND ${headOnly(q)}`;
}

/**
 * The fence of every result, over the placeholders of the row id and the lease token. A null token
 * matches only a row nobody has claimed (an operator or a test recording by hand); a final row never does.
 */
export function fence(id = '$1', token = '$2'): string {
  return `id = ${id} AND lease_token IS NOT DISTINCT FROM ${token}::uuid AND state = 'pending'`;
}

/** Turns a `wait` row into seconds ≥ 0, or null. */
export function secondsFrom(rows: Array<{ wait: number | null }>): number | null {
  const wait = rows[0]?.wait;
  return wait === null || wait === undefined ? null : Math.max(0, wait);
}

// ---------------------------------------------------------------------------------------------------
// The generic `jobs` table.

export const JOBS_TABLE: QueueTable = {
  table: 'jobs',
  dueAt: () => 'e.run_at',
  scope: (p) => `e.kind = ${p}::text`,
  orderBy: 'run_at',
  orderingKey: 'ordering_key',
  concurrencyKey: 'concurrency_key',
};

export interface NewJob {
  kind: string;
  /** Makes the job once-only per (kind, key): e.g. `invoice-run:<merchant>:<period>`. */
  key?: string;
  payload?: unknown;
  /** Default: the database's now. */
  runAt?: Date;
  orderingKey?: string;
  concurrencyKey?: string;
}

/**
 * Adds a job inside the caller's transaction, so it exists exactly when the caller's change commits.
 * With a `key`, a second enqueue of the same (kind, key) does nothing and returns null. Runners in other
 * processes are notified on commit (the NOTIFY rides in the statement).
 */
export async function enqueueJob(tx: Queryable, job: NewJob): Promise<number | null> {
  const rows = await tx.query<{ id: number }>({
    name: 'enqueue_job',
    text: `WITH j AS (
             INSERT INTO jobs (kind, key, payload, run_at, ordering_key, concurrency_key)
             VALUES ($1, $2, $3::jsonb, coalesce($4::timestamptz, now()), $5, $6)
             ON CONFLICT (kind, key) WHERE key IS NOT NULL DO NOTHING
             RETURNING id)
           SELECT j.id, pg_notify('${JOBS_CHANNEL}', '') FROM j`,
    values: [job.kind, job.key ?? null, JSON.stringify(job.payload ?? {}), job.runAt ?? null, job.orderingKey ?? null, job.concurrencyKey ?? null],
  });
  return rows[0]?.id ?? null;
}

/** A claimed job: its lease token must accompany every result. */
export interface Lease {
  id: number;
  leaseToken: string;
  leaseUntil: Date;
}

export interface ClaimedJob extends Lease {
  kind: string;
  key: string | null;
  payload: unknown;
  /** Attempts made before this one. */
  attempts: number;
  orderingKey: string | null;
  concurrencyKey: string | null;
}

export async function claimJobs(
  db: Queryable,
  o: { kind: string; limit: number; leaseSeconds: number; now: Date; perKeyQuota?: number | null },
): Promise<ClaimedJob[]> {
  const rows = await db.query<{
    id: number; kind: string; key: string | null; payload: unknown; attempts: number;
    ordering_key: string | null; concurrency_key: string | null; lease_token: string; lease_until: Date;
  }>({
    name: 'claim_jobs',
    text: `WITH ${claimCtes(JOBS_TABLE, 'c.id, c.kind, c.key, c.payload, c.attempts, c.ordering_key, c.concurrency_key, c.lease_token, c.lease_until')}
           SELECT * FROM leased ORDER BY id`,
    values: [o.now, o.limit, o.leaseSeconds, o.perKeyQuota ?? null, o.kind],
  });
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    key: r.key,
    payload: r.payload,
    attempts: r.attempts,
    orderingKey: r.ordering_key,
    concurrencyKey: r.concurrency_key,
    leaseToken: r.lease_token,
    leaseUntil: r.lease_until,
  }));
}

/** Marks a job done; false (nothing written) when its lease was lost or it is already final. */
export async function completeJob(tx: Queryable, lease: Lease, now: Date): Promise<boolean> {
  const rows = await tx.query({
    name: 'complete_job',
    text: `UPDATE jobs SET state = 'done', attempts = attempts + 1, lease_token = NULL, lease_until = NULL, finished_at = $3
           WHERE ${fence()} RETURNING id`,
    values: [lease.id, lease.leaseToken, now],
  });
  return rows.length === 1;
}

/**
 * Records a failed attempt: retried after `retryDelaySeconds`, or failed for good when that is null.
 * Returns the new state, or null when the result was stale (lease lost, or already final).
 */
export async function failJob(
  db: Queryable,
  lease: Lease,
  o: { now: Date; error: string; retryDelaySeconds: number | null },
): Promise<'pending' | 'failed' | null> {
  const rows = await db.query<{ state: 'pending' | 'failed' }>({
    name: 'fail_job',
    text: `UPDATE jobs SET attempts = attempts + 1, lease_token = NULL, lease_until = NULL, last_error = $4,
             state = CASE WHEN $5::float8 IS NULL THEN 'failed' ELSE 'pending' END,
             run_at = CASE WHEN $5::float8 IS NULL THEN run_at ELSE $3::timestamptz + make_interval(secs => $5::float8) END,
             finished_at = CASE WHEN $5::float8 IS NULL THEN $3::timestamptz END
           WHERE ${fence()} RETURNING state`,
    values: [lease.id, lease.leaseToken, o.now, o.error.slice(0, 2000), o.retryDelaySeconds],
  });
  return rows[0]?.state ?? null;
}

export async function secondsUntilNextJob(db: Queryable, kind: string, now: Date): Promise<number | null> {
  return secondsFrom(await db.query<{ wait: number | null }>({ name: 'next_job_due', text: nextDueSql(JOBS_TABLE), values: [now, kind] }));
}

/** Deletes jobs that finished before `before` (housekeeping); returns how many. */
export async function deleteFinishedJobs(db: Queryable, before: Date): Promise<number> {
  const rows = await db.query({ text: `DELETE FROM jobs WHERE state <> 'pending' AND finished_at < $1 RETURNING id`, values: [before] });
  return rows.length;
}
