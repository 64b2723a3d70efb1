/**
 * What a bank file says about one transaction on a merchant's account, whatever the file's format (SPEC §7,
 * reference note §3). The parsers (`ocr-giro.ts`, `camt054.ts`) produce these; the import decides what
 * each means for the ledger.
 *
 * Glossary: KID = the payment reference printed on the invoice (reference note §2); BBAN = a Norwegian
 * 11-digit account number; øre = 1/100 NOK (every amount is an integer number of øre, SPEC §5).
 */

export interface BankTransaction {
  /** 1-based position of the transaction in its file: with the file's identity, what identifies it without a bank reference. */
  position: number;
  /** Where it is in the file, for messages: "line 3" (OCR) or an element path (camt.054). */
  location: string;
  /** Money in (a payment) or money taken back (a reversal of an earlier payment). */
  kind: 'payment' | 'reversal';
  /** Always > 0: the direction is `kind`. */
  amountOre: number;
  /** YYYY-MM-DD: the bank's settlement (OCR: Nets date) or value date (camt.054). */
  date: string;
  kid: string | null;
  /** A reference the bank gives this one transaction and never repeats (camt.054 AcctSvcrRef); null in OCR giro. */
  bankReference: string | null;
  /** The payer's account (BBAN when Norwegian), when the bank tells it. */
  payerAccount: string | null;
  /** The merchant's account the money went to (BBAN when Norwegian). */
  toAccount: string;
  /** OCR transaction type (10–21) or camt.054 bank transaction code, for the operator. */
  transactionType: string | null;
  /** Free text the payer wrote (OCR types 20/21, camt `Ustrd`). */
  text: string | null;
}

/** A file refused as a whole: where and why. Nothing of it may be stored (SPEC §7). */
export class PaymentFileError extends Error {
  readonly location: string;
  readonly reason: string;
  constructor(location: string, reason: string) {
    super(location === '' ? reason : `${location}: ${reason}`);
    this.location = location;
    this.reason = reason;
  }
}

/** What identifies a file's transactions when they have no bank reference: its format and the sender's numbering. */
export interface PaymentFileHeader {
  format: 'ocr-giro' | 'camt054';
  /** OCR: data recipient + transmission number; camt.054: the message id. */
  identity: string;
}

/** A Norwegian IBAN (NOkk + 11 digits) as its BBAN; any other account text unchanged. */
export function accountToBban(account: string): string {
  const compact = account.replace(/\s+/g, '');
  const iban = /^NO\d{2}(\d{11})$/i.exec(compact);
  return iban ? iban[1]! : compact;
}
