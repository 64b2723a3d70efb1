/**
 * The operator's view of payments (SPEC §7): the list (all, or the unmatched ones waiting for a person),
 * and matching an unmatched payment to an invoice by hand.
 */
import { formatOre } from '../../domain/money/money.ts';
import type { Db } from '../../store/db/db.ts';
import { findInvoiceIdByNumber, findPayment, listPayments, type PaymentRow } from '../../store/payments.ts';
import { ApiError } from '../errors.ts';
import { allocatePayment } from './ledger.ts';
import type { PaymentOutcome } from '../../domain/payments/settlement.ts';

export function paymentView(p: PaymentRow): Record<string, unknown> {
  return {
    id: p.id,
    merchantId: p.merchant_id,
    kind: p.kind,
    state: p.state,
    amount: formatOre(p.amount_ore),
    date: p.payment_date,
    kid: p.kid,
    bankReference: p.bank_reference,
    payerAccount: p.payer_account,
    toAccount: p.to_account,
    transactionType: p.transaction_type,
    text: p.free_text,
    invoiceNumber: p.invoice_number,
    reversalOf: p.reversal_of,
    fileId: p.file_id,
    position: p.position,
  };
}

export async function listPaymentViews(db: Db, filter: { merchantId?: number; unmatched?: boolean; limit?: number }): Promise<Record<string, unknown>[]> {
  return (await listPayments(db, filter)).map(paymentView);
}

export interface ManualMatch {
  paymentId: number;
  invoiceNumber: number;
  outcome: PaymentOutcome;
  paidOrders: number;
}

/**
 * Matches an unmatched payment to one of its merchant's invoices (the operator read the KID or the text).
 * `merchantId`, when given, must be the payment's merchant: a guard against a number meant for another.
 */
export async function matchPaymentByHand(db: Db, paymentId: number, invoiceNumber: number, merchantId?: number): Promise<ManualMatch> {
  return db.transaction(async (tx) => {
    const payment = await findPayment(tx, paymentId, { lock: true });
    if (payment === null || (merchantId !== undefined && payment.merchant_id !== merchantId)) {
      throw new ApiError('paymentNotFound', { errors: [`There is no payment ${paymentId}${merchantId !== undefined ? ` of merchant ${merchantId}` : ''}.`] });
    }
    if (payment.kind !== 'payment' || payment.state !== 'unmatched') {
      throw new ApiError('paymentNotMatchable', {
        errors: [`Payment ${paymentId} is ${payment.kind === 'reversal' ? 'a reversal' : payment.state}; only unmatched payments can be matched by hand.`],
      });
    }
    const invoiceId = await findInvoiceIdByNumber(tx, payment.merchant_id, invoiceNumber);
    if (invoiceId === null) {
      throw new ApiError('invoiceNotFound', { errors: [`Merchant ${payment.merchant_id} has no invoice number ${invoiceNumber}.`] });
    }
    const result = await allocatePayment(tx, payment, invoiceId, 'operator');
    return { paymentId, invoiceNumber, outcome: result.outcome, paidOrders: result.paidOrders };
  });
}
