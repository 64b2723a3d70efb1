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

/** How an operator names one API token: its id, the whole token, or its whole listed prefix. */
export type TokenReference = { id: number } | { token: string } | { prefix: string };

const API_PREFIX_LENGTH = 17; // "efk_live_" and 8 random characters, as `token list` shows it
const API_TOKEN_LENGTH = 52; // "efk_live_" and 32 random bytes in base64url

/**
 * Reads an operator's token reference, or null. A shorter prefix is refused rather than matched:
 * `efk` or `efk_live_` would otherwise name whichever token happens to be the only live one.
 */
export function parseTokenReference(text: string): TokenReference | null {
  const s = text.trim().replace(/…$/, ''); // as copied from a `token list` line
  if (/^\d{1,15}$/.test(s)) return { id: Number(s) };
  if (!/^efk_live_[\w-]+$/.test(s)) return null;
  if (s.length === API_PREFIX_LENGTH) return { prefix: s };
  return s.length === API_TOKEN_LENGTH ? { token: s } : null;
}

/** A revocation that cannot name exactly one token; its message is meant for the operator. */
export class TokenReferenceError extends Error {}

/**
 * Revokes the live token that `reference` (an id, the whole token or its 17-character prefix) names;
 * returns the revoked ids, none when nothing live matches. Two tokens can share a prefix (48 random
 * bits): then nothing is revoked and the id is asked for.
 */
export async function revokeApiToken(db: Queryable, reference: string): Promise<number[]> {
  const ref = parseTokenReference(reference);
  if (ref === null) {
    throw new TokenReferenceError(
      `"${reference}" names no single token: give the token id, the whole token, or its ${API_PREFIX_LENGTH}-character prefix as \`efaktura token list\` shows it`,
    );
  }
  const candidates = await db.query<{ id: number }>(
    'id' in ref
      ? { text: 'SELECT id FROM api_tokens WHERE id = $1 AND revoked_at IS NULL', values: [ref.id] }
      : 'token' in ref
        ? { text: 'SELECT id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL', values: [hashToken(ref.token)] }
        : { text: 'SELECT id FROM api_tokens WHERE prefix = $1 AND revoked_at IS NULL', values: [ref.prefix] },
  );
  if (candidates.length > 1) {
    throw new TokenReferenceError(`${candidates.length} live tokens share this prefix; give the token id (efaktura token list)`);
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
