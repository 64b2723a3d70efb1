-- §9 The operator dashboard (/app): sign-in sessions, and the indexes its pages read by.

-- A signed-in browser. The cookie carries a random id; only its SHA-256 is stored, so a copy of the
-- database signs nobody in. A merchant token's session is bound to that merchant for good; an operator's
-- may look at one merchant (`merchant_id`, the switcher) or at all (NULL). `csrf_token` is checked on
-- every form post of the session. `token_hash` is the SHA-256 of the token signed in with (as api_tokens and
-- admin_tokens store it): revoking that token ends its sessions too.
CREATE TABLE web_sessions (
  id_hash       bytea       PRIMARY KEY,
  token_hash    bytea       NOT NULL,
  operator      boolean     NOT NULL,
  merchant_id   bigint      REFERENCES merchants(id),
  csrf_token    text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  CHECK (operator OR merchant_id IS NOT NULL)
);
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);

-- The operator's order list over all merchants, newest first, with or without a status filter; with the amount,
-- also the operator's overview (orders and amounts per status) from the index alone.
CREATE INDEX orders_status_newest ON orders (status, id DESC) INCLUDE (grand_total_ore);
-- Search by invoice number or KID within a merchant (and over all, for the operator).
CREATE INDEX orders_merchant_invoice_number ON orders (merchant_id, invoice_number) WHERE invoice_number IS NOT NULL;
CREATE INDEX orders_kid ON orders (kid) WHERE kid IS NOT NULL;
-- Search by the customer's name or e-mail, word by word from the start of each word (store/dashboard.ts
-- writes exactly this expression). Full-text search of PostgreSQL itself: no extension, also in PGlite.
CREATE INDEX orders_customer_search ON orders USING gin (
  to_tsvector('simple', coalesce(customer_snapshot->>'name', '') || ' ' || coalesce(customer_snapshot->>'email', '')));
-- The overview's orders and amounts per status: read from the index alone.
CREATE INDEX orders_merchant_status_amount ON orders (merchant_id, status) INCLUDE (grand_total_ore);
-- The import history of one merchant (the files that brought it payments).
CREATE INDEX payments_merchant_file ON payments (merchant_id, file_id);
