/**
 * EHF 3.0 = Peppol BIS Billing 3.0 UBL (SPEC §6.4): `Invoice` for an invoice, `CreditNote` for a credit
 * note, built with xmlbuilder2 from the same render model as the PDF. Element order follows the UBL 2.1
 * schema. The private/business buyer convention is in `ehf-parties.ts`, the arithmetic in `ehf-amounts.ts`.
 */
import { allLines, type InvoiceDocument } from '../../../domain/documents/invoice-document.ts';
import { textsFor } from '../../../domain/documents/texts/index.ts';
import type { DocumentLine } from '../../../domain/invoicing/types.ts';
import { ehfAmount, ehfLineAmounts } from './ehf-amounts.ts';
import { customerParty, supplierParty } from './ehf-parties.ts';
import { taxCategoryOf, writeTaxCategory } from './tax-category.ts';
import { cac, cbc, ublRoot, type XmlNode } from './ubl-xml.ts';

const CUSTOMIZATION_ID = 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0';
const PROFILE_ID = 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0';
const COMMERCIAL_INVOICE = '380';
const CREDIT_NOTE = '381';
/** UNCL4461 30: credit transfer, the Norwegian bank giro paid with a KID. */
const CREDIT_TRANSFER = '30';
/** UNECE Rec 20 C62: "one", a unit-less count (quantities may be fractional, e.g. hours). */
const UNIT_CODE = 'C62';
/** UNCL5189 95: discount. */
const DISCOUNT_REASON = '95';

export interface EhfOptions {
  /** The PDF of the same document, embedded as an attachment so the EHF alone shows what the customer saw. */
  pdf?: Buffer;
}

const money = (parent: XmlNode, name: string, ore: number): XmlNode => cbc(parent, name, ehfAmount(ore), { currencyID: 'NOK' });

function header(root: XmlNode, document: InvoiceDocument, options: EhfOptions): void {
  const isInvoice = document.kind === 'invoice';
  cbc(root, 'CustomizationID', CUSTOMIZATION_ID);
  cbc(root, 'ProfileID', PROFILE_ID);
  cbc(root, 'ID', String(document.number));
  cbc(root, 'IssueDate', document.issueDate);
  if (isInvoice && document.dueDate) cbc(root, 'DueDate', document.dueDate);
  cbc(root, isInvoice ? 'InvoiceTypeCode' : 'CreditNoteTypeCode', isInvoice ? COMMERCIAL_INVOICE : CREDIT_NOTE);
  cbc(root, 'DocumentCurrencyCode', document.currency);
  // PEPPOL-EN16931-R003 wants a buyer reference or an order reference: the customer's own reference when
  // given, else the merchant's order reference, else the document number (always present).
  const { customerReference, referenceNo } = document.references;
  cbc(root, 'BuyerReference', customerReference ?? referenceNo ?? String(document.number));
  if (document.creditsInvoiceNumber !== null) {
    cbc(cac(cac(root, 'BillingReference'), 'InvoiceDocumentReference'), 'ID', String(document.creditsInvoiceNumber));
  }
  if (options.pdf) {
    const texts = textsFor(document.language);
    const title = isInvoice ? texts.invoiceTitle : texts.creditNoteTitle;
    const reference = cac(root, 'AdditionalDocumentReference');
    cbc(reference, 'ID', String(document.number));
    cbc(reference, 'DocumentDescription', `${title} ${document.number}`);
    cbc(cac(reference, 'Attachment'), 'EmbeddedDocumentBinaryObject', options.pdf.toString('base64'), {
      mimeCode: 'application/pdf',
      filename: `${title}-${document.number}.pdf`.replace(/\s+/g, '-'),
    });
  }
}

function paymentMeans(root: XmlNode, document: InvoiceDocument): void {
  if (document.kind !== 'invoice') return; // a credit note asks for no payment
  const means = cac(root, 'PaymentMeans');
  cbc(means, 'PaymentMeansCode', CREDIT_TRANSFER);
  if (document.kid) cbc(means, 'PaymentID', document.kid);
  cbc(cac(means, 'PayeeFinancialAccount'), 'ID', document.seller.accountNumber);
}

function taxTotal(root: XmlNode, document: InvoiceDocument): void {
  const total = cac(root, 'TaxTotal');
  money(total, 'TaxAmount', document.vatSummary.reduce((sum, rate) => sum + rate.vatOre, 0));
  for (const rate of document.vatSummary) {
    const subtotal = cac(total, 'TaxSubtotal');
    money(subtotal, 'TaxableAmount', rate.netOre);
    money(subtotal, 'TaxAmount', rate.vatOre);
    writeTaxCategory(subtotal, 'TaxCategory', taxCategoryOf(rate.rate, document.seller.vatRegistered));
  }
}

function monetaryTotal(root: XmlNode, document: InvoiceDocument): void {
  const net = document.vatSummary.reduce((sum, rate) => sum + rate.netOre, 0);
  const total = cac(root, 'LegalMonetaryTotal');
  money(total, 'LineExtensionAmount', net);
  money(total, 'TaxExclusiveAmount', net);
  money(total, 'TaxInclusiveAmount', document.totalOre);
  money(total, 'PayableAmount', document.totalOre);
}

function documentLine(root: XmlNode, document: InvoiceDocument, line: DocumentLine, id: number): void {
  const isInvoice = document.kind === 'invoice';
  const texts = textsFor(document.language);
  const amounts = ehfLineAmounts(line);
  const node = cac(root, isInvoice ? 'InvoiceLine' : 'CreditNoteLine');
  cbc(node, 'ID', String(id));
  cbc(node, isInvoice ? 'InvoicedQuantity' : 'CreditedQuantity', line.quantity, { unitCode: UNIT_CODE });
  money(node, 'LineExtensionAmount', amounts.netOre);
  if (line.orderUuid) cbc(cac(node, 'OrderLineReference'), 'LineID', line.orderUuid);
  if (amounts.allowanceNetOre !== 0) {
    const allowance = cac(node, 'AllowanceCharge');
    cbc(allowance, 'ChargeIndicator', 'false');
    cbc(allowance, 'AllowanceChargeReasonCode', DISCOUNT_REASON);
    cbc(allowance, 'AllowanceChargeReason', texts.discount);
    money(allowance, 'Amount', amounts.allowanceNetOre);
  }
  const item = cac(node, 'Item');
  cbc(item, 'Name', line.kind === 'fee' ? texts.invoiceFee : line.description);
  if (line.productId) cbc(cac(item, 'SellersItemIdentification'), 'ID', line.productId);
  writeTaxCategory(item, 'ClassifiedTaxCategory', taxCategoryOf(line.vatRate, document.seller.vatRegistered));
  cbc(cac(node, 'Price'), 'PriceAmount', amounts.netPrice, { currencyID: 'NOK' });
}

/** The EHF of an invoice or credit note, as UTF-8 XML text. */
export function buildEhf(document: InvoiceDocument, options: EhfOptions = {}): string {
  const { document: xml, root } = ublRoot(document.kind === 'invoice' ? 'Invoice' : 'CreditNote');
  header(root, document, options);
  supplierParty(root, document.seller);
  customerParty(root, document.buyer, document.seller);
  cbc(cac(root, 'Delivery'), 'ActualDeliveryDate', document.deliveryDate);
  paymentMeans(root, document);
  taxTotal(root, document);
  monetaryTotal(root, document);
  allLines(document).forEach((line, i) => documentLine(root, document, line, i + 1));
  return xml.end({ prettyPrint: true });
}
