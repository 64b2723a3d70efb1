/**
 * Invoices and credit notes (SPEC §6.3, §6.4): the number series, the documents as issued, their orders
 * and their rendered files. All SQL for one invoice's life is here; the use cases in app/invoicing decide.
 */
import { createHash } from 'node:crypto';
import type { IssuedDocument } from '../domain/invoicing/issued.ts';
import type { Queryable } from './db/db.ts';
import type { OrderLineRow } from './orders.ts';

export interface SequenceState {
  nextNumber: number;
  nextCustomerNumber: number;
}

/**
 * Locks the merchant's number series for the rest of the transaction, creating it at the first document.
 * Every document's number is taken under this lock and the series is advanced in the same transaction,
 * so a rollback returns the numbers and two transactions can never take the same one: gapless.
 */
export async function lockInvoiceSequence(tx: Queryable, merchantId: number): Promise<SequenceState> {
  await tx.query({
    name: 'create_invoice_sequence',
    text: `INSERT INTO invoice_sequences (merchant_id, next_number)
           SELECT id, first_invoice_number FROM merchants WHERE id = $1
           ON CONFLICT (merchant_id) DO NOTHING`,
    values: [merchantId],
  });
  const rows = await tx.query<{ next_number: number; next_customer_number: number }>({
    name: 'lock_invoice_sequence',
    text: 'SELECT next_number, next_customer_number FROM invoice_sequences WHERE merchant_id = $1 FOR UPDATE',
    values: [merchantId],
  });
  const row = rows[0];
  if (!row) throw new Error(`Merchant ${merchantId} does not exist.`);
  return { nextNumber: row.next_number, nextCustomerNumber: row.next_customer_number };
}

export async function saveInvoiceSequence(tx: Queryable, merchantId: number, state: SequenceState): Promise<void> {
  await tx.query({
    name: 'save_invoice_sequence',
    text: 'UPDATE invoice_sequences SET next_number = $2, next_customer_number = $3 WHERE merchant_id = $1',
    values: [merchantId, state.nextNumber, state.nextCustomerNumber],
  });
}

/** True once the merchant has issued a document (then the first number can no longer be changed). */
export async function hasIssuedDocuments(db: Queryable, merchantId: number): Promise<boolean> {
  // The series row may exist without a document (a run that found nothing to invoice creates it).
  const rows = await db.query({ text: 'SELECT 1 FROM invoices WHERE merchant_id = $1 LIMIT 1', values: [merchantId] });
  return rows.length > 0;
}

/**
 * Sets where a series that has issued nothing yet starts. Locks the series row first, so a run issuing the
 * first document at this moment either commits before (then `false`: the number is fixed) or waits.
 */
export async function restartUnusedSeries(tx: Queryable, merchantId: number, firstNumber: number): Promise<boolean> {
  await tx.query({ text: 'SELECT 1 FROM invoice_sequences WHERE merchant_id = $1 FOR UPDATE', values: [merchantId] });
  if (await hasIssuedDocuments(tx, merchantId)) return false;
  await tx.query({ text: 'UPDATE invoice_sequences SET next_number = $2 WHERE merchant_id = $1', values: [merchantId, firstNumber] });
  return true;
}

/**
 * The customers' numbers within the merchant (the first part of the KID). Customers without one get
 * the next numbers of the series, which the caller holds locked.
 */
export async function customerNumbers(
  tx: Queryable,
  customerIds: readonly number[],
  state: SequenceState,
): Promise<Map<number, number>> {
  const rows = await tx.query<{ id: number; number: number | null }>({
    name: 'customer_numbers',
    text: 'SELECT id, number FROM customers WHERE id = ANY($1::bigint[]) ORDER BY id',
    values: [customerIds],
  });
  const numbers = new Map<number, number>();
  const missing: number[] = [];
  for (const r of rows) {
    if (r.number === null) missing.push(r.id);
    else numbers.set(r.id, r.number);
  }
  if (missing.length > 0) {
    const assigned = missing.map((_, i) => state.nextCustomerNumber + i);
    await tx.query({
      name: 'assign_customer_numbers',
      text: `UPDATE customers c SET number = a.number
             FROM unnest($1::bigint[], $2::int[]) AS a(id, number) WHERE c.id = a.id`,
      values: [missing, assigned],
    });
    missing.forEach((id, i) => numbers.set(id, assigned[i]!));
    state.nextCustomerNumber += missing.length;
  }
  return numbers;
}

export interface OrderToInvoice {
  id: number;
  uuid: string;
  merchant_id: number;
  customer_id: number;
  customer_uuid: string;
  status: string;
  order_date: number;
  customer_snapshot: Record<string, unknown>;
  grand_total_ore: number;
  total_tax_ore: number;
  invoice_maturity: number;
  invoice_fee_applicable: boolean;
  separate_invoices: boolean;
  reference_no: string | null;
  customer_reference: string | null;
  callback_url: string;
  created_at: Date;
}

/** An order line as a run reads it: the stored line (store/orders.ts) with the order it belongs to. */
export type LineToInvoice = Omit<OrderLineRow, 'id' | 'position' | 'refunded_ore'> & { order_id: number };

const CLAIM_COLUMNS = `o.id, o.uuid, o.merchant_id, o.customer_id, c.uuid AS customer_uuid, o.status, o.order_date,
  o.customer_snapshot, o.grand_total_ore, o.total_tax_ore, o.invoice_maturity, o.invoice_fee_applicable,
  o.separate_invoices, o.reference_no, o.customer_reference, o.callback_url, o.created_at`;

/**
 * Claims up to `limit` SENT orders of one merchant and interval created before `cutoff`, oldest first,
 * locked for this transaction. SKIP LOCKED: orders another run (or a cancel) holds are left to it.
 */
export async function claimOrdersToInvoice(
  tx: Queryable,
  merchantId: number,
  interval: number,
  cutoff: Date,
  limit: number,
): Promise<{ orders: OrderToInvoice[]; lines: LineToInvoice[]; more: boolean }> {
  // Interval 0: the oldest `limit` orders. A scheduled run: every order of the next `limit` customers, so a
  // customer's orders are never split over two batches (they may share one combined invoice, SPEC §6.2).
  const orders = await tx.query<OrderToInvoice>(
    interval === 0
      ? {
          name: 'claim_orders_to_invoice',
          text: `SELECT ${CLAIM_COLUMNS}
                 FROM orders o JOIN customers c ON c.id = o.customer_id
                 WHERE o.merchant_id = $1 AND o.invoice_interval = $2 AND o.status = 'SENT' AND o.created_at < $3
                 ORDER BY o.id
                 LIMIT $4
                 FOR UPDATE OF o SKIP LOCKED`,
          values: [merchantId, interval, cutoff, limit],
        }
      : {
          name: 'claim_customer_orders_to_invoice',
          text: `WITH next_customers AS (
                   SELECT DISTINCT o.customer_id FROM orders o
                   WHERE o.merchant_id = $1 AND o.invoice_interval = $2 AND o.status = 'SENT' AND o.created_at < $3
                   ORDER BY o.customer_id LIMIT $4)
                 SELECT ${CLAIM_COLUMNS}
                 FROM orders o JOIN customers c ON c.id = o.customer_id
                 WHERE o.merchant_id = $1 AND o.invoice_interval = $2 AND o.status = 'SENT' AND o.created_at < $3
                   AND o.customer_id IN (SELECT customer_id FROM next_customers)
                 ORDER BY o.customer_id, o.id
                 FOR UPDATE OF o SKIP LOCKED`,
          values: [merchantId, interval, cutoff, limit],
        },
  );
  const more = interval === 0 ? orders.length === limit : new Set(orders.map((o) => o.customer_id)).size === limit;
  if (orders.length === 0) return { orders, lines: [], more: false };
  const lines = await tx.query<LineToInvoice>({
    name: 'lines_to_invoice',
    text: `SELECT order_id, name, product_id, quantity::text AS quantity, rate_ore, discount_ore, tax_rate::text AS tax_rate,
                  amount_ore, vat_ore
           FROM order_lines WHERE order_id = ANY($1::bigint[]) ORDER BY order_id, position`,
    values: [orders.map((o) => o.id)],
  });
  return { orders, lines, more };
}

/** Merchants with SENT orders of `interval` created before `cutoff` (what a run has to do). */
export async function merchantsWithOrdersToInvoice(db: Queryable, interval: number, cutoff: Date): Promise<number[]> {
  const rows = await db.query<{ merchant_id: number }>({
    name: 'merchants_with_orders_to_invoice',
    text: `SELECT m.id AS merchant_id FROM merchants m
           WHERE EXISTS (SELECT 1 FROM orders o WHERE o.merchant_id = m.id AND o.invoice_interval = $1
                         AND o.status = 'SENT' AND o.created_at < $2)
           ORDER BY m.id`,
    values: [interval, cutoff],
  });
  return rows.map((r) => r.merchant_id);
}

export interface NewInvoice {
  merchantId: number;
  customerId: number;
  runId: number | null;
  creditsInvoiceId: number | null;
  document: IssuedDocument;
}

/** Writes a document as issued; returns its id. */
export async function insertInvoice(tx: Queryable, inv: NewInvoice): Promise<number> {
  const d = inv.document;
  const rows = await tx.query<{ id: number }>({
    name: 'insert_invoice',
    text: `INSERT INTO invoices (merchant_id, number, kind, credits_invoice_id, customer_id, run_id, kid, issue_date,
                                 due_date, language, total_ore, vat_ore, content)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
    values: [
      inv.merchantId, d.number, d.kind === 'invoice' ? 'invoice' : 'credit_note', inv.creditsInvoiceId, inv.customerId,
      inv.runId, d.kid, d.issueDate, d.dueDate, d.language, d.totalOre, d.vatSummary.reduce((sum, v) => sum + v.vatOre, 0), JSON.stringify(d),
    ],
  });
  return rows[0]!.id;
}

export async function linkInvoiceOrders(tx: Queryable, invoiceId: number, orderIds: readonly number[]): Promise<void> {
  await tx.query({
    name: 'link_invoice_orders',
    text: 'INSERT INTO invoice_orders (invoice_id, order_id) SELECT $1, unnest($2::bigint[])',
    values: [invoiceId, orderIds],
  });
}

/** Raises what has been credited on an invoice (its credit notes' total). */
export async function addCredited(tx: Queryable, invoiceId: number, ore: number): Promise<void> {
  await tx.query({
    name: 'add_credited',
    text: 'UPDATE invoices SET credited_ore = credited_ore + $2 WHERE id = $1',
    values: [invoiceId, ore],
  });
}

export interface InvoiceRow {
  id: number;
  merchant_id: number;
  number: number;
  kind: 'invoice' | 'credit_note';
  credits_invoice_id: number | null;
  credits_invoice_number: number | null;
  customer_id: number;
  kid: string | null;
  issue_date: string;
  due_date: string | null;
  language: string;
  total_ore: number;
  vat_ore: number;
  credited_ore: number;
  paid_ore: number;
  content: IssuedDocument;
  created_at: Date;
  order_uuids: string[];
  credit_note_numbers: number[];
  documents: string[];
  /** Where its delivery stands (SPEC §6.5), null before its files exist; attempts oldest first. */
  delivery: {
    status: 'pending' | 'delivered' | 'undelivered';
    channel: string | null;
    attempts: Array<{ channel: string; at: string; outcome: string; error: string | null; messageId: string | null }>;
  } | null;
  /** Allocations of payments to this invoice, oldest first; a reversal's is negative (SPEC §7). */
  payments: Array<{ payment_id: number; kind: string; amount_ore: number; date: string; kid: string | null; bank_reference: string | null; state: string }>;
  /** Its dunning steps, oldest first (SPEC §7); `delivery` is the step document's delivery status. */
  reminders: Array<{ kind: string; date: string; fee_ore: number; interest_ore: number; due_date: string | null; total_ore: number; delivery: string | null }>;
}

const INVOICE_VIEW = `SELECT i.id, i.merchant_id, i.number, i.kind, i.credits_invoice_id, ci.number AS credits_invoice_number,
    i.customer_id, i.kid, to_char(i.issue_date, 'YYYY-MM-DD') AS issue_date, to_char(i.due_date, 'YYYY-MM-DD') AS due_date,
    i.language, i.total_ore, i.vat_ore, i.credited_ore, i.paid_ore, i.content, i.created_at,
    coalesce((SELECT array_agg(o.uuid ORDER BY o.id) FROM invoice_orders io JOIN orders o ON o.id = io.order_id
              WHERE io.invoice_id = coalesce(i.credits_invoice_id, i.id)), '{}') AS order_uuids,
    coalesce((SELECT json_agg(cn.number ORDER BY cn.number) FROM invoices cn WHERE cn.credits_invoice_id = i.id), '[]') AS credit_note_numbers,
    coalesce((SELECT array_agg(d.format ORDER BY d.format) FROM invoice_documents d WHERE d.invoice_id = i.id), '{}') AS documents,
    (SELECT json_build_object('status', dv.status, 'channel', dv.delivered_channel, 'attempts', coalesce(
              (SELECT json_agg(json_build_object('channel', a.channel,
                        'at', to_char(a.attempted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                        'outcome', a.outcome, 'error', a.error, 'messageId', a.message_id) ORDER BY a.id)
               FROM delivery_attempts a WHERE a.delivery_id = dv.id), '[]'))
     FROM deliveries dv WHERE dv.invoice_id = i.id AND dv.dunning_step_id IS NULL) AS delivery,
    coalesce((SELECT json_agg(json_build_object('payment_id', p.id, 'kind', p.kind, 'amount_ore', a.amount_ore,
                'date', to_char(p.payment_date, 'YYYY-MM-DD'), 'kid', p.kid, 'bank_reference', p.bank_reference, 'state', p.state) ORDER BY a.id)
              FROM payment_allocations a JOIN payments p ON p.id = a.payment_id WHERE a.invoice_id = i.id), '[]') AS payments,
    coalesce((SELECT json_agg(json_build_object('kind', st.kind, 'date', to_char(st.step_date, 'YYYY-MM-DD'), 'fee_ore', st.fee_ore,
                'interest_ore', st.interest_ore, 'due_date', to_char(st.due_date, 'YYYY-MM-DD'), 'total_ore', st.total_ore,
                'delivery', (SELECT sd.status FROM deliveries sd WHERE sd.dunning_step_id = st.id)) ORDER BY st.id)
              FROM dunning_steps st WHERE st.invoice_id = i.id), '[]') AS reminders
  FROM invoices i LEFT JOIN invoices ci ON ci.id = i.credits_invoice_id`;

/** One of the merchant's documents by number and kind, or null (another merchant's is null too). */
export async function findInvoice(
  db: Queryable,
  merchantId: number,
  kind: 'invoice' | 'credit_note',
  number: number,
): Promise<InvoiceRow | null> {
  const rows = await db.query<InvoiceRow>({
    name: 'find_invoice',
    text: `${INVOICE_VIEW} WHERE i.merchant_id = $1 AND i.kind = $2 AND i.number = $3`,
    values: [merchantId, kind, number],
  });
  return rows[0] ?? null;
}

export async function findInvoiceById(db: Queryable, id: number): Promise<InvoiceRow | null> {
  const rows = await db.query<InvoiceRow>({ name: 'find_invoice_by_id', text: `${INVOICE_VIEW} WHERE i.id = $1`, values: [id] });
  return rows[0] ?? null;
}

/** The merchant's documents of one kind, newest first, after the cursor's number. */
export async function listInvoices(
  db: Queryable,
  merchantId: number,
  kind: 'invoice' | 'credit_note',
  opts: { beforeNumber: number | null; limit: number },
): Promise<InvoiceRow[]> {
  return db.query<InvoiceRow>({
    name: 'list_invoices',
    text: `${INVOICE_VIEW} WHERE i.merchant_id = $1 AND i.kind = $2 AND ($3::bigint IS NULL OR i.number < $3)
           ORDER BY i.number DESC LIMIT $4`,
    values: [merchantId, kind, opts.beforeNumber, opts.limit],
  });
}

/** The invoice of an order (its latest, should there ever be more), locked when asked. */
export async function findOrderInvoiceId(tx: Queryable, orderId: number): Promise<number | null> {
  const rows = await tx.query<{ invoice_id: number | null }>({
    name: 'find_order_invoice_id',
    text: 'SELECT invoice_id FROM orders WHERE id = $1',
    values: [orderId],
  });
  return rows[0]?.invoice_id ?? null;
}

/** Stores a rendered file once; a second render of the same document is ignored (immutable). */
export async function storeInvoiceDocument(tx: Queryable, invoiceId: number, format: 'pdf' | 'ehf', content: Buffer): Promise<void> {
  await tx.query({
    name: 'store_invoice_document',
    text: `INSERT INTO invoice_documents (invoice_id, format, content, sha256) VALUES ($1, $2, $3, $4)
           ON CONFLICT (invoice_id, format) DO NOTHING`,
    values: [invoiceId, format, content, createHash('sha256').update(content).digest()],
  });
}

export async function findInvoiceDocument(
  db: Queryable,
  invoiceId: number,
  format: 'pdf' | 'ehf',
): Promise<{ content: Buffer; sha256: Buffer } | null> {
  const rows = await db.query<{ content: Buffer; sha256: Buffer }>({
    name: 'find_invoice_document',
    text: 'SELECT content, sha256 FROM invoice_documents WHERE invoice_id = $1 AND format = $2',
    values: [invoiceId, format],
  });
  return rows[0] ?? null;
}

/** When the oldest SENT order of the merchant and interval was created, or null when there is none. */
export async function oldestOrderToInvoice(db: Queryable, merchantId: number, interval: number): Promise<Date | null> {
  const rows = await db.query<{ created_at: Date | null }>({
    name: 'oldest_order_to_invoice',
    text: `SELECT min(created_at) AS created_at FROM orders WHERE merchant_id = $1 AND invoice_interval = $2 AND status = 'SENT'`,
    values: [merchantId, interval],
  });
  return rows[0]?.created_at ?? null;
}

/** Per order on the invoice: whether it is cancelled, and what was refunded on each of its lines (by position). */
export async function creditsOnInvoice(
  tx: Queryable,
  invoiceId: number,
): Promise<Array<{ order_uuid: string; cancelled: boolean; refunded: number[] }>> {
  return tx.query({
    name: 'credits_on_invoice',
    text: `SELECT o.uuid AS order_uuid, o.status = 'CANCELLED' AS cancelled,
                  json_agg(l.refunded_ore ORDER BY l.position) AS refunded
           FROM invoice_orders io JOIN orders o ON o.id = io.order_id JOIN order_lines l ON l.order_id = o.id
           WHERE io.invoice_id = $1 GROUP BY o.id`,
    values: [invoiceId],
  });
}
