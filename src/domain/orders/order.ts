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

export interface ValidatedCustomer {
  countryCode: string;
  msisdn: string;
  email: string;
  name: string;
  preferredLanguage: 'en' | 'no' | 'sv' | 'da' | 'de';
  personalNumber: string;
  address: { street: string; zip: string; city: string; country: string };
}

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
