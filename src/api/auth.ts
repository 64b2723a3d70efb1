/**
 * Bearer-token authentication for the merchant API (SPEC §2). A token maps to exactly one merchant;
 * verified tokens are cached briefly (EFAKTURA_TOKEN_CACHE_SECONDS) so the hot path does not pay a
 * database round trip per request — a revoked token is refused once its cache entry expires.
 */
import type { FastifyRequest } from 'fastify';
import type { Db } from '../store/db/db.ts';
import { findMerchant, type Merchant } from '../store/merchants.ts';
import { hashToken, isAdminToken, merchantIdForToken } from '../store/tokens.ts';
import { ApiError } from '../app/errors.ts';
import { timingSafeEqual } from 'node:crypto';

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

export interface Authenticator {
  merchantFor(request: FastifyRequest): Promise<Merchant>;
  requireAdmin(request: FastifyRequest): Promise<void>;
}

export function createAuthenticator(db: Db, cacheSeconds: number, adminToken: string | null): Authenticator {
  const cache = new Map<string, { merchant: Merchant; expiresAt: number }>();
  const MAX_CACHE = 10_000;

  return {
    async merchantFor(request) {
      const token = bearerToken(request);
      if (token === null || token.length > 512) throw new ApiError('unauthenticated');
      const key = hashToken(token).toString('base64');
      const now = Date.now();
      const hit = cache.get(key);
      if (hit && hit.expiresAt > now) return hit.merchant;
      const merchantId = await merchantIdForToken(db, token);
      const merchant = merchantId === null ? null : await findMerchant(db, merchantId);
      if (merchant === null) {
        cache.delete(key);
        throw new ApiError('unauthenticated');
      }
      if (cacheSeconds > 0) {
        if (cache.size >= MAX_CACHE) cache.clear();
        cache.set(key, { merchant, expiresAt: now + cacheSeconds * 1000 });
      }
      return merchant;
    },
    async requireAdmin(request) {
      const token = bearerToken(request);
      if (token === null) throw new ApiError('unauthenticated');
      if (adminToken !== null) {
        const a = hashToken(token);
        const b = hashToken(adminToken);
        if (timingSafeEqual(a, b)) return;
      }
      if (!(await isAdminToken(db, token))) throw new ApiError('unauthenticated');
    },
  };
}
