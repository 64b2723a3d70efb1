/**
 * Bearer tokens for merchants and operators. A token is 32 random bytes, shown once; only its SHA-256
 * is stored (SPEC §8). The readable prefix identifies a token in listings and for revocation.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from './db/db.ts';

export interface IssuedToken {
  id: number;
  token: string;
  prefix: string;
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function generateToken(kind: 'api' | 'admin'): { token: string; prefix: string } {
  const token = `efk_${kind === 'api' ? 'live' : 'admin'}_${randomBytes(32).toString('base64url')}`;
  return { token, prefix: token.slice(0, kind === 'api' ? 17 : 18) };
}

export async function createApiToken(db: Queryable, merchantId: number): Promise<IssuedToken> {
  const { token, prefix } = generateToken('api');
  const [row] = await db.query<{ id: number }>({
    text: 'INSERT INTO api_tokens (merchant_id, token_hash, prefix) VALUES ($1, $2, $3) RETURNING id',
    values: [merchantId, hashToken(token), prefix],
  });
  return { id: row!.id, token, prefix };
}

/** The merchant a live token belongs to, or null for an unknown or revoked token. */
export async function merchantIdForToken(db: Queryable, token: string): Promise<number | null> {
  const rows = await db.query<{ merchant_id: number }>({
    name: 'merchant_for_token',
    text: 'SELECT merchant_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL',
    values: [hashToken(token)],
  });
  return rows[0]?.merchant_id ?? null;
}

export interface TokenRow {
  id: number;
  merchant_id: number;
  prefix: string;
  created_at: Date;
  revoked_at: Date | null;
}

export async function listApiTokens(db: Queryable, merchantId?: number): Promise<TokenRow[]> {
  return db.query<TokenRow>({
    text: `SELECT id, merchant_id, prefix, created_at, revoked_at FROM api_tokens
           WHERE $1::bigint IS NULL OR merchant_id = $1 ORDER BY id`,
    values: [merchantId ?? null],
  });
}

/**
 * Revokes by numeric id, by the full token, or by a prefix that names exactly one live token.
 * Returns the revoked ids; throws when a prefix is ambiguous.
 */
export async function revokeApiToken(db: Queryable, idOrPrefix: string): Promise<number[]> {
  const byId = /^\d+$/.test(idOrPrefix);
  const candidates = await db.query<{ id: number }>({
    text: byId
      ? 'SELECT id FROM api_tokens WHERE id = $1::bigint AND revoked_at IS NULL'
      : 'SELECT id FROM api_tokens WHERE (token_hash = $2 OR starts_with($1, prefix) OR starts_with(prefix, $1)) AND revoked_at IS NULL',
    values: byId ? [idOrPrefix] : [idOrPrefix, hashToken(idOrPrefix)],
  });
  if (candidates.length > 1) {
    throw new Error(`"${idOrPrefix}" matches ${candidates.length} tokens; give the token id (efaktura token list)`);
  }
  if (candidates.length === 0) return [];
  await db.query({ text: 'UPDATE api_tokens SET revoked_at = now() WHERE id = $1', values: [candidates[0]!.id] });
  return [candidates[0]!.id];
}

export async function createAdminToken(db: Queryable): Promise<IssuedToken> {
  const { token, prefix } = generateToken('admin');
  const [row] = await db.query<{ id: number }>({
    text: 'INSERT INTO admin_tokens (token_hash, prefix) VALUES ($1, $2) RETURNING id',
    values: [hashToken(token), prefix],
  });
  return { id: row!.id, token, prefix };
}

export async function isAdminToken(db: Queryable, token: string): Promise<boolean> {
  const rows = await db.query({
    text: 'SELECT 1 FROM admin_tokens WHERE token_hash = $1 AND revoked_at IS NULL',
    values: [hashToken(token)],
  });
  return rows.length > 0;
}
