/**
 * The vertical cursor of a document that may run over several pages: a section asks for the height it
 * needs, and gets a fresh page (with the lines table's header repeated, when a table is open) if it does
 * not fit above the footer.
 */
import { CONTENT_BOTTOM, TOP } from './geometry.ts';

export class PageFlow {
  y: number;
  /** Drawn at the top of every continuation page while a table is open; returns the y below it. */
  repeatHeader: ((y: number) => number) | null = null;
  readonly #doc: PDFKit.PDFDocument;

  constructor(doc: PDFKit.PDFDocument, y: number) {
    this.#doc = doc;
    this.y = y;
  }

  /** Makes room for `height` points at the cursor, turning the page when it does not fit. */
  reserve(height: number): void {
    if (this.y + height <= CONTENT_BOTTOM) return;
    this.#doc.addPage();
    this.y = TOP;
    if (this.repeatHeader) this.y = this.repeatHeader(this.y);
  }
}
