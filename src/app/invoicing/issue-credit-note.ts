/**
 * Credit notes (SPEC §6.3): an issued invoice is never changed; a cancel or a refund of an invoiced
 * order issues a credit note in the same number series, in the transaction that changes the order, and
 * the credit note names the invoice it corrects (bokføringsforskriften §5-2-5).
 */
import type { IssuedDocument } from '../../domain/invoicing/issued.ts';
import type { DocumentLine } from '../../domain/invoicing/types.ts';
import { summarizeVat } from '../../domain/invoicing/vat-summary.ts';
import { parseDecimal } from '../../domain/money/money.ts';
import { lineVatOre } from '../../domain/money/totals.ts';
import type { Clock } from '../../clock.ts';
import { osloDate } from '../../domain/time/oslo.ts';
import type { Queryable } from '../../store/db/db.ts';
import {
  addCredited, findInvoiceById, findOrderInvoiceId, insertInvoice, lockInvoiceSequence, saveInvoiceSequence,
} from '../../store/invoices.ts';
import type { OrderLineRow } from '../../store/orders.ts';
import { queueDocumentRender } from './render-documents.ts';

/** What is credited on one order line: the whole line (a cancel) or an amount of it (a refund). */
export interface CreditedLine {
  line: OrderLineRow;
  /** VAT-inclusive øre credited on this line. */
  ore: number;
}

export interface CreditNoteRequest {
  merchantId: number;
  orderId: number;
  orderUuid: string;
  lines: readonly CreditedLine[];
  /** Also credit the invoice's fee (every order on the invoice is being cancelled). */
  creditFee: boolean;
  note: string;
}

export class OrderHasNoInvoiceError extends Error {}

/** Issues the credit note inside the caller's transaction (which holds the order's lock); returns its number. */
export async function issueCreditNote(tx: Queryable, clock: Clock, req: CreditNoteRequest): Promise<number> {
  const invoiceId = await findOrderInvoiceId(tx, req.orderId);
  const invoice = invoiceId === null ? null : await findInvoiceById(tx, invoiceId);
  if (invoice === null) throw new OrderHasNoInvoiceError(`Order ${req.orderUuid} has no invoice to credit.`);
  const issued = invoice.content;

  const lines: DocumentLine[] = req.lines.map(({ line, ore }) => creditedLine(req.orderUuid, line, ore));
  const fee = req.creditFee ? issued.feeLine : null;
  const vat = summarizeVat([...lines, ...(fee ? [fee] : [])]);
  const totalOre = vat.reduce((sum, v) => sum + v.grossOre, 0);

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
    groups: [{ orderUuid: req.orderUuid, orderDate: group?.orderDate ?? issued.deliveryDate, referenceNo: group?.referenceNo ?? null, lines }],
    feeLine: fee,
    vatSummary: vat,
    totalOre,
    note: req.note,
  };
  const creditNoteId = await insertInvoice(tx, {
    merchantId: req.merchantId,
    customerId: invoice.customer_id,
    runId: null,
    creditsInvoiceId: invoice.id,
    document,
  });
  await addCredited(tx, invoice.id, totalOre);
  await saveInvoiceSequence(tx, req.merchantId, state);
  await queueDocumentRender(tx, creditNoteId);
  return number;
}

/**
 * The credit note's line for what is credited on an order line. A whole line is repeated as invoiced;
 * part of a line is one unit of the credited amount, its VAT by the same per-line rule (SPEC §5).
 */
function creditedLine(orderUuid: string, line: OrderLineRow, ore: number): DocumentLine {
  const whole = ore === line.amount_ore && line.refunded_ore === 0;
  return {
    orderUuid,
    kind: 'product',
    description: line.name,
    productId: line.product_id,
    quantity: whole ? String(line.quantity) : '1',
    unitPriceOre: whole ? line.rate_ore : ore,
    discountOre: whole ? line.discount_ore : 0,
    vatRate: String(line.tax_rate),
    amountOre: ore,
    vatOre: whole ? line.vat_ore : lineVatOre(ore, parseDecimal(String(line.tax_rate))!),
  };
}
