/**
 * The consumers' bank: paying an eFaktura (full or partial) records a giro payment the way the payee's
 * bank would report it, and the day's payments to an account come out as a Nets OCR giro file or a
 * camt.054 notification (SPEC §7; reference note §3). Used alike by the control API and the netbank page.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../store/db/db.ts';
import type { Clock } from '../clock.ts';
import { osloDate } from '../domain/time/oslo.ts';
import { writeOcrGiro, type OcrTransaction } from '../domain/payments/ocr-giro-writer.ts';
import { writeCamt054 } from '../domain/payments/camt054-writer.ts';
import { SimError } from './checks.ts';
import { consumerInvoice, insertPayment, paymentsTo, setInvoiceStatus, type SimInvoice, type SimPayment } from './state.ts';

export interface PayRequest {
  personalNumber: string;
  invoiceId: number;
  /** Øre; the outstanding amount when absent. */
  amountOre?: number;
  /** The payment date; today in Oslo when absent. */
  date?: string;
}

const ACCOUNT_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/**
 * The payer's account: a made-up but check-digit-valid Norwegian account (bank 9710), the same for a
 * consumer every time, so files from several days agree about who paid.
 */
export function payerAccountFor(personalNumber: string): string {
  const hash = BigInt(`0x${createHash('sha256').update(`payer:${personalNumber}`).digest('hex').slice(0, 12)}`);
  for (let n = hash % 1_000_000n; ; n = (n + 1n) % 1_000_000n) {
    const base = `9710${n.toString().padStart(6, '0')}`;
    const sum = [...base].reduce((s, d, i) => s + Number(d) * ACCOUNT_WEIGHTS[i]!, 0);
    const check = (11 - (sum % 11)) % 11;
    if (check !== 10) return base + check;
  }
}

export async function payInvoice(db: Db, clock: Clock, request: PayRequest): Promise<{ payment: SimPayment; invoice: SimInvoice }> {
  return db.transaction(async (tx) => {
    const invoice = await consumerInvoice(tx, request.personalNumber, request.invoiceId, true);
    if (invoice === null) throw new SimError('not_found', `no invoice ${request.invoiceId} for this consumer`);
    if (invoice.status === 'cancelled') throw new SimError('invoice_cancelled', `invoice ${invoice.id} is cancelled by its issuer`);
    if (invoice.status === 'paid') throw new SimError('invoice_paid', `invoice ${invoice.id} is already paid`);
    const amountOre = request.amountOre ?? invoice.amountOre - invoice.paidOre;
    const payment = await insertPayment(tx, {
      invoiceId: invoice.id,
      amountOre,
      date: request.date ?? osloDate(clock.now()),
      kid: invoice.kid,
      toAccount: invoice.accountNumber,
      payerAccount: payerAccountFor(request.personalNumber),
    });
    // Partial payments add up; paying more than is owed is the bank's business, not the network's.
    const paidOre = invoice.paidOre + amountOre;
    const status = paidOre >= invoice.amountOre ? 'paid' : 'unpaid';
    await setInvoiceStatus(tx, invoice.id, status, paidOre);
    return { payment, invoice: { ...invoice, paidOre, status } };
  });
}

/** A number of `digits` digits that changes whenever the file's content does (Nets' serials are opaque). */
function contentNumber(parts: readonly string[], digits: number): string {
  const hash = BigInt(`0x${createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 15)}`);
  return (hash % 10n ** BigInt(digits)).toString().padStart(digits, '0');
}

/**
 * The day's incoming payments to `account` as an OCR giro transmission: one assignment (service 09) with a
 * "giro debited account" transaction (type 10) per payment, the payment's id as archive reference.
 * The transmission number is derived from the account and the day only: fetching the same day twice gives
 * the same file, and a day that got more payments since gives the same transmission with the new payments
 * appended (payments in id order). OCR giro transactions carry no bank reference, so an importer knows a
 * transaction by its transmission and position (app/payments/import-payments.ts): a new transmission number
 * for a grown day would make every earlier payment of the day count again.
 */
export async function ocrFile(db: Db, account: string, date: string): Promise<string> {
  const payments = await paymentsTo(db, account, date);
  const transactions: OcrTransaction[] = payments.map((p, i) => ({
    transactionType: 10,
    amountOre: p.amountOre,
    kid: p.kid,
    netsDate: p.date,
    bankDate: p.date,
    centreId: '01',
    partialSettlementNumber: 1,
    partialSettlementSerial: i + 1,
    archiveReference: String(p.id % 1_000_000_000).padStart(9, '0'),
    debitAccount: p.payerAccount,
  }));
  return writeOcrGiro({
    transmissionNumber: Number(contentNumber([account, date], 7)),
    dataRecipient: account.slice(0, 8),
    netsDate: date,
    assignments: [{ agreementId: account.slice(2), assignmentNumber: 1, account, transactions }],
  });
}

/** The day's incoming payments to `account` as a camt.054.001.08 notification, one booked entry each. */
export async function camt054File(db: Db, clock: Clock, account: string, date: string): Promise<string> {
  const payments = await paymentsTo(db, account, date);
  const id = contentNumber([account, date, ...payments.map((p) => p.bankReference)], 10);
  return writeCamt054({
    messageId: `SIM-CAMT054-${date.replaceAll('-', '')}-${id}`,
    notificationId: `SIM-NTF-${date.replaceAll('-', '')}-${id}`,
    createdAt: `${clock.now().toISOString().slice(0, 19)}Z`,
    account,
    entries: payments.map((p) => ({
      amountOre: p.amountOre,
      bookingDate: p.date,
      valueDate: p.date,
      bankReference: p.bankReference,
      kid: p.kid,
      debtorAccount: p.payerAccount,
    })),
  });
}
