/**
 * The document renderers the composition root plugs into the render job: the PDF (pdfkit) and the EHF
 * (Peppol BIS Billing 3.0 UBL), both from the document as issued.
 */
import type { DocumentRenderers } from '../../app/invoicing/render-documents.ts';
import { buildEhf } from './ehf/build-ehf.ts';
import { renderDunningPdf } from './pdf/render-dunning-pdf.ts';
import { renderInvoicePdf } from './pdf/render-invoice-pdf.ts';

export function createDocumentRenderers(): DocumentRenderers {
  return {
    pdf: (document) => renderInvoicePdf(document),
    ehf: (document) => Buffer.from(buildEhf(document), 'utf8'),
    dunningPdf: (document) => renderDunningPdf(document),
  };
}
