/** JSON Schema derivation from a rules table (see `rules.ts`): the documentation cannot drift from the checks. */
import { specOf } from './rules-engine.ts';
import type { FieldSpec, JsonSchema, RulesTable } from './rules-engine.ts';

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
