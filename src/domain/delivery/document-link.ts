/**
 * The signed document link `GET /d/{token}` (issue #8 §6): the eFaktura in the customer's bank and the
 * e-mail point to it, and it serves the stored PDF without an API token. The token is
 * `<documentId>.<expiresAtUnixSeconds>.<HMAC-SHA256 of both, base64url>`, keyed by a key derived from
 * the server secret of migration 008; a changed id or expiry breaks the MAC, and an expired token is
 * refused however valid its MAC.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const TOKEN = /^([1-9]\d{0,15})\.(\d{1,12})\.([\w-]{43})$/;

/** A key for this purpose only, derived from the shared secret. */
export function documentLinkKey(secret: Buffer): Buffer {
  return createHmac('sha256', secret).update('efaktura document link v1').digest();
}

function mac(key: Buffer, documentId: number, expiresAt: number): Buffer {
  return createHmac('sha256', key).update(`${documentId}.${expiresAt}`).digest();
}

export function signDocumentLink(key: Buffer, documentId: number, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return `${documentId}.${expires}.${mac(key, documentId, expires).toString('base64url')}`;
}

/** The document id a token grants at `now`, or null (malformed, forged, changed or expired). */
export function verifyDocumentLink(key: Buffer, token: string, now: Date): number | null {
  const m = TOKEN.exec(token);
  if (m === null) return null;
  const documentId = Number(m[1]);
  const expires = Number(m[2]);
  // Compared as text, not as decoded bytes: the last of 43 base64url characters carries 2 unused bits,
  // so four spellings decode to the same MAC, and only the one this server wrote is the link.
  const given = Buffer.from(m[3]!);
  const expected = Buffer.from(mac(key, documentId, expires).toString('base64url'));
  if (!timingSafeEqual(given, expected)) return null;
  if (expires * 1000 <= now.getTime()) return null;
  return Number.isSafeInteger(documentId) ? documentId : null;
}

/**
 * The key of a dunning step's document links (a reminder's or notice's PDF): derived from the document
 * link key, so a step's token never opens the invoice of the same id, nor the reverse. Its tokens are
 * written `s<token>` on the same `/d/` route.
 */
export function dunningStepLinkKey(documentKey: Buffer): Buffer {
  return createHmac('sha256', documentKey).update('dunning step').digest();
}
