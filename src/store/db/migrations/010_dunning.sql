-- §7 Dunning: each unpaid invoice's steps (reminder, debt-collection notice, collection), each once, with
-- what it claimed, its document and its delivery.

-- One row per step taken. `content` is the step's document as issued (the render model, like
-- invoices.content): immutable, so its PDF can be rendered again byte for byte. `exported_at` marks a
-- collection step handed over by `efaktura inkasso export`, once.
CREATE TABLE dunning_steps (
  id               bigserial   PRIMARY KEY,
  invoice_id       bigint      NOT NULL REFERENCES invoices(id),
  merchant_id      bigint      NOT NULL REFERENCES merchants(id),
  kind             text        NOT NULL CHECK (kind IN ('reminder', 'notice', 'collection')),
  step_date        date        NOT NULL,
  outstanding_ore  bigint      NOT NULL CHECK (outstanding_ore > 0),
  fee_ore          bigint      NOT NULL CHECK (fee_ore >= 0 AND fee_ore <= 7000),
  interest_ore     bigint      NOT NULL CHECK (interest_ore >= 0),
  total_ore        bigint      NOT NULL CHECK (total_ore >= outstanding_ore),
  due_date         date,
  content          jsonb       NOT NULL,
  exported_at      timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (invoice_id, kind),
  CHECK ((kind = 'collection') = (due_date IS NULL)),
  CHECK (exported_at IS NULL OR kind = 'collection')
);
CREATE INDEX dunning_steps_merchant ON dunning_steps (merchant_id, kind, id);

-- The step's PDF, written once by its render job (a collection step has none: nothing goes to the customer).
CREATE TABLE dunning_documents (
  step_id     bigint      PRIMARY KEY REFERENCES dunning_steps(id),
  content     bytea       NOT NULL,
  sha256      bytea       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- A step's document is delivered like an invoice, through the same channels: its delivery row names the
-- step. An invoice keeps exactly one delivery of its own, and each step one.
ALTER TABLE deliveries ADD COLUMN dunning_step_id bigint REFERENCES dunning_steps(id);
ALTER TABLE deliveries DROP CONSTRAINT deliveries_invoice_id_key;
CREATE UNIQUE INDEX deliveries_document ON deliveries (invoice_id) WHERE dunning_step_id IS NULL;
CREATE UNIQUE INDEX deliveries_dunning_step ON deliveries (dunning_step_id) WHERE dunning_step_id IS NOT NULL;

-- What the daily run looks at: invoices still owing something, by due date.
CREATE INDEX invoices_open_by_due ON invoices (due_date, id)
  WHERE kind = 'invoice' AND due_date IS NOT NULL AND paid_ore + credited_ore < total_ore;
