/**
 * An invoice or credit note as issued (SPEC §6.3): everything its documents show, frozen at issue time
 * and stored with it. The PDF and the EHF are rendered from this alone, so they can be rendered again
 * byte for byte, and a later change of the merchant's address or the customer's details never alters a
 * document that was already sent.
 */
import type { CalendarDate, DocumentLine, KidCheck, Language, VatSummary } from './types.ts';

export interface IssuedParty {
  name: string;
  street: string | null;
  zip: string | null;
  city: string | null;
  country: string;
  email: string | null;
}

export interface IssuedSeller extends IssuedParty {
  orgNumber: string;
  vatRegistered: boolean;
  foretaksregisteret: boolean;
  accountNumber: string;
}

export interface IssuedBuyer extends IssuedParty {
  /** The customer's id at the merchant (CSRT…); the personal number is never printed. */
  customerUuid: string;
  /** A business buyer's organisation number (9 digits), null for a private person. */
  orgNumber: string | null;
  phone: string | null;
}

/** The lines of one order on the document, under the order's own heading on a combined invoice. */
export interface IssuedOrderGroup {
  orderUuid: string;
  orderDate: CalendarDate;
  referenceNo: string | null;
  customerReference: string | null;
  lines: DocumentLine[];
}

export interface IssuedDocument {
  kind: 'invoice' | 'creditNote';
  number: number;
  /** For a credit note: the number of the invoice it corrects. */
  creditsInvoiceNumber: number | null;
  issueDate: CalendarDate;
  /** The delivery date: the (latest) order date. */
  deliveryDate: CalendarDate;
  /** Invoices only. */
  dueDate: CalendarDate | null;
  kid: string | null;
  kidCheck: KidCheck;
  language: Language;
  currency: 'NOK';
  seller: IssuedSeller;
  buyer: IssuedBuyer;
  groups: IssuedOrderGroup[];
  /** The invoice fee line, when charged. */
  fee: DocumentLine | null;
  vat: VatSummary[];
  totalOre: number;
  vatOre: number;
  /** Why a credit note was issued ("Cancelled: …", "Refund of …"). */
  note: string | null;
}
