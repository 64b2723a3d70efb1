/**
 * `GET /d/{token}` (issue #8 §6): a document's stored PDF for whoever holds the signed link — the bank
 * showing the eFaktura, the reader of the e-mail — without an API token. A changed, made-up or expired
 * token is 404 like any unknown address, so it tells nobody which documents exist.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from './context.ts';
import { ApiError } from '../app/errors.ts';
import { createDocumentLinks } from '../app/delivery/document-links.ts';

export function registerDocumentLinks(app: FastifyInstance, ctx: RouteContext): void {
  // The public URL only matters for making links, which this route never does.
  const links = createDocumentLinks(ctx.db, { publicUrl: '', days: ctx.config.documentLinkDays, clock: ctx.clock });
  app.get<{ Params: { token: string } }>(
    '/d/:token',
    {
      schema: {
        summary: 'A document as PDF, by its signed link',
        description: 'The link is in the eFaktura and in the e-mail; it expires after EFAKTURA_DOCUMENT_LINK_DAYS.',
        tags: ['documents'],
        params: { type: 'object', properties: { token: { type: 'string' } }, required: ['token'] },
      },
    },
    async (request, reply) => {
      const file = await links.pdfFor(request.params.token);
      if (file === null) throw new ApiError('notFound', { errors: ['There is no document at this link, or the link has expired.'] });
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `inline; filename="${file.filename}"`)
        .header('cache-control', 'private, no-store')
        .header('etag', `"${file.sha256.toString('hex')}"`)
        .send(file.content);
    },
  );
}
