/**
 * Renders an invoice or credit note to PDF (SPEC §6.4) with pdfkit: no browser, selectable text, A4.
 * Deterministic: the same document gives the same bytes (the PDF's dates come from the issue date, its
 * file id is derived from them, fonts are subset the same way), so the stored SHA-256 can be reproduced.
 */
import PDFDocument from 'pdfkit';
import type { InvoiceDocument } from '../../../domain/documents/invoice-document.ts';
import { textsFor } from '../../../domain/documents/texts/index.ts';
import { documentFonts } from './fonts.ts';
import { drawFooters } from './footer.ts';
import { LEFT, PAGE, TOP } from './geometry.ts';
import { drawHeader } from './header.ts';
import { drawLinesTable } from './lines-table.ts';
import { PageFlow } from './page-flow.ts';
import { drawTotals } from './totals.ts';

function createDocument(document: InvoiceDocument, title: string): PDFKit.PDFDocument {
  // Noon UTC of the issue date: the same calendar day in Oslo, whatever the server's time zone.
  const issued = new Date(`${document.issueDate}T12:00:00Z`);
  const doc = new PDFDocument({
    size: [PAGE.width, PAGE.height],
    margins: { top: TOP, bottom: 0, left: LEFT, right: LEFT },
    bufferPages: true,
    lang: document.language === 'no' ? 'nb' : document.language,
    displayTitle: true,
    info: {
      Title: title,
      Author: document.seller.legalName,
      Creator: 'efaktura',
      Producer: 'efaktura',
      CreationDate: issued,
      ModDate: issued,
    },
  });
  const fonts = documentFonts();
  // pdfkit accepts a parsed fontkit font (it checks for `layout`); its typings only list paths and buffers.
  doc.registerFont('regular', fonts.regular as unknown as Buffer);
  doc.registerFont('bold', fonts.bold as unknown as Buffer);
  return doc;
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

export function renderInvoicePdf(document: InvoiceDocument): Promise<Buffer> {
  const texts = textsFor(document.language);
  const title = `${document.kind === 'invoice' ? texts.invoiceTitle : texts.creditNoteTitle} ${document.number}`;
  const doc = createDocument(document, title);
  const done = collect(doc);
  const flow = new PageFlow(doc, drawHeader(doc, document, texts));
  drawLinesTable(doc, flow, document, texts);
  drawTotals(doc, flow, document, texts);
  drawFooters(doc, document, texts);
  doc.end();
  return done;
}
