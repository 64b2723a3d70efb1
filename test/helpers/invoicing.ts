/** Orders and merchants for the invoicing tests, made through the real validator and store. */
import { exampleOrder, type JsonObject } from '../fixtures/example-order.ts';
import { validateCreateOrder } from '../../src/api/validation/create-order.ts';
import { newCustomerUuid, newOrderUuid } from '../../src/domain/orders/ids.ts';
import type { Db } from '../../src/store/db/db.ts';
import { insertOrder } from '../../src/store/orders.ts';
import { updateInvoiceSettings, type InvoiceSettingsChange } from '../../src/store/merchant-settings.ts';
import { computeLine, computeSummary } from '../../src/domain/money/totals.ts';
import { formatOre, parseDecimal, parseOre } from '../../src/domain/money/money.ts';
import { issueInvoiceBatch } from '../../src/app/invoicing/issue-invoices.ts';

export interface OrderSpec {
  personalNumber?: string;
  interval?: 0 | 1 | 2;
  separate?: boolean;
  fee?: boolean;
  maturity?: number;
  language?: string;
  /** [name, quantity, rate NOK, discount NOK, tax %] per line. */
  lines?: Array<[string, string, string, string, string]>;
  callbackUrl?: string;
}

/** A valid create-order body with the given lines and the totals the server computes (SPEC §5). */
export function orderBody(spec: OrderSpec = {}): JsonObject {
  const body = exampleOrder({ productsAs: 'array' });
  const lines = spec.lines ?? [['Hair Wash', '1', '51.00', '0', '0']];
  const totals = lines.map(([, quantity, rate, discount, tax]) => {
    const line = computeLine({
      quantity: parseDecimal(quantity)!,
      rateOre: parseOre(rate)!,
      discountOre: parseOre(discount)!,
      taxPercent: parseDecimal(tax)!,
    });
    return line;
  });
  body.products = lines.map(([name, quantity, rate, discount, tax], i) => ({
    name, productId: `P${i}`, quantity, rate, discount, tax, amount: formatOre(totals[i]!.amountOre),
  }));
  const summary = computeSummary(totals);
  body.orderSummary = {
    subTotal: formatOre(summary.subTotalOre),
    totalTax: formatOre(summary.totalTaxOre),
    totalDiscount: formatOre(summary.totalDiscountOre),
    grandTotal: formatOre(summary.grandTotalOre),
  };
  body.customerDetails.personalNumber = spec.personalNumber ?? '12345678901';
  body.customerDetails.preferredLanguage = spec.language ?? 'no';
  body.invoiceInterval = spec.interval ?? 0;
  body.separateInvoices = spec.separate ?? true;
  body.invoiceFeeApplicable = spec.fee ?? true;
  body.invoiceMaturity = spec.maturity ?? 10;
  body.callback.callbackUrl = spec.callbackUrl ?? 'http://127.0.0.1:9/callback';
  return body;
}

export const TEST_POLICY = { allowedTaxRates: ['0', '12', '15', '25'], allowedMaturityDays: [0, 10, 14, 30] };

/** Stores an order as create-order would; returns its uuid and totals in øre. */
export async function storeOrder(db: Db, merchantId: number, spec: OrderSpec = {}): Promise<{ uuid: string; totalOre: number; vatOre: number }> {
  const result = validateCreateOrder(orderBody(spec), TEST_POLICY);
  if (!result.ok) throw new Error(result.errors.join(' '));
  const created = await insertOrder(db, merchantId, result.value, { orderUuid: newOrderUuid(), customerUuid: newCustomerUuid() }, 'test', null);
  return { uuid: created.uuid, totalOre: result.value.summary.grandTotalOre, vatOre: result.value.summary.totalTaxOre };
}

export async function setSettings(db: Db, merchantId: number, change: InvoiceSettingsChange): Promise<void> {
  await updateInvoiceSettings(db, merchantId, change);
}

/** Invoices every SENT order of `interval` created so far, in batches, as a run would. */
export async function invoiceAll(db: Db, merchantId: number, opts: { interval?: 0 | 1 | 2; invoiceDate?: string; batchSize?: number } = {}) {
  let orders = 0;
  let invoices = 0;
  for (;;) {
    const r = await issueInvoiceBatch(db, {
      merchantId,
      interval: opts.interval ?? 0,
      cutoff: new Date(Date.now() + 1000),
      invoiceDate: opts.invoiceDate ?? '2026-12-01',
      runId: null,
      batchSize: opts.batchSize ?? 100,
    });
    orders += r.orders;
    invoices += r.invoices;
    if (!r.more) return { orders, invoices };
  }
}
