/**
 * An order as the system holds it once validated: server-computed figures in øre (SPEC §5), the
 * customer's details as sent. Produced by the create-order validator, consumed by the store.
 */

export interface ValidatedProduct {
  /** 0-based index in the request, the N of `products.N` in error messages. */
  position: number;
  name: string;
  productId: string | null;
  quantity: string;
  rateOre: number;
  discountOre: number;
  taxRate: string;
  /** Server figures (SPEC §5), never the client's. */
  amountOre: number;
  vatOre: number;
}

interface CustomerContact {
  countryCode: string;
  msisdn: string;
  email: string;
  name: string;
  preferredLanguage: 'en' | 'no' | 'sv' | 'da' | 'de';
  address: { street: string; zip: string; city: string; country: string };
}

/**
 * A private customer (Send E-Faktura) is identified by its personal number, a business customer (Send EHF
 * Invoice) by its organisation number (9 digits, MOD11); never both. The snapshot stored with the order is
 * this object as JSON, so a private customer's snapshot has no `organizationId` key at all.
 */
export type ValidatedCustomer = CustomerContact &
  ({ personalNumber: string; organizationId?: undefined } | { organizationId: string; personalNumber?: undefined });

/** The business customer's organisation number, or null for a person. */
export const organizationIdOf = (customer: ValidatedCustomer): string | null => customer.organizationId ?? null;

export interface ValidatedOrder {
  products: ValidatedProduct[];
  summary: { subTotalOre: number; totalTaxOre: number; totalDiscountOre: number; grandTotalOre: number };
  orderDate: number;
  customer: ValidatedCustomer;
  invoiceInterval: 0 | 1 | 2;
  invoiceMaturity: number;
  invoiceFeeApplicable: boolean;
  separateInvoices: boolean;
  referenceNo: string | null;
  customerReference: string | null;
  callbackUrl: string;
}
