/**
 * The lines table: description, quantity, unit price, discount, VAT rate and amount for each line
 * (bokføringsforskriften §5-1-1 nr. 3 and 5), a heading per order on a combined invoice, the fee line
 * last. The header row repeats at the top of every page the table runs onto.
 */
import type { InvoiceDocument } from '../../../domain/documents/invoice-document.ts';
import { isCombined } from '../../../domain/documents/invoice-document.ts';
import type { DocumentTexts } from '../../../domain/documents/texts/index.ts';
import type { DocumentLine } from '../../../domain/invoicing/types.ts';
import { CELL_PADDING, CONTENT_WIDTH, FONT_SIZE, GRAY, LEFT, LINE_COLUMNS, RIGHT, RULE_GRAY, SHADE, type Column } from './geometry.ts';
import type { PageFlow } from './page-flow.ts';

const ROW_GAP = 5;

function drawCells(doc: PDFKit.PDFDocument, y: number, cells: Record<Column['key'], string>): number {
  let bottom = y;
  for (const column of LINE_COLUMNS) {
    doc.text(cells[column.key], column.x + CELL_PADDING, y, { width: column.width - 2 * CELL_PADDING, align: column.align });
    bottom = Math.max(bottom, doc.y);
  }
  return bottom;
}

function drawTableHeader(doc: PDFKit.PDFDocument, texts: DocumentTexts, y: number): number {
  doc.font('bold').fontSize(FONT_SIZE.body).fillColor('black');
  const height = doc.currentLineHeight() + 2 * ROW_GAP;
  doc.rect(LEFT, y, CONTENT_WIDTH, height).fill(SHADE);
  doc.fillColor('black');
  drawCells(doc, y + ROW_GAP, {
    description: texts.description,
    quantity: texts.quantity,
    unitPrice: texts.unitPrice,
    discount: texts.discount,
    vatRate: texts.vatRate,
    amount: texts.amount,
  });
  return y + height + 2;
}

function lineCells(line: DocumentLine, texts: DocumentTexts): Record<Column['key'], string> {
  return {
    description: line.kind === 'fee' ? texts.invoiceFee : line.description,
    quantity: texts.formatQuantity(line.quantity),
    unitPrice: texts.formatAmount(line.unitPriceOre),
    discount: line.discountOre === 0 ? '' : texts.formatAmount(line.discountOre),
    vatRate: texts.formatRate(line.vatRate),
    amount: texts.formatAmount(line.amountOre),
  };
}

function drawLine(doc: PDFKit.PDFDocument, flow: PageFlow, line: DocumentLine, texts: DocumentTexts): void {
  doc.font('regular').fontSize(FONT_SIZE.body).fillColor('black');
  const cells = lineCells(line, texts);
  const descriptionColumn = LINE_COLUMNS[0]!;
  const height =
    doc.heightOfString(cells.description, { width: descriptionColumn.width - 2 * CELL_PADDING }) + 2 * ROW_GAP;
  flow.reserve(height);
  // Turning the page drew the bold table header: back to the body font.
  doc.font('regular').fontSize(FONT_SIZE.body).fillColor('black');
  const bottom = drawCells(doc, flow.y + ROW_GAP, cells);
  flow.y = Math.max(bottom + ROW_GAP, flow.y + height);
  doc.moveTo(LEFT, flow.y).lineTo(RIGHT, flow.y).lineWidth(0.4).strokeColor(RULE_GRAY).stroke();
}

function drawOrderHeading(doc: PDFKit.PDFDocument, flow: PageFlow, text: string): void {
  doc.font('bold').fontSize(FONT_SIZE.body).fillColor('black');
  const height = doc.heightOfString(text, { width: CONTENT_WIDTH - 2 * CELL_PADDING }) + 2 * ROW_GAP + 4;
  // A heading never stays alone at the bottom of a page: keep room for one line after it.
  flow.reserve(height + 22);
  doc.text(text, LEFT + CELL_PADDING, flow.y + ROW_GAP + 4, { width: CONTENT_WIDTH - 2 * CELL_PADDING });
  flow.y = doc.y + ROW_GAP;
}

export function drawLinesTable(doc: PDFKit.PDFDocument, flow: PageFlow, document: InvoiceDocument, texts: DocumentTexts): void {
  flow.reserve(60);
  flow.y = drawTableHeader(doc, texts, flow.y);
  flow.repeatHeader = (y) => drawTableHeader(doc, texts, y);
  const combined = isCombined(document);
  for (const group of document.groups) {
    if (combined) drawOrderHeading(doc, flow, texts.orderHeading(group.referenceNo ?? group.orderUuid, texts.formatDate(group.orderDate)));
    for (const line of group.lines) drawLine(doc, flow, line, texts);
  }
  if (document.feeLine) drawLine(doc, flow, document.feeLine, texts);
  flow.repeatHeader = null;
  doc.font('regular').fontSize(FONT_SIZE.small).fillColor(GRAY);
  flow.reserve(14);
  doc.text(texts.amountsIncludeVat, LEFT + CELL_PADDING, flow.y + 4, { width: CONTENT_WIDTH });
  flow.y = doc.y + 10;
}
