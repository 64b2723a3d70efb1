-- Invoicing (SPEC §6): merchant invoice settings, the per-merchant gapless number series shared by
-- invoices and credit notes, invoice runs, issued documents and their rendered files.

-- §6.1 Merchant invoice settings. The invoice fee (invoice_fee_ore) exists since 001.
ALTER TABLE merchants
  ADD COLUMN street               text,
  ADD COLUMN zip                  text,
  ADD COLUMN city                 text,
  ADD COLUMN vat_registered       boolean NOT NULL DEFAULT false,
  ADD COLUMN foretaksregisteret   boolean NOT NULL DEFAULT false,
  ADD COLUMN invoice_email        text,
  ADD COLUMN invoice_fee_vat_rate text    NOT NULL DEFAULT '25',
  ADD COLUMN kid_check            text    NOT NULL DEFAULT 'mod10' CHECK (kid_check IN ('mod10', 'mod11')),
  ADD COLUMN reminder_fee_ore     bigint  NOT NULL DEFAULT 3500 CHECK (reminder_fee_ore >= 0),
  ADD COLUMN delivery_channels    text[]  NOT NULL DEFAULT '{efaktura,email,file}',
  ADD COLUMN first_invoice_number bigint  NOT NULL DEFAULT 1 CHECK (first_invoice_number >= 1);

-- The number series: one row per merchant, created with its first document. It is the only lock a run
-- takes besides the orders it invoices, and it is held for one short transaction (SPEC §6.3).
CREATE TABLE invoice_sequences (
  merchant_id          bigint PRIMARY KEY REFERENCES merchants(id),
  next_number          bigint NOT NULL CHECK (next_number >= 1),
  next_customer_number int    NOT NULL DEFAULT 1 CHECK (next_customer_number >= 1)
);

-- The customer's number within the merchant, the first part of the KID; given at its first invoice.
ALTER TABLE customers ADD COLUMN number int;
CREATE UNIQUE INDEX customers_merchant_number ON customers (merchant_id, number) WHERE number IS NOT NULL;

-- §6.2 A run: one per (merchant, interval, period); a second start resumes it.
CREATE TABLE invoice_runs (
  id                bigserial PRIMARY KEY,
  merchant_id       bigint      NOT NULL REFERENCES merchants(id),
  invoice_interval  smallint    NOT NULL CHECK (invoice_interval IN (1, 2)),
  period            text        NOT NULL,
  cutoff            timestamptz NOT NULL,
  invoice_date      date        NOT NULL,
  started_at        timestamptz NOT NULL DEFAULT now(),
  finished_at       timestamptz,
  orders_invoiced   int         NOT NULL DEFAULT 0,
  invoices_created  int         NOT NULL DEFAULT 0,
  UNIQUE (merchant_id, invoice_interval, period)
);

-- §6.3 Invoices and credit notes, one series. `content` is the document as issued (the render model):
-- immutable, so the PDF and EHF can be rendered again byte for byte.
CREATE TABLE invoices (
  id                  bigserial PRIMARY KEY,
  merchant_id         bigint      NOT NULL REFERENCES merchants(id),
  number              bigint      NOT NULL CHECK (number >= 1),
  kind                text        NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
  credits_invoice_id  bigint      REFERENCES invoices(id),
  customer_id         bigint      NOT NULL REFERENCES customers(id),
  run_id              bigint      REFERENCES invoice_runs(id),
  kid                 text,
  issue_date          date        NOT NULL,
  due_date            date,
  language            text        NOT NULL,
  total_ore           bigint      NOT NULL CHECK (total_ore >= 0),
  vat_ore             bigint      NOT NULL CHECK (vat_ore >= 0),
  credited_ore        bigint      NOT NULL DEFAULT 0 CHECK (credited_ore >= 0),
  paid_ore            bigint      NOT NULL DEFAULT 0 CHECK (paid_ore >= 0),
  content             jsonb       NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (merchant_id, number),
  CHECK ((kind = 'credit_note') = (credits_invoice_id IS NOT NULL)),
  CHECK (credited_ore <= total_ore)
);
CREATE INDEX invoices_merchant_kind_newest ON invoices (merchant_id, kind, id DESC);
CREATE INDEX invoices_credits ON invoices (credits_invoice_id) WHERE credits_invoice_id IS NOT NULL;

CREATE TABLE invoice_orders (
  invoice_id  bigint NOT NULL REFERENCES invoices(id),
  order_id    bigint NOT NULL REFERENCES orders(id),
  PRIMARY KEY (invoice_id, order_id)
);
CREATE INDEX invoice_orders_order ON invoice_orders (order_id);

-- §6.4 The rendered files, written once by the render job; the SHA-256 proves what the customer got.
CREATE TABLE invoice_documents (
  invoice_id  bigint      NOT NULL REFERENCES invoices(id),
  format      text        NOT NULL CHECK (format IN ('pdf', 'ehf')),
  content     bytea       NOT NULL,
  sha256      bytea       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (invoice_id, format)
);

ALTER TABLE orders ADD COLUMN invoice_id bigint REFERENCES invoices(id);
-- What the runs look for: SENT orders per merchant and interval, oldest first.
CREATE INDEX orders_to_invoice ON orders (merchant_id, invoice_interval, id) WHERE status = 'SENT';
