/**
 * Bearer-token authentication (SPEC §2, §8), run in `onRequest` so nothing is parsed or looked up for a
 * request that cannot be authenticated. A token maps to exactly one merchant; verified tokens are cached
 * briefly (EFAKTURA_TOKEN_CACHE_SECONDS) so the hot path does not pay a database round trip per request —
 * a revoked token is refused once its cache entry expires.
 *
 * Unknown tokens cost nothing after the first try: they sit in a short negative cache, and a client
 * address with too many failed authentications a minute gets 429 without any lookup (only tokens seen
 * valid recently still get through, so one noisy client behind a shared address does not lock out the rest).
 */
import type { FastifyRequest } from 'fastify';
import type { Db } from '../store/db/db.ts';
import { findMerchant, type Merchant } from '../store/merchants.ts';
import { hashToken, isAdminToken, merchantIdForToken } from '../store/tokens.ts';
import { ApiError } from '../app/errors.ts';
import { timingSafeEqual } from 'node:crypto';
import { ExpiringSet, FixedWindowCounter } from '../app/expiring-counters.ts';

/** `Bearer <token>` in any case and spacing: the token, else null. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

/** Who a request was authenticated as: `tokenKey` names the token (its hash), whatever the header's spelling. */
export interface Authenticated {
  tokenKey: string;
  merchant: Merchant | null;
}

export interface Authenticator {
  merchantFor(request: FastifyRequest): Promise<Authenticated & { merchant: Merchant }>;
  requireAdmin(request: FastifyRequest): Promise<Authenticated>;
}

export interface AuthOptions {
  cacheSeconds: number;
  adminToken: string | null;
  failuresPerMinute: number;
}

const MAX_TOKEN_CHARS = 512;
// Long enough to absorb a burst of retries with the same junk token, short enough that nothing a client
// could need is remembered: tokens are random, so an unknown one never becomes valid later.
const NEGATIVE_CACHE_MS = 60_000;
// A token that authenticated within this time passes the per-address failure gate (it still gets its normal lookup).
const KNOWN_GOOD_MS = 15 * 60_000;
const MAX_ENTRIES = 10_000;

/** What one scope (merchant or admin) remembers about tokens; a merchant token is unknown to the admin scope. */
interface ScopeMemory {
  unknownTokens: ExpiringSet;
  knownGood: ExpiringSet;
}

const scopeMemory = (): ScopeMemory => ({
  unknownTokens: new ExpiringSet(NEGATIVE_CACHE_MS, MAX_ENTRIES),
  knownGood: new ExpiringSet(KNOWN_GOOD_MS, MAX_ENTRIES),
});

export function createAuthenticator(db: Db, options: AuthOptions): Authenticator {
  const cache = new Map<string, { merchant: Merchant; expiresAt: number }>();
  const merchantScope = scopeMemory();
  const adminScope = scopeMemory();
  const failures = new FixedWindowCounter(60_000, MAX_ENTRIES);
  const adminHash = options.adminToken === null ? null : hashToken(options.adminToken);

  /** The token's key, or a 401/429 before any lookup. */
  function admit(request: FastifyRequest, scope: ScopeMemory): { token: string; key: string } {
    const token = bearerToken(request);
    const key = token === null || token.length > MAX_TOKEN_CHARS ? null : hashToken(token).toString('base64');
    const now = Date.now();
    if (key !== null && scope.knownGood.has(key, now)) return { token: token!, key };
    if (failures.count(request.ip, now) >= options.failuresPerMinute) {
      throw new ApiError('tooManyRequests', {
        errors: ['Too many failed authentications from this address; retry in a minute.'],
        headers: { 'retry-after': String(failures.secondsLeft(request.ip, now)) },
      });
    }
    if (key === null || scope.unknownTokens.has(key, now)) throw refuse(request, scope, null);
    return { token: token!, key };
  }

  function refuse(request: FastifyRequest, scope: ScopeMemory, key: string | null): ApiError {
    const now = Date.now();
    failures.increment(request.ip, now);
    if (key !== null) {
      scope.knownGood.delete(key);
      scope.unknownTokens.add(key, now);
    }
    return new ApiError('unauthenticated');
  }

  return {
    async merchantFor(request) {
      const { token, key } = admit(request, merchantScope);
      const now = Date.now();
      const hit = cache.get(key);
      if (hit && hit.expiresAt > now) return { tokenKey: key, merchant: hit.merchant };
      const merchantId = await merchantIdForToken(db, token);
      const merchant = merchantId === null ? null : await findMerchant(db, merchantId);
      if (merchant === null) {
        cache.delete(key);
        throw refuse(request, merchantScope, key);
      }
      merchantScope.knownGood.add(key, now);
      if (options.cacheSeconds > 0) {
        if (cache.size >= MAX_ENTRIES) cache.clear();
        cache.set(key, { merchant, expiresAt: now + options.cacheSeconds * 1000 });
      }
      return { tokenKey: key, merchant };
    },
    async requireAdmin(request) {
      const { token, key } = admit(request, adminScope);
      if (adminHash !== null && timingSafeEqual(hashToken(token), adminHash)) return { tokenKey: key, merchant: null };
      if (!(await isAdminToken(db, token))) throw refuse(request, adminScope, key);
      adminScope.knownGood.add(key, Date.now());
      return { tokenKey: key, merchant: null };
    },
  };
}
