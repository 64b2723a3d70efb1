-- Secrets the API nodes share, created once by the first migration run so every node reads the same
-- value without configuration. 'order-cursor' keys the encryption of GET /orders/status's next_cursor,
-- so a cursor made by one node is read by any other and reveals no order id (code review m15).
CREATE TABLE server_secrets (
  name text PRIMARY KEY,
  secret bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- gen_random_uuid() (core since PostgreSQL 13, also in the embedded PostgreSQL) draws from the strong
-- random source; two version-4 UUIDs give 244 random bits without needing the pgcrypto extension.
INSERT INTO server_secrets (name, secret)
VALUES ('order-cursor', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
