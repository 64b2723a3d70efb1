/**
 * Rendering an issued document's files (SPEC §6.4): the PDF in the customer's language and the EHF, from
 * the document as issued. Rendering is the slow part of a run, so it is its own job, queued in the
 * transaction that issues the document and done after that commit; delivery waits for the files.
 */
import type { IssuedDocument } from '../../domain/invoicing/issued.ts';
import type { DunningPdfRenderer } from '../dunning/render-dunning-document.ts';
import type { Db, Queryable } from '../../store/db/db.ts';
import { findInvoiceById, storeInvoiceDocument } from '../../store/invoices.ts';
import { enqueueJob } from '../../store/jobs.ts';
import { queueDelivery } from '../delivery/deliver-document.ts';

export const RENDER_JOB = 'render-documents';

/** The renderers the composition root plugs in (adapters/documents). */
export interface DocumentRenderers {
  pdf(document: IssuedDocument): Buffer | Promise<Buffer>;
  ehf(document: IssuedDocument): Buffer | Promise<Buffer>;
  /** A reminder's or debt-collection notice's PDF (SPEC §7); without it no dunning documents are rendered. */
  dunningPdf?: DunningPdfRenderer;
}

/** Queues the render of a document just issued, in the issuing transaction (once per document). */
export async function queueDocumentRender(tx: Queryable, invoiceId: number): Promise<void> {
  await enqueueJob(tx, { kind: RENDER_JOB, key: String(invoiceId), payload: { invoiceId } });
}

/**
 * Renders both files and stores them, with `complete(tx)` (the job's fenced completion, which throws when
 * the lease was lost) in the same transaction. Files already stored are kept as they are: what the
 * customer received never changes. The document's delivery is queued in that transaction too, so it
 * starts exactly when the files exist (SPEC §6.5).
 */
export async function renderDocuments(
  db: Db,
  renderers: DocumentRenderers,
  invoiceId: number,
  complete: (tx: Queryable) => Promise<void> = async () => {},
): Promise<void> {
  const invoice = await findInvoiceById(db, invoiceId);
  if (invoice === null) throw new Error(`Document ${invoiceId} does not exist.`);
  const [pdf, ehf] = await Promise.all([renderers.pdf(invoice.content), renderers.ehf(invoice.content)]);
  await db.transaction(async (tx) => {
    await complete(tx);
    await storeInvoiceDocument(tx, invoiceId, 'pdf', pdf);
    await storeInvoiceDocument(tx, invoiceId, 'ehf', ehf);
    await queueDelivery(tx, invoiceId);
  });
}
