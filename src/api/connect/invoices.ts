/**
 * Invoices and credit notes for the merchant (SPEC §6.4): list, one document's JSON, its PDF and its EHF.
 * Another merchant's document answers exactly like a missing one (404). Files are rendered by a job right
 * after the document is issued; asked for before that, the answer is 409 documentNotReadyYet with Retry-After.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import { ApiError } from '../../app/errors.ts';
import { creditNoteView, invoiceView, settlement, type InvoiceStatus } from '../../app/invoicing/invoice-view.ts';
import { findInvoice, findInvoiceDocument, listInvoices, type InvoiceRow } from '../../store/invoices.ts';
import { envelopeSchema, errorSchema, withNextCursor } from '../openapi.ts';
import { validationError } from '../../app/errors.ts';
import { CREDIT_NOTE_SCHEMA, documentedOnly, INVOICE_SCHEMA } from '../read-schemas.ts';

const MAX_LIST = 100;
const NUMBER = /^[1-9]\d{0,14}$/;
const STATUSES: readonly InvoiceStatus[] = ['open', 'paid', 'credited'];

const numberParams = {
  type: 'object',
  properties: { number: { type: 'string', pattern: '^[1-9][0-9]{0,14}$', example: '10042' } },
  required: ['number'],
} as const;

type Kind = 'invoice' | 'credit_note';

const KINDS: ReadonlyArray<{ kind: Kind; path: string; name: string; view: (row: InvoiceRow) => Record<string, unknown>; schema: Record<string, unknown> }> = [
  { kind: 'invoice', path: '/invoices', name: 'invoice', view: invoiceView, schema: INVOICE_SCHEMA },
  { kind: 'credit_note', path: '/credit-notes', name: 'credit note', view: creditNoteView, schema: CREDIT_NOTE_SCHEMA },
];

export function registerInvoices(api: FastifyInstance, ctx: RouteContext): void {
  for (const { kind, path, name, view, schema } of KINDS) {
    const find = async (merchantId: number, raw: string): Promise<InvoiceRow> => {
      const row = NUMBER.test(raw) ? await findInvoice(ctx.db, merchantId, kind, Number(raw)) : null;
      if (row === null) throw new ApiError('invoiceNotFound', { errors: [`There is no ${name} number ${raw}.`] });
      return row;
    };

    api.get<{ Querystring: { status?: string; after?: string; limit?: string } }>(
      path,
      {
        schema: {
          summary: `List ${name}s, newest first`,
          description:
            `At most \`limit\` (default and maximum ${MAX_LIST}) ${name}s with a number below \`after\`` +
            (kind === 'invoice' ? '; `status` = open, paid or credited filters them.' : '.') +
            ' `next_cursor` is the `after` for the next page, or null at the end.',
          tags: ['invoices'],
          security: [{ bearerAuth: [] }],
          querystring: {
            type: 'object',
            properties: {
              ...(kind === 'invoice' ? { status: { type: 'string', enum: [...STATUSES] } } : {}),
              after: { type: 'string', pattern: '^[1-9][0-9]{0,14}$' },
              limit: { type: 'string', pattern: '^[0-9]+$' },
            },
          },
          response: { 200: withNextCursor(envelopeSchema({ type: 'array', items: schema }, `${name}sRetrievedSuccessfully`)), 417: errorSchema('payloadValidationErrors') },
        },
        serializerCompiler: documentedOnly,
      },
      async (request) => {
        const q = request.query;
        const problems: Record<string, string[]> = {};
        if (q.after !== undefined && !NUMBER.test(q.after)) problems.after = [`The after must be a ${name} number.`];
        if (q.limit !== undefined && !(/^\d{1,4}$/.test(q.limit) && Number(q.limit) >= 1 && Number(q.limit) <= MAX_LIST)) {
          problems.limit = [`The limit must be between 1 and ${MAX_LIST}.`];
        }
        if (q.status !== undefined && (kind !== 'invoice' || !STATUSES.includes(q.status as InvoiceStatus))) {
          problems.status = [`The selected status is invalid.`];
        }
        if (Object.keys(problems).length > 0) throw validationError(Object.values(problems).flat(), problems);
        const limit = q.limit === undefined ? MAX_LIST : Number(q.limit);
        const rows: InvoiceRow[] = [];
        let before = q.after === undefined ? null : Number(q.after);
        // A status filter on a derived status: read pages until `limit` match or the series ends.
        for (;;) {
          const page = await listInvoices(ctx.db, request.merchant!.id, kind, { beforeNumber: before, limit });
          for (const row of page) if (q.status === undefined || settlement(row).status === q.status) rows.push(row);
          if (page.length < limit || rows.length >= limit) break;
          before = page.at(-1)!.number;
        }
        const data = rows.slice(0, limit).map(view);
        const more = rows.length >= limit && data.length > 0;
        return { ...success(200, `${kind === 'invoice' ? 'invoices' : 'creditNotes'}RetrievedSuccessfully`, data), next_cursor: more ? String(rows[limit - 1]!.number) : null };
      },
    );

    api.get<{ Params: { number: string } }>(
      `${path}/:number`,
      {
        schema: {
          summary: `Get one ${name}`,
          tags: ['invoices'],
          security: [{ bearerAuth: [] }],
          params: numberParams,
          response: { 200: envelopeSchema(schema, `${kind === 'invoice' ? 'invoice' : 'creditNote'}RetrievedSuccessfully`), 404: errorSchema('invoiceNotFound') },
        },
        serializerCompiler: documentedOnly,
      },
      async (request) => {
        const row = await find(request.merchant!.id, request.params.number);
        return success(200, `${kind === 'invoice' ? 'invoice' : 'creditNote'}RetrievedSuccessfully`, view(row));
      },
    );

    for (const format of ['pdf', 'ehf'] as const) {
      api.get<{ Params: { number: string } }>(
        `${path}/:number/${format}`,
        {
          schema: {
            summary: format === 'pdf' ? `The ${name} as PDF, as the customer received it` : `The ${name} as EHF (Peppol BIS Billing 3.0 UBL)`,
            tags: ['invoices'],
            security: [{ bearerAuth: [] }],
            params: numberParams,
            response: { 404: errorSchema('invoiceNotFound'), 409: errorSchema('documentNotReadyYet') },
          },
        },
        async (request, reply: FastifyReply) => {
          const row = await find(request.merchant!.id, request.params.number);
          const file = await findInvoiceDocument(ctx.db, row.id, format);
          if (file === null) {
            throw new ApiError('documentNotReadyYet', {
              errors: [`The ${format.toUpperCase()} of ${name} ${row.number} is being rendered; retry in a moment.`],
              headers: { 'retry-after': '1' },
            });
          }
          const filename = `${kind === 'invoice' ? 'invoice' : 'credit-note'}-${row.number}.${format === 'pdf' ? 'pdf' : 'xml'}`;
          return reply
            .header('content-type', format === 'pdf' ? 'application/pdf' : 'application/xml; charset=utf-8')
            .header('content-disposition', `inline; filename="${filename}"`)
            .header('x-content-sha256', file.sha256.toString('hex'))
            .header('etag', `"${file.sha256.toString('hex')}"`)
            .send(file.content);
        },
      );
    }
  }
}
