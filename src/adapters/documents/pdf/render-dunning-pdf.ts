/**
 * Renders a reminder or debt-collection notice (SPEC §7) to PDF with the invoice's building blocks: the
 * seller and the buyer's window address as on the invoice, a facts column, the letter's text, the claim
 * line by line, and the payment box with the same account number and KID. Deterministic like the invoice:
 * the PDF's dates are the step's date.
 */
import PDFDocument from 'pdfkit';
import type { DunningDocument } from '../../../domain/dunning/document.ts';
import { daysLate } from '../../../domain/dunning/interest.ts';
import { dunningTextsFor, type DunningTexts } from '../../../domain/dunning/texts.ts';
import { documentFonts } from './fonts.ts';
import { drawFooters } from './footer.ts';
import { ADDRESS_WINDOW, CONTENT_WIDTH, FONT_SIZE, GRAY, INFO_COLUMN, LEFT, PAGE, RIGHT, RULE_GRAY, SHADE, TOP } from './geometry.ts';
import { drawBuyer, drawSeller } from './header.ts';
import { formatAccountNumber } from './party-format.ts';
import { drawPaymentFields } from './totals.ts';

export function dunningTitle(document: DunningDocument, texts: DunningTexts = dunningTextsFor(document.language)): string {
  return document.kind === 'notice' ? texts.noticeTitle : texts.reminderTitle;
}

function facts(doc: PDFKit.PDFDocument, document: DunningDocument, texts: DunningTexts): number {
  const f = texts.base;
  doc.font('bold').fontSize(FONT_SIZE.title).fillColor('black');
  doc.text(dunningTitle(document, texts), INFO_COLUMN.x - 40, TOP - 4, { width: INFO_COLUMN.width + 40, align: 'right' });
  const rows: [string, string][] = [
    [texts.documentDate, f.formatDate(document.date)],
    [texts.invoiceNumber, String(document.invoiceNumber)],
    [texts.invoiceDate, f.formatDate(document.invoiceDate)],
    [texts.originalDueDate, f.formatDate(document.invoiceDueDate)],
  ];
  if (document.dueDate) rows.push([texts.newDueDate, f.formatDate(document.dueDate)]);
  if (document.kid) rows.push([f.kid, document.kid]);
  rows.push([f.accountNumber, formatAccountNumber(document.seller.accountNumber)]);
  let y = TOP + 32;
  const labelWidth = INFO_COLUMN.width * 0.55;
  for (const [label, value] of rows) {
    doc.font('regular').fontSize(FONT_SIZE.body).fillColor(GRAY).text(label, INFO_COLUMN.x, y, { width: labelWidth - 4 });
    const bottom = doc.y;
    doc.font('bold').fillColor('black').text(value, INFO_COLUMN.x + labelWidth, y, { width: INFO_COLUMN.width - labelWidth, align: 'right' });
    y = Math.max(bottom, doc.y) + 3;
  }
  return y;
}

function claimRows(document: DunningDocument, texts: DunningTexts): [string, number][] {
  const rows: [string, number][] = [[texts.invoiceAmount, document.invoiceTotalOre]];
  if (document.creditedOre > 0) rows.push([texts.credited, -document.creditedOre]);
  if (document.paidOre > 0) rows.push([texts.paid, -document.paidOre]);
  if (rows.length > 1) rows.push([texts.outstanding, document.outstandingOre]);
  for (const fee of document.fees) rows.push([fee.kind === 'notice' ? texts.noticeFee : texts.reminderFee, fee.feeOre]);
  const f = texts.base;
  // Only interest actually claimed is printed: a line "42 days … 0.00" (days with no rate in the table) reads
  // as a mistake to the customer, and the legal note under the total goes with it.
  const days = daysLate(document.interestFrom, document.interestTo);
  if (days > 0 && document.interestOre > 0) rows.push([texts.interest(f.formatDate(document.interestFrom), f.formatDate(document.interestTo), days), document.interestOre]);
  return rows;
}

export function renderDunningPdf(document: DunningDocument): Promise<Buffer> {
  const texts = dunningTextsFor(document.language);
  const f = texts.base;
  const dated = new Date(`${document.date}T12:00:00Z`);
  const doc = new PDFDocument({
    size: [PAGE.width, PAGE.height],
    margins: { top: TOP, bottom: 0, left: LEFT, right: LEFT },
    bufferPages: true,
    lang: document.language === 'no' ? 'nb' : 'en',
    displayTitle: true,
    info: {
      Title: `${dunningTitle(document, texts)} ${document.invoiceNumber}`,
      Author: document.seller.legalName, Creator: 'efaktura', Producer: 'efaktura', CreationDate: dated, ModDate: dated,
    },
  });
  const fonts = documentFonts();
  doc.registerFont('regular', fonts.regular as unknown as Buffer);
  doc.registerFont('bold', fonts.bold as unknown as Buffer);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  drawSeller(doc, document, f);
  const sellerBottom = doc.y;
  drawBuyer(doc, document, f);
  const buyerBottom = doc.y;
  let y = Math.max(sellerBottom, buyerBottom, facts(doc, document, texts), ADDRESS_WINDOW.y + 100) + 24;

  // The letter.
  const originalDue = f.formatDate(document.invoiceDueDate);
  const newDue = document.dueDate ? f.formatDate(document.dueDate) : '';
  const paragraphs = document.kind === 'notice'
    ? [texts.noticeIntro(document.invoiceNumber, originalDue), texts.noticeWarning(newDue), texts.alreadyPaid]
    : [texts.reminderIntro(document.invoiceNumber, originalDue), texts.reminderRequest(newDue), texts.alreadyPaid];
  doc.font('regular').fontSize(10).fillColor('black');
  for (const p of paragraphs) {
    doc.text(p, LEFT, y, { width: CONTENT_WIDTH });
    y = doc.y + 8;
  }

  // The claim.
  y += 8;
  const amountX = RIGHT - 110;
  for (const [label, ore] of claimRows(document, texts)) {
    doc.font('regular').fontSize(FONT_SIZE.body + 1).fillColor('black').text(label, LEFT, y, { width: amountX - LEFT - 8 });
    const bottom = doc.y;
    doc.text(f.formatAmount(ore), amountX, y, { width: RIGHT - amountX, align: 'right' });
    y = Math.max(bottom, doc.y) + 4;
    doc.moveTo(LEFT, y - 2).lineTo(RIGHT, y - 2).lineWidth(0.3).strokeColor(RULE_GRAY).stroke();
  }
  y += 6;
  doc.moveTo(LEFT, y).lineTo(RIGHT, y).lineWidth(1).strokeColor('black').stroke();
  doc.font('bold').fontSize(FONT_SIZE.total).text(texts.totalToPay, LEFT, y + 6, { width: CONTENT_WIDTH / 2 });
  doc.text(f.formatMoney(document.totalOre), amountX - 60, y + 6, { width: RIGHT - amountX + 60, align: 'right' });
  y = doc.y + 10;
  if (document.interestOre > 0) {
    doc.font('regular').fontSize(FONT_SIZE.small).fillColor(GRAY).text(texts.interestNote, LEFT, y, { width: CONTENT_WIDTH });
    y = doc.y + 20;
  } else y += 10;

  // The payment box: account, KID, due date, amount.
  const height = 62;
  doc.rect(LEFT, y, CONTENT_WIDTH, height).fillAndStroke(SHADE, RULE_GRAY);
  doc.font('bold').fontSize(FONT_SIZE.body).fillColor('black').text(f.paymentInformation, LEFT + 10, y + 8, { width: CONTENT_WIDTH - 20 });
  const fields: [string, string][] = [
    [f.accountNumber, formatAccountNumber(document.seller.accountNumber)],
    [f.kid, document.kid ?? '—'],
    [texts.newDueDate, newDue],
    [texts.totalToPay, f.formatMoney(document.totalOre)],
  ];
  drawPaymentFields(doc, y + 26, fields);

  drawFooters(doc, document, f);
  doc.end();
  return done;
}
