/**
 * Order lifecycle (SPEC §3): the closed set of statuses, the one table of allowed transitions, and pure
 * decision functions that turn "an action happened" into either the next status or a business-error code.
 * No I/O: callers load the order, decide here, then write the status change and its event in one
 * transaction (SPEC §3, §4 outbox).
 *
 * Glossary: PURRING = payment reminder sent (Norwegian "purring"); INKASSO = handed to debt collection;
 * øre = 1/100 NOK, every amount here is an integer number of øre (SPEC §5).
 */

/** Spelled exactly as FPGO Connect sends them, including the space in `PARTIAL REFUNDED`. */
export const ORDER_STATUSES = [
  'SENT',
  'INVOICED',
  'PAID',
  'PURRING',
  'INKASSO',
  'CANCELLED',
  'PARTIAL REFUNDED',
  'REFUNDED',
] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];

export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value);
}

/**
 * Every allowed transition, and the only place they are defined.
 *
 * Why some edges exist:
 * - `PARTIAL REFUNDED → PARTIAL REFUNDED`: a second partial refund is a new event the merchant is called
 *   back about, though the status name stays the same.
 * - `PARTIAL REFUNDED → PAID`: a partial credit note on an unpaid invoice lowers what is owed; paying the
 *   rest settles it. The status follows the latest event; `refundedAmount` keeps the refund visible.
 * - `PARTIAL REFUNDED → PURRING` (added beyond the original table): by the same reasoning, an unpaid invoice
 *   reduced by a partial credit note still has a balance, and dunning (SPEC §7) must be able to remind
 *   about it, otherwise the rest of that debt could never be collected. `decideReminder` only allows it
 *   while something is outstanding, so a paid-then-partly-refunded order is never reminded.
 * - `PAID → INVOICED | PURRING | INKASSO` (added with payments, SPEC §7): the bank reversed the payment that
 *   settled the invoice (OCR transaction types 18/20, camt.054 RvslInd); the order goes back to the status it
 *   had before it was paid (`decidePaymentReversal`).
 * Why some are missing:
 * - no `INVOICED → INKASSO`: debt collection needs an unpaid reminder first (SPEC §7, inkassoloven §9).
 * - `INKASSO → PAID` only: once with the debt collector, cancelling or crediting goes through them.
 * - `CANCELLED` and `REFUNDED` are final: the invoice is fully credited, nothing is owed either way.
 */
const ALLOWED_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  SENT: ['INVOICED', 'CANCELLED'],
  INVOICED: ['PAID', 'PURRING', 'CANCELLED', 'PARTIAL REFUNDED', 'REFUNDED'],
  PURRING: ['PAID', 'INKASSO', 'CANCELLED', 'PARTIAL REFUNDED', 'REFUNDED'],
  INKASSO: ['PAID'],
  PAID: ['PARTIAL REFUNDED', 'REFUNDED', 'INVOICED', 'PURRING', 'INKASSO'],
  'PARTIAL REFUNDED': ['PARTIAL REFUNDED', 'REFUNDED', 'PAID', 'PURRING'],
  CANCELLED: [],
  REFUNDED: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}

export function isFinalStatus(status: OrderStatus): boolean {
  return ALLOWED_TRANSITIONS[status].length === 0;
}

/**
 * Statuses whose order has an invoice number, as `GET /orders/invoice-number/{uuid}` lists them (SPEC §2.3).
 * A CANCELLED order may have had an invoice (cancelled by credit note), but the endpoint does not offer it.
 */
export const INVOICE_NUMBERED_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  'INVOICED',
  'PURRING',
  'INKASSO',
  'PAID',
  'REFUNDED',
  'PARTIAL REFUNDED',
]);

export function hasInvoiceNumber(status: OrderStatus): boolean {
  return INVOICE_NUMBERED_STATUSES.has(status);
}

/**
 * Business-rule rejections of merchant actions; each becomes `400 Conflict of Business Logic` with the code
 * as `message` (SPEC §2). `orderStatusAlreadyPaid`, `orderStatusAlreadyCancelled` and
 * `refundRejectionForProductAmountExceed` are FPGO's own codes; the others follow their naming.
 */
export const LIFECYCLE_ERROR_CODES = [
  'orderStatusAlreadyPaid',
  'orderStatusAlreadyCancelled',
  'orderStatusAlreadyRefunded',
  'orderStatusInInkasso',
  'orderNotInvoicedYet',
  'refundRejectionForProductAmountExceed',
] as const;

export type LifecycleErrorCode = (typeof LIFECYCLE_ERROR_CODES)[number];

export type CancelDecision =
  | { ok: true; to: 'CANCELLED'; needsCreditNote: boolean }
  | { ok: false; error: LifecycleErrorCode };

/** `POST /orders/cancel/{uuid}` (SPEC §2.3): before invoicing a plain cancel, after it a credit note. */
export function decideCancel(status: OrderStatus): CancelDecision {
  switch (status) {
    case 'SENT':
      return { ok: true, to: 'CANCELLED', needsCreditNote: false };
    case 'INVOICED':
    case 'PURRING':
      return { ok: true, to: 'CANCELLED', needsCreditNote: true };
    case 'PAID':
      return { ok: false, error: 'orderStatusAlreadyPaid' };
    case 'CANCELLED':
      return { ok: false, error: 'orderStatusAlreadyCancelled' };
    case 'REFUNDED':
    case 'PARTIAL REFUNDED':
      return { ok: false, error: 'orderStatusAlreadyRefunded' };
    case 'INKASSO':
      return { ok: false, error: 'orderStatusInInkasso' };
  }
}

export type RefundDecision =
  | { ok: true; to: 'REFUNDED' | 'PARTIAL REFUNDED'; refundedTotalOre: number }
  | { ok: false; error: LifecycleErrorCode };

/**
 * `POST /orders/refund/{uuid}` (SPEC §2.3). Amounts in øre; `requestedOre` must be a positive integer
 * (the request validator answers 417 before this is reached, so anything else is a programming error).
 */
export function decideRefund(
  status: OrderStatus,
  orderAmountOre: number,
  alreadyRefundedOre: number,
  requestedOre: number,
): RefundDecision {
  assertOre('orderAmountOre', orderAmountOre, 0);
  assertOre('alreadyRefundedOre', alreadyRefundedOre, 0);
  assertOre('requestedOre', requestedOre, 1);
  switch (status) {
    case 'SENT':
      return { ok: false, error: 'orderNotInvoicedYet' };
    case 'CANCELLED':
      return { ok: false, error: 'orderStatusAlreadyCancelled' };
    case 'REFUNDED':
      return { ok: false, error: 'orderStatusAlreadyRefunded' };
    // Not in the original list, but the table has no INKASSO → *REFUNDED edge: the debt collector owns it.
    case 'INKASSO':
      return { ok: false, error: 'orderStatusInInkasso' };
    case 'INVOICED':
    case 'PURRING':
    case 'PAID':
    case 'PARTIAL REFUNDED': {
      const remainingOre = orderAmountOre - alreadyRefundedOre;
      if (requestedOre > remainingOre) return { ok: false, error: 'refundRejectionForProductAmountExceed' };
      const refundedTotalOre = alreadyRefundedOre + requestedOre;
      return {
        ok: true,
        to: refundedTotalOre === orderAmountOre ? 'REFUNDED' : 'PARTIAL REFUNDED',
        refundedTotalOre,
      };
    }
  }
}

// System actions (invoice run, payment import, dunning). They return the next status, or null when the
// action changes no status here (e.g. a partial payment: the order stays INVOICED with the paid amount, SPEC §7).

/** The invoice run picks SENT orders only (SPEC §6). */
export function decideInvoice(status: OrderStatus): 'INVOICED' | null {
  return status === 'SENT' ? 'INVOICED' : null;
}

/**
 * A payment matched by KID (SPEC §7). `amountDueOre` is the order amount minus refunds. PAID only when this
 * payment is the one that settles the balance, so a stray extra payment on a paid-then-partly-refunded
 * order does not flip it back to PAID. Payments on CANCELLED/REFUNDED orders change no status (surplus).
 */
export function decidePayment(
  status: OrderStatus,
  amountDueOre: number,
  paidBeforeOre: number,
  paymentOre: number,
): 'PAID' | null {
  const awaitsPayment =
    status === 'INVOICED' || status === 'PURRING' || status === 'INKASSO' || status === 'PARTIAL REFUNDED';
  const settlesNow = paidBeforeOre < amountDueOre && paidBeforeOre + paymentOre >= amountDueOre;
  return awaitsPayment && settlesNow ? 'PAID' : null;
}

/**
 * A reversal of the payment that settled the invoice (SPEC §7): a PAID order returns to the status it had
 * before it was paid. An order that moved on since (refunded) keeps its status: the refund is the newer fact.
 */
export function decidePaymentReversal(status: OrderStatus, statusBeforePaid: OrderStatus | null): OrderStatus | null {
  if (status !== 'PAID' || statusBeforePaid === null) return null;
  return statusBeforePaid !== 'PAID' && canTransition('PAID', statusBeforePaid) ? statusBeforePaid : null;
}

/** A reminder (SPEC §7); whether 14 days have passed since the due date is the dunning job's check. */
export function decideReminder(status: OrderStatus, outstandingOre: number): 'PURRING' | null {
  return (status === 'INVOICED' || status === 'PARTIAL REFUNDED') && outstandingOre > 0 ? 'PURRING' : null;
}

/** Debt collection, only after an unpaid reminder (SPEC §7). */
export function decideCollection(status: OrderStatus, outstandingOre: number): 'INKASSO' | null {
  return status === 'PURRING' && outstandingOre > 0 ? 'INKASSO' : null;
}

function assertOre(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer number of øre ≥ ${min}, got ${value}`);
  }
}
