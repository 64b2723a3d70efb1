/**
 * The signed callback URL of SPEC §4 (FPGO "Notifications via Callback URL", newest checksum formula):
 * the merchant's own query parameters first, then ours in a fixed order, then
 * `checksum` = lower-case hex SHA-256 of every other parameter's value, concatenated in URL order,
 * followed by the merchant's callback secret. Merchants verify it by looping over `$_GET`, so every rule
 * below is about making "the values as PHP decodes them, in URL order" unambiguous.
 * Pure: no clock, no I/O (the caller passes `timestamp`).
 */
import { createHash } from 'node:crypto';

/** Our parameters, in the order SPEC §4 documents. `checksum` always comes last. */
export const CALLBACK_PARAMETER_NAMES = ['orderUuid', 'status', 'createdAt', 'paymentMethod', 'amount', 'timestamp'] as const;
export const CHECKSUM_PARAMETER_NAME = 'checksum';

const RESERVED_NAMES: ReadonlySet<string> = new Set([...CALLBACK_PARAMETER_NAMES, CHECKSUM_PARAMETER_NAME]);

export type CallbackParameters = {
  orderUuid: string;
  status: string;
  /** Order creation, Unix seconds. */
  createdAt: number;
  /** Always `efaktura` for this server. */
  paymentMethod: string;
  /** Order grand total as FPGO writes it, e.g. `"51.00"`. */
  amount: string;
  /** This attempt, Unix seconds: each retry gets a new timestamp and so a new checksum. */
  timestamp: number;
};

export function callbackChecksum(values: readonly string[], secret: string): string {
  return createHash('sha256').update(values.join('') + secret, 'utf8').digest('hex');
}

/**
 * Builds the URL of one callback attempt.
 *
 * The merchant's query is re-serialised as `application/x-www-form-urlencoded` (space → `+`), so what is
 * on the wire decodes to exactly the strings we hash, for PHP's `$_GET`, URLSearchParams and qs alike
 * (an invalid `%FF` in the merchant's URL becomes U+FFFD once, here, instead of differing per parser).
 * A merchant parameter that has one of our names is dropped: PHP would keep its slot with our value,
 * putting the values out of URL order and breaking every verification. The fragment is dropped too:
 * it is never sent to the server.
 */
export function buildCallbackUrl(callbackUrl: string, p: CallbackParameters, secret: string): string {
  if (secret === '') throw new TypeError('callback secret must not be empty: the checksum would prove nothing');
  for (const name of ['createdAt', 'timestamp'] as const) {
    if (!Number.isSafeInteger(p[name]) || p[name] < 0) throw new RangeError(`${name} must be Unix seconds, got ${p[name]}`);
  }
  const url = new URL(callbackUrl);
  const query = new URLSearchParams();
  for (const [name, value] of new URLSearchParams(url.search)) {
    if (!RESERVED_NAMES.has(name)) query.append(name, value);
  }
  for (const name of CALLBACK_PARAMETER_NAMES) query.append(name, String(p[name]));
  // Read the values back from `query`: appending turns lone surrogates into U+FFFD, as the wire will.
  query.append(CHECKSUM_PARAMETER_NAME, callbackChecksum([...query.values()], secret));
  url.search = query.toString();
  url.hash = '';
  return url.href;
}

/**
 * Why a merchant's callbackUrl would not verify with a PHP `$_GET` loop (FPGO's reference sample), for the
 * order validator to report. Empty when fine. PHP keeps only the last of duplicate names (and turns `.`
 * and space in names into `_`), turns `a[]=` into arrays and drops a parameter with an empty name
 * (`?=abc`) while we would sign its value; the parameters we own are replaced.
 */
export function callbackUrlQueryProblems(callbackUrl: string): string[] {
  let url: URL;
  try {
    url = new URL(callbackUrl);
  } catch {
    return ['is not an absolute URL'];
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const name of new URLSearchParams(url.search).keys()) {
    const phpName = name.replace(/[ .]/g, '_');
    if (name === '') problems.push('has a query parameter with an empty name');
    else if (RESERVED_NAMES.has(name)) problems.push(`query parameter "${name}" is reserved for the callback`);
    else if (name.includes('[') || name.includes(']')) problems.push(`query parameter "${name}" would be an array in PHP`);
    else if (seen.has(phpName)) problems.push(`query parameter "${name}" appears more than once`);
    seen.add(phpName);
  }
  return problems;
}
