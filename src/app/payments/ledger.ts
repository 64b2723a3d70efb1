/**
 * The ledger's moves (SPEC §7), each inside the caller's transaction: a payment allocated to an invoice,
 * and a reversal taking a payment back. Order status changes go through `transitionOrder`, so each has its
 * event and its callback in the same transaction (SPEC §4 outbox).
 */
import { decidePayment, decidePaymentReversal, isOrderStatus, type OrderStatus } from '../../domain/orders/lifecycle.ts';
import { decideInvoicePayment, reversalUnsettles, spreadOverOrders, type PaymentOutcome } from '../../domain/payments/settlement.ts';
import type { Queryable } from '../../store/db/db.ts';
import { transitionOrder } from '../../store/order-transitions.ts';
import {
  allocate, allocatedAmount, findReversiblePayment, lockInvoiceForPayment, setPaymentState, statusBeforePaid,
  type PayableInvoice, type PayableOrder, type PaymentRow,
} from '../../store/payments.ts';

function orderShares(invoice: PayableInvoice, amountOre: number): Map<number, number> {
  return spreadOverOrders(
    amountOre,
    invoice.orders.map((o) => ({ id: o.id, dueOre: o.grand_total_ore - o.refunded_ore - o.paid_ore, paidOre: o.paid_ore })),
  );
}

/** What paying `payment` on a locked invoice does: its outcome, each order's share, and the orders that become PAID. */
export interface PaymentPlan {
  outcome: PaymentOutcome;
  orderShares: Map<number, number>;
  paid: Array<{ order: PayableOrder; reason: string }>;
}

/** Decides a payment on an invoice (one at a time, or many at once in an import: the same decision). */
export function planPayment(invoice: PayableInvoice, payment: Pick<PaymentRow, 'id' | 'amount_ore' | 'kid'>): PaymentPlan {
  const dueOre = invoice.total_ore - invoice.credited_ore;
  const decision = decideInvoicePayment(dueOre, invoice.paid_ore, payment.amount_ore);
  const paid: PaymentPlan['paid'] = [];
  if (decision.settles) {
    // A combined invoice pays all its orders (SPEC §7); cancelled or refunded ones keep their status.
    for (const order of invoice.orders) {
      if (!isOrderStatus(order.status)) continue;
      if (decidePayment(order.status, dueOre, invoice.paid_ore, payment.amount_ore) !== 'PAID') continue;
      paid.push({ order, reason: `payment ${payment.id} on invoice ${invoice.number}${payment.kid ? ` (KID ${payment.kid})` : ''}` });
    }
  }
  return { outcome: decision.outcome, orderShares: orderShares(invoice, payment.amount_ore), paid };
}

/** Allocates a stored, unmatched payment to an invoice; PAID (with callbacks) when it settles the invoice. */
export async function allocatePayment(
  tx: Queryable,
  payment: Pick<PaymentRow, 'id' | 'amount_ore' | 'kid'>,
  invoiceId: number,
  actor: string,
): Promise<{ outcome: PaymentOutcome; invoiceNumber: number; paidOrders: number }> {
  const invoice = await lockInvoiceForPayment(tx, invoiceId);
  const plan = planPayment(invoice, payment);
  await allocate(tx, { paymentId: payment.id, invoiceId, amountOre: payment.amount_ore, orderShares: plan.orderShares });
  await setPaymentState(tx, payment.id, { state: 'matched', invoiceId });
  for (const { order, reason } of plan.paid) await transitionOrder(tx, order, 'PAID', { reason, actor });
  return { outcome: plan.outcome, invoiceNumber: invoice.number, paidOrders: plan.paid.length };
}

/**
 * Applies a stored reversal: finds the payment it takes back, removes that payment's allocation, and
 * returns a PAID invoice's orders to the status they had before (with callbacks). A reversal that finds
 * nothing to undo stays an `orphan` for the operator.
 */
export async function applyReversal(
  tx: Queryable,
  reversal: Pick<PaymentRow, 'id' | 'merchant_id' | 'to_account' | 'amount_ore' | 'kid'>,
  actor: string,
): Promise<'reversed' | 'orphan'> {
  const original = await findReversiblePayment(tx, {
    merchantId: reversal.merchant_id, toAccount: reversal.to_account, amountOre: reversal.amount_ore, kid: reversal.kid, beforeId: reversal.id,
  });
  if (original === null) return 'orphan';
  const allocated = original.state === 'matched' ? await allocatedAmount(tx, original.id) : null;
  if (allocated !== null && allocated.amountOre > 0) {
    const invoice = await lockInvoiceForPayment(tx, allocated.invoiceId);
    const dueOre = invoice.total_ore - invoice.credited_ore;
    const unsettles = reversalUnsettles(dueOre, invoice.paid_ore, allocated.amountOre);
    await allocate(tx, { paymentId: reversal.id, invoiceId: invoice.id, amountOre: -allocated.amountOre, orderShares: orderShares(invoice, -allocated.amountOre) });
    if (unsettles) {
      for (const order of invoice.orders) {
        if (!isOrderStatus(order.status)) continue;
        const before = await statusBeforePaid(tx, order.id);
        const to = decidePaymentReversal(order.status, before !== null && isOrderStatus(before) ? (before as OrderStatus) : null);
        if (to === null) continue;
        await transitionOrder(tx, order, to, { reason: `payment ${original.id} reversed by ${reversal.id} on invoice ${invoice.number}`, actor });
      }
    }
  }
  await setPaymentState(tx, original.id, { state: 'reversed' });
  await setPaymentState(tx, reversal.id, { state: 'reversal', reversalOf: original.id, invoiceId: original.invoice_id });
  return 'reversed';
}
