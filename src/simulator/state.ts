/**
 * All SQL of the eFaktura simulator (tables `sim_*`, migration 007): the consumer registry, consignments
 * and their invoices, the consumers' payments and the fault switch. Dates are read as `YYYY-MM-DD` text.
 */
import type { Queryable } from '../store/db/db.ts';

export type Consent = 'all' | 'none';
export type SimInvoiceStatus = 'unpaid' | 'paid' | 'cancelled';
export type DocumentType = 'invoice' | 'reminder' | 'collection_notice';
export type FaultMode = 'http500' | 'timeout' | 'reject5003';

export interface Consumer {
  personalNumber: string;
  consent: Consent;
  blockedIssuers: string[];
}

export interface SimInvoice {
  id: number;
  consignmentId: string;
  issuerOrgNumber: string;
  issuerName: string;
  invoiceNumber: string;
  documentType: DocumentType;
  personalNumber: string;
  kid: string;
  amountOre: number;
  dueDate: string;
  accountNumber: string;
  documentUrl: string;
  status: SimInvoiceStatus;
  paidOre: number;
}

export interface SimPayment {
  id: number;
  invoiceId: number;
  amountOre: number;
  date: string;
  kid: string;
  toAccount: string;
  payerAccount: string;
  bankReference: string;
}

export type NewInvoice = Omit<SimInvoice, 'id' | 'status' | 'paidOre'>;

const INVOICE_COLUMNS = `id, consignment_id AS "consignmentId", issuer_org_number AS "issuerOrgNumber", issuer_name AS "issuerName",
  invoice_number AS "invoiceNumber", document_type AS "documentType", personal_number AS "personalNumber", kid,
  amount_ore AS "amountOre", due_date::text AS "dueDate", account_number AS "accountNumber", document_url AS "documentUrl",
  status, paid_ore AS "paidOre"`;

const PAYMENT_COLUMNS = `id, invoice_id AS "invoiceId", amount_ore AS "amountOre", payment_date::text AS "date", kid,
  to_account AS "toAccount", payer_account AS "payerAccount", bank_reference AS "bankReference"`;

// Consumers

export async function getConsumers(q: Queryable, personalNumbers: readonly string[]): Promise<Consumer[]> {
  return q.query<Consumer>({
    text: `SELECT personal_number AS "personalNumber", consent, blocked_issuers AS "blockedIssuers"
           FROM sim_consumers WHERE personal_number = ANY($1::text[])`,
    values: [personalNumbers],
  });
}

export async function getConsumer(q: Queryable, personalNumber: string): Promise<Consumer | null> {
  return (await getConsumers(q, [personalNumber]))[0] ?? null;
}

export async function saveConsumer(q: Queryable, consumer: Consumer): Promise<void> {
  await q.query({
    text: `INSERT INTO sim_consumers (personal_number, consent, blocked_issuers) VALUES ($1, $2, $3)
           ON CONFLICT (personal_number) DO UPDATE SET consent = EXCLUDED.consent, blocked_issuers = EXCLUDED.blocked_issuers, updated_at = now()`,
    values: [consumer.personalNumber, consumer.consent, consumer.blockedIssuers],
  });
}

/** Consumers the netbank offers to pick: the registered ones and those who have invoices. */
export async function knownPersonalNumbers(q: Queryable, limit = 200): Promise<string[]> {
  const rows = await q.query<{ pn: string }>({
    text: `SELECT pn FROM (SELECT personal_number AS pn FROM sim_consumers UNION SELECT personal_number FROM sim_invoices) AS known
           ORDER BY pn LIMIT $1`,
    values: [limit],
  });
  return rows.map((r) => r.pn);
}

/** Issuer names the network has seen, by organisation number (for the netbank's block list). */
export async function issuerNames(q: Queryable, orgNumbers: readonly string[]): Promise<Map<string, string>> {
  const rows = await q.query<{ org: string; name: string }>({
    text: `SELECT DISTINCT ON (issuer_org_number) issuer_org_number AS org, issuer_name AS name
           FROM sim_invoices WHERE issuer_org_number = ANY($1::text[]) ORDER BY issuer_org_number, id DESC`,
    values: [orgNumbers],
  });
  return new Map(rows.map((r) => [r.org, r.name]));
}

// Consignments and invoices

/** Records a consignment id; false when it was seen before (error 209). */
export async function claimConsignment(q: Queryable, consignmentId: string, issuerOrgNumber: string): Promise<boolean> {
  const rows = await q.query({
    text: `INSERT INTO sim_consignments (consignment_id, issuer_org_number, response) VALUES ($1, $2, '{}')
           ON CONFLICT (consignment_id) DO NOTHING RETURNING 1`,
    values: [consignmentId, issuerOrgNumber],
  });
  return rows.length === 1;
}

export async function saveConsignmentResponse(q: Queryable, consignmentId: string, response: unknown): Promise<void> {
  await q.query({ text: 'UPDATE sim_consignments SET response = $2 WHERE consignment_id = $1', values: [consignmentId, JSON.stringify(response)] });
}

export async function getConsignmentResponse(q: Queryable, consignmentId: string): Promise<unknown> {
  const rows = await q.query<{ response: unknown }>({ text: 'SELECT response FROM sim_consignments WHERE consignment_id = $1', values: [consignmentId] });
  return rows[0]?.response ?? null;
}

/** Stores an accepted invoice; null when the issuer already has this invoice number for this document type. */
export async function insertInvoice(q: Queryable, inv: NewInvoice): Promise<number | null> {
  const rows = await q.query<{ id: number }>({
    text: `INSERT INTO sim_invoices (consignment_id, issuer_org_number, issuer_name, invoice_number, document_type, personal_number,
             kid, amount_ore, due_date, account_number, document_url)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
           ON CONFLICT (issuer_org_number, document_type, invoice_number) DO NOTHING RETURNING id`,
    values: [inv.consignmentId, inv.issuerOrgNumber, inv.issuerName, inv.invoiceNumber, inv.documentType, inv.personalNumber,
      inv.kid, inv.amountOre, inv.dueDate, inv.accountNumber, inv.documentUrl],
  });
  return rows[0]?.id ?? null;
}

export async function findIssuerInvoice(
  q: Queryable, issuerOrgNumber: string, invoiceNumber: string, documentType: DocumentType, forUpdate = false,
): Promise<SimInvoice | null> {
  const rows = await q.query<SimInvoice>({
    text: `SELECT ${INVOICE_COLUMNS} FROM sim_invoices
           WHERE issuer_org_number = $1 AND invoice_number = $2 AND document_type = $3 ${forUpdate ? 'FOR UPDATE' : ''}`,
    values: [issuerOrgNumber, invoiceNumber, documentType],
  });
  return rows[0] ?? null;
}

export async function setInvoiceStatus(q: Queryable, id: number, status: SimInvoiceStatus, paidOre?: number): Promise<void> {
  await q.query({
    text: 'UPDATE sim_invoices SET status = $2, paid_ore = COALESCE($3, paid_ore) WHERE id = $1',
    values: [id, status, paidOre ?? null],
  });
}

export async function consumerInvoices(q: Queryable, personalNumber: string): Promise<SimInvoice[]> {
  return q.query<SimInvoice>({
    text: `SELECT ${INVOICE_COLUMNS} FROM sim_invoices WHERE personal_number = $1 ORDER BY id`,
    values: [personalNumber],
  });
}

export async function consumerInvoice(q: Queryable, personalNumber: string, id: number, forUpdate = false): Promise<SimInvoice | null> {
  const rows = await q.query<SimInvoice>({
    text: `SELECT ${INVOICE_COLUMNS} FROM sim_invoices WHERE personal_number = $1 AND id = $2 ${forUpdate ? 'FOR UPDATE' : ''}`,
    values: [personalNumber, id],
  });
  return rows[0] ?? null;
}

// Payments

/** Records a payment; its bank reference is made from its id, so it is unique. */
export async function insertPayment(q: Queryable, p: Omit<SimPayment, 'id' | 'bankReference'>): Promise<SimPayment> {
  const [row] = await q.query<SimPayment>({
    text: `WITH n AS (SELECT nextval(pg_get_serial_sequence('sim_payments', 'id')) AS id)
           INSERT INTO sim_payments (id, invoice_id, amount_ore, payment_date, kid, to_account, payer_account, bank_reference)
           SELECT n.id, $1, $2, $3, $4, $5, $6, 'SIM' || to_char($3::date, 'YYYYMMDD') || lpad(n.id::text, 9, '0') FROM n
           RETURNING ${PAYMENT_COLUMNS}`,
    values: [p.invoiceId, p.amountOre, p.date, p.kid, p.toAccount, p.payerAccount],
  });
  return row!;
}

/** The day's payments to one account, in the order they were made. */
export async function paymentsTo(q: Queryable, account: string, date: string): Promise<SimPayment[]> {
  return q.query<SimPayment>({
    text: `SELECT ${PAYMENT_COLUMNS} FROM sim_payments WHERE to_account = $1 AND payment_date = $2 ORDER BY id`,
    values: [account, date],
  });
}

// Faults

export async function setFault(q: Queryable, mode: FaultMode, remaining: number): Promise<void> {
  await q.query({
    text: `INSERT INTO sim_faults (id, mode, remaining) VALUES (1, $1, $2)
           ON CONFLICT (id) DO UPDATE SET mode = EXCLUDED.mode, remaining = EXCLUDED.remaining`,
    values: [mode, remaining],
  });
}

/**
 * Takes one call's worth of the armed fault, if any applies. `reject5003` is about consignments, so only a
 * consignment send takes it; the other modes apply to any network call.
 */
export async function takeFault(q: Queryable, isConsignmentSend: boolean): Promise<FaultMode | null> {
  const rows = await q.query<{ mode: FaultMode }>({
    text: `UPDATE sim_faults SET remaining = remaining - 1
           WHERE id = 1 AND remaining > 0 AND ($1 OR mode <> 'reject5003') RETURNING mode`,
    values: [isConsignmentSend],
  });
  return rows[0]?.mode ?? null;
}
