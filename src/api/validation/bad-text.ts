/**
 * Text that must never reach the database, checked in one walk over everything a request carries (path
 * parameters, query, body — every string value and every key, at any depth) before a handler runs:
 *
 * - NUL (U+0000): PostgreSQL refuses it in `text` and `jsonb`, which used to answer 500;
 * - unpaired UTF-16 surrogates (`"\ud800"` in JSON): not Unicode text; `jsonb` refuses them, and as `text`
 *   they would be silently replaced by U+FFFD;
 * - the other C0 control characters except tab, line feed and carriage return, and U+FFFE/U+FFFF: stored
 *   text ends up in EHF invoices (XML 1.0), which cannot carry them. Tabs and newlines stay allowed: a
 *   product name or a note may legitimately hold them.
 *
 * The walk is iterative, so a deeply nested body cannot overflow the stack, and it reports at most
 * MAX_REPORTED fields, so a body full of bad strings cannot make a huge answer.
 */
import { ErrorBag } from './rules.ts';
import { throwIfFailed } from './assert-valid.ts';

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const CONTROL_ALL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
// With the u flag a surrogate pair is one code point, so \p{Cs} matches only the unpaired ones.
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATE_ALL = /\p{Cs}/gu;
const MAX_REPORTED = 20;

export const CONTROL_MESSAGE = 'The :attribute must not contain control characters.';
export const SURROGATE_MESSAGE = 'The :attribute must be valid Unicode text: it contains an unpaired surrogate.';

/** Why a string cannot be stored, or null when it can. */
export function badTextMessage(text: string): string | null {
  if (CONTROL.test(text)) return CONTROL_MESSAGE;
  if (LONE_SURROGATE.test(text)) return SURROGATE_MESSAGE;
  return null;
}

/** A key as it can be shown in a message (the message itself must be valid text too); "" for an empty one. */
const printable = (key: string): string =>
  key === '' ? '""' : key.replace(CONTROL_ALL, '\uFFFD').replace(LONE_SURROGATE_ALL, '\uFFFD');

/** Adds a failure for every bad string or key under `root` (paths start at `prefix`); stops at the cap. */
export function collectBadText(root: unknown, prefix: string, bag: ErrorBag): void {
  const stack: Array<{ value: unknown; path: string }> = [{ value: root, path: prefix }];
  while (stack.length > 0 && bag.errors.length < MAX_REPORTED) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      const message = badTextMessage(value);
      if (message !== null) bag.add(path === '' ? 'body' : path, message);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    // A raw body (a bank file, SPEC §7) is bytes for its own parser, not text fields: walking its indices would take forever.
    if (ArrayBuffer.isView(value)) continue;
    const keys = Object.keys(value);
    const children: Array<{ value: unknown; path: string }> = [];
    for (const key of keys) {
      const keyMessage = badTextMessage(key);
      const childPath = path === '' ? printable(key) : `${path}.${printable(key)}`;
      if (keyMessage !== null) {
        bag.add(childPath, keyMessage.replace('The :attribute', 'The name of :attribute'));
        continue;
      }
      children.push({ value: (value as Record<string, unknown>)[key], path: childPath });
    }
    // Reversed onto the stack, so fields are reported in the order they were sent.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
}

/** The 417 naming every field (up to the cap) whose text cannot be stored. */
export function refuseBadText(params: unknown, query: unknown, body: unknown): void {
  const bag = new ErrorBag();
  collectBadText(params, '', bag);
  collectBadText(query, '', bag);
  collectBadText(body, '', bag);
  throwIfFailed(bag);
}
