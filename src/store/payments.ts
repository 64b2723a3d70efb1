/**
 * Payments (SPEC §7): all SQL for imported bank files, their transactions and what each paid. The use
 * cases in app/payments decide; here rows are written, found and locked.
 */
import type { BankTransaction } from '../domain/payments/bank-transaction.ts';
import type { Queryable } from './db/db.ts';

export interface PaymentFileRow {
  id: number;
  format: string;
  identity: string;
  transactions: number;
  completed_at: Date | null;
  summary: Record<string, unknown> | null;
}

/** Registers a file (or finds it when it is known by its SHA-256); returns its row. */
export async function registerPaymentFile(
  db: Queryable,
  f: { sha256: Buffer; format: string; identity: string; name: string | null; byteSize: number; transactions: number },
): Promise<PaymentFileRow> {
  await db.query({
    name: 'insert_payment_file',
    text: `INSERT INTO payment_files (sha256, format, identity, name, byte_size, transactions)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING`,
    values: [f.sha256, f.format, f.identity, f.name, f.byteSize, f.transactions],
  });
  const rows = await db.query<PaymentFileRow>({
    name: 'find_payment_file',
    text: 'SELECT id, format, identity, transactions, completed_at, summary FROM payment_files WHERE sha256 = $1',
    values: [f.sha256],
  });
  return rows[0]!;
}

export async function completePaymentFile(db: Queryable, id: number, summary: object): Promise<void> {
  await db.query({
    name: 'complete_payment_file',
    text: 'UPDATE payment_files SET completed_at = coalesce(completed_at, now()), summary = coalesce(summary, $2) WHERE id = $1',
    values: [id, JSON.stringify(summary)],
  });
}

/** The merchants whose account number is one of `accounts` (the account → merchant ids). */
export async function merchantsByAccount(db: Queryable, accounts: readonly string[]): Promise<Map<string, number[]>> {
  const rows = await db.query<{ account_number: string; id: number }>({
    name: 'merchants_by_account',
    text: 'SELECT account_number, id FROM merchants WHERE account_number = ANY($1::text[]) ORDER BY id',
    values: [accounts],
  });
  const byAccount = new Map<string, number[]>();
  for (const r of rows) byAccount.set(r.account_number, [...(byAccount.get(r.account_number) ?? []), r.id]);
  return byAccount;
}

export interface PaymentRow {
  id: number;
  merchant_id: number;
  file_id: number;
  position: number;
  kind: 'payment' | 'reversal';
  amount_ore: number;
  payment_date: string;
  kid: string | null;
  bank_reference: string | null;
  payer_account: string | null;
  to_account: string;
  transaction_type: string | null;
  free_text: string | null;
  state: 'matched' | 'unmatched' | 'reversed' | 'reversal' | 'orphan';
  invoice_id: number | null;
  invoice_number: number | null;
  reversal_of: number | null;
  created_at: Date;
}

const PAYMENT_COLUMNS = `p.id, p.merchant_id, p.file_id, p.position, p.kind, p.amount_ore, to_char(p.payment_date, 'YYYY-MM-DD') AS payment_date,
  p.kid, p.bank_reference, p.payer_account, p.to_account, p.transaction_type, p.free_text, p.state, p.invoice_id,
  (SELECT i.number FROM invoices i WHERE i.id = p.invoice_id) AS invoice_number, p.reversal_of, p.created_at`;

/**
 * Stores a transaction unless its source key is already known; returns the new row's id, or null for a
 * duplicate. A concurrent import of the same transaction waits on the unique key, then sees it as known.
 */
export async function insertPayment(
  tx: Queryable,
  p: { merchantId: number; sourceKey: string; fileId: number; transaction: BankTransaction },
): Promise<number | null> {
  const t = p.transaction;
  const rows = await tx.query<{ id: number }>({
    name: 'insert_payment',
    text: `INSERT INTO payments (merchant_id, source_key, file_id, position, kind, amount_ore, payment_date, kid, bank_reference,
                                 payer_account, to_account, transaction_type, free_text, state)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, CASE WHEN $5 = 'payment' THEN 'unmatched' ELSE 'orphan' END)
           ON CONFLICT (source_key) DO NOTHING RETURNING id`,
    values: [p.merchantId, p.sourceKey, p.fileId, t.position, t.kind, t.amountOre, t.date, t.kid, t.bankReference, t.payerAccount,
      t.toAccount, t.transactionType, t.text],
  });
  return rows[0]?.id ?? null;
}

export async function findPayment(db: Queryable, id: number, opts: { lock?: boolean } = {}): Promise<PaymentRow | null> {
  const rows = await db.query<PaymentRow>({
    text: `SELECT ${PAYMENT_COLUMNS} FROM payments p WHERE p.id = $1${opts.lock ? ' FOR UPDATE' : ''}`,
    values: [id],
  });
  return rows[0] ?? null;
}

/** The invoice (not credit note) with this KID at this merchant. */
export async function findInvoiceIdByKid(db: Queryable, merchantId: number, kid: string): Promise<number | null> {
  const rows = await db.query<{ id: number }>({
    name: 'find_invoice_by_kid',
    text: `SELECT id FROM invoices WHERE merchant_id = $1 AND kid = $2 AND kind = 'invoice' ORDER BY id DESC LIMIT 1`,
    values: [merchantId, kid],
  });
  return rows[0]?.id ?? null;
}

export async function findInvoiceIdByNumber(db: Queryable, merchantId: number, number: number): Promise<number | null> {
  const rows = await db.query<{ id: number }>({
    text: `SELECT id FROM invoices WHERE merchant_id = $1 AND number = $2 AND kind = 'invoice'`,
    values: [merchantId, number],
  });
  return rows[0]?.id ?? null;
}

export interface PayableOrder {
  id: number;
  merchant_id: number;
  status: string;
  callback_url: string;
  grand_total_ore: number;
  refunded_ore: number;
  paid_ore: number;
}

export interface PayableInvoice {
  id: number;
  number: number;
  total_ore: number;
  credited_ore: number;
  paid_ore: number;
  orders: PayableOrder[];
}

/**
 * Locks an invoice and its orders for a payment: the orders first, by id, then the invoice — the order a
 * cancel or refund takes them in (order, then its invoice), so the two never deadlock.
 */
export async function lockInvoiceForPayment(tx: Queryable, invoiceId: number): Promise<PayableInvoice> {
  const orders = await tx.query<PayableOrder>({
    name: 'lock_invoice_orders_for_payment',
    text: `SELECT o.id, o.merchant_id, o.status, o.callback_url, o.grand_total_ore, o.refunded_ore, o.paid_ore
           FROM orders o WHERE o.id IN (SELECT order_id FROM invoice_orders WHERE invoice_id = $1)
           ORDER BY o.id FOR UPDATE`,
    values: [invoiceId],
  });
  const rows = await tx.query<Omit<PayableInvoice, 'orders'>>({
    name: 'lock_invoice_for_payment',
    text: 'SELECT id, number, total_ore, credited_ore, paid_ore FROM invoices WHERE id = $1 FOR UPDATE',
    values: [invoiceId],
  });
  return { ...rows[0]!, orders };
}

/** Records what a payment (positive) or reversal (negative) paid on an invoice, on the invoice and its orders. */
export async function allocate(
  tx: Queryable,
  a: { paymentId: number; invoiceId: number; amountOre: number; orderShares: Map<number, number> },
): Promise<void> {
  await tx.query({
    name: 'insert_payment_allocation',
    text: 'INSERT INTO payment_allocations (payment_id, invoice_id, amount_ore) VALUES ($1, $2, $3)',
    values: [a.paymentId, a.invoiceId, a.amountOre],
  });
  await tx.query({
    name: 'add_invoice_paid',
    text: 'UPDATE invoices SET paid_ore = paid_ore + $2 WHERE id = $1',
    values: [a.invoiceId, a.amountOre],
  });
  if (a.orderShares.size > 0) {
    await tx.query({
      name: 'add_orders_paid',
      text: `UPDATE orders o SET paid_ore = o.paid_ore + s.ore FROM unnest($1::bigint[], $2::bigint[]) AS s(id, ore) WHERE o.id = s.id`,
      values: [[...a.orderShares.keys()], [...a.orderShares.values()]],
    });
  }
}

/** The net amount a payment allocated to an invoice (what a reversal has to take back). */
export async function allocatedAmount(tx: Queryable, paymentId: number): Promise<{ invoiceId: number; amountOre: number } | null> {
  const rows = await tx.query<{ invoice_id: number; amount_ore: number }>({
    text: 'SELECT invoice_id, sum(amount_ore)::bigint AS amount_ore FROM payment_allocations WHERE payment_id = $1 GROUP BY invoice_id',
    values: [paymentId],
  });
  return rows[0] ? { invoiceId: rows[0].invoice_id, amountOre: rows[0].amount_ore } : null;
}

export async function setPaymentState(
  tx: Queryable,
  id: number,
  change: { state: PaymentRow['state']; invoiceId?: number | null; reversalOf?: number | null },
): Promise<void> {
  await tx.query({
    name: 'set_payment_state',
    text: 'UPDATE payments SET state = $2, invoice_id = coalesce($3, invoice_id), reversal_of = coalesce($4, reversal_of) WHERE id = $1',
    values: [id, change.state, change.invoiceId ?? null, change.reversalOf ?? null],
  });
}

/**
 * The payment a reversal takes back: the latest one to the same account, of the same amount and KID, that
 * is not yet taken back. Locked; SKIP LOCKED is not used, so two reversals of one payment queue up and the
 * second finds it already reversed.
 */
export async function findReversiblePayment(
  tx: Queryable,
  r: { merchantId: number; toAccount: string; amountOre: number; kid: string | null; beforeId: number },
): Promise<PaymentRow | null> {
  const rows = await tx.query<PaymentRow>({
    name: 'find_reversible_payment',
    text: `SELECT ${PAYMENT_COLUMNS} FROM payments p
           WHERE p.merchant_id = $1 AND p.to_account = $2 AND p.amount_ore = $3 AND p.kid IS NOT DISTINCT FROM $4
             AND p.kind = 'payment' AND p.state <> 'reversed' AND p.id < $5
           ORDER BY p.id DESC LIMIT 1 FOR UPDATE`,
    values: [r.merchantId, r.toAccount, r.amountOre, r.kid, r.beforeId],
  });
  return rows[0] ?? null;
}

/** The status an order had before it last became PAID (from its event log). */
export async function statusBeforePaid(tx: Queryable, orderId: number): Promise<string | null> {
  const rows = await tx.query<{ from_status: string | null }>({
    name: 'status_before_paid',
    text: `SELECT from_status FROM order_events WHERE order_id = $1 AND to_status = 'PAID' ORDER BY id DESC LIMIT 1`,
    values: [orderId],
  });
  return rows[0]?.from_status ?? null;
}

/** Operator listing, newest first. */
export async function listPayments(
  db: Queryable,
  filter: { merchantId?: number; unmatched?: boolean; limit?: number; beforeId?: number },
): Promise<PaymentRow[]> {
  return db.query<PaymentRow>({
    text: `SELECT ${PAYMENT_COLUMNS} FROM payments p
           WHERE ($1::bigint IS NULL OR p.merchant_id = $1) AND (NOT $2::boolean OR p.state = 'unmatched')
             AND ($4::bigint IS NULL OR p.id < $4)
           ORDER BY p.id DESC LIMIT $3`,
    values: [filter.merchantId ?? null, filter.unmatched ?? false, filter.limit ?? 100, filter.beforeId ?? null],
  });
}
