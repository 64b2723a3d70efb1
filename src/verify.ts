/**
 * Merchant-side verification of efaktura (and FPGO Connect) callbacks, exported by the package.
 * Self-contained on purpose: merchants import this file alone, so it depends on node:crypto only and
 * never on the server's modules.
 *
 * The rule (SPEC §4): `checksum` = lower-case hex SHA-256 of the values of every other query parameter,
 * concatenated in the order they appear in the URL, followed by your callback secret.
 *
 * Pass the raw URL when you can (`req.url`, `req.originalUrl`): a parsed query object has lost some order
 * (JavaScript puts integer-like keys such as `"7"` first, and parsers group repeated names into arrays),
 * so objects verify only when your callbackUrl has no such parameters.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type CallbackQuery =
  | string
  | URL
  | URLSearchParams
  | Readonly<Record<string, string | readonly string[] | undefined>>;

export type VerifyCallbackOptions = {
  /** Reject callbacks whose `timestamp` is further than this from now (either way). Default 300; `Infinity` disables. */
  maxAgeSeconds?: number;
  /** Current time in milliseconds since the epoch, like `Date.now` (the default). */
  now?: () => number;
};

export type VerifyCallbackResult =
  | { ok: true; orderUuid: string; status: string; timestamp: number }
  | { ok: false; reason: 'missing-checksum' | 'bad-checksum' | 'stale' | 'malformed' };

/** Order ids as efaktura (and FPGO Connect) issue them: `ODR` and ten digits. */
const ORDER_UUID = /^ODR\d{10}$/;

/**
 * Every order status a callback can report (SPEC §3). Written out here because this file must stand alone;
 * a test keeps it equal to the server's list.
 */
export const CALLBACK_STATUSES: readonly string[] = [
  'SENT', 'INVOICED', 'PURRING', 'INKASSO', 'PAID', 'CANCELLED', 'REFUNDED', 'PARTIAL REFUNDED',
];

/** Each attempt is signed with a fresh timestamp, so a short window costs nothing and stops replays. */
export const DEFAULT_CALLBACK_MAX_AGE_SECONDS = 300;

export function verifyCallback(
  input: CallbackQuery,
  secret: string,
  options: VerifyCallbackOptions = {},
): VerifyCallbackResult {
  if (typeof secret !== 'string' || secret === '') {
    throw new TypeError('verifyCallback: the callback secret is missing (check your configuration)');
  }
  const pairs = queryPairs(input);
  if (pairs === null) return { ok: false, reason: 'malformed' };

  const checksums = pairs.filter(([name]) => name === 'checksum');
  if (checksums.length === 0 || checksums[0]?.[1] === '') return { ok: false, reason: 'missing-checksum' };
  if (checksums.length > 1) return { ok: false, reason: 'malformed' };
  const received = Buffer.from((checksums[0]?.[1] ?? '').toLowerCase(), 'utf8');

  const signedValues = pairs.filter(([name]) => name !== 'checksum').map(([, value]) => value);
  const expected = Buffer.from(
    createHash('sha256').update(signedValues.join('') + secret, 'utf8').digest('hex'),
    'utf8',
  );
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
    return { ok: false, reason: 'bad-checksum' };
  }

  // The checksum joins values without separators, so a valid checksum alone does not prove where one
  // value ends: only values of the exact documented shapes are believed.
  const orderUuid = single(pairs, 'orderUuid');
  const status = single(pairs, 'status');
  const timestampText = single(pairs, 'timestamp');
  if (
    orderUuid === null || !ORDER_UUID.test(orderUuid) ||
    status === null || !CALLBACK_STATUSES.includes(status) ||
    timestampText === null || !/^\d{1,15}$/.test(timestampText)
  ) {
    return { ok: false, reason: 'malformed' };
  }
  const timestamp = Number(timestampText);

  const maxAgeSeconds = options.maxAgeSeconds ?? DEFAULT_CALLBACK_MAX_AGE_SECONDS;
  const nowSeconds = (options.now ?? Date.now)() / 1000;
  // A NaN here would make every comparison false and silently accept replays.
  if (!(maxAgeSeconds >= 0) || !Number.isFinite(nowSeconds)) {
    throw new RangeError('verifyCallback: maxAgeSeconds must be ≥ 0 and now() a time in milliseconds');
  }
  if (Math.abs(nowSeconds - timestamp) > maxAgeSeconds) return { ok: false, reason: 'stale' };

  return { ok: true, orderUuid, status, timestamp };
}

/** Name/value pairs in received order, decoded as a query string decodes them; null if not a query. */
function queryPairs(input: CallbackQuery): Array<[string, string]> | null {
  if (typeof input === 'string') return [...new URLSearchParams(queryPart(input))];
  if (input instanceof URL) return [...input.searchParams];
  if (input instanceof URLSearchParams) return [...input];
  if (typeof input !== 'object' || input === null) return null;
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) continue;
    // Repeated names arrive as arrays from qs / querystring; adjacent repeats keep their order.
    for (const item of typeof value === 'string' ? [value] : Array.isArray(value) ? value : [value]) {
      if (typeof item !== 'string') return null; // e.g. qs turned `a[b]=1` into a nested object
      pairs.push([name, item]);
    }
  }
  return pairs;
}

/** Accepts `https://host/cb?…`, `/cb?…`, `?…` or a bare `a=1&b=2`; drops any `#fragment`. */
function queryPart(text: string): string {
  const withoutFragment = text.split('#', 1)[0] ?? '';
  const looksLikeUrlOrPath = withoutFragment.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(withoutFragment);
  if (!looksLikeUrlOrPath) return withoutFragment; // URLSearchParams strips one leading '?'
  const questionMark = withoutFragment.indexOf('?');
  return questionMark === -1 ? '' : withoutFragment.slice(questionMark + 1);
}

/** The value of a parameter that must appear exactly once; a signed URL from efaktura never repeats ours. */
function single(pairs: ReadonlyArray<[string, string]>, name: string): string | null {
  const values = pairs.filter(([n]) => n === name);
  return values.length === 1 ? (values[0]?.[1] ?? null) : null;
}
