/**
 * Payments for operators (SPEC §7), under /api/v1/admin (admin token only):
 * `POST /payments/import` takes a bank file (OCR giro or camt.054) as the raw body; `GET /payments` lists
 * payments (`?unmatched=1`: those waiting for a person); `POST /payments/{id}/match` matches one by hand.
 * The CLI's `efaktura payments …` calls the same use cases.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import { ApiError, validationError } from '../../app/errors.ts';
import { importPaymentFile } from '../../app/payments/import-payments.ts';
import { bufferSource } from '../../app/payments/read-payment-file.ts';
import { listPaymentViews, matchPaymentByHand } from '../../app/payments/payments.ts';
import { envelopeSchema, errorSchema } from '../openapi.ts';

const FILE_TYPES = ['application/octet-stream', 'text/plain', 'application/xml', 'text/xml'];
const ID = /^[1-9]\d{0,15}$/;

export function registerAdminPayments(admin: FastifyInstance, ctx: RouteContext): void {
  // Its own scope: the raw-body parsers and the larger body limit apply to the import only.
  void admin.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(FILE_TYPES, { parseAs: 'buffer', bodyLimit: ctx.config.importBodyLimitBytes }, (_request, body, done) => done(null, body));
    scope.addContentTypeParser('*', (_request, _payload, done) => {
      done(new ApiError('unsupportedMediaType', { errors: [`Send the bank file as the body with Content-Type ${FILE_TYPES.join(', ')}.`] }), undefined);
    });
    scope.post(
      '/payments/import',
      {
        bodyLimit: ctx.config.importBodyLimitBytes,
        schema: {
          summary: 'Import a bank file (OCR giro or camt.054)',
          description:
            'The file is the request body (application/octet-stream, text/plain or application/xml); the format is detected from the content. ' +
            'The file is checked whole first: a bad record, end totals that do not match, an account of no merchant — 422 paymentFileRefused ' +
            'with the line or element and the reason, and nothing is stored. Importing a file again, or a transaction again, changes nothing ' +
            '(counted as duplicates). Largest body: EFAKTURA_IMPORT_BODY_LIMIT.',
          tags: ['admin'],
          security: [{ bearerAuth: [] }],
          body: {
            content: Object.fromEntries(FILE_TYPES.map((type) => [type, { schema: { type: 'string', format: 'binary', description: 'the bank file, as the bank delivered it' } }])),
          },
          response: {
            200: envelopeSchema({ type: 'object' }, 'paymentsImported'),
            401: errorSchema('unauthenticated'),
            413: errorSchema('payloadTooLarge'),
            415: errorSchema('unsupportedMediaType'),
            422: errorSchema('paymentFileRefused'),
          },
        },
      },
      async (request) => {
        const body = request.body;
        if (!Buffer.isBuffer(body)) throw new ApiError('paymentFileRefused', { errors: ['The payment file was refused, nothing was imported: the file is empty'] });
        const summary = await importPaymentFile(ctx.db, bufferSource(body), { name: null, maxXmlBytes: ctx.config.importBodyLimitBytes });
        ctx.wakeWorker?.();
        return success(200, 'paymentsImported', summary);
      },
    );
  });

  admin.get<{ Querystring: { unmatched?: string; merchant?: string; limit?: string } }>(
    '/payments',
    {
      schema: {
        summary: 'List payments, newest first',
        description: '`unmatched=1`: only the payments whose KID found no invoice, waiting to be matched by hand.',
        tags: ['admin'],
        security: [{ bearerAuth: [] }],
        querystring: {
          type: 'object',
          properties: {
            unmatched: { type: 'string', enum: ['0', '1', 'true', 'false'] },
            merchant: { type: 'string', pattern: '^[1-9][0-9]*$' },
            limit: { type: 'string', pattern: '^[0-9]+$' },
          },
        },
        response: { 200: envelopeSchema({ type: 'array' }, 'paymentsRetrievedSuccessfully'), 417: errorSchema('payloadValidationErrors') },
      },
    },
    async (request) => {
      const q = request.query;
      const problems: Record<string, string[]> = {};
      if (q.unmatched !== undefined && !['0', '1', 'true', 'false'].includes(q.unmatched)) problems.unmatched = ['The unmatched must be 1 or 0.'];
      if (q.merchant !== undefined && !ID.test(q.merchant)) problems.merchant = ['The merchant must be a merchant id.'];
      if (q.limit !== undefined && !(/^\d{1,4}$/.test(q.limit) && Number(q.limit) >= 1 && Number(q.limit) <= 1000)) problems.limit = ['The limit must be between 1 and 1000.'];
      if (Object.keys(problems).length > 0) throw validationError(Object.values(problems).flat(), problems);
      const data = await listPaymentViews(ctx.db, {
        unmatched: q.unmatched === '1' || q.unmatched === 'true',
        merchantId: q.merchant === undefined ? undefined : Number(q.merchant),
        limit: q.limit === undefined ? 100 : Number(q.limit),
      });
      return success(200, 'paymentsRetrievedSuccessfully', data);
    },
  );

  admin.post<{ Params: { id: string } }>(
    '/payments/:id/match',
    {
      schema: {
        summary: 'Match an unmatched payment to an invoice by hand',
        tags: ['admin'],
        security: [{ bearerAuth: [] }],
        params: { type: 'object', properties: { id: { type: 'string', pattern: '^[1-9][0-9]*$' } }, required: ['id'] },
        body: {
          type: 'object',
          properties: {
            invoiceNumber: { type: 'integer', minimum: 1 },
            merchantId: { type: 'integer', minimum: 1, description: 'when given, must be the payment\'s merchant' },
          },
          required: ['invoiceNumber'],
        },
        response: {
          200: envelopeSchema({ type: 'object' }, 'paymentMatched'),
          404: errorSchema('paymentNotFound'),
          409: errorSchema('paymentNotMatchable'),
          417: errorSchema('payloadValidationErrors'),
        },
      },
    },
    async (request) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const problems: Record<string, string[]> = {};
      if (typeof body !== 'object' || Array.isArray(body)) problems[''] = ['The request body must be a JSON object.'];
      for (const key of Object.keys(body)) if (key !== 'invoiceNumber' && key !== 'merchantId') (problems[key] ??= []).push(`${key} is not a field of a match.`);
      const positive = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
      if (!positive(body.invoiceNumber)) problems.invoiceNumber = ['The invoice number must be a positive whole number.'];
      if (body.merchantId !== undefined && !positive(body.merchantId)) problems.merchantId = ['The merchant id must be a positive whole number.'];
      if (!ID.test(request.params.id)) problems.id = ['The payment id must be a positive whole number.'];
      if (Object.keys(problems).length > 0) throw validationError(Object.values(problems).flat(), problems);
      const result = await matchPaymentByHand(ctx.db, Number(request.params.id), body.invoiceNumber as number, body.merchantId as number | undefined);
      if (result.paidOrders > 0) ctx.wakeWorker?.();
      return success(200, 'paymentMatched', result);
    },
  );
}
