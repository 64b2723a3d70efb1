/**
 * The HTTP server: Fastify with the documented envelope on every answer (SPEC §2), request ids,
 * bearer auth, per-token rate limit, body limit, OpenAPI, and one error handler that maps every
 * failure to a catalogue entry — internals never reach a response.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { randomUUID } from 'node:crypto';
import { isDatabaseFailure } from '../store/db/db.ts';
import type { Merchant } from '../store/merchants.ts';
import { createAuthenticator } from './auth.ts';
import type { AppDeps, RouteContext } from './context.ts';
import { errorBody } from './envelope.ts';
import { ApiError, validationError } from '../app/errors.ts';
import { registerOpenApi } from './openapi.ts';
import { refuseBadText } from './validation/bad-text.ts';
import { orderCursorKey } from '../store/order-list.ts';
import { registerHealthRoutes } from './health.ts';
import { registerCreateOrder } from './connect/create-order.ts';
import { registerOrderReads } from './connect/order-reads.ts';
import { registerOrderStatusList } from './connect/order-status-list.ts';
import { registerInvoiceNumber } from './connect/invoice-number.ts';
import { registerCancelOrder } from './connect/cancel-order.ts';
import { registerRefundOrder } from './connect/refund-order.ts';
import { registerInvoices } from './connect/invoices.ts';
import { registerAdminCallbacks } from './admin/callbacks.ts';
import { registerAdminMerchants } from './admin/merchants.ts';
import { registerAdminInvoiceRuns } from './admin/invoice-runs.ts';
import { registerAdminDunningRuns } from './admin/dunning-runs.ts';
import { registerAdminDeliveries } from './admin/deliveries.ts';
import { registerDocumentLinks } from './document-link.ts';
import { registerAdminPayments } from './admin/payments.ts';

declare module 'fastify' {
  interface FastifyRequest {
    merchant: Merchant | null;
    /** The authenticated token (its hash), the rate limit's key; null before authentication. */
    tokenKey: string | null;
    startedAt: bigint;
  }
}

const REQUEST_ID_PATTERN = /^[\w.:-]{1,128}$/;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, logger } = deps;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One log line per request is written by our onResponse hook (with merchant and latency).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    // An incoming x-request-id is kept when it is sane, so a merchant can correlate its own logs.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    },
    requestIdHeader: false,
    // `request.ip` is the per-address key of the failed-authentication limit: behind a load balancer it
    // must come from X-Forwarded-For, and only from proxies the operator named (EFAKTURA_TRUST_PROXY).
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    // Answered by our own onRequest gate below, so the 503 carries the envelope and x-request-id.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // Errors Fastify raises before routing (bad percent-encoding, a path parameter over the length limit)
    // get the envelope and x-request-id like every other answer (SPEC §2).
    frameworkErrors: sendFrameworkError,
  });
  // Request bodies are validated by our own rules (Laravel-style messages, SPEC §2.2); the route
  // schemas exist for the OpenAPI document, so Fastify's own validation and serialisation are off.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  const auth = createAuthenticator(deps.db, {
    cacheSeconds: config.tokenCacheSeconds,
    adminToken: config.adminToken,
    failuresPerMinute: config.authFailuresPerMinute,
  });
  const ctx: RouteContext = { ...deps, auth, cursorSecret: await orderCursorKey(deps.db) };

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.decorateRequest('merchant', null);
  app.decorateRequest('tokenKey', null);
  app.decorateRequest('startedAt', 0n);
  app.addHook('onRequest', async (request, reply) => {
    request.startedAt = process.hrtime.bigint();
    reply.header('x-request-id', request.id);
    if (closing) {
      // close() began (the server still listens while preClose hooks run): send the client elsewhere.
      reply.header('connection', 'close');
      throw new ApiError('serviceUnavailable', { errors: ['This server is shutting down; retry the request.'], headers: { 'retry-after': '1' } });
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    const latencyMs = Number(process.hrtime.bigint() - request.startedAt) / 1e6;
    request.log.info(
      {
        method: request.method,
        url: request.url.split('?')[0],
        statusCode: reply.statusCode,
        merchantId: request.merchant?.id,
        latencyMs: Math.round(latencyMs * 100) / 100,
      },
      'request',
    );
  });
  // Text PostgreSQL cannot store (NUL, unpaired surrogates) or an invoice cannot carry is refused, with
  // the field named, in every path parameter, query parameter and body, before any handler sees it.
  app.addHook('preValidation', async (request) => {
    refuseBadText(request.params, request.query, request.body);
  });

  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    // Per token (SPEC §8), after authentication (which runs in onRequest): the key is the token itself,
    // however the header spells "Bearer", so unauthenticated junk never gets or evicts a bucket — it is
    // bounded by the authenticator's per-address failure limit instead.
    hook: 'preParsing',
    keyGenerator: (request: FastifyRequest) => (request.tokenKey !== null ? `t:${request.tokenKey}` : `ip:${request.ip}`),
    allowList: (request: FastifyRequest) => !request.url.startsWith('/api/'),
    errorResponseBuilder: (_request, context) =>
      new ApiError('tooManyRequests', {
        errors: [`Too many requests: at most ${context.max} per minute. Retry in ${Math.ceil(context.ttl / 1000)} s.`],
      }),
  });

  app.setNotFoundHandler(async (request, reply) => {
    const error = new ApiError('routeNotFound', { errors: [`No route ${request.method} ${request.url.split('?')[0]}.`] });
    return reply.code(404).send(errorBody(error.code, request.id, error.errors));
  });

  app.setErrorHandler(async (error: FastifyError | ApiError, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.code === 'somethingWentWrong' || apiError.code === 'internalErrorOccurredPleaseTryAgainLater') {
      request.log.error({ err: error }, 'request failed');
    }
    for (const [name, value] of Object.entries(apiError.headers)) reply.header(name, value);
    return reply.code(apiError.statusCode).send(errorBody(apiError.code, request.id, apiError.errors, apiError.extra));
  });

  await registerOpenApi(app);
  registerHealthRoutes(app, ctx);
  registerDocumentLinks(app, ctx);
  await app.register(
    async (api) => {
      // Before the body is read (SPEC §2): without a valid token, a malformed or huge body is still a 401.
      api.addHook('onRequest', async (request) => {
        const who = await auth.merchantFor(request);
        request.merchant = who.merchant;
        request.tokenKey = who.tokenKey;
      });
      registerCreateOrder(api, ctx);
      registerOrderReads(api, ctx);
      registerOrderStatusList(api, ctx);
      registerInvoiceNumber(api, ctx);
      registerCancelOrder(api, ctx);
      registerRefundOrder(api, ctx);
      registerInvoices(api, ctx);
    },
    { prefix: '/api/v1/connect' },
  );
  await app.register(
    async (admin) => {
      // Operators only (SPEC §1): an admin token; merchant tokens are refused. Checked before the body is read.
      admin.addHook('onRequest', async (request) => {
        request.tokenKey = (await auth.requireAdmin(request)).tokenKey;
      });
      registerAdminCallbacks(admin, ctx);
      registerAdminMerchants(admin, ctx);
      registerAdminInvoiceRuns(admin, ctx);
      registerAdminDunningRuns(admin, ctx);
      registerAdminDeliveries(admin, ctx);
      registerAdminPayments(admin, ctx);
    },
    { prefix: '/api/v1/admin' },
  );
  return app;
}

function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const apiError = toApiError(error);
  void reply
    .header('x-request-id', request.id)
    .code(apiError.statusCode)
    .send(errorBody(apiError.code, request.id, apiError.errors, apiError.extra));
}

/** Fastify's trustProxy for "the client is this many proxies away". */
function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

/** Maps any thrown value to a catalogue entry; unknown failures never leak their text. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as Partial<FastifyError> & { type?: string };
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('payloadTooLarge', { errors: ['The request body is larger than the limit of this server.'] });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('unsupportedMediaType', { errors: ['The request body must be JSON, sent with Content-Type: application/json.'] });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return validationError(['The request body is empty; it must be a JSON object.'], { '': ['The request body is empty; it must be a JSON object.'] });
    case 'FST_ERR_BAD_URL':
      return new ApiError('malformedUrl', { errors: ['The URL is not valid: a percent-encoding in it does not decode.'] });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ApiError('uriTooLong', { errors: ['A path parameter of the URL is longer than any valid value.'] });
    default:
      break;
  }
  if (error instanceof SyntaxError || e.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    const message = 'The request body is not valid JSON.';
    return validationError([message], { '': [message] });
  }
  if (typeof e.statusCode === 'number' && e.statusCode === 404) return new ApiError('routeNotFound');
  if (typeof e.statusCode === 'number' && e.statusCode === 405) return new ApiError('methodNotAllowed');
  if (typeof e.statusCode === 'number' && e.statusCode === 503) return new ApiError('serviceUnavailable');
  if (isDatabaseFailure(error)) return new ApiError('internalErrorOccurredPleaseTryAgainLater');
  return new ApiError('somethingWentWrong');
}
