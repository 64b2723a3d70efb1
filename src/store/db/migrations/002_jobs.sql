-- The generic job queue (src/store/jobs.ts) and lease fencing for the callback outbox (review M2, M3, m13).

-- Work for the background runner other than callbacks: invoice runs, renders, deliveries, imports, dunning,
-- housekeeping. A job with a `key` exists once per (kind, key), so scheduled work is started once however
-- many workers race to enqueue it.
CREATE TABLE jobs (
  id               bigserial   PRIMARY KEY,
  kind             text        NOT NULL,
  key              text,
  payload          jsonb       NOT NULL DEFAULT '{}',
  -- jobs sharing an ordering key run one at a time, oldest first (only the head is runnable)
  ordering_key     text,
  -- at most the runner's per-key quota of jobs with one concurrency key are leased at once
  concurrency_key  text,
  state            text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
  attempts         int         NOT NULL DEFAULT 0,
  run_at           timestamptz NOT NULL DEFAULT now(),
  -- set by a claim; every result must name it, so a worker whose lease ran out cannot write
  lease_token      uuid,
  lease_until      timestamptz,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz
);
CREATE UNIQUE INDEX jobs_kind_key ON jobs (kind, key) WHERE key IS NOT NULL;
CREATE INDEX jobs_due ON jobs (kind, run_at, id) WHERE state = 'pending';
CREATE INDEX jobs_pending_ordering ON jobs (ordering_key, id) WHERE state = 'pending' AND ordering_key IS NOT NULL;
-- the leased rows, for the per-key quota
CREATE INDEX jobs_leased ON jobs (kind, lease_until) WHERE state = 'pending';
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE state <> 'pending';

-- Callbacks keep their own table (it is the outbox, the operators' history and the admin API's source);
-- they share the claim/lease/fence SQL of jobs.ts through a lease token of their own.
ALTER TABLE callback_events ADD COLUMN lease_token uuid;
-- per-host quota: the leased rows
CREATE INDEX callback_events_leased ON callback_events (lease_until) WHERE state = 'pending';
-- admin listing by state, newest first (m13); and by merchant
CREATE INDEX callback_events_state_id ON callback_events (state, id);
CREATE INDEX callback_events_merchant ON callback_events (merchant_id, id);
