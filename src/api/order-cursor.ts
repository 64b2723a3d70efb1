/**
 * The opaque `next_cursor` of GET /orders/status: the order id the next page starts below, encrypted and
 * authenticated (AES-256-GCM) with the merchant id as associated data. A client learns nothing about the
 * platform's order count from it (ids are a global bigserial), and a cursor that was changed, made up or
 * taken from another merchant fails to open. The key comes from the database (migration 003), so every
 * API node reads every node's cursors.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ID_BYTES = 8;
const CURSOR_BYTES = 1 + IV_BYTES + ID_BYTES + TAG_BYTES;
/** base64url of CURSOR_BYTES; a longer value cannot be a cursor. */
export const CURSOR_CHARS = Math.ceil((CURSOR_BYTES * 4) / 3);

/** A key for this purpose only, derived from the shared secret, so the secret can key other things too. */
export function cursorCipherKey(secret: Buffer): Buffer {
  return createHmac('sha256', secret).update('efaktura order-status cursor v1').digest();
}

export function encodeCursor(key: Buffer, merchantId: number, afterId: number): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(String(merchantId)));
  const plain = Buffer.alloc(ID_BYTES);
  plain.writeBigUInt64BE(BigInt(afterId));
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

/** The id inside a cursor this merchant was given, or null for anything else. */
export function decodeCursor(key: Buffer, merchantId: number, value: unknown): number | null {
  if (typeof value !== 'string' || value.length !== CURSOR_CHARS || !/^[\w-]+$/.test(value)) return null;
  const bytes = Buffer.from(value, 'base64url');
  if (bytes.length !== CURSOR_BYTES || bytes[0] !== VERSION) return null;
  const iv = bytes.subarray(1, 1 + IV_BYTES);
  const sealed = bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + ID_BYTES);
  const tag = bytes.subarray(1 + IV_BYTES + ID_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(String(merchantId)));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(sealed), decipher.final()]);
    const id = plain.readBigUInt64BE();
    return id >= 1n && id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : null;
  } catch {
    return null; // the tag did not verify: changed, forged or another merchant's cursor
  }
}
