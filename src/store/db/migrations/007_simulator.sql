-- The eFaktura simulator (issue #8, docs/efaktura-network.md): the network's consumer registry, the
-- consignments and invoices issuers sent, the consumers' bank payments, and the fault switch. Tables are
-- prefixed sim_: they belong to the simulator, which stands in for systems outside efaktura, and no
-- efaktura code reads them.

-- A consumer the network knows: "Ja takk til alle" (consent = 'all') and the issuers it blocked.
-- A consumer not in this table has no consent.
CREATE TABLE sim_consumers (
  personal_number text PRIMARY KEY,
  consent         text   NOT NULL CHECK (consent IN ('all', 'none')),
  blocked_issuers text[] NOT NULL DEFAULT '{}',
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- A consignment as received, with the answer it got: a repeated consignment id is refused (209) and its
-- status is this answer.
CREATE TABLE sim_consignments (
  consignment_id    text PRIMARY KEY,
  issuer_org_number text  NOT NULL,
  response          jsonb NOT NULL,
  received_at       timestamptz NOT NULL DEFAULT now()
);

-- An accepted invoice (or reminder, or collection notice) in a consumer's netbank. The invoice number is
-- unique per issuer and document type: a second one is rejected inside its consignment (209).
CREATE TABLE sim_invoices (
  id                bigserial PRIMARY KEY,
  consignment_id    text   NOT NULL REFERENCES sim_consignments(consignment_id),
  issuer_org_number text   NOT NULL,
  issuer_name       text   NOT NULL,
  invoice_number    text   NOT NULL,
  document_type     text   NOT NULL CHECK (document_type IN ('invoice', 'reminder', 'collection_notice')),
  personal_number   text   NOT NULL,
  kid               text   NOT NULL,
  amount_ore        bigint NOT NULL CHECK (amount_ore > 0),
  due_date          date   NOT NULL,
  account_number    text   NOT NULL,
  document_url      text   NOT NULL,
  status            text   NOT NULL DEFAULT 'unpaid' CHECK (status IN ('unpaid', 'paid', 'cancelled')),
  paid_ore          bigint NOT NULL DEFAULT 0 CHECK (paid_ore >= 0),
  received_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (issuer_org_number, document_type, invoice_number)
);
CREATE INDEX sim_invoices_consumer ON sim_invoices (personal_number, id);

-- A payment the consumer made in the netbank: what the payee's bank reports in its OCR giro and camt.054
-- files for that day and account.
CREATE TABLE sim_payments (
  id             bigserial PRIMARY KEY,
  invoice_id     bigint NOT NULL REFERENCES sim_invoices(id),
  amount_ore     bigint NOT NULL CHECK (amount_ore > 0),
  payment_date   date   NOT NULL,
  kid            text   NOT NULL,
  to_account     text   NOT NULL,
  payer_account  text   NOT NULL,
  bank_reference text   NOT NULL UNIQUE,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sim_payments_account_date ON sim_payments (to_account, payment_date, id);

-- Fault injection (POST /simulator/faults): one row, the mode and how many calls it still applies to.
CREATE TABLE sim_faults (
  id        int  PRIMARY KEY CHECK (id = 1),
  mode      text NOT NULL CHECK (mode IN ('http500', 'timeout', 'reject5003')),
  remaining int  NOT NULL CHECK (remaining >= 0)
);
