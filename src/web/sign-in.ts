/**
 * Signing in and out (SPEC §9). The token is the API's: a merchant token (that merchant only) or an
 * operator token (all merchants; EFAKTURA_ADMIN_TOKEN or `efaktura admin-token create`). The sign-in form
 * is protected against login CSRF by a double-submit value (a cookie and a hidden field that must agree),
 * since there is no session yet to hold a token.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hashToken, isAdminToken, merchantIdForToken } from '../store/tokens.ts';
import { findMerchant } from '../store/merchants.ts';
import { createWebSession, deleteExpiredWebSessions, deleteWebSession } from '../store/web-sessions.ts';
import type { Web } from './web.ts';
import { languageOf, safeBack } from './request.ts';
import { html } from './html.ts';
import { TEXTS } from './i18n.ts';
import { page } from './layout.ts';
import { FixedWindowCounter } from '../app/expiring-counters.ts';

export const SESSION_COOKIE = 'efk_session';
/** Idle time after which a session ends (it slides forward while used). */
export const SESSION_TTL_SECONDS = 8 * 3600;
const SIGN_IN_COOKIE = 'efk_signin';
const FAILURES_PER_WINDOW = 10;
const WINDOW_MS = 5 * 60_000;
const MAX_TOKEN_CHARS = 512;

type Who = ({ operator: true; merchantId: null } | { operator: false; merchantId: number }) & { tokenHash: Buffer };

export function registerSignIn(scope: FastifyInstance, web: Web): void {
  const { db, config, clock } = web.deps;
  // Failed sign-ins per client address (SPEC §9): beyond the limit, 429 without looking the token up.
  const failures = new FixedWindowCounter(WINDOW_MS, 10_000);
  const adminHash = config.adminToken === null ? null : hashToken(config.adminToken);

  const cookieOptions = (request: FastifyRequest) => ({ path: '/app', httpOnly: true, sameSite: 'strict' as const, secure: request.protocol === 'https' });

  async function who(token: string): Promise<Who | null> {
    if (token.length === 0 || token.length > MAX_TOKEN_CHARS) return null;
    const tokenHash = hashToken(token);
    if (adminHash !== null && timingSafeEqual(tokenHash, adminHash)) return { operator: true, merchantId: null, tokenHash };
    if (await isAdminToken(db, token)) return { operator: true, merchantId: null, tokenHash };
    const merchantId = await merchantIdForToken(db, token);
    if (merchantId === null || (await findMerchant(db, merchantId)) === null) return null;
    return { operator: false, merchantId, tokenHash };
  }

  function form(request: FastifyRequest, reply: FastifyReply, status: number, problem: string | null, next: string): FastifyReply {
    const lang = languageOf(request);
    const t = TEXTS[lang];
    const nonce = randomBytes(18).toString('base64url');
    reply.setCookie(SIGN_IN_COOKIE, nonce, cookieOptions(request));
    const body = html`<section class="sign-in">
      <h1>${t.signInTitle}</h1>
      <p>${t.signInHelp}</p>
      <form method="post" action="/app/sign-in">
        <input type="hidden" name="_signin" value="${nonce}">
        <input type="hidden" name="next" value="${next}">
        <label for="token">${t.tokenLabel}</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required autofocus spellcheck="false"${problem !== null ? html` aria-invalid="true" aria-describedby="sign-in-problem"` : null}>
        ${problem !== null ? html`<p id="sign-in-problem" class="notice error" role="alert">${problem}</p>` : null}
        <button type="submit">${t.signIn}</button>
      </form>
    </section>`;
    return reply.code(status).type('text/html; charset=utf-8').send(page({ lang, t, title: t.signIn, path: request.url }, body));
  }

  scope.get<{ Querystring: { next?: string } }>('/sign-in', async (request, reply) => form(request, reply, 200, null, safeBack(request.query.next)));

  scope.post<{ Body: { token?: string; _signin?: string; next?: string } }>('/sign-in', async (request, reply) => {
    const t = TEXTS[languageOf(request)];
    const body = request.body ?? {};
    const next = safeBack(body.next);
    const cookieNonce = request.cookies[SIGN_IN_COOKIE];
    if (typeof body._signin !== 'string' || cookieNonce === undefined || !sameText(body._signin, cookieNonce)) {
      return form(request, reply, 403, t.forbidden, next);
    }
    const now = Date.now();
    if (failures.count(request.ip, now) >= FAILURES_PER_WINDOW) {
      reply.header('retry-after', String(failures.secondsLeft(request.ip, now)));
      return form(request, reply, 429, t.signInTooMany, next);
    }
    const found = await who(typeof body.token === 'string' ? body.token.trim() : '');
    if (found === null) {
      failures.increment(request.ip, now);
      request.log.info({ ip: request.ip }, 'dashboard sign-in refused');
      return form(request, reply, 401, t.signInFailed, next);
    }
    await deleteExpiredWebSessions(db, clock.now());
    const { id } = await createWebSession(db, found, clock.now(), SESSION_TTL_SECONDS);
    reply.clearCookie(SIGN_IN_COOKIE, { path: '/app' });
    reply.setCookie(SESSION_COOKIE, id, cookieOptions(request));
    return reply.redirect(next, 303);
  });

  scope.post('/sign-out', async (request, reply) => {
    await deleteWebSession(db, request.viewer!.sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/app' });
    return reply.redirect('/app/sign-in', 303);
  });
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
