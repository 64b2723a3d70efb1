/**
 * Signed document links (issue #8 §6): `GET /d/{token}` serves a document's stored PDF to whoever holds
 * the link (the customer's bank, the e-mail's reader) without an API token, until it expires. A dunning
 * step's PDF (reminder, notice) has links of its own, `s<token>`, signed with a key derived for them.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { documentLinkKey, dunningStepLinkKey, signDocumentLink, verifyDocumentLink } from '../../domain/delivery/document-link.ts';
import type { Queryable } from '../../store/db/db.ts';
import { serverSecret } from '../../store/deliveries.ts';
import { findDunningDocument, findDunningStep } from '../../store/dunning.ts';
import { findInvoiceById, findInvoiceDocument } from '../../store/invoices.ts';

const DAY_MS = 86_400_000;

export interface DocumentLinks {
  /** The public URL of a document's PDF, valid for the configured number of days from now. */
  urlFor(documentId: number): Promise<string>;
  /** The public URL of a dunning step's PDF (a reminder, a notice), valid as long. */
  urlForStep(stepId: number): Promise<string>;
  /** The PDF a token grants, or null (forged, changed, expired, or no PDF). */
  pdfFor(token: string): Promise<{ content: Buffer; sha256: Buffer; filename: string } | null>;
}

export function createDocumentLinks(db: Queryable, o: { publicUrl: string; days: number; clock: Clock }): DocumentLinks {
  let key: Promise<Buffer> | null = null;
  const keyOnce = () => (key ??= serverSecret(db, 'document-link').then(documentLinkKey).catch((error) => {
    key = null;
    throw error;
  }));
  const base = o.publicUrl.replace(/\/+$/, '');
  return {
    async urlFor(documentId) {
      const token = signDocumentLink(await keyOnce(), documentId, new Date(o.clock.now().getTime() + o.days * DAY_MS));
      return `${base}/d/${token}`;
    },
    async urlForStep(stepId) {
      const token = signDocumentLink(dunningStepLinkKey(await keyOnce()), stepId, new Date(o.clock.now().getTime() + o.days * DAY_MS));
      return `${base}/d/s${token}`;
    },
    async pdfFor(token) {
      if (token.startsWith('s')) {
        const stepId = verifyDocumentLink(dunningStepLinkKey(await keyOnce()), token.slice(1), o.clock.now());
        if (stepId === null) return null;
        const [content, step] = await Promise.all([findDunningDocument(db, stepId), findDunningStep(db, stepId)]);
        if (content === null || step === null) return null;
        return { content, sha256: createHash('sha256').update(content).digest(), filename: `${step.content.invoiceNumber}-${step.kind}.pdf` };
      }
      const id = verifyDocumentLink(await keyOnce(), token, o.clock.now());
      if (id === null) return null;
      const [file, invoice] = await Promise.all([findInvoiceDocument(db, id, 'pdf'), findInvoiceById(db, id)]);
      if (file === null || invoice === null) return null;
      const name = invoice.kind === 'invoice' ? 'invoice' : 'credit-note';
      return { ...file, filename: `${name}-${invoice.number}.pdf` };
    },
  };
}
