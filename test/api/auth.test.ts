/**
 * Authentication and the limits around it (SPEC §2, §8; code review M1, m2): one bucket per token however
 * the header is spelled, unauthenticated requests bounded per client address without touching the token
 * buckets or the database, 401 before the body is read, and the client address behind a trusted proxy.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyRequest } from 'fastify';
import { exampleOrder } from '../fixtures/example-order.ts';
import { CREATE_PATH, DB_LABEL, call, openTestDb, createMerchant, startTestServer, type TestServer } from '../helpers/harness.ts';
import { createAuthenticator } from '../../src/api/auth.ts';
import { ApiError } from '../../src/app/errors.ts';
import { parseTrustProxy } from '../../src/config.ts';
import type { Db } from '../../src/store/db/db.ts';

const STATUS_PATH = '/api/v1/connect/orders/status/ODR1234567890';

describe(`per-token rate limit (${DB_LABEL})`, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ rateLimitPerMinute: 3 });
  });
  after(async () => {
    await t.close();
  });

  test('"Bearer X", "bearer X", "BEARER X" and other spacings share one bucket', async () => {
    const token = t.merchant.token;
    const spellings = [`Bearer ${token}`, `bearer ${token}`, `BEARER ${token}`, `Bearer  ${token}`, `Bearer\t${token} `];
    const statuses: number[] = [];
    for (const authorization of spellings) {
      statuses.push((await call(t.url, 'GET', STATUS_PATH, { headers: { authorization } })).status);
    }
    assert.deepEqual(statuses, [404, 404, 404, 429, 429]);
  });

  test('unauthenticated requests neither use nor get a token bucket', async () => {
    const fresh = await createMerchant(t.db, 'Bucket AS');
    assert.equal((await call(t.url, 'GET', STATUS_PATH, { token: fresh.token })).status, 404);
    for (let i = 0; i < 20; i++) {
      const junk = await call(t.url, 'GET', STATUS_PATH, { token: `efk_live_junk${i}` });
      assert.equal(junk.status, 401);
      assert.equal(junk.headers.get('x-ratelimit-limit'), null, 'a 401 is answered before the limiter');
    }
    // The real token still has exactly its two remaining requests.
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(t.url, 'GET', STATUS_PATH, { token: fresh.token })).status);
    assert.deepEqual(statuses, [404, 404, 429]);
  });
});

describe(`failed authentications per client address (${DB_LABEL})`, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ authFailuresPerMinute: 3 });
  });
  after(async () => {
    await t.close();
  });

  test('after the limit an address gets 429 for unknown tokens, while a token seen valid still gets in', async () => {
    // The merchant's token authenticates once, before the junk arrives.
    assert.equal((await call(t.url, 'GET', STATUS_PATH, { token: t.merchant.token })).status, 404);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(t.url, 'GET', STATUS_PATH, { token: `efk_live_guess${i}` })).status);
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
    const limited = await call(t.url, 'GET', STATUS_PATH, { token: 'efk_live_guess9' });
    assert.equal(limited.body.message, 'tooManyRequests');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal((await call(t.url, 'GET', STATUS_PATH)).status, 429, 'no token at all is limited too');
    assert.equal((await call(t.url, 'GET', STATUS_PATH, { token: t.merchant.token })).status, 404);
  });
});

describe(`client address behind a trusted proxy (${DB_LABEL})`, () => {
  test('with EFAKTURA_TRUST_PROXY the failure limit is per X-Forwarded-For client', async () => {
    const t = await startTestServer({ authFailuresPerMinute: 2, trustProxy: true });
    try {
      const from = (ip: string) => ({ 'x-forwarded-for': ip, authorization: 'Bearer efk_live_nope' });
      const a = [];
      for (let i = 0; i < 3; i++) a.push((await call(t.url, 'GET', STATUS_PATH, { headers: from('203.0.113.7') })).status);
      assert.deepEqual(a, [401, 401, 429]);
      assert.equal((await call(t.url, 'GET', STATUS_PATH, { headers: from('203.0.113.8') })).status, 401);
    } finally {
      await t.close();
    }
  });

  test('without it X-Forwarded-For is ignored: the socket address is the client', async () => {
    const t = await startTestServer({ authFailuresPerMinute: 2 });
    try {
      const statuses = [];
      for (const ip of ['203.0.113.7', '203.0.113.8', '203.0.113.9']) {
        statuses.push((await call(t.url, 'GET', STATUS_PATH, { headers: { 'x-forwarded-for': ip, authorization: 'Bearer x' } })).status);
      }
      assert.deepEqual(statuses, [401, 401, 429]);
    } finally {
      await t.close();
    }
  });

  test('EFAKTURA_TRUST_PROXY accepts off, true, a hop count or addresses, and refuses anything else', () => {
    const problems: string[] = [];
    assert.equal(parseTrustProxy('', problems), false);
    assert.equal(parseTrustProxy('0', problems), false);
    assert.equal(parseTrustProxy('true', problems), true);
    assert.equal(parseTrustProxy('2', problems), 2);
    assert.deepEqual(parseTrustProxy('10.0.0.1, 10.1.0.0/16,::1', problems), ['10.0.0.1', '10.1.0.0/16', '::1']);
    assert.deepEqual(problems, []);
    parseTrustProxy('loadbalancer.local', problems);
    assert.equal(problems.length, 1);
  });
});

describe(`401 before the body is read (${DB_LABEL})`, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ bodyLimitBytes: 4096 });
  });
  after(async () => {
    await t.close();
  });

  for (const [label, token] of [['no token', null], ['an unknown token', 'efk_live_unknown']] as const) {
    test(`${label} with malformed JSON, a huge body or a wrong content type is 401 on merchant and admin endpoints`, async () => {
      for (const path of [CREATE_PATH, '/api/v1/admin/callbacks/redeliver']) {
        for (const [rawBody, contentType] of [
          ['{"products": [', 'application/json'],
          ['x'.repeat(100_000), 'application/json'],
          ['products=1', 'application/x-www-form-urlencoded'],
        ]) {
          const res = await call(t.url, 'POST', path, { token, rawBody, headers: { 'content-type': contentType! } });
          assert.equal(res.status, 401, `${path} ${rawBody!.slice(0, 16)}`);
          assert.equal(res.body.message, 'unauthenticated');
        }
      }
    });
  }

  test('with a valid token the same bodies get their own answers (the checks above are not vacuous)', async () => {
    const malformed = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, rawBody: '{"products": [', headers: { 'content-type': 'application/json' } });
    assert.equal(malformed.status, 417);
    const huge = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, body: { ...exampleOrder(), pad: 'x'.repeat(10_000) } });
    assert.equal(huge.status, 413);
  });
});

describe(`negative cache of unknown tokens (${DB_LABEL})`, () => {
  let db: Db;
  let closeDb: () => Promise<void>;
  before(async () => {
    ({ db, close: closeDb } = await openTestDb());
  });
  after(async () => {
    await closeDb();
  });

  /** The real database, counting the statements sent to it. */
  function countingDb(): { db: Db; queries: () => number } {
    let n = 0;
    const counted = new Proxy(db, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'query') return typeof value === 'function' ? value.bind(target) : value;
        return (...args: unknown[]) => {
          n++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    return { db: counted, queries: () => n };
  }

  const request = (token: string | null, ip = '198.51.100.1') =>
    ({ headers: token === null ? {} : { authorization: `Bearer ${token}` }, ip }) as unknown as FastifyRequest;

  test('a repeated unknown token is looked up once; a missing header never', async () => {
    const { db: counted, queries } = countingDb();
    const auth = createAuthenticator(counted, { cacheSeconds: 0, adminToken: null, failuresPerMinute: 1_000_000 });
    for (let i = 0; i < 50; i++) {
      await assert.rejects(auth.merchantFor(request('efk_live_same_junk')), (e: unknown) => e instanceof ApiError && e.code === 'unauthenticated');
    }
    assert.equal(queries(), 1);
    await assert.rejects(auth.merchantFor(request(null)), ApiError);
    assert.equal(queries(), 1);
  });

  test('over the failure limit nothing is looked up at all, and a valid token still works', async () => {
    const merchant = await createMerchant(db, 'Counted AS');
    const { db: counted, queries } = countingDb();
    const auth = createAuthenticator(counted, { cacheSeconds: 0, adminToken: null, failuresPerMinute: 2 });
    assert.equal((await auth.merchantFor(request(merchant.token))).merchant.id, merchant.merchantId);
    const afterValid = queries();
    for (let i = 0; i < 2; i++) await assert.rejects(auth.merchantFor(request(`efk_live_new${i}`)), ApiError);
    assert.equal(queries(), afterValid + 2);
    for (let i = 0; i < 100; i++) {
      await assert.rejects(auth.merchantFor(request(`efk_live_flood${i}`)), (e: unknown) => e instanceof ApiError && e.code === 'tooManyRequests');
    }
    assert.equal(queries(), afterValid + 2, 'the flood cost no query');
    // Another address is not affected, and a token seen valid passes the gate (with its normal lookup).
    await assert.rejects(auth.merchantFor(request('efk_live_other', '198.51.100.2')), (e: unknown) => e instanceof ApiError && e.code === 'unauthenticated');
    assert.equal((await auth.merchantFor(request(merchant.token))).merchant.id, merchant.merchantId);
  });

  test('a merchant token refused by the admin scope is still a valid merchant token', async () => {
    const merchant = await createMerchant(db, 'Two Scopes AS');
    const auth = createAuthenticator(db, { cacheSeconds: 0, adminToken: null, failuresPerMinute: 1_000_000 });
    await assert.rejects(auth.requireAdmin(request(merchant.token)), ApiError);
    assert.equal((await auth.merchantFor(request(merchant.token))).merchant.id, merchant.merchantId);
  });
});
