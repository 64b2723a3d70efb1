/**
 * The JSON of an invoice or credit note (SPEC §6.4), as the merchant API and the dashboard show it:
 * amounts as strings with two decimals, dates `YYYY-MM-DD`, the settlement derived from what was
 * invoiced, credited and paid.
 */
import type { DocumentLine, VatSummary } from '../../domain/invoicing/types.ts';
import { formatOre } from '../../domain/money/money.ts';
import type { InvoiceRow } from '../../store/invoices.ts';
import { allLines } from '../../domain/documents/invoice-document.ts';

export type InvoiceStatus = 'open' | 'paid' | 'credited';

/** What is left to pay after credit notes and payments, and any surplus paid. */
export function settlement(row: Pick<InvoiceRow, 'total_ore' | 'credited_ore' | 'paid_ore'>): {
  status: InvoiceStatus;
  outstandingOre: number;
  surplusOre: number;
} {
  const dueOre = row.total_ore - row.credited_ore;
  const outstandingOre = Math.max(0, dueOre - row.paid_ore);
  const surplusOre = Math.max(0, row.paid_ore - dueOre);
  const status: InvoiceStatus = dueOre === 0 ? 'credited' : outstandingOre === 0 ? 'paid' : 'open';
  return { status, outstandingOre, surplusOre };
}

function lineView(l: DocumentLine): Record<string, unknown> {
  return {
    orderUuid: l.orderUuid,
    kind: l.kind,
    description: l.description,
    productId: l.productId,
    quantity: l.quantity,
    unitPrice: formatOre(l.unitPriceOre),
    discount: formatOre(l.discountOre),
    vatRate: l.vatRate,
    amount: formatOre(l.amountOre),
    vat: formatOre(l.vatOre),
  };
}

/** One payment (or reversal, negative) on the invoice (SPEC §7). */
function paymentLineView(p: InvoiceRow['payments'][number]): Record<string, unknown> {
  return {
    paymentId: p.payment_id,
    kind: p.kind,
    date: p.date,
    amount: formatOre(Number(p.amount_ore)),
    kid: p.kid,
    bankReference: p.bank_reference,
    reversed: p.state === 'reversed',
  };
}

function vatView(v: VatSummary): Record<string, unknown> {
  return { rate: v.rate, net: formatOre(v.netOre), vat: formatOre(v.vatOre), gross: formatOre(v.grossOre) };
}

function documentsView(row: InvoiceRow, base: string): Record<string, string | null> {
  return {
    pdf: row.documents.includes('pdf') ? `${base}/${row.number}/pdf` : null,
    ehf: row.documents.includes('ehf') ? `${base}/${row.number}/ehf` : null,
  };
}

export function invoiceView(row: InvoiceRow): Record<string, unknown> {
  const d = row.content;
  const s = settlement(row);
  return {
    number: row.number,
    kid: row.kid,
    invoiceDate: row.issue_date,
    deliveryDate: d.deliveryDate,
    dueDate: row.due_date,
    status: s.status,
    language: row.language,
    customerUuid: d.customerUuid,
    orders: row.order_uuids,
    lines: allLines(d).map(lineView),
    vat: d.vatSummary.map(vatView),
    fee: d.feeLine ? formatOre(d.feeLine.amountOre) : '0.00',
    total: formatOre(row.total_ore),
    credited: formatOre(row.credited_ore),
    paid: formatOre(row.paid_ore),
    outstanding: formatOre(s.outstandingOre),
    surplus: formatOre(s.surplusOre),
    creditNotes: row.credit_note_numbers,
    documents: documentsView(row, '/api/v1/connect/invoices'),
    ...deliveryView(row),
    // Its dunning steps (SPEC §7): reminder, notice, collection, with what each claimed.
    reminders: row.reminders.map((r) => ({
      kind: r.kind, date: r.date, fee: formatOre(r.fee_ore), interest: formatOre(r.interest_ore), dueDate: r.due_date,
      total: formatOre(r.total_ore), deliveryStatus: r.delivery ?? (r.kind === 'collection' ? null : 'pending'),
    })),
    payments: row.payments.map(paymentLineView),
  };
}

export function creditNoteView(row: InvoiceRow): Record<string, unknown> {
  const d = row.content;
  return {
    number: row.number,
    creditsInvoice: row.credits_invoice_number,
    issueDate: row.issue_date,
    language: row.language,
    customerUuid: d.customerUuid,
    orders: row.order_uuids,
    note: d.note,
    lines: allLines(d).map(lineView),
    vat: d.vatSummary.map(vatView),
    total: formatOre(row.total_ore),
    documents: documentsView(row, '/api/v1/connect/credit-notes'),
    ...deliveryView(row),
  };
}

/**
 * SPEC §6.5: `deliveryStatus` pending (also before the files exist), delivered (`deliveredBy` names the
 * channel) or undelivered; `deliveries` every attempt, oldest first.
 */
function deliveryView(row: InvoiceRow): Record<string, unknown> {
  const d = row.delivery;
  return {
    deliveryStatus: d?.status ?? 'pending',
    deliveredBy: d?.status === 'delivered' ? d.channel : null,
    deliveries: d?.attempts ?? [],
  };
}
