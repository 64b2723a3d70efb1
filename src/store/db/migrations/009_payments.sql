-- §7 Payments: the bank files imported, each transaction once, and what each payment paid.

-- A file is known by its SHA-256: importing it again changes nothing. `completed_at` is set when every
-- transaction of it is stored; a file left incomplete by a crash is finished by importing it again.
CREATE TABLE payment_files (
  id            bigserial   PRIMARY KEY,
  sha256        bytea       NOT NULL UNIQUE,
  format        text        NOT NULL CHECK (format IN ('ocr-giro', 'camt054')),
  -- OCR: data recipient/transmission number; camt.054: the message id.
  identity      text        NOT NULL,
  name          text,
  byte_size     bigint      NOT NULL CHECK (byte_size >= 0),
  transactions  int         NOT NULL CHECK (transactions >= 0),
  started_at    timestamptz NOT NULL DEFAULT now(),
  completed_at  timestamptz,
  summary       jsonb
);

-- One row per bank transaction. `source_key` identifies it across files: its bank reference when it has one,
-- otherwise its file's identity and its position there (SPEC §7). A reversal (OCR 18/20, camt RvslInd) is a
-- row of its own pointing at the payment it takes back.
CREATE TABLE payments (
  id                bigserial   PRIMARY KEY,
  merchant_id       bigint      NOT NULL REFERENCES merchants(id),
  source_key        text        NOT NULL UNIQUE,
  file_id           bigint      NOT NULL REFERENCES payment_files(id),
  position          int         NOT NULL CHECK (position >= 1),
  kind              text        NOT NULL CHECK (kind IN ('payment', 'reversal')),
  amount_ore        bigint      NOT NULL CHECK (amount_ore > 0),
  payment_date      date        NOT NULL,
  kid               text,
  bank_reference    text,
  payer_account     text,
  to_account        text        NOT NULL,
  transaction_type  text,
  free_text         text,
  -- payment: matched (to invoice_id) | unmatched (waits for an operator) | reversed (taken back);
  -- reversal: reversal (undid reversal_of) | orphan (found nothing to undo).
  state             text        NOT NULL CHECK (state IN ('matched', 'unmatched', 'reversed', 'reversal', 'orphan')),
  invoice_id        bigint      REFERENCES invoices(id),
  reversal_of       bigint      UNIQUE REFERENCES payments(id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'payment') = (state IN ('matched', 'unmatched', 'reversed'))),
  CHECK (state <> 'matched' OR invoice_id IS NOT NULL),
  CHECK ((state = 'reversal') = (reversal_of IS NOT NULL))
);
CREATE INDEX payments_merchant_state ON payments (merchant_id, state, id);
-- What a reversal looks for: the latest payment of that amount to that account that is not yet taken back.
CREATE INDEX payments_reversible ON payments (merchant_id, to_account, amount_ore, id) WHERE kind = 'payment' AND state <> 'reversed';

-- What each payment paid on which invoice; a reversal adds the negative of its payment's allocation.
-- `invoices.paid_ore` is the sum of an invoice's allocations, kept in the same transaction.
CREATE TABLE payment_allocations (
  id          bigserial   PRIMARY KEY,
  payment_id  bigint      NOT NULL REFERENCES payments(id),
  invoice_id  bigint      NOT NULL REFERENCES invoices(id),
  amount_ore  bigint      NOT NULL CHECK (amount_ore <> 0),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_allocations_invoice ON payment_allocations (invoice_id, id);
CREATE INDEX payment_allocations_payment ON payment_allocations (payment_id);

-- Matching finds an invoice by its KID within the merchant.
CREATE INDEX invoices_merchant_kid ON invoices (merchant_id, kid) WHERE kid IS NOT NULL;
