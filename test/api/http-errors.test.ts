/**
 * The envelope on every failure (SPEC §2): auth, tenant isolation, malformed requests, limits,
 * dependency failures and unexpected errors — never a stack trace, always a request id.
 */
import { after, before, describe, test } from 'node:test';
import { systemClock } from '../../src/clock.ts';
import assert from 'node:assert/strict';
import { exampleOrder } from '../fixtures/example-order.ts';
import {
  CREATE_PATH,
  DB_LABEL,
  call,
  createMerchant,
  openTestDb,
  startTestServer,
  testConfig,
  type TestServer,
} from '../helpers/harness.ts';
import { revokeApiToken } from '../../src/store/tokens.ts';
import { assertOrderNotFound } from '../helpers/order-helpers.ts';
import { buildApp } from '../../src/api/app.ts';
import { createLogger } from '../../src/log.ts';

function assertErrorEnvelope(res: { status: number; body: any; headers: Headers }, status: number, message: string) {
  assert.equal(res.status, status);
  assert.equal(res.body.status_code, status);
  assert.equal(res.body.message, message);
  assert.equal(res.body.is_error, true);
  assert.ok('errors' in res.body);
  assert.equal(typeof res.body.requestId, 'string');
  assert.equal(res.headers.get('x-request-id'), res.body.requestId);
}

describe(`security and errors (${DB_LABEL})`, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  test('no token is 401 unauthenticated in the envelope', async () => {
    const res = await call(t.url, 'POST', CREATE_PATH, { body: exampleOrder({ productsAs: 'array' }) });
    assertErrorEnvelope(res, 401, 'unauthenticated');
    assert.equal(res.body.status_message, 'Unauthorized');
  });

  test('a wrong token is 401 and writes nothing', async () => {
    const res = await call(t.url, 'POST', CREATE_PATH, { token: 'efk_live_wrong', body: exampleOrder({ productsAs: 'array' }) });
    assertErrorEnvelope(res, 401, 'unauthenticated');
    const [row] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
    assert.equal(row!.n, 0);
  });

  test('a malformed Authorization header is 401', async () => {
    const res = await call(t.url, 'GET', '/api/v1/connect/orders/status/ODR1234567890', { headers: { authorization: 'Basic abc' } });
    assertErrorEnvelope(res, 401, 'unauthenticated');
  });

  test('a revoked token is 401', async () => {
    const m = await createMerchant(t.db, 'Revoked AS');
    const ok = await call(t.url, 'POST', CREATE_PATH, { token: m.token, body: exampleOrder({ productsAs: 'array' }) });
    assert.equal(ok.status, 201);
    assert.deepEqual((await revokeApiToken(t.db, m.token)).length, 1);
    const res = await call(t.url, 'POST', CREATE_PATH, { token: m.token, body: exampleOrder({ productsAs: 'array' }) });
    assertErrorEnvelope(res, 401, 'unauthenticated');
  });

  test("another merchant's order is 404 orderNotFound, like an unknown one, in the real service's shape", async () => {
    const created = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, body: exampleOrder({ productsAs: 'array' }) });
    const other = await createMerchant(t.db, 'Nosy AS');
    for (const path of [`/api/v1/connect/orders/status/${created.body.data.uuid}`, `/api/v1/connect/orders/details/${created.body.data.uuid}`]) {
      assertOrderNotFound(await call(t.url, 'GET', path, { token: other.token }));
    }
    for (const uuid of ['ODR0000000000', 'nonsense', 'ODR1%27%20OR%201=1']) {
      assertOrderNotFound(await call(t.url, 'GET', `/api/v1/connect/orders/status/${uuid}`, { token: t.merchant.token }));
    }
  });

  test('malformed JSON is a 417 saying so, never a 5xx', async () => {
    const res = await call(t.url, 'POST', CREATE_PATH, {
      token: t.merchant.token,
      rawBody: '{"products": [',
      headers: { 'content-type': 'application/json' },
    });
    assertErrorEnvelope(res, 417, 'payloadValidationErrors');
    assert.deepEqual(res.body.errors, ['The request body is not valid JSON.']);
  });

  test('an empty JSON body is a 417', async () => {
    const res = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, rawBody: '', headers: { 'content-type': 'application/json' } });
    assertErrorEnvelope(res, 417, 'payloadValidationErrors');
  });

  test('a JSON body that is not an object is a 417 listing the required fields', async () => {
    for (const raw of ['[]', '"text"', '42', 'null']) {
      const res = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, rawBody: raw, headers: { 'content-type': 'application/json' } });
      assertErrorEnvelope(res, 417, 'payloadValidationErrors');
      assert.ok(res.body.errors.includes('The products field is required.'), raw);
    }
  });

  test('a wrong content type is 415', async () => {
    const res = await call(t.url, 'POST', CREATE_PATH, {
      token: t.merchant.token,
      rawBody: 'products=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assertErrorEnvelope(res, 415, 'unsupportedMediaType');
  });

  test('a body over 1 MB is 413 and nothing is written', async () => {
    const body = exampleOrder({ productsAs: 'array' }) as any;
    body.padding = 'x'.repeat(1024 * 1024);
    body.customerDetails.personalNumber = '13131313131';
    const count = async (table: string) => (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
    const before = { orders: await count('orders'), customers: await count('customers'), lines: await count('order_lines') };
    const res = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, body, headers: { 'idempotency-key': 'too-large' } });
    assertErrorEnvelope(res, 413, 'payloadTooLarge');
    assert.deepEqual({ orders: await count('orders'), customers: await count('customers'), lines: await count('order_lines') }, before);
    const [keys] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM idempotency_keys WHERE key = 'too-large'`);
    assert.equal(keys!.n, 0);
    const [customer] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM customers WHERE personal_number = '13131313131'`);
    assert.equal(customer!.n, 0);
  });

  test('a bad percent-encoding in the URL is 400 malformedUrl in the envelope with x-request-id', async () => {
    const res = await call(t.url, 'GET', '/api/v1/connect/orders/status/%E0%A4%A', { token: t.merchant.token });
    assertErrorEnvelope(res, 400, 'malformedUrl');
    assert.equal(res.body.status_message, 'Bad Request');
  });

  test('a path parameter over the length limit is 414 uriTooLong in the envelope with x-request-id', async () => {
    const res = await call(t.url, 'GET', `/api/v1/connect/orders/status/ODR${'1'.repeat(200)}`, { token: t.merchant.token });
    assertErrorEnvelope(res, 414, 'uriTooLong');
    assert.equal(res.body.status_message, 'URI Too Long');
  });

  test('an unknown route is a 404 in the envelope', async () => {
    const res = await call(t.url, 'GET', '/api/v1/connect/nothing-here', { token: t.merchant.token });
    assertErrorEnvelope(res, 404, 'routeNotFound');
  });

  test('healthz and readyz answer', async () => {
    const live = await call(t.url, 'GET', '/healthz');
    assert.equal(live.status, 200);
    const ready = await call(t.url, 'GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.data.status, 'ok');
  });

  test('the OpenAPI document describes create-order from the validation schema, and /docs serves local assets', async () => {
    const doc = await call(t.url, 'GET', '/openapi.json');
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, '3.1.0');
    const op = doc.body.paths['/api/v1/connect/orders/faktura/create'].post;
    const schema = op.requestBody.content['application/json'].schema;
    assert.ok(JSON.stringify(schema).includes('personalNumber'));
    assert.ok(op.responses['201']);
    assert.ok(doc.body.paths['/api/v1/connect/orders/status/{uuid}']);
    const page = await fetch(`${t.url}/docs/`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /swagger/i);
    assert.doesNotMatch(html, /https?:\/\/(?!localhost|127\.0\.0\.1)[^"']*\.(js|css)/);
  });
});

describe(`limits and failures (${DB_LABEL})`, () => {
  test('over the per-token rate limit is 429 with x-ratelimit-* and retry-after', async () => {
    const t = await startTestServer({ rateLimitPerMinute: 3 });
    try {
      const path = '/api/v1/connect/orders/status/ODR1234567890';
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 4; i++) {
        last = await call(t.url, 'GET', path, { token: t.merchant.token });
        statuses.push(last.status);
      }
      assert.deepEqual(statuses, [404, 404, 404, 429]);
      assertErrorEnvelope(last!, 429, 'tooManyRequests');
      assert.equal(last!.headers.get('x-ratelimit-limit'), '3');
      assert.equal(last!.headers.get('x-ratelimit-remaining'), '0');
      assert.ok(Number(last!.headers.get('retry-after')) > 0);
      // Another token is limited separately.
      const other = await createMerchant(t.db, 'Unlimited AS');
      assert.equal((await call(t.url, 'GET', path, { token: other.token })).status, 404);
    } finally {
      await t.close();
    }
  });

  test('a database failure is 500 internalErrorOccurredPleaseTryAgainLater without internals', async () => {
    const t = await startTestServer();
    try {
      // Take the database away underneath the running server.
      await t.server.worker?.stop();
      await t.db.close();
      const res = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, body: exampleOrder({ productsAs: 'array' }) });
      assertErrorEnvelope(res, 500, 'internalErrorOccurredPleaseTryAgainLater');
      assert.equal(res.body.status_message, 'Internal Dependency Error');
      assert.doesNotMatch(res.text, /pool|pglite|at .*\.ts/i);
      const ready = await call(t.url, 'GET', '/readyz');
      assert.equal(ready.status, 503);
    } finally {
      await t.server.app.close();
    }
  });

  test('a request that arrives while the server is closing is 503 serviceUnavailable in the envelope', async () => {
    const { db, close } = await openTestDb();
    const app = await buildApp({ db, config: testConfig(), logger: createLogger('silent'), clock: systemClock });
    // A later preClose hook that takes its time (as stopping a worker does) keeps the server listening
    // after close() began: requests that arrive then must be turned away, in the envelope.
    let closeBegan!: () => void;
    const closingStarted = new Promise<void>((resolve) => (closeBegan = resolve));
    let finishClosing!: () => void;
    const mayFinish = new Promise<void>((resolve) => (finishClosing = resolve));
    app.addHook('preClose', async () => {
      closeBegan();
      await mayFinish;
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const closing = app.close();
    try {
      await closingStarted;
      const res = await call(`http://127.0.0.1:${port}`, 'GET', '/healthz', { headers: { 'x-request-id': 'draining-1' } });
      assertErrorEnvelope(res, 503, 'serviceUnavailable');
      assert.equal(res.body.requestId, 'draining-1');
      assert.equal(res.headers.get('connection'), 'close');
    } finally {
      finishClosing();
      await closing;
      await close();
    }
  });

  test('an unexpected error is 510 somethingWentWrong without internals', async () => {
    const { db, close } = await openTestDb();
    const app = await buildApp({ db, config: testConfig(), logger: createLogger('silent'), clock: systemClock });
    app.get('/boom', async () => {
      throw new Error('secret internals at /src/x.ts:1');
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = app.server.address() as { port: number };
      const res = await call(`http://127.0.0.1:${address.port}`, 'GET', '/boom');
      assertErrorEnvelope(res, 510, 'somethingWentWrong');
      assert.equal(res.body.status_message, 'Execution Exception Occurred');
      assert.doesNotMatch(res.text, /secret internals/);
    } finally {
      await app.close();
      await close();
    }
  });
});
