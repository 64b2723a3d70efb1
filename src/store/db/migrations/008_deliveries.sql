-- Delivery (SPEC §6.5): each issued document is delivered once its files exist, through the merchant's
-- channels in order. One row per document says where its delivery stands; every attempt on every channel
-- is kept, for the invoice's JSON and for the operator.
CREATE TABLE deliveries (
  id                 bigserial PRIMARY KEY,
  invoice_id         bigint      NOT NULL UNIQUE REFERENCES invoices(id),
  merchant_id        bigint      NOT NULL REFERENCES merchants(id),
  status             text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'undelivered')),
  -- The merchant's channels when the delivery (or its latest retry) started: a settings change midway
  -- does not reorder a chain already under way.
  channels           text[]      NOT NULL,
  -- The channel being tried (an index into `channels`) and its transient failures so far.
  channel_index      int         NOT NULL DEFAULT 0,
  channel_failures   int         NOT NULL DEFAULT 0,
  -- 1 for the first chain, +1 per operator retry: part of the eFaktura consignment id, so a retried
  -- send of the same chain repeats its id (answered 209) and a new chain gets a new one.
  round              int         NOT NULL DEFAULT 1,
  -- Steps taken (attempts made); names the job of the next step, so each step is queued once.
  step               int         NOT NULL DEFAULT 0,
  delivered_channel  text,
  delivered_message_id text,
  delivered_at       timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deliveries_status ON deliveries (status, id);

CREATE TABLE delivery_attempts (
  id            bigserial PRIMARY KEY,
  delivery_id   bigint      NOT NULL REFERENCES deliveries(id),
  channel       text        NOT NULL,
  attempted_at  timestamptz NOT NULL,
  -- delivered; unreachable (the channel cannot reach this customer: the next one is tried); failed
  -- (transient: retried on the same channel); cancelled / cancel_failed (a credit note cancelled the
  -- invoice in the eFaktura network).
  outcome       text        NOT NULL CHECK (outcome IN ('delivered', 'unreachable', 'failed', 'cancelled', 'cancel_failed')),
  error         text,
  message_id    text
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);

-- Keys the signed document links GET /d/{token} (HMAC-SHA256), shared by every API node like the
-- cursor secret of migration 003.
INSERT INTO server_secrets (name, secret)
VALUES ('document-link', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
