/**
 * Payments in bulk (SPEC §7, issue 9): the SQL of a set-based import. A chunk of a bank file's transactions
 * is stored with one INSERT, matched to invoices with one lookup, locked with two statements, and its
 * allocations, paid amounts, status changes, order events and callbacks written with one statement each —
 * the same rows `store/payments.ts` and `transitionOrder` write one at a time. Arrays go in through
 * `unnest($1::…[])`, which PGlite and the PostgreSQL server run alike (COPY would need another package).
 */
import type { BankTransaction } from '../domain/payments/bank-transaction.ts';
import type { Queryable } from './db/db.ts';
import { CALLBACK_CHANNEL, hostOf } from './callback-outbox.ts';
import type { PayableInvoice, PayableOrder } from './payments.ts';

export interface NewPayment {
  merchantId: number;
  sourceKey: string;
  transaction: BankTransaction;
  /**
   * The invoice its KID names, when the caller allocates it in the same transaction: the row is written
   * `matched` to it at once (one write instead of an insert and an update); otherwise `unmatched`
   * (a payment) or `orphan` (a reversal), as `insertPayment` writes it.
   */
  invoiceId: number | null;
}

/**
 * Stores the transactions whose source key is not yet known, in file order (ids ascend with it: a reversal
 * looks for an earlier id). Returns the new ids by source key; a key missing from the map was a duplicate
 * (known before, or earlier in the same list). A concurrent import of the same keys waits on the unique key.
 */
export async function insertPayments(tx: Queryable, fileId: number, rows: readonly NewPayment[]): Promise<Map<string, number>> {
  const col = <T>(f: (r: NewPayment) => T) => rows.map(f);
  const inserted = await tx.query<{ id: number; source_key: string }>({
    name: 'insert_payments_bulk',
    text: `INSERT INTO payments (merchant_id, source_key, file_id, position, kind, amount_ore, payment_date, kid, bank_reference,
                                 payer_account, to_account, transaction_type, free_text, state, invoice_id)
           SELECT r.merchant_id, r.source_key, $1, r.position, r.kind, r.amount_ore, r.payment_date, r.kid, r.bank_reference,
                  r.payer_account, r.to_account, r.transaction_type, r.free_text,
                  CASE WHEN r.invoice_id IS NOT NULL THEN 'matched' WHEN r.kind = 'payment' THEN 'unmatched' ELSE 'orphan' END, r.invoice_id
           FROM unnest($2::bigint[], $3::text[], $4::int[], $5::text[], $6::bigint[], $7::date[], $8::text[], $9::text[],
                       $10::text[], $11::text[], $12::text[], $13::text[], $14::bigint[])
                WITH ORDINALITY AS r(merchant_id, source_key, position, kind, amount_ore, payment_date, kid, bank_reference,
                                     payer_account, to_account, transaction_type, free_text, invoice_id, ord)
           ORDER BY r.ord
           ON CONFLICT (source_key) DO NOTHING RETURNING id, source_key`,
    values: [
      fileId, col((r) => r.merchantId), col((r) => r.sourceKey), col((r) => r.transaction.position), col((r) => r.transaction.kind),
      col((r) => r.transaction.amountOre), col((r) => r.transaction.date), col((r) => r.transaction.kid), col((r) => r.transaction.bankReference),
      col((r) => r.transaction.payerAccount), col((r) => r.transaction.toAccount), col((r) => r.transaction.transactionType),
      col((r) => r.transaction.text), col((r) => r.invoiceId),
    ],
  });
  return new Map(inserted.map((r) => [r.source_key, r.id]));
}

/** The invoice (not credit note) each (merchant, KID) names, as `findInvoiceIdByKid` finds one: key `merchant:kid`. */
export async function findInvoiceIdsByKid(tx: Queryable, keys: ReadonlyArray<{ merchantId: number; kid: string }>): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const rows = await tx.query<{ merchant_id: number; kid: string; id: number }>({
    name: 'find_invoices_by_kid_bulk',
    text: `SELECT k.merchant_id, k.kid, i.id
           FROM (SELECT DISTINCT merchant_id, kid FROM unnest($1::bigint[], $2::text[]) AS u(merchant_id, kid)) k
           CROSS JOIN LATERAL (SELECT id FROM invoices
                               WHERE merchant_id = k.merchant_id AND kid = k.kid AND kind = 'invoice' ORDER BY id DESC LIMIT 1) i`,
    values: [keys.map((k) => k.merchantId), keys.map((k) => k.kid)],
  });
  return new Map(rows.map((r) => [`${r.merchant_id}:${r.kid}`, r.id]));
}

/**
 * Locks invoices and their orders for payments, as `lockInvoiceForPayment` does for one: all the orders
 * first, by id, then all the invoices, by id — one deterministic order, so two imports only wait for each
 * other and a cancel or refund (order, then its invoice) never deadlocks with them. Orders by id within
 * each invoice, as the one-at-a-time path sees them.
 */
export async function lockInvoicesForPayment(tx: Queryable, invoiceIds: readonly number[]): Promise<Map<number, PayableInvoice>> {
  const byInvoice = new Map<number, PayableInvoice>();
  if (invoiceIds.length === 0) return byInvoice;
  const orders = await tx.query<PayableOrder & { invoice_id: number }>({
    name: 'lock_invoices_orders_for_payment_bulk',
    text: `SELECT o.id, o.merchant_id, o.status, o.callback_url, o.grand_total_ore, o.refunded_ore, o.paid_ore, io.invoice_id
           FROM invoice_orders io JOIN orders o ON o.id = io.order_id
           WHERE io.invoice_id = ANY($1::bigint[])
           ORDER BY o.id FOR UPDATE OF o`,
    values: [invoiceIds],
  });
  const invoices = await tx.query<Omit<PayableInvoice, 'orders'>>({
    name: 'lock_invoices_for_payment_bulk',
    text: 'SELECT id, number, total_ore, credited_ore, paid_ore FROM invoices WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE',
    values: [invoiceIds],
  });
  for (const i of invoices) byInvoice.set(i.id, { ...i, orders: [] });
  for (const { invoice_id, ...o } of orders) byInvoice.get(invoice_id)?.orders.push(o);
  return byInvoice;
}

export interface OrderPaidChange {
  order: PayableOrder;
  /** Added to the order's paid amount (may be 0 when only the status changes). */
  paidOre: number;
  /** The status change, with its event's reason; null when only the paid amount changes. */
  transition: { to: string; reason: string } | null;
}

/**
 * Writes what `allocate` and `transitionOrder` write, for many payments at once (the payments were stored
 * matched already, `insertPayments`): the allocations, the invoices' and orders' paid amounts, and for each status change
 * its order event and its callback (one NOTIFY for all; PostgreSQL delivers it on commit). The orders and
 * invoices must be locked (`lockInvoicesForPayment`) and each order may appear once.
 */
export async function applyAllocations(
  tx: Queryable,
  w: {
    allocations: ReadonlyArray<{ paymentId: number; invoiceId: number; amountOre: number }>;
    orders: readonly OrderPaidChange[];
    actor: string;
  },
): Promise<void> {
  if (w.allocations.length === 0) return;
  const a = w.allocations;
  await tx.query({
    name: 'insert_payment_allocations_bulk',
    text: `INSERT INTO payment_allocations (payment_id, invoice_id, amount_ore)
           SELECT a.payment_id, a.invoice_id, a.amount_ore
           FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS a(payment_id, invoice_id, amount_ore, ord) ORDER BY a.ord`,
    values: [a.map((x) => x.paymentId), a.map((x) => x.invoiceId), a.map((x) => x.amountOre)],
  });
  const perInvoice = new Map<number, number>();
  for (const x of a) perInvoice.set(x.invoiceId, (perInvoice.get(x.invoiceId) ?? 0) + x.amountOre);
  await tx.query({
    name: 'add_invoices_paid_bulk',
    text: 'UPDATE invoices i SET paid_ore = i.paid_ore + c.ore FROM unnest($1::bigint[], $2::bigint[]) AS c(id, ore) WHERE i.id = c.id',
    values: [[...perInvoice.keys()], [...perInvoice.values()]],
  });
  const changed = w.orders.filter((c) => c.paidOre !== 0 || c.transition !== null);
  if (changed.length === 0) return;
  // The status guard is transitionOrder's: the caller holds the row locks, so a row not updated is a bug.
  const updated = await tx.query<{ id: number }>({
    name: 'pay_orders_bulk',
    text: `UPDATE orders o SET paid_ore = o.paid_ore + c.ore, status = coalesce(c.to_status, o.status),
                               updated_at = CASE WHEN c.to_status IS NULL THEN o.updated_at ELSE now() END
           FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS c(id, ore, to_status, from_status)
           WHERE o.id = c.id AND (c.to_status IS NULL OR o.status = c.from_status)
           RETURNING o.id`,
    values: [changed.map((c) => c.order.id), changed.map((c) => c.paidOre), changed.map((c) => c.transition?.to ?? null), changed.map((c) => c.order.status)],
  });
  if (updated.length !== changed.length) throw new Error(`${changed.length - updated.length} orders changed status under their row lock`);
  const moves = changed.filter((c) => c.transition !== null);
  if (moves.length === 0) return;
  await tx.query({
    name: 'append_order_events_bulk',
    text: `INSERT INTO order_events (order_id, from_status, to_status, reason, actor)
           SELECT e.order_id, e.from_status, e.to_status, e.reason, $5
           FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS e(order_id, from_status, to_status, reason, ord) ORDER BY e.ord`,
    values: [moves.map((c) => c.order.id), moves.map((c) => c.order.status), moves.map((c) => c.transition!.to), moves.map((c) => c.transition!.reason), w.actor],
  });
  await tx.query({
    name: 'enqueue_callbacks_bulk',
    text: `WITH e AS (
             INSERT INTO callback_events (event_id, order_id, merchant_id, status, host)
             SELECT gen_random_uuid(), c.order_id, c.merchant_id, c.status, c.host
             FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) WITH ORDINALITY AS c(order_id, merchant_id, status, host, ord)
             ORDER BY c.ord RETURNING 1)
           SELECT pg_notify('${CALLBACK_CHANNEL}', '') WHERE EXISTS (SELECT 1 FROM e)`,
    values: [moves.map((c) => c.order.id), moves.map((c) => c.order.merchant_id), moves.map((c) => c.transition!.to), moves.map((c) => hostOf(c.order.callback_url))],
  });
}
