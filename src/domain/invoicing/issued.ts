/**
 * An invoice or credit note as issued (SPEC §6.3): the render model (everything its documents show,
 * frozen at issue time and stored with it) plus what the API shows besides. The PDF and the EHF are
 * rendered from this alone, so they can be rendered again byte for byte, and a later change of the
 * merchant's address or the customer's details never alters a document that was already sent.
 */
import type { InvoiceDocument } from '../documents/invoice-document.ts';
import type { KidCheck } from './types.ts';

export interface IssuedDocument extends InvoiceDocument {
  /** The customer's id at the merchant (CSRT…). */
  customerUuid: string;
  kidCheck: KidCheck;
  /** Why a credit note was issued (the cancellation note, "Refund (regular)"). */
  note: string | null;
}
