/**
 * The operator dashboard at /app (SPEC §9): server-rendered pages over the same use cases and store
 * functions as the API, with a little JavaScript where it helps (the upload's progress) and none required.
 *
 * Sessions: signing in with a token (the API's merchant tokens, or an operator token) creates a server-side
 * session row; the browser holds only its random id, in an HttpOnly, SameSite=Strict cookie on /app.
 * Every form post carries the session's CSRF token (SameSite=Strict is the first defence, the token and an
 * Origin check the second). Sign-in is rate-limited per address; signing out deletes the row.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import { timingSafeEqual } from 'node:crypto';
import { ApiError } from '../app/errors.ts';
import { findMerchant, listMerchants } from '../store/merchants.ts';
import { hashToken } from '../store/tokens.ts';
import { chooseSessionMerchant, findWebSession } from '../store/web-sessions.ts';
import { isDatabaseFailure } from '../store/db/db.ts';
import { APP_CSS, APP_JS } from './assets.ts';
import type { DashboardDeps, Viewer } from './context.ts';
import type { Web } from './web.ts';
import { idParam, languageOf, safeBack } from './request.ts';
import { html, type SafeHtml } from './html.ts';
import { LANGUAGES, TEXTS } from './i18n.ts';
import { page } from './layout.ts';
import { registerSignIn, SESSION_COOKIE, SESSION_TTL_SECONDS } from './sign-in.ts';
import { registerOverview } from './overview.ts';
import { registerOrders } from './orders.ts';
import { registerInvoices } from './invoices.ts';
import { registerPayments } from './payments.ts';
import { registerRuns } from './runs.ts';

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer | null;
  }
}

/** Content-Security-Policy of every page: nothing from elsewhere, scripts and styles only from /app/static. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Paths served without a session. */
const PUBLIC = /^\/app\/(sign-in|static\/|lang\/)/;

export async function registerDashboard(app: FastifyInstance, deps: DashboardDeps): Promise<void> {
  const envAdminHash = deps.config.adminToken === null ? null : hashToken(deps.config.adminToken);
  await app.register(
    async (scope) => {
      await scope.register(cookie);
      await scope.register(formbody, { bodyLimit: deps.config.bodyLimitBytes });
      scope.decorateRequest('viewer', null);

      scope.addHook('onRequest', async (_request, reply) => {
        reply.header('content-security-policy', CSP);
        reply.header('x-content-type-options', 'nosniff');
        reply.header('referrer-policy', 'same-origin');
        reply.header('cache-control', 'no-store');
      });

      // Who is signed in: the session the cookie names, or a way to the sign-in page. In onRequest, so
      // nothing is parsed (no body read, however large) for a request without a session.
      scope.addHook('onRequest', async (request, reply) => {
        const path = request.url.split('?')[0]!;
        if (PUBLIC.test(path)) return;
        const id = request.cookies[SESSION_COOKIE];
        const session = id === undefined ? null : await findWebSession(deps.db, id, deps.clock.now(), SESSION_TTL_SECONDS, envAdminHash);
        if (session === null || id === undefined) {
          if (request.method === 'GET' || request.method === 'HEAD') {
            return reply.redirect(`/app/sign-in?next=${encodeURIComponent(safeBack(request.url))}`, 303);
          }
          return reply.code(401).type('text/html; charset=utf-8').send(errorPage(request, 401, TEXTS[languageOf(request)].forbidden));
        }
        const merchantId = session.merchantId;
        const merchant = merchantId === null ? null : await findMerchant(deps.db, merchantId);
        request.viewer = { sessionId: id, session, merchantId, merchantName: merchant?.name ?? null };
      });
      // Every form post carries the session's CSRF token (checked once the body is read).
      scope.addHook('preHandler', async (request, reply) => {
        if (request.method !== 'POST' || request.viewer === null) return;
        if (!csrfOk(request, request.viewer.session.csrfToken)) {
          return reply.code(403).type('text/html; charset=utf-8').send(errorPage(request, 403, TEXTS[languageOf(request)].forbidden));
        }
      });

      scope.setErrorHandler(async (error, request, reply) => {
        const status = statusOf(error);
        if (status >= 500) request.log.error({ err: error }, 'dashboard request failed');
        const t = TEXTS[languageOf(request)];
        const message = status >= 500 ? t.serverError : messageOf(error) ?? (status === 404 ? t.notFound : t.serverError);
        for (const [name, value] of Object.entries(error instanceof ApiError ? error.headers : {})) reply.header(name, value);
        return reply.code(status).type('text/html; charset=utf-8').send(errorPage(request, status, message));
      });
      scope.setNotFoundHandler(async (request, reply) =>
        reply.code(404).type('text/html; charset=utf-8').send(errorPage(request, 404, TEXTS[languageOf(request)].notFound)),
      );

      scope.get('/static/app.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=300').send(APP_CSS));
      scope.get('/static/app.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(APP_JS));

      scope.get<{ Params: { lang: string }; Querystring: { back?: string } }>('/lang/:lang', async (request, reply) => {
        const lang = LANGUAGES.find((l) => l === request.params.lang) ?? 'no';
        reply.setCookie('efk_lang', lang, { path: '/app', sameSite: 'strict', httpOnly: true, secure: request.protocol === 'https', maxAge: 365 * 86400 });
        return reply.redirect(safeBack(request.query.back), 303);
      });

      scope.post<{ Body: { merchant?: string; back?: string } }>('/merchant', async (request, reply) => {
        const viewer = request.viewer!;
        const chosen = idParam(request.body?.merchant);
        if (viewer.session.operator) await chooseSessionMerchant(deps.db, viewer.sessionId, chosen);
        // Back to the page — a detail page's list, since the order or document may not be the new merchant's —
        // without an `m=` that would override the new choice.
        const back = safeBack(request.body?.back)
          .replace(/^\/app\/(orders|invoices|credit-notes)\/[^?#]+/, '/app/$1')
          .replace(/([?&])m=\d+&?/, '$1')
          .replace(/[?&]$/, '');
        return reply.redirect(back, 303);
      });

      const web: Web = {
        deps,
        context(request) {
          const lang = languageOf(request);
          return { lang, t: TEXTS[lang], viewer: request.viewer!, path: request.url };
        },
        async send(reply, request, frame, body, status = 200) {
          const ctx = web.context(request);
          const merchants = ctx.viewer.session.operator ? (await listMerchants(deps.db)).map((m) => ({ id: m.id, name: m.name })) : [];
          return reply
            .code(status)
            .type('text/html; charset=utf-8')
            .send(page({ ...frame, lang: ctx.lang, t: ctx.t, path: ctx.path, viewer: ctx.viewer, merchants }, body));
        },
        scope(request) {
          const viewer = request.viewer!;
          if (!viewer.session.operator) return viewer.session.merchantId;
          return idParam((request.query as Record<string, unknown> | undefined)?.m) ?? viewer.merchantId;
        },
      };

      registerSignIn(scope, web);
      registerOverview(scope, web);
      registerOrders(scope, web);
      registerInvoices(scope, web);
      registerPayments(scope, web);
      registerRuns(scope, web);
    },
    { prefix: '/app' },
  );
}

/** The form's CSRF token (field `_csrf`, or header x-csrf-token for the upload) and, when sent, a same-site Origin. */
function csrfOk(request: FastifyRequest, expected: string): boolean {
  const origin = request.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') {
    try {
      if (new URL(origin).host !== request.host) return false;
    } catch {
      return false;
    }
  } else if (origin === 'null') {
    return false;
  }
  const body = request.body as Record<string, unknown> | undefined;
  const given = typeof body === 'object' && body !== null && !Buffer.isBuffer(body) && typeof body._csrf === 'string' ? body._csrf : request.headers['x-csrf-token'];
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function statusOf(error: unknown): number {
  if (error instanceof ApiError) return error.statusCode;
  if (isDatabaseFailure(error)) return 500;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

/** An ApiError's own sentences (the use cases' messages, as the API sends them). */
function messageOf(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  const errors = error.errors;
  return Array.isArray(errors) && errors.length > 0 && errors.every((e) => typeof e === 'string') ? errors.join(' ') : null;
}

/** An error page; framed when the request is signed in, bare otherwise. */
export function errorPage(request: FastifyRequest, status: number, message: string): string {
  const lang = languageOf(request);
  const t = TEXTS[lang];
  const title = status === 404 ? t.notFoundTitle : t.actionFailed;
  const back = safeBack(request.headers.referer === undefined ? '/app' : new URL(request.headers.referer, 'http://x').pathname);
  return page(
    { lang, t, title, path: request.url, viewer: request.viewer },
    html`<h1>${title}</h1><p class="notice error" role="alert">${message}</p><p><a href="${back}">${t.back}</a></p>`,
  );
}
