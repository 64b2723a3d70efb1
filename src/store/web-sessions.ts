/**
 * Dashboard sessions (SPEC §9, migration 012): a signed-in browser is a row here, named by the SHA-256 of
 * the random id in its cookie. The row says who signed in (an operator, or one merchant), which merchant an
 * operator is looking at, the form token (CSRF) and when it expires. Signing out deletes the row.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from './db/db.ts';

export interface WebSession {
  operator: boolean;
  /** A merchant session: its merchant, fixed. An operator: the merchant chosen in the switcher, or null (all). */
  merchantId: number | null;
  csrfToken: string;
  expiresAt: Date;
}

const hashId = (id: string): Buffer => createHash('sha256').update(id, 'utf8').digest();

/** Starts a session; returns the cookie's id (shown to the browser only) and the session. */
export async function createWebSession(
  db: Queryable,
  who: { operator: boolean; merchantId: number | null; tokenHash: Buffer },
  now: Date,
  ttlSeconds: number,
): Promise<{ id: string; session: WebSession }> {
  const id = randomBytes(32).toString('base64url');
  const session: WebSession = {
    operator: who.operator,
    merchantId: who.merchantId,
    csrfToken: randomBytes(24).toString('base64url'),
    expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
  };
  await db.query({
    name: 'create_web_session',
    text: `INSERT INTO web_sessions (id_hash, token_hash, operator, merchant_id, csrf_token, created_at, last_seen_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
    values: [hashId(id), who.tokenHash, session.operator, session.merchantId, session.csrfToken, now, session.expiresAt],
  });
  return { id, session };
}

/**
 * The live session the cookie names, or null: unknown, expired, or the token it was signed in with is
 * revoked (or, for EFAKTURA_ADMIN_TOKEN, is no longer the configured one: `envAdminHash`). Seen again, its
 * expiry slides forward, at most once a minute so that page loads do not all write.
 */
export async function findWebSession(db: Queryable, id: string, now: Date, ttlSeconds: number, envAdminHash: Buffer | null): Promise<WebSession | null> {
  if (!/^[\w-]{43}$/.test(id)) return null;
  const rows = await db.query<{ operator: boolean; merchant_id: number | null; csrf_token: string; expires_at: Date; last_seen_at: Date }>({
    name: 'find_web_session',
    text: `SELECT s.operator, s.merchant_id, s.csrf_token, s.expires_at, s.last_seen_at FROM web_sessions s
           WHERE s.id_hash = $1 AND s.expires_at > $2
             AND (s.token_hash = $3
                  OR (NOT s.operator AND EXISTS (SELECT 1 FROM api_tokens t WHERE t.token_hash = s.token_hash AND t.merchant_id = s.merchant_id AND t.revoked_at IS NULL))
                  OR (s.operator AND EXISTS (SELECT 1 FROM admin_tokens a WHERE a.token_hash = s.token_hash AND a.revoked_at IS NULL)))`,
    values: [hashId(id), now, envAdminHash],
  });
  const row = rows[0];
  if (row === undefined) return null;
  let expiresAt = row.expires_at;
  if (now.getTime() - row.last_seen_at.getTime() > 60_000) {
    expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
    await db.query({
      name: 'touch_web_session',
      text: 'UPDATE web_sessions SET last_seen_at = $2, expires_at = $3 WHERE id_hash = $1',
      values: [hashId(id), now, expiresAt],
    });
  }
  return { operator: row.operator, merchantId: row.merchant_id, csrfToken: row.csrf_token, expiresAt };
}

/** An operator's merchant switcher: the merchant to look at, or null for all. Merchant sessions are left alone. */
export async function chooseSessionMerchant(db: Queryable, id: string, merchantId: number | null): Promise<void> {
  await db.query({
    name: 'choose_session_merchant',
    text: 'UPDATE web_sessions SET merchant_id = $2 WHERE id_hash = $1 AND operator',
    values: [hashId(id), merchantId],
  });
}

export async function deleteWebSession(db: Queryable, id: string): Promise<void> {
  await db.query({ name: 'delete_web_session', text: 'DELETE FROM web_sessions WHERE id_hash = $1', values: [hashId(id)] });
}

/** Housekeeping: forgets expired sessions; returns how many. */
export async function deleteExpiredWebSessions(db: Queryable, now: Date): Promise<number> {
  const rows = await db.query({ text: 'DELETE FROM web_sessions WHERE expires_at <= $1 RETURNING 1', values: [now] });
  return rows.length;
}
