/**
 * The content of a credit note (kreditnota), the only correction of an issued invoice (SPEC §6.3). Amounts
 * are positive: the document type (an EHF `CreditNote`) says they are taken back.
 *
 * Invoice lines are named by their index in `InvoiceContent.lines`; an issued invoice never changes, so the
 * index is stable. What earlier credit notes took from each line is passed in (`creditedOre`, parallel to
 * the invoice's lines), so a line is never credited beyond its amount.
 *
 * VAT of a partial amount uses the per-line rule (SPEC §5) on the amount credited so far: the VAT of this
 * credit = VAT(credited after) − VAT(credited before). For a first credit that is simply the rule applied to
 * the partial amount; and however a line is credited in parts, the parts' VAT adds up to the line's VAT
 * exactly, so a fully credited invoice leaves no stray øre of VAT in the books.
 *
 * The fee: cancelling orders credits the invoice fee only when, with this note, every order on the invoice
 * is cancelled. The invoice is then void as a whole and no payment will be made with it, so keeping a fee
 * for it would charge the consumer for nothing (finansavtaleloven § 2-4 allows a fee only for the cost of
 * the payment). While any order stays on it the invoice is still paid, and the fee stays. A refund never
 * credits the fee: the invoice did its job.
 */
import type { CreditNoteContent, DocumentLine, InvoiceContent } from './types.ts';
import { lineVatOre } from '../money/totals.ts';
import { parseVatRate, summarizeVat } from './vat-summary.ts';

export interface LineCredit {
  /** Index in `InvoiceContent.lines`. */
  lineIndex: number;
  /** The amount credited, VAT included, øre; 0 < ore ≤ what is left of the line. */
  ore: number;
}

/**
 * A credit note for the given amounts of the invoice's lines (a refund, SPEC §2.3). Throws RangeError on a
 * credit that validation should have refused (unknown line, a line twice, more than is left): a credit
 * note must never take back more than the invoice gave.
 */
export function creditNoteContent(invoice: InvoiceContent, credits: readonly LineCredit[], creditedOre: readonly number[] = []): CreditNoteContent {
  if (credits.length === 0) throw new RangeError('a credit note needs at least one credited line');
  const seen = new Set<number>();
  const lines = credits.map(({ lineIndex, ore }) => {
    const line = invoice.lines[lineIndex];
    if (line === undefined || seen.has(lineIndex)) throw new RangeError(`line ${lineIndex} is not on the invoice or is credited twice`);
    seen.add(lineIndex);
    return creditedLine(line, creditedOre[lineIndex] ?? 0, ore);
  });
  return {
    lines,
    vat: summarizeVat(lines),
    totalOre: lines.reduce((sum, line) => sum + line.amountOre, 0),
    creditsFee: lines.some((line) => line.kind === 'fee'),
  };
}

/** What is left to credit of each invoice line (parallel to `invoice.lines`). */
export function remainingOre(invoice: InvoiceContent, creditedOre: readonly number[] = []): number[] {
  return invoice.lines.map((line, i) => line.amountOre - (creditedOre[i] ?? 0));
}

/** The index in `invoice.lines` of an order's n-th line (0-based, in the order's own line order). */
export function invoiceLineIndex(invoice: InvoiceContent, orderUuid: string, lineNumber: number): number {
  let index = 0;
  for (const group of invoice.groups) {
    if (group.orderUuid === orderUuid) {
      if (!Number.isInteger(lineNumber) || lineNumber < 0 || lineNumber >= group.lines.length) {
        throw new RangeError(`order ${orderUuid} has no line ${lineNumber} on this invoice`);
      }
      return index + lineNumber;
    }
    index += group.lines.length;
  }
  throw new RangeError(`order ${orderUuid} is not on this invoice`);
}

export interface Cancellation {
  /** The orders cancelled by this credit note. */
  cancelling: readonly string[];
  /** Orders of the same invoice cancelled by earlier credit notes. */
  previouslyCancelled?: readonly string[];
  creditedOre?: readonly number[];
}

/**
 * The credit note that cancels orders of an invoice (SPEC §6.3): what is left of each of their lines, and
 * the fee when no order of the invoice remains (see the file comment). Null when nothing is left to credit.
 */
export function cancellationCreditNote(invoice: InvoiceContent, cancellation: Cancellation): CreditNoteContent | null {
  const { cancelling, previouslyCancelled = [], creditedOre = [] } = cancellation;
  const onInvoice = new Set(invoice.groups.map((group) => group.orderUuid));
  for (const uuid of cancelling) if (!onInvoice.has(uuid)) throw new RangeError(`order ${uuid} is not on this invoice`);
  const cancelled = new Set([...cancelling, ...previouslyCancelled]);
  const wholeInvoice = [...onInvoice].every((uuid) => cancelled.has(uuid));
  const now = new Set(cancelling);
  const left = remainingOre(invoice, creditedOre);
  const credits = invoice.lines.flatMap((line, lineIndex): LineCredit[] => {
    const credited = line.kind === 'fee' ? wholeInvoice : line.orderUuid !== null && now.has(line.orderUuid);
    return credited && left[lineIndex]! > 0 ? [{ lineIndex, ore: left[lineIndex]! }] : [];
  });
  return credits.length === 0 ? null : creditNoteContent(invoice, credits, creditedOre);
}

/** The credited part of one line; the whole line keeps its quantity, price and discount. */
function creditedLine(line: DocumentLine, creditedBefore: number, ore: number): DocumentLine {
  const left = line.amountOre - creditedBefore;
  if (!Number.isSafeInteger(ore) || ore <= 0 || ore > left) {
    throw new RangeError(`cannot credit ${ore} øre of a line with ${left} øre left`);
  }
  const vatOre = vatOfCredited(line, creditedBefore + ore) - vatOfCredited(line, creditedBefore);
  if (creditedBefore === 0 && ore === line.amountOre) return { ...line, vatOre };
  // A part of a line is one unit of the credited amount: quantity × price = amount, as EHF requires.
  return { ...line, quantity: '1', unitPriceOre: ore, discountOre: 0, amountOre: ore, vatOre };
}

/** The VAT in the first `ore` of a line; the whole line's VAT is the one stored on it. */
function vatOfCredited(line: DocumentLine, ore: number): number {
  return ore === line.amountOre ? line.vatOre : lineVatOre(ore, parseVatRate(line.vatRate));
}
