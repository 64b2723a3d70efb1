/**
 * Issue invoices for a batch of one merchant's SENT orders (SPEC §6.2, §6.3), in one short transaction:
 * lock the number series, claim the orders (SKIP LOCKED), number each invoice, compute its KID, due date,
 * fee and VAT, write it, move every order to INVOICED with its event and callback, and queue the render
 * job for its documents. A crash or rollback leaves the orders SENT and the numbers unused, so a resumed
 * run picks them up and the series has no gap (design note: resumable by construction).
 */
import type { DocumentBuyer, DocumentLineGroup, DocumentSeller } from '../../domain/documents/invoice-document.ts';
import type { IssuedDocument } from '../../domain/invoicing/issued.ts';
import type { CalendarDate, Language } from '../../domain/invoicing/types.ts';
import { buildInvoiceContent } from '../../domain/invoicing/invoice.ts';
import { dueDate } from '../../domain/invoicing/due-date.ts';
import { makeKid } from '../../domain/invoicing/kid.ts';
import { osloDate } from '../../domain/time/oslo.ts';
import type { Db, Queryable } from '../../store/db/db.ts';
import {
  claimOrdersToInvoice, customerNumbers, insertInvoice, linkInvoiceOrders, lockInvoiceSequence, saveInvoiceSequence,
  type LineToInvoice, type OrderToInvoice,
} from '../../store/invoices.ts';
import { findInvoiceSettings, type InvoiceSettings } from '../../store/merchant-settings.ts';
import { transitionOrder } from '../../store/order-transitions.ts';
import { countInvoiceRunBatch } from '../../store/invoice-runs.ts';
import { queueDocumentRender } from './render-documents.ts';

export interface IssueBatch {
  merchantId: number;
  interval: 0 | 1 | 2;
  /** Orders created before this instant. */
  cutoff: Date;
  invoiceDate: CalendarDate;
  runId: number | null;
  /** Orders (interval 0) or customers (scheduled runs) per transaction: a block of numbers is taken at once, and the series lock is held for ms. */
  batchSize: number;
}

export interface IssueResult {
  orders: number;
  invoices: number;
  /** The batch was full: there may be more to invoice. */
  more: boolean;
}

export class InvoicingSettingsError extends Error {}

export async function issueInvoiceBatch(db: Db, batch: IssueBatch): Promise<IssueResult> {
  return db.transaction(async (tx) => {
    const settings = await findInvoiceSettings(tx, batch.merchantId);
    if (settings === null) throw new InvoicingSettingsError(`Merchant ${batch.merchantId} does not exist.`);
    if (settings.accountNumber === null) {
      // An invoice without an account number cannot be paid (SPEC §6.1): nothing is issued until it is set.
      throw new InvoicingSettingsError(
        `Merchant ${batch.merchantId} has no account number; set it with efaktura merchant update ${batch.merchantId} --account-number …`,
      );
    }
    const state = await lockInvoiceSequence(tx, batch.merchantId);
    const { orders, lines, more } = await claimOrdersToInvoice(tx, batch.merchantId, batch.interval, batch.cutoff, batch.batchSize);
    if (orders.length === 0) return { orders: 0, invoices: 0, more: false };

    const linesByOrder = Map.groupBy(lines, (l) => l.order_id);
    const groups = groupOrders(orders, batch.interval);
    const numbers = await customerNumbers(tx, [...new Set(orders.map((o) => o.customer_id))], state);
    for (const group of groups) {
      const number = state.nextNumber++;
      const document = buildInvoiceDocument(settings, group, linesByOrder, {
        number,
        invoiceDate: batch.invoiceDate,
        customerNumber: numbers.get(group[0]!.customer_id)!,
      });
      await writeInvoice(tx, batch, group, document);
    }
    await saveInvoiceSequence(tx, batch.merchantId, state);
    if (batch.runId !== null) await countInvoiceRunBatch(tx, batch.runId, orders.length, groups.length);
    return { orders: orders.length, invoices: groups.length, more };
  });
}

/**
 * One invoice per order, except orders of one customer that asked not to be invoiced separately
 * (`separateInvoices: false`), which share one (SPEC §6.2). Interval-0 orders are always alone.
 */
export function groupOrders(orders: readonly OrderToInvoice[], interval: number): OrderToInvoice[][] {
  const groups: OrderToInvoice[][] = [];
  const combined = new Map<number, OrderToInvoice[]>();
  for (const order of orders) {
    if (interval === 0 || order.separate_invoices) {
      groups.push([order]);
      continue;
    }
    let group = combined.get(order.customer_id);
    if (!group) {
      group = [];
      combined.set(order.customer_id, group);
      groups.push(group);
    }
    group.push(order);
  }
  return groups;
}

const LANGUAGES: readonly Language[] = ['no', 'en', 'sv', 'da', 'de'];

function buyerOf(order: OrderToInvoice): { buyer: DocumentBuyer; language: Language } {
  const c = order.customer_snapshot as {
    name?: string; email?: string; preferredLanguage?: string; organizationId?: string | null;
    address?: { street?: string; zip?: string; city?: string; country?: string };
  };
  const language = LANGUAGES.includes(c.preferredLanguage as Language) ? (c.preferredLanguage as Language) : 'no';
  return {
    language,
    buyer: {
      name: c.name ?? '',
      address: { street: c.address?.street ?? '', zip: c.address?.zip ?? '', city: c.address?.city ?? '', country: c.address?.country ?? 'NO' },
      email: c.email ?? null,
      // A business customer's EHF is a real Peppol invoice to 0192:<organizationId> (issue 11).
      organisationNumber: c.organizationId ?? null,
    },
  };
}

export function sellerOf(settings: InvoiceSettings): DocumentSeller {
  return {
    legalName: settings.name,
    organisationNumber: settings.orgNumber,
    vatRegistered: settings.vatRegistered,
    inForetaksregisteret: settings.foretaksregisteret,
    address: { street: settings.street ?? '', zip: settings.zip ?? '', city: settings.city ?? '', country: 'NO' },
    accountNumber: settings.accountNumber ?? '',
    email: settings.invoiceEmail ?? '',
  };
}

export function buildInvoiceDocument(
  settings: InvoiceSettings,
  orders: readonly OrderToInvoice[],
  linesByOrder: Map<number, LineToInvoice[]>,
  at: { number: number; invoiceDate: CalendarDate; customerNumber: number },
): IssuedDocument {
  // The newest order's customer details are the ones the customer gave last.
  const { buyer, language } = buyerOf(orders.at(-1)!);
  const content = buildInvoiceContent(
    orders.map((o) => ({
      uuid: o.uuid,
      invoiceFeeApplicable: o.invoice_fee_applicable,
      lines: (linesByOrder.get(o.id) ?? []).map((l) => ({
        name: l.name, productId: l.product_id, quantity: l.quantity, rateOre: l.rate_ore, discountOre: l.discount_ore,
        taxRate: l.tax_rate, amountOre: l.amount_ore, vatOre: l.vat_ore,
      })),
    })),
    { amountOre: settings.invoiceFeeOre, vatRate: settings.invoiceFeeVatRate },
  );
  const groups: DocumentLineGroup[] = orders.map((o, i) => ({
    orderUuid: o.uuid,
    orderDate: osloDate(new Date(o.order_date * 1000)),
    referenceNo: o.reference_no,
    lines: content.groups[i]!.lines,
  }));
  const maturity = Math.max(...orders.map((o) => o.invoice_maturity));
  return {
    kind: 'invoice',
    number: at.number,
    creditsInvoiceNumber: null,
    issueDate: at.invoiceDate,
    deliveryDate: groups.map((g) => g.orderDate).sort().at(-1)!,
    dueDate: dueDate(at.invoiceDate, maturity),
    kid: makeKid({ customerNumber: at.customerNumber, invoiceNumber: at.number, check: settings.kidCheck }),
    kidCheck: settings.kidCheck,
    language,
    currency: 'NOK',
    seller: sellerOf(settings),
    buyer,
    customerUuid: orders.at(-1)!.customer_uuid,
    groups,
    feeLine: content.feeLine,
    vatSummary: content.vat,
    totalOre: content.totalOre,
    // One order: its references; a combined invoice shows each order's own under its heading.
    references: orders.length === 1
      ? { referenceNo: orders[0]!.reference_no, customerReference: orders[0]!.customer_reference }
      : { referenceNo: null, customerReference: null },
    note: null,
  };
}

async function writeInvoice(tx: Queryable, batch: IssueBatch, orders: readonly OrderToInvoice[], document: IssuedDocument): Promise<void> {
  const invoiceId = await insertInvoice(tx, {
    merchantId: batch.merchantId,
    customerId: orders[0]!.customer_id,
    runId: batch.runId,
    creditsInvoiceId: null,
    document,
  });
  await linkInvoiceOrders(tx, invoiceId, orders.map((o) => o.id));
  for (const order of orders) {
    await transitionOrder(
      tx,
      order,
      'INVOICED',
      { reason: `invoice ${document.number}`, actor: batch.runId === null ? 'invoicing' : `invoice-run:${batch.runId}` },
      { invoice: { id: invoiceId, number: document.number, kid: document.kid, dueDate: document.dueDate } },
    );
  }
  await queueDocumentRender(tx, invoiceId);
}
