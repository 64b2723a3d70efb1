/**
 * Below the lines: net, VAT and gross per VAT rate (bokføringsforskriften §5-1-1 nr. 6), the total, and the
 * payment box with account number, KID, due date and amount, or for a credit note the invoice it credits
 * and that nothing is to be paid.
 */
import type { InvoiceDocument } from '../../../domain/documents/invoice-document.ts';
import type { DocumentTexts } from '../../../domain/documents/texts/index.ts';
import { CONTENT_WIDTH, FONT_SIZE, GRAY, LEFT, RIGHT, RULE_GRAY, SHADE } from './geometry.ts';
import type { PageFlow } from './page-flow.ts';
import { formatAccountNumber } from './party-format.ts';

const SUMMARY_X = 300;
const SUMMARY_COLUMNS = 4;
const SUMMARY_COLUMN_WIDTH = (RIGHT - SUMMARY_X) / SUMMARY_COLUMNS;
const ROW = 14;

function summaryRow(doc: PDFKit.PDFDocument, y: number, cells: string[]): void {
  cells.forEach((cell, i) => {
    doc.text(cell, SUMMARY_X + i * SUMMARY_COLUMN_WIDTH, y, { width: SUMMARY_COLUMN_WIDTH - 4, align: 'right' });
  });
}

function drawVatSummary(doc: PDFKit.PDFDocument, flow: PageFlow, document: InvoiceDocument, texts: DocumentTexts): void {
  const rows = document.vatSummary.length;
  flow.reserve((rows + 3) * ROW + 40);
  let y = flow.y;
  doc.font('bold').fontSize(FONT_SIZE.body).fillColor('black');
  summaryRow(doc, y, [texts.rate, texts.net, texts.vat, texts.gross]);
  y += ROW;
  doc.moveTo(SUMMARY_X, y - 2).lineTo(RIGHT, y - 2).lineWidth(0.4).strokeColor(RULE_GRAY).stroke();
  doc.font('regular');
  for (const rate of document.vatSummary) {
    summaryRow(doc, y + 2, [texts.formatRate(rate.rate), texts.formatAmount(rate.netOre), texts.formatAmount(rate.vatOre), texts.formatAmount(rate.grossOre)]);
    y += ROW;
  }
  const totalVat = document.vatSummary.reduce((sum, rate) => sum + rate.vatOre, 0);
  doc.font('regular').fillColor(GRAY);
  summaryRow(doc, y + 2, ['', texts.totalVat, texts.formatAmount(totalVat), '']);
  y += ROW + 8;
  doc.moveTo(SUMMARY_X, y).lineTo(RIGHT, y).lineWidth(1).strokeColor('black').stroke();
  doc.font('bold').fontSize(FONT_SIZE.total).fillColor('black');
  const totalLabel = document.kind === 'invoice' ? texts.totalToPay : texts.totalCredited;
  doc.text(totalLabel, SUMMARY_X, y + 6, { width: SUMMARY_COLUMN_WIDTH * 2 });
  doc.text(texts.formatMoney(document.totalOre), SUMMARY_X + SUMMARY_COLUMN_WIDTH * 2, y + 6, {
    width: SUMMARY_COLUMN_WIDTH * 2 - 4,
    align: 'right',
  });
  flow.y = doc.y + 20;
}

function drawBoxField(doc: PDFKit.PDFDocument, x: number, y: number, width: number, label: string, value: string): void {
  doc.font('regular').fontSize(FONT_SIZE.small).fillColor(GRAY).text(label, x, y, { width });
  doc.font('bold').fontSize(11).fillColor('black').text(value, x, y + 11, { width });
}

/**
 * The payment box's four fields in a row: account number, KID, due date, amount. The KID is the longest value
 * (up to 25 digits) and must never wrap (a customer types it): it gets the widest field.
 */
export function drawPaymentFields(doc: PDFKit.PDFDocument, y: number, fields: readonly [string, string][]): void {
  const widths = [0.22, 0.34, 0.18, 0.26].map((share) => share * (CONTENT_WIDTH - 20));
  let x = LEFT + 10;
  fields.forEach(([label, value], i) => {
    drawBoxField(doc, x, y, widths[i]! - 6, label, value);
    x += widths[i]!;
  });
}

function drawPaymentBox(doc: PDFKit.PDFDocument, flow: PageFlow, document: InvoiceDocument, texts: DocumentTexts): void {
  const height = 62;
  flow.reserve(height + 10);
  const y = flow.y;
  doc.rect(LEFT, y, CONTENT_WIDTH, height).fillAndStroke(SHADE, RULE_GRAY);
  doc.font('bold').fontSize(FONT_SIZE.body).fillColor('black').text(texts.paymentInformation, LEFT + 10, y + 8);
  if (document.kind === 'invoice') {
    const fields: [string, string][] = [
      [texts.accountNumber, formatAccountNumber(document.seller.accountNumber)],
      [texts.kid, document.kid ?? ''],
      [texts.dueDate, document.dueDate ? texts.formatDate(document.dueDate) : ''],
      [texts.totalToPay, texts.formatMoney(document.totalOre)],
    ];
    drawPaymentFields(doc, y + 26, fields);
  } else {
    doc.font('regular').fontSize(FONT_SIZE.body).fillColor('black');
    const credits = document.creditsInvoiceNumber === null ? '' : `${texts.creditsInvoice} ${document.creditsInvoiceNumber}. `;
    doc.text(`${credits}${texts.creditNoteNoPayment}`, LEFT + 10, y + 28, { width: CONTENT_WIDTH - 20 });
  }
  flow.y = y + height + 10;
}

export function drawTotals(doc: PDFKit.PDFDocument, flow: PageFlow, document: InvoiceDocument, texts: DocumentTexts): void {
  drawVatSummary(doc, flow, document, texts);
  drawPaymentBox(doc, flow, document, texts);
}
