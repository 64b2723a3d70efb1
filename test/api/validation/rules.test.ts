import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import {
  asList, attributeName, boolean, decimals, digits, digitsBetween, email, gt, gte, inList, integer, list, max,
  maxValue, min, numeric, object, readPath, regex, required, string, toBoolean, toInteger, toJsonSchema, url,
  validateRules,
} from '../../../src/api/validation/rules.ts';
import type { Rule, RulesTable } from '../../../src/api/validation/rules.ts';

/** The messages one table gives for one body. */
const errorsOf = (table: RulesTable, body: unknown) => validateRules(table, body).errors;
/** The messages a single field `value` with `rules` gets. */
const messagesFor = (rules: Rule[], value: unknown, path = 'field') => errorsOf({ [path]: rules }, { [path]: value });

describe('attribute names in messages', () => {
  test('split camelCase into lower-case words and keep the dots, like Laravel', () => {
    assert.equal(attributeName('customerDetails.personalNumber'), 'customer details.personal number');
    assert.equal(attributeName('orderSummary.grandTotal'), 'order summary.grand total');
    assert.equal(attributeName('callback.callbackUrl'), 'callback.callback url');
    assert.equal(attributeName('products.0.rate'), 'products.0.rate');
    assert.equal(attributeName('msisdn'), 'msisdn');
    assert.equal(attributeName('snake_case_key'), 'snake case key');
  });

  test('fieldErrors are keyed by the concrete dotted path as sent', () => {
    const bag = validateRules({ 'customerDetails.personalNumber': [required()] }, {});
    assert.deepEqual(bag.fieldErrors, {
      'customerDetails.personalNumber': ['The customer details.personal number field is required.'],
    });
  });
});

describe('presence', () => {
  test('required fails for absent, null, empty or blank strings, [] and {}', () => {
    for (const value of [undefined, null, '', '   ', [], {}]) {
      assert.deepEqual(messagesFor([required(), string()], value), ['The field field is required.'], JSON.stringify(value));
    }
  });

  test('required passes for false and 0', () => {
    assert.deepEqual(messagesFor([required()], false), []);
    assert.deepEqual(messagesFor([required()], 0), []);
  });

  test('a field that is not required skips its rules when absent or null', () => {
    assert.deepEqual(messagesFor([string(), max(1)], null), []);
    assert.deepEqual(errorsOf({ field: [string(), max(1)] }, {}), []);
    assert.deepEqual(messagesFor([string(), max(1)], '  '), []); // blank → null
  });

  test('strings are trimmed before the rules see them', () => {
    assert.deepEqual(messagesFor([required(), max(3)], '  abc  '), []);
    assert.equal(readPath({ a: { b: '  x ' } }, 'a.b'), 'x');
    assert.equal(readPath({ a: { b: '   ' } }, 'a.b'), null);
  });

  test('a missing parent still reports its required children, but not its optional ones', () => {
    const table = { parent: [required(), object()], 'parent.name': [required()], 'parent.note': [string()] };
    assert.deepEqual(errorsOf(table, {}), ['The parent field is required.', 'The parent.name field is required.']);
    assert.deepEqual(errorsOf(table, { parent: 'text' }), ['The parent must be an array.', 'The parent.name field is required.']);
  });
});

describe('rule order and stopping', () => {
  test('a failed type rule skips the rest of that field', () => {
    assert.deepEqual(messagesFor([required(), string(), max(1)], 12), ['The field must be a string.']);
  });

  test('every failed constraint of a field is reported', () => {
    assert.deepEqual(messagesFor([string(), max(2), regex(/^\d+$/)], 'abc'), [
      'The field must not be greater than 2 characters.',
      'The field format is invalid.',
    ]);
  });

  test('all failing fields are reported at once, in table order', () => {
    const table = { b: [required()], a: [required()], c: [integer()] };
    const bag = validateRules(table, { c: 'x' });
    assert.deepEqual(bag.errors, ['The b field is required.', 'The a field is required.', 'The c must be an integer.']);
    assert.deepEqual(Object.keys(bag.fieldErrors), ['b', 'a', 'c']);
  });
});

describe('wildcards and lists', () => {
  const table = { items: [required(), list(), max(3)], 'items.*.name': [required(), string()], 'items.*.qty': [required(), integer()] };

  test('expand per item, grouped by rule as Laravel orders them', () => {
    assert.deepEqual(errorsOf(table, { items: [{}, { name: 'x', qty: 1 }, { qty: 'y' }] }), [
      'The items.0.name field is required.',
      'The items.2.name field is required.',
      'The items.0.qty field is required.',
      'The items.2.qty must be an integer.',
    ]);
  });

  test('an object keyed "0".."n-1" is the same list as an array', () => {
    const asArray = errorsOf(table, { items: [{ name: 'a' }, { qty: 2 }] });
    const asObject = errorsOf(table, { items: { 0: { name: 'a' }, 1: { qty: 2 } } });
    assert.deepEqual(asObject, asArray);
    assert.deepEqual(asList({ 0: 'a', 1: 'b' }), ['a', 'b']);
  });

  test('other objects are not lists', () => {
    for (const items of [{ 1: {} }, { 0: {}, 2: {} }, { a: {} }, { '00': {} }, { 0: {}, x: {} }, 'list', 5]) {
      assert.deepEqual(errorsOf(table, { items }), ['The items must be an array.'], JSON.stringify(items));
    }
  });

  test('wildcard rules under a missing or non-list parent expand to nothing', () => {
    assert.deepEqual(errorsOf({ 'items.*.name': [required()] }, {}), []);
    assert.deepEqual(errorsOf({ 'items.*.name': [required()] }, { items: 'x' }), []);
  });

  test('a list that fails its own rules is not expanded (bounded output for junk)', () => {
    const items = Array.from({ length: 1000 }, () => ({}));
    const errors = errorsOf(table, { items });
    assert.equal(errors.length, 1); // first, so a failure does not diff thousands of messages
    assert.deepEqual(errors, ['The items must not have more than 3 items.']);
  });

  test('own properties only: prototype keys are plain data, never inherited values', () => {
    const body = JSON.parse('{"__proto__": {"name": "x"}, "constructor": "y"}');
    assert.deepEqual(errorsOf({ name: [required()], toString: [required()] }, body), [
      'The name field is required.',
      'The to string field is required.',
    ]);
    assert.deepEqual(errorsOf({ '__proto__.name': [required(), string()] }, body), []);
  });
});

describe('rule messages (Laravel 9 defaults)', () => {
  const cases: [string, Rule[], unknown, string[]][] = [
    ['string', [string()], 5, ['The field must be a string.']],
    ['numeric', [numeric()], 'abc', ['The field must be a number.']],
    ['numeric accepts numbers and decimal strings', [numeric()], ' 51.00 ', []],
    ['integer', [integer()], '1.5', ['The field must be an integer.']],
    ['integer accepts integer strings', [integer()], '10', []],
    ['boolean', [boolean()], 'yes', ['The field field must be true or false.']],
    ['array (list)', [list()], 'x', ['The field must be an array.']],
    ['array (object)', [object()], [1], ['The field must be an array.']],
    ['email', [email()], 'not-an-email', ['The field must be a valid email address.']],
    ['url', [url()], 'ftp://example.com', ['The field must be a valid URL.']],
    ['max string', [max(3)], 'abcd', ['The field must not be greater than 3 characters.']],
    ['max counts characters, not UTF-16 units', [max(3)], 'æøå', []],
    ['max array', [list(), max(1)], [1, 2], ['The field must not have more than 1 items.']],
    ['min string', [min(2)], 'a', ['The field must be at least 2 characters.']],
    ['min array', [list(), min(2)], [1], ['The field must have at least 2 items.']],
    ['max numeric', [numeric(), maxValue(10)], '10.01', ['The field must not be greater than 10.']],
    ['gt', [numeric(), gt(0)], '0', ['The field must be greater than 0.']],
    ['gte', [numeric(), gte(0)], -0.01, ['The field must be greater than or equal to 0.']],
    ['in', [inList(['a', 'b'])], 'c', ['The selected field is invalid.']],
    ['in compares string forms', [inList([0, 1])], '1', []],
    ['regex', [regex(/^\+\d+$/)], '47', ['The field format is invalid.']],
    ['digits', [digits(3)], '12a', ['The field must be 3 digits.']],
    ['digits accepts a JSON integer', [digits(3)], 123, []],
    ['digits_between', [digitsBetween(2, 3)], '1234', ['The field must be between 2 and 3 digits.']],
    ['decimal places', [numeric(), decimals(2)], '1.001', ['The field must not have more than 2 decimal places.']],
  ];
  for (const [name, rules, value, expected] of cases) {
    test(name, () => assert.deepEqual(messagesFor(rules, value), expected));
  }

  test('boolean accepts true/false/0/1 and their string forms', () => {
    for (const v of [true, false, 0, 1, '0', '1', 'true', 'false']) assert.notEqual(toBoolean(v), null);
    for (const v of [2, 'yes', 'on', [], {}]) assert.equal(toBoolean(v), null);
    assert.equal(toBoolean('0'), false);
    assert.equal(toInteger('-3'), -3);
    assert.equal(toInteger(1.5), null);
  });

  test('email accepts ordinary addresses and refuses malformed ones', () => {
    for (const ok of ['test@yopmail.com', 'kari.nordmann+faktura@eksempel.no', 'ola@blåbær.no']) assert.deepEqual(messagesFor([email()], ok), [], ok);
    for (const bad of ['a@b', '@x.no', 'a@.no', 'a b@x.no', 'a@x..no', 'a..b@x.no', 'a@-x.no', 5]) {
      assert.equal(messagesFor([email()], bad).length, 1, String(bad));
    }
  });

  test('url accepts absolute http(s) URLs only', () => {
    for (const ok of ['https://example.com/callback-url', 'http://localhost:8080/cb?x=1']) assert.deepEqual(messagesFor([url()], ok), [], ok);
    for (const bad of ['example.com', '/relative', 'https://', 'javascript:alert(1)', 'https://exa mple.com', 'http:example.com', 'mailto:a@b.no']) {
      assert.deepEqual(messagesFor([url()], bad), ['The field must be a valid URL.'], bad);
    }
  });
});

describe('JSON Schema derived from the same table', () => {
  const table: RulesTable = {
    items: { rules: [required(), list(), min(1), max(2)], description: 'Lines.' },
    'items.*.name': [required(), string(), max(5)],
    'items.*.note': [string()],
    'owner.email': [required(), email()],
    flag: { rules: [boolean()], default: true },
  };
  const schema = toJsonSchema(table, { title: 'T' });

  test('mirrors types, bounds, required-ness, nullability, defaults and rules notation', () => {
    const item = {
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 5, description: 'Rules: `required|string|max:5`.' },
        note: { type: ['string', 'null'], description: 'Rules: `string`.' },
      },
      required: ['name'],
    };
    assert.deepEqual(schema, {
      type: 'object',
      properties: {
        items: {
          oneOf: [
            { type: 'array', items: item, minItems: 1, maxItems: 2 },
            {
              type: 'object',
              description: 'The same list as an object keyed "0", "1", … without gaps (PHP\'s encoding of a list).',
              propertyNames: { pattern: '^(0|[1-9]\\d*)$' },
              additionalProperties: item,
              minProperties: 1,
              maxProperties: 2,
            },
          ],
          description: 'Lines. Rules: `required|array|min:1|max:2`.',
        },
        owner: {
          type: 'object',
          properties: { email: { type: 'string', format: 'email', maxLength: 254, description: 'Rules: `required|email`.' } },
          required: ['email'], // a parent of a required child is required too (Laravel reports the child)
        },
        flag: { enum: [true, false, 0, 1, '0', '1', 'true', 'false', null], description: 'Rules: `boolean`.', default: true },
      },
      required: ['items', 'owner'],
      title: 'T',
    });
  });

  test('is a valid draft 2020-12 schema that agrees with the engine on sample bodies', () => {
    const ajv = new Ajv2020.default({ strict: true, allowUnionTypes: true });
    addFormats.default(ajv);
    const check = ajv.compile(schema);
    const bodies: unknown[] = [
      { items: [{ name: 'a' }], owner: { email: 'a@b.no' } },
      { items: { 0: { name: 'a', note: null } }, owner: { email: 'a@b.no' }, flag: '1' },
      { items: [{ name: 'abcdef' }], owner: { email: 'a@b.no' } },
      { items: [{ name: 'a' }] },
      { items: [{ name: 'a' }], owner: { email: 'a@b.no' }, flag: 'maybe' },
      { items: [{ name: 'a' }, { name: 'b' }, { name: 'c' }], owner: { email: 'a@b.no' } },
    ];
    for (const body of bodies) {
      assert.equal(check(body), validateRules(table, body).isEmpty, JSON.stringify(body));
    }
  });

  test('says in words what JSON Schema cannot: object keys must run from "0" without gaps', () => {
    // {"1": …} passes propertyNames but is refused by the engine; the description documents it.
    const objectForm = ((schema.properties as any).items.oneOf[1]);
    assert.match(objectForm.description, /without gaps/);
  });
});
