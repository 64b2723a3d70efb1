-- efaktura's schema. Amounts are integer øre (bigint) everywhere; never floating point (SPEC §5).

CREATE TABLE merchants (
  id               bigserial PRIMARY KEY,
  name             text        NOT NULL,
  org_number       char(9)     NOT NULL,
  account_number   char(11),
  -- Shared with the merchant to sign callbacks (SPEC §4); it must be readable to compute checksums.
  callback_secret  text        NOT NULL,
  allowed_tax_rates text[]     NOT NULL DEFAULT '{0,12,15,25}',
  allowed_maturity_days int[]  NOT NULL DEFAULT '{0,10}',
  invoice_fee_ore  bigint      NOT NULL DEFAULT 0 CHECK (invoice_fee_ore >= 0),
  created_at       timestamptz NOT NULL DEFAULT now()
);

-- API tokens are stored only as SHA-256 hashes; the token itself is shown once (SPEC §8).
CREATE TABLE api_tokens (
  id           bigserial PRIMARY KEY,
  merchant_id  bigint      NOT NULL REFERENCES merchants(id),
  token_hash   bytea       NOT NULL UNIQUE,
  prefix       text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);
CREATE INDEX api_tokens_merchant ON api_tokens (merchant_id);

CREATE TABLE admin_tokens (
  id           bigserial PRIMARY KEY,
  token_hash   bytea       NOT NULL UNIQUE,
  prefix       text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);

-- One customer per merchant and personal number (SPEC §2.1); the row holds the latest details sent,
-- while each order keeps its own snapshot.
CREATE TABLE customers (
  id               bigserial PRIMARY KEY,
  uuid             text        NOT NULL UNIQUE,
  merchant_id      bigint      NOT NULL REFERENCES merchants(id),
  personal_number  text        NOT NULL,
  details          jsonb       NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (merchant_id, personal_number)
);

CREATE TABLE orders (
  id                     bigserial PRIMARY KEY,
  uuid                   text        NOT NULL UNIQUE,
  merchant_id            bigint      NOT NULL REFERENCES merchants(id),
  customer_id            bigint      NOT NULL REFERENCES customers(id),
  status                 text        NOT NULL,
  order_date             bigint      NOT NULL,
  customer_snapshot      jsonb       NOT NULL,
  sub_total_ore          bigint      NOT NULL,
  total_tax_ore          bigint      NOT NULL,
  total_discount_ore     bigint      NOT NULL,
  grand_total_ore        bigint      NOT NULL,
  paid_ore               bigint      NOT NULL DEFAULT 0,
  refunded_ore           bigint      NOT NULL DEFAULT 0,
  invoice_interval       smallint    NOT NULL,
  invoice_maturity       int         NOT NULL,
  invoice_fee_applicable boolean     NOT NULL,
  separate_invoices      boolean     NOT NULL,
  reference_no           text,
  customer_reference     text,
  callback_url           text        NOT NULL,
  invoice_number         text,
  kid                    text,
  due_date               date,
  cancellation_note      text,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_merchant_newest ON orders (merchant_id, id DESC);
CREATE INDEX orders_merchant_status_newest ON orders (merchant_id, status, id DESC);
CREATE INDEX orders_customer ON orders (customer_id);

CREATE TABLE order_lines (
  id            bigserial PRIMARY KEY,
  order_id      bigint   NOT NULL REFERENCES orders(id),
  position      int      NOT NULL,
  name          text     NOT NULL,
  product_id    text,
  quantity      numeric  NOT NULL,
  rate_ore      bigint   NOT NULL,
  discount_ore  bigint   NOT NULL,
  tax_rate      numeric  NOT NULL,
  amount_ore    bigint   NOT NULL,
  vat_ore       bigint   NOT NULL,
  refunded_ore  bigint   NOT NULL DEFAULT 0,
  UNIQUE (order_id, position)
);

-- The order's history: every status change, appended in the transaction that makes it (SPEC §3).
CREATE TABLE order_events (
  id           bigserial PRIMARY KEY,
  order_id     bigint      NOT NULL REFERENCES orders(id),
  from_status  text,
  to_status    text        NOT NULL,
  reason       text,
  actor        text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_events_order ON order_events (order_id, id);

-- Idempotency-Key (SPEC §2.1): the key's request hash and the order it created; a replay answers
-- from the order itself.
CREATE TABLE idempotency_keys (
  merchant_id   bigint      NOT NULL REFERENCES merchants(id),
  key           text        NOT NULL,
  request_hash  bytea       NOT NULL,
  order_id      bigint      NOT NULL REFERENCES orders(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- The callback outbox (SPEC §4): written in the transaction of the status change it reports.
CREATE TABLE callback_events (
  id               bigserial PRIMARY KEY,
  event_id         uuid        NOT NULL UNIQUE,
  order_id         bigint      NOT NULL REFERENCES orders(id),
  merchant_id      bigint      NOT NULL REFERENCES merchants(id),
  status           text        NOT NULL,
  -- host of the order's callbackUrl, so a worker can skip hosts that already have enough in flight
  host             text        NOT NULL,
  -- pending → delivered | failed | gone | refused
  state            text        NOT NULL DEFAULT 'pending',
  attempts         int         NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  lease_until      timestamptz,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  delivered_at     timestamptz
);
CREATE INDEX callback_events_due ON callback_events (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX callback_events_pending_order ON callback_events (order_id, id) WHERE state = 'pending';
CREATE INDEX callback_events_order ON callback_events (order_id, id);
CREATE INDEX callback_events_state ON callback_events (state, created_at);

CREATE TABLE callback_attempts (
  id            bigserial PRIMARY KEY,
  event_id      bigint      NOT NULL REFERENCES callback_events(id),
  attempted_at  timestamptz NOT NULL DEFAULT now(),
  url           text        NOT NULL,
  http_status   int,
  latency_ms    int         NOT NULL,
  outcome       text        NOT NULL,
  error         text
);
CREATE INDEX callback_attempts_event ON callback_attempts (event_id, id);
