/**
 * The engine behind `rules.ts` (see there for the Laravel semantics it reproduces): reading input, the
 * error bag, and `validateRules`.
 *
 * A rules table is compiled once into a plan (`planOf`, cached per table object, so a table must not be
 * changed after its first use): keys split into segments, array indexes and wildcards resolved, `required`
 * separated from the other rules. On the success path a validation then only walks the table's fixed paths
 * and calls the rules; paths of wildcard fields and display names are built only when a failure is
 * recorded.
 */
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

export function specOf(entry: readonly Rule[] | FieldSpec): FieldSpec {
  return 'rules' in entry ? (entry as FieldSpec) : { rules: entry as readonly Rule[] };
}

// ---------------------------------------------------------------- reading input

type JsonRecord = Record<string, unknown>;
export const INDEX = /^(0|[1-9]\d*)$/;

export function isRecord(value: unknown): value is JsonRecord {
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
  const items: unknown[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (key !== String(i)) return null;
    items[i] = value[key];
  }
  return items;
}

/** The own property `key` of an object or, when `index` ≥ 0 (`key` is its decimal form), item of an array. */
function childAt(container: unknown, key: string, index: number): unknown {
  if (typeof container !== 'object' || container === null) return undefined;
  if (Array.isArray(container)) return index >= 0 ? container[index] : undefined;
  return Object.hasOwn(container, key) ? (container as JsonRecord)[key] : undefined;
}

const indexOf = (key: string): number => (INDEX.test(key) ? Number(key) : -1);

/** The (trimmed, ""→null) value under one key of an object or list, or undefined. */
export function readChild(container: unknown, key: string): unknown {
  return normalizeInput(childAt(container, key, Array.isArray(container) ? indexOf(key) : -1));
}

/** The (trimmed, ""→null) value at a concrete dotted path, or undefined. Lists may be either encoding. */
export function readPath(root: unknown, path: string): unknown {
  let value = root;
  for (const key of path.split('.')) value = childAt(value, key, Array.isArray(value) ? indexOf(key) : -1);
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

// Paths come from the rules tables (and list indices), so few differ; the cap only bounds the worst case.
const attributeNames = new Map<string, string>();

/** Laravel's display name: `customerDetails.personalNumber` → `customer details.personal number`. */
export function attributeName(path: string): string {
  let name = attributeNames.get(path);
  if (name === undefined) {
    name = path.replace(/(.)(?=[A-Z])/gu, '$1 ').replaceAll('_', ' ').toLowerCase();
    if (attributeNames.size >= 10_000) attributeNames.clear();
    attributeNames.set(path, name);
  }
  return name;
}

// ---------------------------------------------------------------- errors

export class ErrorBag {
  readonly errors: string[] = [];
  readonly fieldErrors: Record<string, string[]> = {};

  /** Records a failure of the field at `path`; `:attribute` in the message becomes its display name. */
  add(path: string, message: string): void {
    const name = attributeName(path);
    const sentence = message.replaceAll(':attribute', () => name);
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

// ---------------------------------------------------------------- the plan

const REQUIRED_MESSAGE = 'The :attribute field is required.';

/** One table key, ready to run. */
interface FieldPlan {
  /** The key's segments; `*` stands for every item of a list. */
  readonly keys: readonly string[];
  /** Per segment: the array index it names (`"3"` → 3), else -1. */
  readonly indexes: readonly number[];
  /** The concrete path, when the key has no `*`. */
  readonly path: string | null;
  /** The segment of the first `*` (or -1), and the path of the list it expands. */
  readonly firstStar: number;
  readonly firstListPath: string;
  /** For a key with exactly one `*`: the concrete paths met so far, by item index. */
  readonly itemPaths: string[] | null;
  readonly required: boolean;
  /** The field's rules other than `required`, in table order. */
  readonly checks: readonly Rule[];
}

/** Item paths kept per one-`*` field: enough for any list a table allows in practice. */
const MAX_CACHED_ITEM_PATHS = 1000;

/** A key's concrete path with its `*`s (up to segment `depth`) replaced by `indices`. */
function pathOf(field: FieldPlan, depth: number, indices: readonly number[]): string {
  let path = '';
  let star = 0;
  for (let d = 0; d < depth; d++) {
    const key = field.keys[d] === '*' ? String(indices[star++]) : (field.keys[d] as string);
    path = path === '' ? key : `${path}.${key}`;
  }
  return path;
}

/** The concrete path of the value of `field` at `indices`. */
function valuePath(field: FieldPlan, indices: readonly number[]): string {
  if (field.path !== null) return field.path;
  const cache = field.itemPaths;
  const i = indices[0] as number;
  let path = cache?.[i];
  if (path === undefined) {
    path = pathOf(field, field.keys.length, indices);
    if (cache !== null && i < MAX_CACHED_ITEM_PATHS) cache[i] = path;
  }
  return path;
}

/** The concrete path of the list that the `*` at segment `depth` of `field` expands. */
function listPath(field: FieldPlan, depth: number, indices: readonly number[]): string {
  return depth === field.firstStar ? field.firstListPath : pathOf(field, depth, indices);
}

function compileField(pattern: string, entry: readonly Rule[] | FieldSpec): FieldPlan {
  const { rules } = specOf(entry);
  const keys = pattern.split('.');
  const stars = keys.filter((key) => key === '*').length;
  const plan = {
    keys,
    indexes: keys.map(indexOf),
    path: null as string | null,
    firstStar: keys.indexOf('*'),
    firstListPath: '',
    itemPaths: stars === 1 ? [] : null,
    required: rules.some((rule) => rule.kind === 'presence'),
    checks: rules.filter((rule) => rule.kind !== 'presence'),
  };
  if (stars === 0) plan.path = pathOf(plan, keys.length, []);
  else plan.firstListPath = pathOf(plan, plan.firstStar, []);
  return plan;
}

const plans = new WeakMap<RulesTable, readonly FieldPlan[]>();
// A table built for one call only (as tests do) is not worth keeping: holding plans in a WeakMap has a cost
// in garbage collection. A plan is kept from a table's second use on.
const usedOnce = new WeakSet<RulesTable>();

function planOf(table: RulesTable): readonly FieldPlan[] {
  let plan = plans.get(table);
  if (plan === undefined) {
    plan = Object.entries(table).map(([pattern, entry]) => compileField(pattern, entry));
    if (usedOnce.has(table)) plans.set(table, plan);
    else usedOnce.add(table);
  }
  return plan;
}

// ---------------------------------------------------------------- the engine

function isEmptyForRequired(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isRecord(value)) return Object.keys(value).length === 0;
  return false;
}

/** State of one `validateRules` call. */
class Run {
  /** The `*` indices of the location being visited. */
  readonly indices: number[] = [];
  // Every field under one list reads it again: keep the last one read (an object-keyed list is a copy).
  private listSource: unknown = undefined;
  private list: readonly unknown[] | null = null; // asList(undefined)
  readonly bag = new ErrorBag();

  listOf(value: unknown): readonly unknown[] | null {
    if (value !== this.listSource) {
      this.listSource = value;
      this.list = asList(value);
    }
    return this.list;
  }

  /** Checks the value at one concrete location of `field` (`indices` says which). */
  check(field: FieldPlan, raw: unknown): void {
    const value = normalizeInput(raw);
    if (field.required && isEmptyForRequired(value)) {
      this.bag.add(valuePath(field, this.indices), REQUIRED_MESSAGE);
      return;
    }
    if (value === null || value === undefined) return;
    const checks = field.checks;
    for (let i = 0; i < checks.length; i++) {
      const rule = checks[i] as Rule;
      const message = rule.check(value);
      if (message === null) continue;
      this.bag.add(valuePath(field, this.indices), message);
      if (rule.kind === 'type') break;
    }
  }

  /**
   * Visits, in order, every concrete location of `field` below segment `depth` of `value`. A list whose own
   * path already failed is not expanded. A field's lists lie above its values, so checking each value as it
   * is found cannot change which of its lists are expanded.
   */
  visit(field: FieldPlan, depth: number, value: unknown): void {
    const { keys, indexes } = field;
    for (let d = depth; d < keys.length; d++) {
      if (keys[d] !== '*') {
        value = childAt(value, keys[d] as string, indexes[d] as number);
        continue;
      }
      if (!this.bag.isEmpty && this.bag.has(listPath(field, d, this.indices))) return;
      const items = this.listOf(value);
      if (items === null) return;
      for (let i = 0; i < items.length; i++) {
        // A hole of a sparse array (never from JSON) is an absent item: its required fields are reported,
        // so what passes the rules is always complete for the readers that follow.
        this.indices.push(i);
        this.visit(field, d + 1, items[i]);
        this.indices.pop();
      }
      return;
    }
    this.check(field, value);
  }
}

/** Runs every rule of the table against `body`; the returned bag holds all failures, in table order. */
export function validateRules(table: RulesTable, body: unknown): ErrorBag {
  const run = new Run();
  for (const field of planOf(table)) run.visit(field, 0, body);
  return run.bag;
}
