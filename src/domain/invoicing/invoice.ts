/**
 * The content of an invoice from one order (`separateInvoices: true`, and always for interval 0) or from
 * several orders of one customer and period (a combined invoice), SPEC §6.2–§6.3. Lines are taken as stored
 * on the order: the server's own figures (SPEC §5), never recomputed here, so the invoice shows what the
 * order said. Which orders go together is the caller's decision; this only builds the document.
 */
import type { DocumentLine, InvoiceContent, OrderLineGroup, VatRate } from './types.ts';
import { lineVatOre } from '../money/totals.ts';
import { parseVatRate, summarizeVat } from './vat-summary.ts';

/** A line of an order as stored (the shape of `ValidatedProduct`). */
export interface InvoiceOrderLine {
  name: string;
  productId: string | null;
  quantity: string;
  rateOre: number;
  discountOre: number;
  taxRate: VatRate;
  amountOre: number;
  vatOre: number;
}

export interface InvoiceOrder {
  uuid: string;
  /** The merchant asked for the invoice fee on this order. */
  invoiceFeeApplicable: boolean;
  lines: readonly InvoiceOrderLine[];
}

/** The merchant's invoice fee (SPEC §6.1): VAT-inclusive øre and its own VAT rate. */
export interface InvoiceFee {
  amountOre: number;
  vatRate: VatRate;
}

/** The fee line's text; renderers translate by `kind: 'fee'`, this is the Norwegian default. */
export const FEE_LINE_DESCRIPTION = 'Fakturagebyr';

/**
 * The invoice for `orders` (at least one). The fee is one line, once per invoice, when the merchant's fee is
 * above 0 and any order on the invoice asked for it: each of those orders would have carried it on an
 * invoice of its own, and combining them must not multiply it (SPEC §6.3).
 */
export function buildInvoiceContent(orders: readonly InvoiceOrder[], fee: InvoiceFee | null): InvoiceContent {
  if (orders.length === 0) throw new RangeError('an invoice needs at least one order');
  const groups: OrderLineGroup[] = orders.map((order) => {
    const lines = order.lines.map((line) => orderLineToDocumentLine(order.uuid, line));
    return { orderUuid: order.uuid, lines, totalOre: sumAmounts(lines) };
  });
  const charged = fee !== null && fee.amountOre > 0 && orders.some((order) => order.invoiceFeeApplicable);
  const feeLine = charged ? invoiceFeeLine(fee) : null;
  const lines = groups.flatMap((group) => group.lines);
  if (feeLine !== null) lines.push(feeLine);
  return {
    groups,
    feeLine,
    lines,
    vat: summarizeVat(lines),
    feeOre: feeLine?.amountOre ?? 0,
    totalOre: sumAmounts(lines),
  };
}

export function orderLineToDocumentLine(orderUuid: string, line: InvoiceOrderLine): DocumentLine {
  return {
    orderUuid,
    kind: 'product',
    description: line.name,
    productId: line.productId,
    quantity: line.quantity,
    unitPriceOre: line.rateOre,
    discountOre: line.discountOre,
    vatRate: line.taxRate,
    amountOre: line.amountOre,
    vatOre: line.vatOre,
  };
}

/** The fee as a line: quantity 1, its VAT by the same per-line rule as every other line (SPEC §5). */
export function invoiceFeeLine(fee: InvoiceFee): DocumentLine {
  if (!Number.isSafeInteger(fee.amountOre) || fee.amountOre <= 0) throw new RangeError(`a fee line needs a fee > 0 øre, got ${fee.amountOre}`);
  return {
    orderUuid: null,
    kind: 'fee',
    description: FEE_LINE_DESCRIPTION,
    productId: null,
    quantity: '1',
    unitPriceOre: fee.amountOre,
    discountOre: 0,
    vatRate: fee.vatRate,
    amountOre: fee.amountOre,
    vatOre: lineVatOre(fee.amountOre, parseVatRate(fee.vatRate)),
  };
}

export function sumAmounts(lines: readonly DocumentLine[]): number {
  return lines.reduce((sum, line) => sum + line.amountOre, 0);
}
