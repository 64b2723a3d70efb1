/**
 * The SDK's generated types (src/client/generated/connect-api.ts) are those of the API as it is: the file is
 * regenerated in memory from the route schemas and must equal the committed one byte for byte (SPEC §9).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { CLIENT_TYPES_FILE, clientTypesFor, connectOpenApiDocument, generateClientTypes } from '../../scripts/generate-client-types.ts';

test('the committed client types are what the current OpenAPI document generates', async () => {
  const committed = fs.readFileSync(CLIENT_TYPES_FILE, 'utf8');
  const generated = await generateClientTypes();
  if (generated !== committed) {
    const lines = [generated.split('\n'), committed.split('\n')] as const;
    const at = lines[0].findIndex((line, i) => line !== lines[1][i]);
    assert.fail(
      `src/client/generated/connect-api.ts is out of date with the API: run npm run generate:client and commit the result.\n` +
        `First difference at line ${at + 1}:\n  generated: ${lines[0][at]}\n  committed: ${lines[1][at]}`,
    );
  }
});

test('the document covers the merchant API only, every route of it', async () => {
  const document = await connectOpenApiDocument();
  const paths = Object.keys(document.paths ?? {});
  assert.ok(paths.length >= 18, paths.join(', '));
  assert.ok(paths.every((p) => p.startsWith('/api/v1/connect/')), paths.join(', '));
  for (const p of ['/api/v1/connect/orders/faktura/create', '/api/v1/connect/orders/refund/{uuid}', '/api/v1/connect/credit-notes/{number}/ehf']) {
    assert.ok(paths.includes(p), p);
  }
});

test('a change of a route schema changes the generated types, so the check above notices it', async () => {
  const document = await connectOpenApiDocument();
  const changed = structuredClone(document);
  const ok = (changed.paths!['/api/v1/connect/orders/status/{uuid}'] as any).get.responses['200'].content['application/json'].schema;
  ok.properties.data.properties.currency = { type: 'string' };
  const [before, after] = [await clientTypesFor(document), await clientTypesFor(changed)];
  assert.notEqual(after, before);
  assert.match(after, /currency\??: string;/);
});
