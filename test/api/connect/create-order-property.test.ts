/**
 * Property (issue 2): whatever a client sends to create-order over HTTP — random JSON, or the
 * documented example with random fields removed or replaced — the answer is a 201 or a 417 in the
 * documented envelope, never a 5xx; and a 417 writes nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { exampleOrder } from '../../fixtures/example-order.ts';
import { CREATE_PATH, DB_LABEL, call, startTestServer, type TestServer } from '../../helpers/harness.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value in the example, e.g. ['customerDetails', 'address', 'zip']. */
function paths(node: Json, prefix: string[] = []): string[][] {
  if (node === null || typeof node !== 'object') return [prefix];
  const children = Object.entries(node).flatMap(([k, v]) => paths(v as Json, [...prefix, k]));
  return [prefix, ...children];
}

function mutate(body: Json, path: string[], value: Json | undefined): Json {
  if (path.length === 0) return value === undefined ? null : value;
  const copy = structuredClone(body) as Record<string, Json>;
  let node: any = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

const jsonValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1e308, '', ' ', '51.00', '1e5', 'NaN', '12345678901', '0', [], {}),
  fc.string({ maxLength: 40 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

describe(`create-order never answers 5xx (${DB_LABEL})`, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  test('random and mutated payloads get 201 or a 417 in the envelope', async () => {
    const base = exampleOrder({ productsAs: 'array' }) as Json;
    const allPaths = paths(base);
    const mutated = fc
      .tuple(
        fc.array(fc.tuple(fc.constantFrom(...allPaths), fc.option(jsonValue, { nil: undefined })), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
      )
      .map(([edits, asObject]) => {
        let body = asObject ? (exampleOrder({ productsAs: 'object' }) as Json) : base;
        for (const [path, value] of edits) {
          try {
            body = mutate(body, path, value);
          } catch {
            // the path no longer exists after an earlier edit
          }
        }
        return body;
      });
    const payload = fc.oneof({ weight: 4, arbitrary: mutated }, { weight: 1, arbitrary: jsonValue });
    let created = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(payload, async (body) => {
        const res = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, rawBody: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
        assert.ok(res.status === 201 || res.status === 417, `status ${res.status}: ${res.text}`);
        if (res.status === 201) {
          created++;
          assert.equal(res.body.message, 'orderAddedSuccessfully');
        } else {
          rejected++;
          assert.equal(res.body.status_message, 'Client Error');
          assert.equal(res.body.message, 'payloadValidationErrors');
          assert.equal(res.body.is_error, true);
          assert.ok(Array.isArray(res.body.errors) && res.body.errors.length > 0);
          for (const e of res.body.errors) assert.ok(Object.values(res.body.fieldErrors).flat().includes(e));
        }
      }),
      { numRuns: 1000 },
    );
    const [row] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
    assert.equal(row!.n, created, 'every 417 wrote nothing, every 201 wrote one order');
    assert.ok(rejected > 500, `only ${rejected} rejections: the generator is too tame`);
  });
});
