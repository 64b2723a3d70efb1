/**
 * The words of invoicing (SPEC §6), shared by the pure rules in `domain/invoicing/`, the document
 * renderers in `adapters/documents/` and the use cases in `app/invoicing/`.
 *
 * Glossary: KID = kundeidentifikasjon, the payment reference the bank matches (reference note §2);
 * øre = 1/100 NOK, every amount here is an integer number of øre and VAT-inclusive unless named `net`;
 * credit note = kreditnota, the only way to correct an issued invoice (same number series).
 */

/** A VAT rate as the order carried it, a decimal string: "25", "15", "12", "0" (also "11.11" style is possible). */
export type VatRate = string;

/** A calendar date in Europe/Oslo, `YYYY-MM-DD`. */
export type CalendarDate = string;

export type KidCheck = 'mod10' | 'mod11';

export type Language = 'no' | 'en' | 'sv' | 'da' | 'de';

/** One line of an invoice or credit note, as printed and as written to the EHF. */
export interface DocumentLine {
  /** The order the line comes from; null for the invoice fee line. */
  orderUuid: string | null;
  kind: 'product' | 'fee';
  description: string;
  productId: string | null;
  /** Decimal string as the order carried it ("1", "2.5"). */
  quantity: string;
  /** Unit price including VAT, øre. */
  unitPriceOre: number;
  /** Discount on the line including VAT, øre (≥ 0). */
  discountOre: number;
  vatRate: VatRate;
  /** Line total including VAT: quantity × unit price − discount, øre. */
  amountOre: number;
  /** VAT contained in `amountOre`, øre (SPEC §5: amount × rate / (100 + rate), rounded per line). */
  vatOre: number;
}

/** Net, VAT and gross of one VAT rate: gross = Σ line amounts, vat = Σ line VAT, net = gross − vat. */
export interface VatSummary {
  rate: VatRate;
  netOre: number;
  vatOre: number;
  grossOre: number;
}

/** The lines of one order on an invoice: a combined invoice prints each order under its own heading (SPEC §6.2). */
export interface OrderLineGroup {
  orderUuid: string;
  lines: DocumentLine[];
  /** Σ of the group's line amounts, øre. */
  totalOre: number;
}

/** What an invoice says (SPEC §6.3), before its number, KID and dates are attached. */
export interface InvoiceContent {
  /** One group per order, in the order the orders were given. */
  groups: OrderLineGroup[];
  /** The invoice fee line, at most one per invoice; null when no fee applies. */
  feeLine: DocumentLine | null;
  /** Every line in print order: the groups' lines, then the fee line. */
  lines: DocumentLine[];
  /** One entry per VAT rate, ascending by rate. */
  vat: VatSummary[];
  /** The fee including its VAT, øre (0 when none). */
  feeOre: number;
  /** Σ lines + fee: what the customer pays, øre. */
  totalOre: number;
}

/** What a credit note says: positive amounts (it is a CreditNote document), crediting one invoice. */
export interface CreditNoteContent {
  lines: DocumentLine[];
  vat: VatSummary[];
  /** Σ credited lines, øre. */
  totalOre: number;
  /** Whether the invoice fee line is among the credited lines. */
  creditsFee: boolean;
}
