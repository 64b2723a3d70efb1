/**
 * The OpenAPI 3.1 document, generated from the same route schemas whose body schemas come from the
 * validation rules (so the document cannot drift from behaviour), served at /openapi.json, with
 * Swagger UI at /docs from locally installed assets (no CDN).
 */
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { catalogueEntry, type ErrorCode } from '../app/errors.ts';

export function envelopeSchema(data: Record<string, unknown>, message: string): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      status_code: { type: 'integer' },
      status_message: { type: 'string', const: 'OK' },
      message: { type: 'string', example: message },
      is_data: { type: 'boolean' },
      data,
    },
  };
}

/** A paged list's envelope: it also carries a top-level `next_cursor`. */
export function withNextCursor(envelope: Record<string, unknown>): Record<string, unknown> {
  const properties = envelope.properties as Record<string, unknown>;
  return {
    ...envelope,
    properties: {
      ...properties,
      next_cursor: { type: ['string', 'null'], description: 'Pass as `after` to get the next page; null on the last page.' },
    },
  };
}

export function errorSchema(code: ErrorCode): Record<string, unknown> {
  const entry = catalogueEntry(code);
  if (entry.shape === 'data') {
    return {
      description: `${entry.statusMessage}: ${code}, in the shape the real FPGO service sends it (no \`is_error\`/\`errors\`)`,
      type: 'object',
      properties: {
        status_code: { type: 'integer', const: entry.status },
        status_message: { type: 'string', const: entry.statusMessage },
        message: { type: 'string', const: code },
        is_data: { type: 'boolean', const: false },
        data: { type: 'null' },
        requestId: { type: 'string' },
      },
      example: { status_code: entry.status, status_message: entry.statusMessage, message: code, is_data: false, data: null, requestId: '2f1c…' },
    };
  }
  return {
    description: `${entry.statusMessage}: ${code}`,
    type: 'object',
    properties: {
      status_code: { type: 'integer', const: entry.status },
      status_message: { type: 'string', const: entry.statusMessage },
      message: { type: 'string', example: code },
      is_error: { type: 'boolean', const: true },
      errors: { description: 'Laravel-style sentences (validation) or null', type: ['array', 'null'], items: { type: 'string' } },
      fieldErrors: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
      requestId: { type: 'string' },
    },
  };
}

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'efaktura',
        version: '1',
        description:
          'Self-hosted e-invoicing for Norway. The order API is wire-compatible with FPGO Connect "Send E-Faktura" (private customers) and "Send EHF Invoice" (business customers), each also under its older documented path (deprecated). Every response uses the documented envelope and carries an `x-request-id` header; `404 orderNotFound` comes in the shape the real service sends (`is_data: false, data: null`).',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
