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
 *
 * The engine is in `rules-engine.ts`, the schema derivation in `json-schema.ts`, the rules in
 * `rule-constructors.ts`; import them all from here.
 */
export {
  ErrorBag, asList, attributeName, normalizeInput, readChild, readPath, toBoolean, toInteger, validateRules,
} from './rules-engine.ts';
export type { FieldSpec, JsonSchema, Rule, RuleKind, RulesTable, Validation } from './rules-engine.ts';
export { toJsonSchema } from './json-schema.ts';
export {
  boolean, custom, decimals, digits, digitsBetween, email, gt, gte, inList, integer, list, max, maxValue, min, numeric,
  numericValue, object, regex, required, string, url,
} from './rule-constructors.ts';
export type { InListOptions } from './rule-constructors.ts';
