/**
 * The footer of every page: the seller's legal details (so every page of a multi-page invoice names its
 * issuer) and "page n of m", written once all pages exist.
 */
import type { InvoiceDocument } from '../../../domain/documents/invoice-document.ts';
import type { DocumentTexts } from '../../../domain/documents/texts/index.ts';
import { CONTENT_WIDTH, FONT_SIZE, FOOTER_Y, GRAY, LEFT, RIGHT, RULE_GRAY } from './geometry.ts';
import { sellerOrganisationLine } from './header.ts';

const PAGE_NUMBER_WIDTH = 80;

export function drawFooters(doc: PDFKit.PDFDocument, document: Pick<InvoiceDocument, 'seller'>, texts: DocumentTexts): void {
  const { seller } = document;
  const place = `${seller.address.zip} ${seller.address.city}`.trim();
  const address = [seller.address.street.trim(), place].filter((part) => part !== '').join(', ');
  const parts = [seller.legalName, address, sellerOrganisationLine(document, texts)];
  if (seller.inForetaksregisteret) parts.push('Foretaksregisteret');
  parts.push(seller.email);
  // A part the merchant has not set (no e-mail, no address yet) is left out, not shown as an empty "·  ,  ·".
  const sellerLine = parts.filter((part) => part.trim() !== '').join('  ·  ');
  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    doc.moveTo(LEFT, FOOTER_Y - 6).lineTo(RIGHT, FOOTER_Y - 6).lineWidth(0.4).strokeColor(RULE_GRAY).stroke();
    doc.font('regular').fontSize(FONT_SIZE.small).fillColor(GRAY);
    doc.text(sellerLine, LEFT, FOOTER_Y, { width: CONTENT_WIDTH - PAGE_NUMBER_WIDTH, lineBreak: true });
    doc.text(texts.page(i + 1, range.count), RIGHT - PAGE_NUMBER_WIDTH, FOOTER_Y, { width: PAGE_NUMBER_WIDTH, align: 'right' });
  }
}
