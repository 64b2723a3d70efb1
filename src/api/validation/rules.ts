/**
 * A small declarative validation engine in the style of Laravel (SPEC §2.2), shared by every endpoint.
 *
 * An endpoint writes ONE rules table, keyed by dotted path with `*` wildcards:
 *   { 'products': [required(), list(), max(500)], 'products.*.name': [required(), string(), max(255)] }
 * and gets from it both the checks (`validateRules`) and the documentation (`toJsonSchema`), so the
 * OpenAPI document cannot drift from behaviour.
 *
 * Laravel semantics we reproduce, because FPGO Connect clients see Laravel's messages (FPGO ref §6):
 * - strings are trimmed and "" counts as missing (TrimStrings + ConvertEmptyStringsToNull);
 * - a missing value fails `required` (so do `[]` and `{}`), and every other rule is skipped for it;
 * - the attribute in a message is the dotted path with camelCase split into lower-case words;
 * - a missing parent still reports its required children; `*` under a missing or non-list value expands
 *   to nothing;
 * - all failing fields are reported at once, in table order.
 * Deliberate differences: after a failed type rule the field's other rules are skipped (one clear message,
 * not three), and a list that failed its own rules (e.g. too many items) is not expanded, so a 1 MB body of
 * junk cannot produce millions of messages.
 *
 * The engine never recurses into the input (only along the table's fixed paths), so arbitrarily deep or
 * hostile JSON cannot overflow the stack, and it only reads own properties (`__proto__` is just a key).
 */
import { compareDecimal, decimalPlaces, parseDecimal } from '../../domain/money.ts';
import type { Decimal } from '../../domain/money.ts';

export type JsonSchema = Record<string, unknown>;
export type Validation<T> =
  | { ok: true; value: T }
  | { ok: false; errors: string[]; fieldErrors: Record<string, string[]> };

/** presence = `required`; a failed `type` rule ends the field's checks; `constraint`s are all reported. */
export type RuleKind = 'presence' | 'type' | 'constraint';

export interface Rule {
  readonly kind: RuleKind;
  /** Laravel notation shown in the docs, e.g. `max:255`. */
  readonly notation: string;
  /** A message with `:attribute` still in it, or null when the value passes. Never given null/undefined. */
  check(value: unknown): string | null;
  /** Adds this rule's constraint to the field's JSON Schema. */
  schema?(node: JsonSchema): void;
  /** Replaces the field's finished schema (used by `list()`, which is an array OR an index-keyed object). */
  wrapSchema?(node: JsonSchema): JsonSchema;
}

export interface FieldSpec {
  readonly rules: readonly Rule[];
  readonly description?: string;
  /** Documented default when the field is absent (the endpoint applies it; the engine only documents it). */
  readonly default?: unknown;
  readonly examples?: readonly unknown[];
}

export type RulesTable = Readonly<Record<string, readonly Rule[] | FieldSpec>>;

// ---------------------------------------------------------------- reading input

type JsonRecord = Record<string, unknown>;
const INDEX = /^(0|[1-9]\d*)$/;

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Laravel's TrimStrings + ConvertEmptyStringsToNull, applied to each value as it is read. */
export function normalizeInput(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** A JSON array, or an object keyed exactly "0".."n-1" (PHP decodes both to the same array; FPGO ref §2.1). */
export function asList(value: unknown): readonly unknown[] | null {
  if (Array.isArray(value)) return value;
  if (!isRecord(value)) return null;
  const keys = Object.keys(value);
  const items: unknown[] = [];
  for (const [i, key] of keys.entries()) {
    if (key !== String(i)) return null;
    items.push(value[key]);
  }
  return items;
}

function child(container: unknown, key: string): unknown {
  if (Array.isArray(container)) return INDEX.test(key) ? container[Number(key)] : undefined;
  if (isRecord(container)) return Object.hasOwn(container, key) ? container[key] : undefined;
  return undefined;
}

/** The (trimmed, ""→null) value at a concrete dotted path, or undefined. Lists may be either encoding. */
export function readPath(root: unknown, path: string): unknown {
  let value = root;
  for (const key of path.split('.')) value = child(value, key);
  return normalizeInput(value);
}

/** `true`, `false`, 1, 0, "1", "0", "true", "false" as Laravel's `boolean` accepts them; else null. */
export function toBoolean(value: unknown): boolean | null {
  const v = normalizeInput(value);
  if (v === true || v === 1 || v === '1' || v === 'true') return true;
  if (v === false || v === 0 || v === '0' || v === 'false') return false;
  return null;
}

/** A safe integer from a JSON integer or an integer string ("10", "-3"); else null. */
export function toInteger(value: unknown): number | null {
  const v = normalizeInput(value);
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : null;
  if (typeof v !== 'string' || !/^-?\d{1,16}$/.test(v)) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : null;
}

/** Laravel's display name: `customerDetails.personalNumber` → `customer details.personal number`. */
export function attributeName(path: string): string {
  return path.replace(/(.)(?=[A-Z])/gu, '$1 ').replaceAll('_', ' ').toLowerCase();
}

// ---------------------------------------------------------------- errors and the engine

export class ErrorBag {
  readonly errors: string[] = [];
  readonly fieldErrors: Record<string, string[]> = {};

  /** Records a failure of the field at `path`; `:attribute` in the message becomes its display name. */
  add(path: string, message: string): void {
    const sentence = message.split(':attribute').join(attributeName(path));
    this.errors.push(sentence);
    const list = Object.hasOwn(this.fieldErrors, path) ? this.fieldErrors[path] : undefined;
    if (list) list.push(sentence);
    else this.fieldErrors[path] = [sentence];
  }

  has(path: string): boolean {
    return Object.hasOwn(this.fieldErrors, path);
  }

  get isEmpty(): boolean {
    return this.errors.length === 0;
  }

  toFailure(): { ok: false; errors: string[]; fieldErrors: Record<string, string[]> } {
    return { ok: false, errors: [...this.errors], fieldErrors: { ...this.fieldErrors } };
  }
}

function specOf(entry: readonly Rule[] | FieldSpec): FieldSpec {
  return 'rules' in entry ? (entry as FieldSpec) : { rules: entry as readonly Rule[] };
}

function isEmptyForRequired(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isRecord(value)) return Object.keys(value).length === 0;
  return false;
}

/** Concrete paths (and raw values) a table key stands for in this input. */
function expand(pattern: string, root: unknown, bag: ErrorBag): { path: string; value: unknown }[] {
  let frontier: { path: string; value: unknown }[] = [{ path: '', value: root }];
  for (const segment of pattern.split('.')) {
    const next: { path: string; value: unknown }[] = [];
    for (const { path, value } of frontier) {
      const join = (key: string) => (path === '' ? key : `${path}.${key}`);
      if (segment !== '*') {
        next.push({ path: join(segment), value: child(value, segment) });
        continue;
      }
      const items = bag.has(path) ? null : asList(value);
      items?.forEach((item, i) => next.push({ path: join(String(i)), value: item }));
    }
    frontier = next;
  }
  return frontier;
}

/** Runs every rule of the table against `body`; the returned bag holds all failures, in table order. */
export function validateRules(table: RulesTable, body: unknown): ErrorBag {
  const bag = new ErrorBag();
  for (const [pattern, entry] of Object.entries(table)) {
    const { rules } = specOf(entry);
    const required = rules.some((rule) => rule.kind === 'presence');
    for (const { path, value: raw } of expand(pattern, body, bag)) {
      const value = normalizeInput(raw);
      if (required && isEmptyForRequired(value)) {
        bag.add(path, 'The :attribute field is required.');
        continue;
      }
      if (value === null || value === undefined) continue;
      for (const rule of rules) {
        if (rule.kind === 'presence') continue;
        const message = rule.check(value);
        if (message === null) continue;
        bag.add(path, message);
        if (rule.kind === 'type') break;
      }
    }
  }
  return bag;
}

// ---------------------------------------------------------------- JSON Schema derivation

interface SchemaTreeNode {
  spec?: FieldSpec;
  children: Map<string, SchemaTreeNode>;
}

function isRequiredNode(node: SchemaTreeNode): boolean {
  // A missing parent still fails its required children (Laravel), so such a parent is required too.
  if (node.spec?.rules.some((rule) => rule.kind === 'presence')) return true;
  return [...node.children].some(([key, c]) => key !== '*' && isRequiredNode(c));
}

function addNull(schema: JsonSchema): void {
  if (Array.isArray(schema.enum)) schema.enum = [...schema.enum, null];
  if (typeof schema.type === 'string') schema.type = [schema.type, 'null'];
  else if (Array.isArray(schema.type)) schema.type = [...schema.type, 'null'];
  else if (Array.isArray(schema.oneOf)) schema.oneOf = [...schema.oneOf, { type: 'null' }];
}

function schemaOf(node: SchemaTreeNode, required: boolean): JsonSchema {
  let schema: JsonSchema = {};
  const named = [...node.children].filter(([key]) => key !== '*');
  if (named.length > 0) {
    schema.type = 'object';
    schema.properties = Object.fromEntries(named.map(([key, c]) => [key, schemaOf(c, isRequiredNode(c))]));
    const requiredKeys = named.filter(([, c]) => isRequiredNode(c)).map(([key]) => key);
    if (requiredKeys.length > 0) schema.required = requiredKeys;
  }
  const items = node.children.get('*');
  if (items) schema.items = schemaOf(items, isRequiredNode(items));
  const spec = node.spec;
  if (spec) {
    for (const rule of spec.rules) rule.schema?.(schema);
    for (const rule of spec.rules) if (rule.wrapSchema) schema = rule.wrapSchema(schema);
    const notation = spec.rules.map((rule) => rule.notation).join('|');
    const rulesText = `Rules: \`${notation}\`.`;
    schema.description = spec.description ? `${spec.description} ${rulesText}` : rulesText;
    if (spec.default !== undefined) schema.default = spec.default;
    if (spec.examples) schema.examples = [...spec.examples];
  }
  if (!required) addNull(schema);
  return schema;
}

/** A JSON Schema (draft 2020-12 / OpenAPI 3.1) of the request body the table accepts. */
export function toJsonSchema(table: RulesTable, extra: JsonSchema = {}): JsonSchema {
  const root: SchemaTreeNode = { children: new Map() };
  for (const [pattern, entry] of Object.entries(table)) {
    let node = root;
    for (const key of pattern.split('.')) {
      let next = node.children.get(key);
      if (!next) node.children.set(key, (next = { children: new Map() }));
      node = next;
    }
    node.spec = specOf(entry);
  }
  return { ...schemaOf(root, true), ...extra };
}

// ---------------------------------------------------------------- rules (Laravel 9 default messages)

const hasType = (node: JsonSchema, type: string) =>
  node.type === type || (Array.isArray(node.type) && node.type.includes(type));
const codePoints = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};
const NUMERIC_PATTERN = '^\\s*-?\\d+(\\.\\d+)?\\s*$';

export const required = (): Rule => ({ kind: 'presence', notation: 'required', check: () => null });

export const string = (): Rule => ({
  kind: 'type',
  notation: 'string',
  check: (v) => (typeof v === 'string' ? null : 'The :attribute must be a string.'),
  schema: (s) => void (s.type = 'string'),
});

/** A JSON number or a decimal string (see `parseDecimal`). */
export const numeric = (): Rule => ({
  kind: 'type',
  notation: 'numeric',
  check: (v) => (parseDecimal(v) === null ? 'The :attribute must be a number.' : null),
  schema: (s) => Object.assign(s, { type: ['number', 'string'], pattern: NUMERIC_PATTERN }),
});

export const integer = (): Rule => ({
  kind: 'type',
  notation: 'integer',
  check: (v) => (toInteger(v) === null ? 'The :attribute must be an integer.' : null),
  schema: (s) => Object.assign(s, { type: ['integer', 'string'], pattern: '^\\s*-?\\d+\\s*$' }),
});

export const boolean = (): Rule => ({
  kind: 'type',
  notation: 'boolean',
  check: (v) => (toBoolean(v) === null ? 'The :attribute field must be true or false.' : null),
  schema: (s) => void (s.enum = [true, false, 0, 1, '0', '1', 'true', 'false']),
});

/** A JSON object (Laravel calls every PHP array an "array", hence the message). */
export const object = (): Rule => ({
  kind: 'type',
  notation: 'array',
  check: (v) => (isRecord(v) ? null : 'The :attribute must be an array.'),
  schema: (s) => void (s.type = 'object'),
});

/** A JSON array or an object keyed "0".."n-1" (see `asList`). */
export const list = (): Rule => ({
  kind: 'type',
  notation: 'array',
  check: (v) => (asList(v) === null ? 'The :attribute must be an array.' : null),
  schema: (s) => void (s.type = 'array'),
  wrapSchema: ({ type: _type, items, minItems, maxItems, ...rest }) => ({
    ...rest,
    oneOf: [
      { type: 'array', items, minItems, maxItems },
      {
        type: 'object',
        description: 'The same list as an object keyed "0", "1", … without gaps (PHP\'s encoding of a list).',
        propertyNames: { pattern: INDEX.source },
        additionalProperties: items,
        minProperties: minItems,
        maxProperties: maxItems,
      },
    ].map((alt) => Object.fromEntries(Object.entries(alt).filter(([, value]) => value !== undefined))),
  }),
});

/** Characters of a string (code points, like mb_strlen) or items of a list. */
export const max = (limit: number): Rule => ({
  kind: 'constraint',
  notation: `max:${limit}`,
  check: (v) => {
    if (typeof v === 'string') return codePoints(v) > limit ? `The :attribute must not be greater than ${limit} characters.` : null;
    const items = asList(v);
    return items && items.length > limit ? `The :attribute must not have more than ${limit} items.` : null;
  },
  schema: (s) => void (hasType(s, 'array') ? (s.maxItems = limit) : (s.maxLength = limit)),
});

export const min = (limit: number): Rule => ({
  kind: 'constraint',
  notation: `min:${limit}`,
  check: (v) => {
    if (typeof v === 'string') return codePoints(v) < limit ? `The :attribute must be at least ${limit} characters.` : null;
    const items = asList(v);
    return items && items.length < limit ? `The :attribute must have at least ${limit} items.` : null;
  },
  schema: (s) => void (hasType(s, 'array') ? (s.minItems = limit) : (s.minLength = limit)),
});

function numericBound(notation: string, bound: number, fails: (c: number) => boolean, message: string, keyword: string): Rule {
  const limit = parseDecimal(bound) as Decimal;
  return {
    kind: 'constraint',
    notation: `${notation}:${bound}`,
    check: (v) => {
      const d = parseDecimal(v);
      return d !== null && fails(compareDecimal(d, limit)) ? message : null;
    },
    schema: (s) => void (s[keyword] = bound),
  };
}

/** Numeric value ≤ limit (Laravel's `max` on a numeric field). */
export const maxValue = (limit: number): Rule =>
  numericBound('max', limit, (c) => c > 0, `The :attribute must not be greater than ${limit}.`, 'maximum');
export const gt = (bound: number): Rule =>
  numericBound('gt', bound, (c) => c <= 0, `The :attribute must be greater than ${bound}.`, 'exclusiveMinimum');
export const gte = (bound: number): Rule =>
  numericBound('gte', bound, (c) => c < 0, `The :attribute must be greater than or equal to ${bound}.`, 'minimum');

/** At most `places` significant decimals (money: 2, SPEC §2.1). */
export const decimals = (places: number): Rule => ({
  kind: 'constraint',
  notation: `decimal:0,${places}`,
  check: (v) => {
    const d = parseDecimal(v);
    return d !== null && decimalPlaces(d) > places ? `The :attribute must not have more than ${places} decimal places.` : null;
  },
});

export interface InListOptions {
  /** Maps the input to the form the allowed values are written in (e.g. upper case); null = not allowed. */
  normalize?: (value: unknown) => string | null;
  /** Whether the schema lists the values as an `enum` (default: yes). */
  enumInSchema?: boolean;
}

const scalarText = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

export const inList = (values: readonly (string | number)[], options: InListOptions = {}): Rule => {
  const allowed = new Set(values.map(String));
  const normalize = options.normalize ?? scalarText;
  return {
    kind: 'constraint',
    notation: `in:${values.join(',')}`,
    check: (v) => {
      const key = normalize(v);
      return key !== null && allowed.has(key) ? null : 'The selected :attribute is invalid.';
    },
    schema: (s) => {
      if (options.enumInSchema === false) return;
      // Numbers are also accepted as strings ("1" for 1), as Laravel compares string forms.
      s.enum = values.flatMap((value) => (typeof value === 'number' ? [value, String(value)] : [value]));
    },
  };
};

export const regex = (pattern: RegExp): Rule => ({
  kind: 'constraint',
  notation: `regex:${pattern}`,
  check: (v) => {
    const text = scalarText(v);
    return text !== null && pattern.test(text) ? null : 'The :attribute format is invalid.';
  },
  schema: (s) => void (s.pattern = pattern.source),
});

/** Digits only, as a string or a non-negative JSON integer (Laravel's `digits`/`digits_between`). */
function digitCount(v: unknown): number | null {
  const text = typeof v === 'number' ? (Number.isSafeInteger(v) && v >= 0 ? String(v) : null) : scalarText(v);
  return text !== null && /^\d+$/.test(text) ? text.length : null;
}

export const digits = (count: number): Rule => ({
  kind: 'constraint',
  notation: `digits:${count}`,
  check: (v) => (digitCount(v) === count ? null : `The :attribute must be ${count} digits.`),
  schema: (s) => Object.assign(s, { type: s.type ?? ['string', 'integer'], pattern: `^\\d{${count}}$` }),
});

export const digitsBetween = (lo: number, hi: number): Rule => ({
  kind: 'constraint',
  notation: `digits_between:${lo},${hi}`,
  check: (v) => {
    const n = digitCount(v);
    return n !== null && n >= lo && n <= hi ? null : `The :attribute must be between ${lo} and ${hi} digits.`;
  },
  schema: (s) => Object.assign(s, { type: s.type ?? ['string', 'integer'], pattern: `^\\d{${lo},${hi}}$` }),
});

// Dot-atom local part and a dotted host name (or IP literal); a dot in the domain is required because an
// invoice is mailed to it, and Laravel's stricter `email:filter` requires it too.
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\u0080-\\uFFFF-]+";
const LABEL = '[A-Za-z0-9\\u0080-\\uFFFF](?:[A-Za-z0-9\\u0080-\\uFFFF-]{0,61}[A-Za-z0-9\\u0080-\\uFFFF])?';
const EMAIL = new RegExp(`^${ATOM}(?:\\.${ATOM})*@(?:(?:${LABEL}\\.)+${LABEL}|\\[[0-9A-Fa-f:.]+\\])$`, 'u');

export const email = (): Rule => ({
  kind: 'type',
  notation: 'email',
  check: (v) =>
    typeof v === 'string' && v.length <= 254 && EMAIL.test(v) ? null : 'The :attribute must be a valid email address.',
  schema: (s) => Object.assign(s, { type: 'string', format: 'email', maxLength: 254 }),
});

/** An absolute http(s) URL with a host; whitespace and control characters are refused, not encoded. */
export const url = (): Rule => ({
  kind: 'constraint',
  notation: 'url',
  check: (v) => {
    if (typeof v !== 'string' || /[\s\u0000-\u001F\u007F]/u.test(v)) return 'The :attribute must be a valid URL.';
    const parsed = URL.parse(v);
    const ok = parsed !== null && (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
    return ok && /^https?:\/\//i.test(v) ? null : 'The :attribute must be a valid URL.';
  },
  schema: (s) => Object.assign(s, { format: 'uri', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://' }),
});

/** A one-off rule with a fixed message, for formats specific to one endpoint. */
export const custom = (
  notation: string,
  kind: RuleKind,
  passes: (value: unknown) => boolean,
  message: string,
  schema?: (node: JsonSchema) => void,
): Rule => ({ kind, notation, check: (v) => (passes(v) ? null : message), ...(schema ? { schema } : {}) });
