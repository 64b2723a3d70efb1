/**
 * Storing one chunk of a bank file's transactions inside one database transaction (SPEC §7, issue 9), in
 * two ways with the same result:
 *
 * - `storeBatchSetBased`: one KID lookup for the chunk, one INSERT (a payment that finds its invoice is
 *   stored matched at once), one lock of every invoice it pays and their orders, and one statement each
 *   for the allocations, paid amounts, status changes, order events and callbacks. The decisions are the
 *   ledger's own (`planPayment`), made on the locked rows.
 * - `storeBatchRowByRow`: each transaction alone, in file order (`allocatePayment`, `applyReversal`).
 *
 * The set-based path keeps the file's order where it matters: the chunk is cut at each reversal (a reversal
 * takes back an earlier payment, perhaps of the same chunk), and within a piece only invoices paid once go
 * together; an invoice paid twice in a piece, and every reversal, take the row-by-row path, in file order,
 * after the rows it cannot disturb. Every invoice of a piece is locked up front in one sorted pass, so two
 * imports running at once only queue, whatever the order of their files.
 */
import { canTransition, isOrderStatus } from '../../domain/orders/lifecycle.ts';
import type { BankTransaction, PaymentFileHeader } from '../../domain/payments/bank-transaction.ts';
import type { Queryable } from '../../store/db/db.ts';
import { IllegalTransitionError } from '../../store/order-transitions.ts';
import { applyAllocations, findInvoiceIdsByKid, insertPayments, lockInvoicesForPayment, type OrderPaidChange } from '../../store/payment-batches.ts';
import { findInvoiceIdByKid, insertPayment } from '../../store/payments.ts';
import { allocatePayment, applyReversal, planPayment } from './ledger.ts';

/** What a batch (and a whole import, `ImportSummary`) did with its transactions. */
export interface BatchCounts {
  /** Stored now. */
  imported: number;
  /** Known before (this file again, or a transaction another file already brought). */
  duplicates: number;
  /** Payments that paid their invoice exactly. */
  matched: number;
  /** Payments that left something outstanding. */
  partial: number;
  /** Payments beyond what was due (the surplus is recorded). */
  overpaid: number;
  /** Payments whose KID found no invoice, and reversals that found no payment: the operator's list. */
  unmatched: number;
  /** Reversals that took a payment back. */
  reversed: number;
}

export interface BatchContext {
  header: PaymentFileHeader;
  fileId: number;
  merchantOf: ReadonlyMap<string, number>;
  /** Who the order events name: `bank-file:<id>`. */
  actor: string;
}

export const noCounts = (): BatchCounts => ({ imported: 0, duplicates: 0, matched: 0, partial: 0, overpaid: 0, unmatched: 0, reversed: 0 });

/**
 * What identifies a transaction across files (SPEC §7): its bank reference, or its file's identity and its
 * position there. The position key also carries the date, amount and KID: a sender that reuses a
 * transmission number for a different file (a test bank, say) must not have its new payments taken for
 * duplicates, while the same file sent again (even re-encoded) still matches exactly.
 */
export function sourceKey(header: PaymentFileHeader, t: BankTransaction): string {
  return t.bankReference !== null
    ? `ref:${t.toAccount}:${t.bankReference}`
    : `pos:${header.format}:${header.identity}:${t.position}:${t.date}:${t.kind}:${t.amountOre}:${t.kid ?? ''}`;
}

interface Stored {
  id: number;
  merchantId: number;
  t: BankTransaction;
}

const ledgerRow = (s: Stored) => ({ id: s.id, merchant_id: s.merchantId, to_account: s.t.toAccount, amount_ore: s.t.amountOre, kid: s.t.kid });

async function reverse(tx: Queryable, s: Stored, actor: string, c: BatchCounts): Promise<void> {
  c[(await applyReversal(tx, ledgerRow(s), actor)) === 'reversed' ? 'reversed' : 'unmatched'] += 1;
}

/** Each transaction alone, in file order: the reference the set-based path must agree with. */
export async function storeBatchRowByRow(tx: Queryable, ctx: BatchContext, batch: readonly BankTransaction[]): Promise<BatchCounts> {
  const c = noCounts();
  for (const t of batch) {
    const merchantId = ctx.merchantOf.get(t.toAccount)!;
    const id = await insertPayment(tx, { merchantId, sourceKey: sourceKey(ctx.header, t), fileId: ctx.fileId, transaction: t });
    if (id === null) {
      c.duplicates += 1;
      continue;
    }
    c.imported += 1;
    const s = { id, merchantId, t };
    if (t.kind === 'reversal') {
      await reverse(tx, s, ctx.actor, c);
      continue;
    }
    const invoiceId = t.kid === null ? null : await findInvoiceIdByKid(tx, merchantId, t.kid);
    if (invoiceId === null) c.unmatched += 1;
    else c[(await allocatePayment(tx, ledgerRow(s), invoiceId, ctx.actor)).outcome] += 1;
  }
  return c;
}

export async function storeBatchSetBased(tx: Queryable, ctx: BatchContext, batch: readonly BankTransaction[]): Promise<BatchCounts> {
  const c = noCounts();
  const merchantOf = (t: BankTransaction) => ctx.merchantOf.get(t.toAccount)!;
  // The KIDs first: a payment that finds its invoice is stored matched to it at once.
  const invoiceOf = await findInvoiceIdsByKid(
    tx,
    batch.filter((t) => t.kind === 'payment' && t.kid !== null).map((t) => ({ merchantId: merchantOf(t), kid: t.kid! })),
  );
  const rows = batch.map((t) => ({
    merchantId: merchantOf(t), sourceKey: sourceKey(ctx.header, t), transaction: t,
    invoiceId: t.kind === 'payment' && t.kid !== null ? invoiceOf.get(`${merchantOf(t)}:${t.kid}`) ?? null : null,
  }));
  const ids = await insertPayments(tx, ctx.fileId, rows);
  const stored: Array<Stored & { invoiceId: number | null }> = [];
  for (const r of rows) {
    const id = ids.get(r.sourceKey);
    // The first of the file's rows with a key is the one stored; a repeat of it, or a known key, is a duplicate.
    if (id === undefined) c.duplicates += 1;
    else {
      ids.delete(r.sourceKey);
      stored.push({ id, merchantId: r.merchantId, t: r.transaction, invoiceId: r.invoiceId });
    }
  }
  c.imported = stored.length;
  let piece: Array<Stored & { invoiceId: number }> = [];
  for (const s of stored) {
    if (s.t.kind === 'reversal') {
      await payPiece(tx, ctx.actor, piece, c);
      piece = [];
      await reverse(tx, s, ctx.actor, c);
      continue;
    }
    if (s.invoiceId === null) c.unmatched += 1; // stored as unmatched
    else piece.push({ ...s, invoiceId: s.invoiceId });
  }
  await payPiece(tx, ctx.actor, piece, c);
  return c;
}

/** Payments with no reversal between them: the invoices paid once at once, the rest one by one after. */
async function payPiece(tx: Queryable, actor: string, piece: ReadonlyArray<Stored & { invoiceId: number }>, c: BatchCounts): Promise<void> {
  if (piece.length === 0) return;
  const paymentsPer = new Map<number, number>();
  for (const p of piece) paymentsPer.set(p.invoiceId, (paymentsPer.get(p.invoiceId) ?? 0) + 1);
  const invoices = await lockInvoicesForPayment(tx, [...paymentsPer.keys()].sort((a, b) => a - b));
  // An order on two of these invoices would be changed twice in one statement: those go one by one too.
  const invoicesOfOrder = new Map<number, number>();
  for (const inv of invoices.values()) for (const o of inv.orders) invoicesOfOrder.set(o.id, (invoicesOfOrder.get(o.id) ?? 0) + 1);
  const together = (p: Stored & { invoiceId: number }) =>
    paymentsPer.get(p.invoiceId) === 1 && invoices.get(p.invoiceId)!.orders.every((o) => invoicesOfOrder.get(o.id) === 1);

  const allocations: Array<{ paymentId: number; invoiceId: number; amountOre: number }> = [];
  const orders: OrderPaidChange[] = [];
  const alone: Array<Stored & { invoiceId: number }> = [];
  for (const p of piece) {
    if (!together(p)) {
      alone.push(p);
      continue;
    }
    const invoice = invoices.get(p.invoiceId)!;
    const plan = planPayment(invoice, ledgerRow(p));
    c[plan.outcome] += 1;
    allocations.push({ paymentId: p.id, invoiceId: p.invoiceId, amountOre: p.t.amountOre });
    const paid = new Map(plan.paid.map((x) => [x.order.id, x.reason]));
    for (const order of invoice.orders) {
      const reason = paid.get(order.id);
      if (reason !== undefined && !(isOrderStatus(order.status) && canTransition(order.status, 'PAID'))) throw new IllegalTransitionError(order.status, 'PAID');
      orders.push({ order, paidOre: plan.orderShares.get(order.id) ?? 0, transition: reason === undefined ? null : { to: 'PAID', reason } });
    }
  }
  await applyAllocations(tx, { allocations, orders, actor });
  // These invoices are locked already (above, in order); allocatePayment reads them again as they now are.
  for (const p of alone) c[(await allocatePayment(tx, ledgerRow(p), p.invoiceId, actor)).outcome] += 1;
}
