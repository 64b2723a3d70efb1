/**
 * The render model of a dunning step's document (SPEC §7): a reminder (betalingspåminnelse) or a
 * debt-collection notice (inkassovarsel), frozen when the step is taken and stored with it, like an
 * invoice's content. The PDF renderer only lays it out. A collection step keeps the same record (what was
 * claimed when it went to collection) for `efaktura inkasso export`; it has no document of its own.
 */
import type { DocumentBuyer, DocumentSeller } from '../documents/invoice-document.ts';
import type { CalendarDate, Language } from '../invoicing/types.ts';
import type { DunningKind, DunningStep, DunningStepSoFar } from './schedule.ts';
import { firstLateDay } from './schedule.ts';

export interface DunningDocument {
  kind: DunningKind;
  language: Language;
  seller: DocumentSeller;
  buyer: DocumentBuyer;
  invoiceNumber: number;
  invoiceDate: CalendarDate;
  invoiceDueDate: CalendarDate;
  kid: string | null;
  /** The step's date (the document's date). */
  date: CalendarDate;
  /** The new payment deadline; null for collection. */
  dueDate: CalendarDate | null;
  invoiceTotalOre: number;
  creditedOre: number;
  paidOre: number;
  outstandingOre: number;
  /** Every fee claimed so far, this step's included, oldest first. */
  fees: Array<{ kind: DunningKind; date: CalendarDate; feeOre: number }>;
  interestOre: number;
  /** The days the interest covers, inclusive. */
  interestFrom: CalendarDate;
  interestTo: CalendarDate;
  /** outstanding + fees + interest: what the customer is asked to pay. */
  totalOre: number;
}

export interface DunningInvoiceFacts {
  number: number;
  issueDate: CalendarDate;
  dueDate: CalendarDate;
  kid: string | null;
  language: Language;
  seller: DocumentSeller;
  buyer: DocumentBuyer;
  totalOre: number;
  creditedOre: number;
  paidOre: number;
}

export function buildDunningDocument(invoice: DunningInvoiceFacts, previous: readonly DunningStepSoFar[], step: DunningStep): DunningDocument {
  const outstandingOre = invoice.totalOre - invoice.creditedOre - invoice.paidOre;
  const fees = [...previous, step].filter((s) => s.feeOre > 0).map((s) => ({ kind: s.kind, date: s.date, feeOre: s.feeOre }));
  return {
    kind: step.kind,
    language: invoice.language,
    seller: invoice.seller,
    buyer: invoice.buyer,
    invoiceNumber: invoice.number,
    invoiceDate: invoice.issueDate,
    invoiceDueDate: invoice.dueDate,
    kid: invoice.kid,
    date: step.date,
    dueDate: step.dueDate,
    invoiceTotalOre: invoice.totalOre,
    creditedOre: invoice.creditedOre,
    paidOre: invoice.paidOre,
    outstandingOre,
    fees,
    interestOre: step.interestOre,
    interestFrom: firstLateDay(invoice.dueDate),
    interestTo: step.date,
    totalOre: step.totalOre,
  };
}
