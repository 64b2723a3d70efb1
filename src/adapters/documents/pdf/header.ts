/**
 * The top of the first page: the seller (left), the title and the document's facts (right), and the
 * buyer's address in the envelope window.
 */
import type { InvoiceDocument } from '../../../domain/documents/invoice-document.ts';
import type { DocumentTexts } from '../../../domain/documents/texts/index.ts';
import { ADDRESS_WINDOW, FONT_SIZE, GRAY, INFO_COLUMN, LEFT, TOP } from './geometry.ts';
import { formatAccountNumber, formatOrganisationNumber } from './party-format.ts';

/** The seller's org number line: "Org.nr. 123 456 785 MVA" (bokføringsforskriften §5-1-1 nr. 2). */
export function sellerOrganisationLine(document: Pick<InvoiceDocument, 'seller'>, texts: DocumentTexts): string {
  const { seller } = document;
  const mva = seller.vatRegistered ? ' MVA' : '';
  return `${texts.organisationNumber} ${formatOrganisationNumber(seller.organisationNumber)}${mva}`;
}

function addressLines(address: { street: string; zip: string; city: string; country: string }): string[] {
  const lines = [address.street, `${address.zip} ${address.city}`];
  // A Norwegian letter to a Norwegian address carries no country line (Posten's addressing rules).
  if (address.country !== 'NO') lines.push(address.country);
  return lines;
}

/** The seller's name and details, top left (also on reminders). */
export function drawSeller(doc: PDFKit.PDFDocument, document: Pick<InvoiceDocument, 'seller'>, texts: DocumentTexts): void {
  const { seller } = document;
  doc.font('bold').fontSize(FONT_SIZE.sellerName).fillColor('black');
  doc.text(seller.legalName, LEFT, TOP, { width: INFO_COLUMN.x - LEFT - 20 });
  doc.font('regular').fontSize(FONT_SIZE.body).fillColor(GRAY);
  const lines = [...addressLines(seller.address), sellerOrganisationLine(document, texts)];
  if (seller.inForetaksregisteret) lines.push('Foretaksregisteret');
  lines.push(seller.email);
  doc.text(lines.join('\n'), { width: INFO_COLUMN.x - LEFT - 20 });
}

/** The buyer's address in the envelope window (also on reminders). */
export function drawBuyer(doc: PDFKit.PDFDocument, document: Pick<InvoiceDocument, 'buyer'>, texts: DocumentTexts): void {
  const { buyer } = document;
  doc.font('bold').fontSize(10).fillColor('black');
  doc.text(buyer.name, ADDRESS_WINDOW.x, ADDRESS_WINDOW.y, { width: ADDRESS_WINDOW.width });
  doc.font('regular').fontSize(10);
  const lines = addressLines(buyer.address);
  if (buyer.organisationNumber) lines.push(`${texts.organisationNumber} ${formatOrganisationNumber(buyer.organisationNumber)}`);
  doc.text(lines.join('\n'), { width: ADDRESS_WINDOW.width });
}

/** The facts box: label on the left, value on the right, one row each. Returns the y below it. */
function drawFacts(doc: PDFKit.PDFDocument, document: InvoiceDocument, texts: DocumentTexts): number {
  const isInvoice = document.kind === 'invoice';
  doc.font('bold').fontSize(FONT_SIZE.title).fillColor('black');
  doc.text(isInvoice ? texts.invoiceTitle : texts.creditNoteTitle, INFO_COLUMN.x, TOP - 4, {
    width: INFO_COLUMN.width,
    align: 'right',
  });
  const rows: [string, string][] = [[isInvoice ? texts.invoiceNumber : texts.creditNoteNumber, String(document.number)]];
  if (document.creditsInvoiceNumber !== null) rows.push([texts.creditsInvoice, String(document.creditsInvoiceNumber)]);
  rows.push([isInvoice ? texts.invoiceDate : texts.creditNoteDate, texts.formatDate(document.issueDate)]);
  rows.push([texts.deliveryDate, texts.formatDate(document.deliveryDate)]);
  if (document.dueDate) rows.push([texts.dueDate, texts.formatDate(document.dueDate)]);
  if (isInvoice && document.kid) rows.push([texts.kid, document.kid]);
  if (isInvoice) rows.push([texts.accountNumber, formatAccountNumber(document.seller.accountNumber)]);
  if (document.references.customerReference) rows.push([texts.customerReference, document.references.customerReference]);
  if (document.references.referenceNo) rows.push([texts.referenceNo, document.references.referenceNo]);

  let y = TOP + 32;
  const labelWidth = INFO_COLUMN.width * 0.55;
  for (const [label, value] of rows) {
    doc.font('regular').fontSize(FONT_SIZE.body).fillColor(GRAY);
    doc.text(label, INFO_COLUMN.x, y, { width: labelWidth - 4 });
    const labelBottom = doc.y;
    doc.font('bold').fillColor('black');
    doc.text(value, INFO_COLUMN.x + labelWidth, y, { width: INFO_COLUMN.width - labelWidth, align: 'right' });
    y = Math.max(labelBottom, doc.y) + 3;
  }
  return y;
}

/** Draws the first page's header; returns the y where the lines table may start. */
export function drawHeader(doc: PDFKit.PDFDocument, document: InvoiceDocument, texts: DocumentTexts): number {
  drawSeller(doc, document, texts);
  const sellerBottom = doc.y;
  drawBuyer(doc, document, texts);
  const buyerBottom = doc.y;
  const factsBottom = drawFacts(doc, document, texts);
  return Math.max(sellerBottom, buyerBottom, factsBottom, ADDRESS_WINDOW.y + 100) + 24;
}
