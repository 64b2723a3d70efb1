/**
 * What a language must provide to print an invoice or credit note: every label, and how amounts, dates,
 * quantities and VAT rates are written. One file per language beside this one; `textsFor` picks it.
 */
import type { CalendarDate } from '../../invoicing/types.ts';

export interface DocumentTexts {
  invoiceTitle: string;
  creditNoteTitle: string;
  invoiceNumber: string;
  creditNoteNumber: string;
  creditsInvoice: string;
  invoiceDate: string;
  creditNoteDate: string;
  deliveryDate: string;
  dueDate: string;
  kid: string;
  accountNumber: string;
  organisationNumber: string;
  customerReference: string;
  referenceNo: string;
  email: string;
  /** Heading of one order's lines on a combined invoice. */
  orderHeading: (reference: string, date: string) => string;
  description: string;
  quantity: string;
  unitPrice: string;
  discount: string;
  vatRate: string;
  amount: string;
  /** Printed instead of the stored description of the fee line, so it is in the customer's language. */
  invoiceFee: string;
  /** Says that prices and amounts include VAT (the order's prices are VAT-inclusive, SPEC §5). */
  amountsIncludeVat: string;
  vatSummary: string;
  /** The VAT rate column of the VAT summary. */
  rate: string;
  net: string;
  vat: string;
  gross: string;
  totalVat: string;
  totalToPay: string;
  totalCredited: string;
  paymentInformation: string;
  creditNoteNoPayment: string;
  page: (page: number, pages: number) => string;
  formatAmount: (ore: number) => string;
  formatMoney: (ore: number) => string;
  formatDate: (date: CalendarDate) => string;
  formatQuantity: (quantity: string) => string;
  formatRate: (rate: string) => string;
}

/** Non-breaking space: keeps "kr 1 234,50" and "25 %" on one line. */
export const NBSP = '\u00a0';

/** øre → "1 234,50" with the given separators; negative amounts get a leading minus. */
export function groupedAmount(ore: number, thousands: string, decimal: string): string {
  const sign = ore < 0 ? '-' : '';
  const abs = Math.abs(ore);
  const kroner = Math.floor(abs / 100).toString();
  const oreDigits = (abs % 100).toString().padStart(2, '0');
  const grouped = kroner.replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
  return `${sign}${grouped}${decimal}${oreDigits}`;
}

/** "YYYY-MM-DD" → "DD<sep>MM<sep>YYYY". */
export function dayMonthYear(date: CalendarDate, separator: string): string {
  const [year, month, day] = date.split('-');
  return `${day}${separator}${month}${separator}${year}`;
}

/** A decimal string with a comma as the decimal mark ("2.5" → "2,5"). */
export const withDecimalComma = (decimal: string): string => decimal.replace('.', ',');
