/**
 * The render model of an invoice or credit note (SPEC §6.4): everything the PDF and the EHF show, already
 * computed, as plain data. The renderers in `adapters/documents/` only lay it out; they never add up,
 * round or look anything up, so the PDF and the EHF of one document can never disagree.
 *
 * What is deliberately absent: the buyer's personal number (fødselsnummer). bokføringsforskriften §5-1-1
 * asks for the buyer's name and address (or organisation number), nothing more, and a printed personal
 * number on a paper invoice or an e-mailed PDF is a privacy risk with no use to anyone who reads it.
 */
import type { CalendarDate, DocumentLine, Language, VatSummary } from '../invoicing/types.ts';

export interface PostalAddress {
  street: string;
  zip: string;
  city: string;
  /** ISO 3166-1 alpha-2, e.g. "NO". */
  country: string;
}

export interface DocumentSeller {
  legalName: string;
  /** 9 digits, MOD11 (Brønnøysundregistrene). */
  organisationNumber: string;
  /** Registered in Merverdiavgiftsregisteret: "MVA" follows the org number, `NO<orgnr>MVA` in the EHF. */
  vatRegistered: boolean;
  /** An AS, ASA or NUF must print "Foretaksregisteret" (foretaksregisterloven §10-2). */
  inForetaksregisteret: boolean;
  address: PostalAddress;
  /** Norwegian bank account, 11 digits, where the customer pays. */
  accountNumber: string;
  email: string;
}

export interface DocumentBuyer {
  name: string;
  address: PostalAddress;
  email: string | null;
  /** A business customer's organisation number (9 digits); null for a private customer. */
  organisationNumber: string | null;
}

/** The lines of one order. On a combined invoice every order gets a heading; a single-order invoice has one group. */
export interface DocumentLineGroup {
  orderUuid: string;
  /** The order date, which is the delivery date of its lines. */
  orderDate: CalendarDate;
  /** The merchant's own reference of the order, when it sent one. */
  referenceNo: string | null;
  lines: DocumentLine[];
}

export interface InvoiceDocument {
  kind: 'invoice' | 'creditNote';
  /** The document's number in the merchant's one series of invoices and credit notes (SPEC §6.3). */
  number: number;
  /** For a credit note: the invoice it credits; null on an invoice. */
  creditsInvoiceNumber: number | null;
  issueDate: CalendarDate;
  /** The order date; on a combined invoice the latest order's date (each group shows its own). */
  deliveryDate: CalendarDate;
  /** Null on a credit note: it asks for no payment. */
  dueDate: CalendarDate | null;
  language: Language;
  currency: 'NOK';
  seller: DocumentSeller;
  buyer: DocumentBuyer;
  /** On every invoice (SPEC §6.3); a credit note shows the credited invoice's KID or none. */
  kid: string | null;
  groups: DocumentLineGroup[];
  /** The invoice fee as its own line (SPEC §6.3), once per invoice, also on a combined one. */
  feeLine: DocumentLine | null;
  /** One entry per VAT rate, in the order to print. */
  vatSummary: VatSummary[];
  /** Σ lines + fee, VAT included, øre: the amount to pay (or credited). */
  totalOre: number;
  references: { referenceNo: string | null; customerReference: string | null };
}

/** Every line of the document in print order: the orders' lines, then the fee line. */
export function allLines(document: InvoiceDocument): DocumentLine[] {
  const lines = document.groups.flatMap((group) => group.lines);
  return document.feeLine ? [...lines, document.feeLine] : lines;
}

export const isCombined = (document: InvoiceDocument): boolean => document.groups.length > 1;
