/**
 * Dunning (SPEC §7): all SQL of the steps an unpaid invoice takes, their documents, and the claims handed
 * to collection. The run (app/dunning) decides; this module reads and writes.
 */
import { createHash } from 'node:crypto';
import type { DunningDocument } from '../domain/dunning/document.ts';
import type { DunningKind } from '../domain/dunning/schedule.ts';
import type { IssuedDocument } from '../domain/invoicing/issued.ts';
import type { Queryable } from './db/db.ts';

/**
 * Invoices that may be due a step on `asOf`: still owing, due at least 14 days before (no step comes
 * earlier), with an order that dunning moves on (INVOICED, PURRING, PARTIAL REFUNDED), not yet at collection.
 * Oldest first; `afterId` pages through them.
 */
export async function invoicesToDun(
  db: Queryable,
  q: { asOf: string; merchantId: number | null; afterId: number; limit: number },
): Promise<number[]> {
  const rows = await db.query<{ id: number }>({
    name: 'invoices_to_dun',
    text: `SELECT i.id FROM invoices i
           WHERE i.kind = 'invoice' AND i.due_date IS NOT NULL AND i.paid_ore + i.credited_ore < i.total_ore
             AND i.due_date <= $1::date - 14 AND i.id > $3 AND ($2::bigint IS NULL OR i.merchant_id = $2)
             AND EXISTS (SELECT 1 FROM invoice_orders io JOIN orders o ON o.id = io.order_id
                         WHERE io.invoice_id = i.id AND o.status IN ('INVOICED', 'PURRING', 'PARTIAL REFUNDED'))
             AND NOT EXISTS (SELECT 1 FROM dunning_steps s WHERE s.invoice_id = i.id AND s.kind = 'collection')
           ORDER BY i.id LIMIT $4`,
    values: [q.asOf, q.merchantId, q.afterId, q.limit],
  });
  return rows.map((r) => r.id);
}

export interface DunningInvoice {
  id: number;
  merchant_id: number;
  number: number;
  kid: string | null;
  issue_date: string;
  due_date: string;
  language: string;
  total_ore: number;
  credited_ore: number;
  paid_ore: number;
  content: IssuedDocument;
  reminder_fee_ore: number;
}

/** The invoice's facts for a step, read in the transaction that holds its lock. */
export async function dunningInvoice(tx: Queryable, invoiceId: number): Promise<DunningInvoice> {
  const rows = await tx.query<DunningInvoice>({
    name: 'dunning_invoice',
    text: `SELECT i.id, i.merchant_id, i.number, i.kid, to_char(i.issue_date, 'YYYY-MM-DD') AS issue_date,
                  to_char(i.due_date, 'YYYY-MM-DD') AS due_date, i.language, i.total_ore, i.credited_ore, i.paid_ore,
                  i.content, m.reminder_fee_ore
           FROM invoices i JOIN merchants m ON m.id = i.merchant_id WHERE i.id = $1`,
    values: [invoiceId],
  });
  return rows[0]!;
}

export interface DunningStepRow {
  id: number;
  invoice_id: number;
  merchant_id: number;
  kind: DunningKind;
  step_date: string;
  outstanding_ore: number;
  fee_ore: number;
  interest_ore: number;
  total_ore: number;
  due_date: string | null;
  content: DunningDocument;
  exported_at: Date | null;
}

const STEP_COLUMNS = `id, invoice_id, merchant_id, kind, to_char(step_date, 'YYYY-MM-DD') AS step_date, outstanding_ore, fee_ore,
  interest_ore, total_ore, to_char(due_date, 'YYYY-MM-DD') AS due_date, content, exported_at`;

export async function stepsOfInvoice(db: Queryable, invoiceId: number): Promise<DunningStepRow[]> {
  return db.query<DunningStepRow>({
    name: 'dunning_steps_of_invoice',
    text: `SELECT ${STEP_COLUMNS} FROM dunning_steps WHERE invoice_id = $1 ORDER BY id`,
    values: [invoiceId],
  });
}

export async function findDunningStep(db: Queryable, id: number): Promise<DunningStepRow | null> {
  const rows = await db.query<DunningStepRow>({ name: 'find_dunning_step', text: `SELECT ${STEP_COLUMNS} FROM dunning_steps WHERE id = $1`, values: [id] });
  return rows[0] ?? null;
}

/** Records a step; null when the invoice has a step of this kind already (the unique key keeps it once). */
export async function insertDunningStep(
  tx: Queryable,
  s: { invoiceId: number; merchantId: number; feeOre: number; document: DunningDocument },
): Promise<number | null> {
  const d = s.document;
  const rows = await tx.query<{ id: number }>({
    name: 'insert_dunning_step',
    text: `INSERT INTO dunning_steps (invoice_id, merchant_id, kind, step_date, outstanding_ore, fee_ore, interest_ore, total_ore, due_date, content)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)
           ON CONFLICT (invoice_id, kind) DO NOTHING RETURNING id`,
    values: [s.invoiceId, s.merchantId, d.kind, d.date, d.outstandingOre, s.feeOre, d.interestOre, d.totalOre, d.dueDate, JSON.stringify(d)],
  });
  return rows[0]?.id ?? null;
}

export async function storeDunningDocument(tx: Queryable, stepId: number, content: Buffer): Promise<void> {
  await tx.query({
    name: 'store_dunning_document',
    text: `INSERT INTO dunning_documents (step_id, content, sha256) VALUES ($1, $2, $3) ON CONFLICT (step_id) DO NOTHING`,
    values: [stepId, content, createHash('sha256').update(content).digest()],
  });
}

export async function findDunningDocument(db: Queryable, stepId: number): Promise<Buffer | null> {
  const rows = await db.query<{ content: Uint8Array }>({
    name: 'find_dunning_document',
    text: 'SELECT content FROM dunning_documents WHERE step_id = $1',
    values: [stepId],
  });
  return rows[0] ? Buffer.from(rows[0].content) : null;
}

/** A claim at collection, with what the debt collector needs to know about the debtor. */
export interface CollectionClaimRow {
  step_id: number;
  merchant_id: number;
  step_date: string;
  content: DunningDocument;
  personal_number: string | null;
  organization_number: string | null;
  earlier_steps: Array<{ kind: DunningKind; step_id: number; date: string; has_document: boolean }>;
}

/**
 * Collection steps not exported yet, locked (so two exports never hand over the same claim), oldest first.
 * The debtor's personal or organisation number comes from the customer record (documents never print it).
 */
export async function lockClaimsToExport(tx: Queryable, merchantId: number | null): Promise<CollectionClaimRow[]> {
  return tx.query<CollectionClaimRow>({
    name: 'lock_claims_to_export',
    text: `SELECT s.id AS step_id, s.merchant_id, to_char(s.step_date, 'YYYY-MM-DD') AS step_date, s.content,
                  c.personal_number, c.organization_number,
                  coalesce((SELECT json_agg(json_build_object('kind', e.kind, 'step_id', e.id, 'date', to_char(e.step_date, 'YYYY-MM-DD'),
                              'has_document', EXISTS (SELECT 1 FROM dunning_documents dd WHERE dd.step_id = e.id)) ORDER BY e.id)
                            FROM dunning_steps e WHERE e.invoice_id = s.invoice_id AND e.kind <> 'collection'), '[]') AS earlier_steps
           FROM dunning_steps s JOIN invoices i ON i.id = s.invoice_id JOIN customers c ON c.id = i.customer_id
           WHERE s.kind = 'collection' AND s.exported_at IS NULL AND ($1::bigint IS NULL OR s.merchant_id = $1)
           ORDER BY s.id FOR UPDATE OF s SKIP LOCKED`,
    values: [merchantId],
  });
}

export async function markClaimsExported(tx: Queryable, stepIds: readonly number[], at: Date): Promise<void> {
  await tx.query({
    name: 'mark_claims_exported',
    text: 'UPDATE dunning_steps SET exported_at = $2 WHERE id = ANY($1::bigint[]) AND exported_at IS NULL',
    values: [stepIds, at],
  });
}
