/**
 * Credit notes (SPEC §6.3): an issued invoice is never changed; a cancel or a refund of an invoiced
 * order issues a credit note in the same number series, in the transaction that changes the order (which
 * holds the order's lock), and the credit note names the invoice it corrects (bokføringsforskriften
 * §5-2-5). What each line may still be credited comes from the orders: a cancelled order's lines are
 * credited in full, and each line's refunded amount is what refunds credited on it.
 */
import type { Clock } from '../../clock.ts';
import { allLines } from '../../domain/documents/invoice-document.ts';
import { cancellationCreditNote, creditNoteContent, invoiceLineIndex } from '../../domain/invoicing/credit-note.ts';
import type { IssuedDocument } from '../../domain/invoicing/issued.ts';
import type { CreditNoteContent, InvoiceContent } from '../../domain/invoicing/types.ts';
import { osloDate } from '../../domain/time/oslo.ts';
import type { Queryable } from '../../store/db/db.ts';
import {
  addCredited, creditsOnInvoice, findInvoiceById, findOrderInvoiceId, insertInvoice, lockInvoiceSequence, saveInvoiceSequence,
} from '../../store/invoices.ts';
import { queueDocumentRender } from './render-documents.ts';

export type Credit =
  /** Cancel: what is left of every line of the order (and the fee, when no order of the invoice is left). */
  | { kind: 'cancel' }
  /** Refund: amounts of the order's lines, by their position on the order. */
  | { kind: 'refund'; lines: ReadonlyArray<{ position: number; ore: number }> };

export interface CreditNoteRequest {
  merchantId: number;
  orderId: number;
  orderUuid: string;
  credit: Credit;
  note: string;
}

export class OrderHasNoInvoiceError extends Error {}

/** The invoice's content in the shape the credit-note rules take. */
function contentOf(issued: IssuedDocument): InvoiceContent {
  return {
    groups: issued.groups.map((g) => ({ orderUuid: g.orderUuid, lines: g.lines, totalOre: g.lines.reduce((s, l) => s + l.amountOre, 0) })),
    feeLine: issued.feeLine,
    lines: allLines(issued),
    vat: issued.vatSummary,
    feeOre: issued.feeLine?.amountOre ?? 0,
    totalOre: issued.totalOre,
  };
}

/**
 * Issues the credit note inside the caller's transaction; returns its number, or null when nothing is
 * left to credit (every line already credited).
 */
export async function issueCreditNote(tx: Queryable, clock: Clock, req: CreditNoteRequest): Promise<number | null> {
  const invoiceId = await findOrderInvoiceId(tx, req.orderId);
  const invoice = invoiceId === null ? null : await findInvoiceById(tx, invoiceId);
  if (invoice === null) throw new OrderHasNoInvoiceError(`Order ${req.orderUuid} has no invoice to credit.`);
  const issued = invoice.content;
  const content = contentOf(issued);

  // What earlier credit notes took from each invoice line (parallel to content.lines).
  const orders = new Map((await creditsOnInvoice(tx, invoice.id)).map((o) => [o.order_uuid, o]));
  const cancelledBefore = [...orders.values()].filter((o) => o.cancelled).map((o) => o.order_uuid);
  const creditedOre = content.lines.map((line) => {
    if (line.kind === 'fee') return cancelledBefore.length === content.groups.length ? line.amountOre : 0;
    const order = orders.get(line.orderUuid!)!;
    if (order.cancelled) return line.amountOre;
    const group = content.groups.find((g) => g.orderUuid === line.orderUuid)!;
    return order.refunded[group.lines.indexOf(line)] ?? 0;
  });

  const credit: CreditNoteContent | null =
    req.credit.kind === 'cancel'
      ? cancellationCreditNote(content, { cancelling: [req.orderUuid], previouslyCancelled: cancelledBefore, creditedOre })
      : creditNoteContent(
          content,
          req.credit.lines.map((l) => ({ lineIndex: invoiceLineIndex(content, req.orderUuid, l.position), ore: l.ore })),
          creditedOre,
        );
  if (credit === null) return null;

  const state = await lockInvoiceSequence(tx, req.merchantId);
  const number = state.nextNumber++;
  const group = issued.groups.find((g) => g.orderUuid === req.orderUuid);
  const document: IssuedDocument = {
    ...issued,
    kind: 'creditNote',
    number,
    creditsInvoiceNumber: issued.number,
    issueDate: osloDate(clock.now()),
    dueDate: null,
    kid: null,
    groups: [{
      orderUuid: req.orderUuid,
      orderDate: group?.orderDate ?? issued.deliveryDate,
      referenceNo: group?.referenceNo ?? null,
      lines: credit.lines.filter((l) => l.kind !== 'fee'),
    }],
    feeLine: credit.lines.find((l) => l.kind === 'fee') ?? null,
    vatSummary: credit.vat,
    totalOre: credit.totalOre,
    note: req.note,
  };
  const creditNoteId = await insertInvoice(tx, {
    merchantId: req.merchantId,
    customerId: invoice.customer_id,
    runId: null,
    creditsInvoiceId: invoice.id,
    document,
  });
  await addCredited(tx, invoice.id, credit.totalOre);
  await saveInvoiceSequence(tx, req.merchantId, state);
  await queueDocumentRender(tx, creditNoteId);
  return number;
}
