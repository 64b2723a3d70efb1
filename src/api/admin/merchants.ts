/**
 * GET|PATCH /api/v1/admin/merchants/{id} (SPEC §6.1): a merchant's invoice settings, for operators. A
 * PATCH changes only the fields it names; every one is checked first, and a refused change stores nothing.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import { ApiError } from '../../app/errors.ts';
import { validOrThrow } from '../validation/assert-valid.ts';
import { SETTING_FIELDS, getMerchantSettings, updateMerchantSettings } from '../../app/merchants/merchant-settings.ts';
import { envelopeSchema, errorSchema } from '../openapi.ts';

const idParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,15}$', example: '2' } },
  required: ['id'],
} as const;

const settingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    legalName: { type: 'string', example: 'Kari Hår AS' },
    orgNumber: { type: 'string', example: '923609016', description: '9 digits, MOD11' },
    accountNumber: { type: 'string', example: '15032080119', description: '11 digits, MOD11; required before anything is invoiced' },
    street: { type: 'string', example: 'Luramyrveien 65' },
    zip: { type: 'string', example: '4313' },
    city: { type: 'string', example: 'Sandnes' },
    vatRegistered: { type: 'boolean', description: 'prints "MVA" after the organisation number' },
    foretaksregisteret: { type: 'boolean', description: 'prints "Foretaksregisteret" (AS, ASA)' },
    contactEmail: { type: ['string', 'null'], example: 'faktura@karihar.no' },
    invoiceFee: { type: ['string', 'number'], example: '39.00', description: 'NOK, VAT included; the law caps it at the actual cost, which efaktura cannot know' },
    invoiceFeeVatRate: { type: 'string', enum: ['0', '12', '15', '25'] },
    kidCheck: { type: 'string', enum: ['mod10', 'mod11'] },
    reminderFee: { type: ['string', 'number'], example: '35.00', description: 'NOK, at most the legal cap (35.00)' },
    deliveryChannels: { type: 'array', items: { type: 'string', enum: ['peppol', 'efaktura', 'email', 'file'] } },
    firstInvoiceNumber: { type: 'integer', minimum: 1, description: 'only before the first invoice' },
  },
} as const;

function merchantIdOf(raw: string): number {
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw new ApiError('merchantNotFound', { errors: [`There is no merchant ${raw}.`] });
  return Number(raw);
}

export function registerAdminMerchants(admin: FastifyInstance, ctx: RouteContext): void {
  admin.get<{ Params: { id: string } }>(
    '/merchants/:id',
    {
      schema: {
        summary: "A merchant's invoice settings",
        tags: ['admin'],
        security: [{ bearerAuth: [] }],
        params: idParams,
        response: { 200: envelopeSchema(settingsSchema, 'merchantRetrievedSuccessfully'), 401: errorSchema('unauthenticated'), 404: errorSchema('merchantNotFound') },
      },
    },
    async (request) => success(200, 'merchantRetrievedSuccessfully', await getMerchantSettings(ctx.db, merchantIdOf(request.params.id))),
  );

  admin.patch<{ Params: { id: string } }>(
    '/merchants/:id',
    {
      schema: {
        summary: "Change a merchant's invoice settings",
        description:
          'Only the named fields change. Refused with 417, storing nothing: a bad organisation or account number, an account number removed, a reminder fee above 35.00, a negative fee, an unknown KID check or channel, a first invoice number after invoicing has begun.',
        tags: ['admin'],
        security: [{ bearerAuth: [] }],
        params: idParams,
        body: settingsSchema,
        response: {
          200: envelopeSchema(settingsSchema, 'merchantUpdatedSuccessfully'),
          401: errorSchema('unauthenticated'),
          404: errorSchema('merchantNotFound'),
          417: errorSchema('payloadValidationErrors'),
        },
      },
    },
    async (request) => {
      const body = request.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        validOrThrow({ ok: false, errors: ['The request body must be a JSON object of settings.'], fieldErrors: { '': ['The request body must be a JSON object of settings.'] } });
      }
      const input = body as Record<string, unknown>;
      if (Object.keys(input).length === 0) {
        const message = `Name at least one setting: ${SETTING_FIELDS.join(', ')}.`;
        validOrThrow({ ok: false, errors: [message], fieldErrors: { '': [message] } });
      }
      const result = await updateMerchantSettings(ctx.db, merchantIdOf(request.params.id), input);
      if (!result.ok) validOrThrow(result);
      return success(200, 'merchantUpdatedSuccessfully', result.ok ? result.settings : null);
    },
  );
}
