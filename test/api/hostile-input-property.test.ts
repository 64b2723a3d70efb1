/**
 * Property (issue 6 item 5): whatever a hostile client sends to any endpoint — NUL, unpaired surrogates
 * and other control characters in any string or key, very long strings, deeply nested values, in bodies,
 * query strings and path parameters — the answer is never ≥ 500, it is in the envelope, text the database
 * cannot store is a 417 naming the field, and nothing is half-written.
 *
 * Over 10 000 HTTP requests against one server, spread over every endpoint with a fixed budget per
 * endpoint (see BUDGET), so the file costs the same on every run.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { exampleOrder, type JsonObject } from '../fixtures/example-order.ts';
import { CREATE_PATH, DB_LABEL, call, startTestServer, type ApiResponse, type TestServer } from '../helpers/harness.ts';
import { CONNECT, createOrder, setStatus } from '../helpers/order-helpers.ts';
import { invoiceAll } from '../helpers/invoicing.ts';
import { createAdminToken } from '../../src/store/tokens.ts';

/** Requests per endpoint group; the sum is the file's budget (≥ 10 000). */
const BUDGET = {
  create: 2800,
  reads: 2000, // status, details, invoice-number by uuid
  list: 1400,
  cancel: 1200,
  refund: 1200,
  adminList: 700,
  adminRedeliver: 700,
} as const;

// ------------------------------------------------------------------ hostile values

const BAD_CHARS = ['\u0000', '\ud800', '\udbff', '\udc00', '\u0001', '\u0008', '\u000b', '\u000c', '\u001b', '\u001f', '\ufffe', '\uffff'];
const UNSTORABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/u;

/** Strings with a bad character somewhere, and ordinary text that must stay allowed (tabs, newlines). */
const badString = fc
  .tuple(fc.string({ maxLength: 12 }), fc.constantFrom(...BAD_CHARS), fc.string({ maxLength: 12 }))
  .map(([a, bad, b]) => a + bad + b);
const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: badString },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 300, maxLength: 1000 }) },
  { weight: 1, arbitrary: fc.constantFrom('\t', '\n', 'Tab\there', 'line\r\nbreak', ' ', '', 'ODR1234567890', '-1', '1e999') },
);

/** A marker replaced by `depth` nested arrays when the body is written (JSON.stringify would recurse). */
const DEEP = (depth: number) => `\u0000DEEP${depth}\u0000`;
const deepValue = fc.integer({ min: 100, max: 5_000 }).map(DEEP);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 6, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, hostileString, { maxKeys: 3 }) },
  { weight: 1, arbitrary: deepValue },
);

function writeJson(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0000DEEP(\d+)\\u0000"/g, (_, n: string) => '['.repeat(Number(n)) + ']'.repeat(Number(n)));
}

/** Percent-encodes the UTF-8 bytes (an unpaired surrogate becomes U+FFFD, as on any wire). */
function encodePart(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => '%' + b.toString(16).padStart(2, '0')).join('');
}

function setPath(body: JsonObject, path: string[], value: Json): JsonObject {
  let node: any = body;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key];
  }
  node[path[path.length - 1]!] = value;
  return body;
}

// ------------------------------------------------------------------ the server

describe(`hostile input on every endpoint (${DB_LABEL})`, () => {
  let t: TestServer;
  let adminToken: string;
  let orders: string[];
  const answered = { created: 0, changed: 0 };
  let baseline: { orders: number; events: number; callbacks: number };

  const count = async (sql: string): Promise<number> => (await t.db.query<{ n: number }>(sql))[0]!.n;

  before(async () => {
    // No worker: cancelled and refunded orders queue callbacks to example.com, which must not be called.
    // Tokens cached as in production (the default is 5 s), so the budget goes to the endpoints, not to auth.
    t = await startTestServer({ runWorker: false, tokenCacheSeconds: 300 });
    adminToken = (await createAdminToken(t.db)).token;
    // Orders 2 and 3 are invoiced for real (a cancel or refund of them issues a credit note); 3 is then PAID
    // as the payments module will set it. Orders 0 and 1 stay SENT.
    const invoiced = [await createOrder(t), await createOrder(t)];
    await invoiceAll(t.db, t.merchant.merchantId);
    const [paid] = await t.db.query<{ invoice_number: string }>({ text: 'SELECT invoice_number FROM orders WHERE uuid = $1', values: [invoiced[1]] });
    await setStatus(t.db, invoiced[1]!, 'PAID', paid!.invoice_number);
    orders = [await createOrder(t), await createOrder(t), ...invoiced];
    baseline = {
      orders: await count('SELECT count(*)::int AS n FROM orders'),
      events: await count('SELECT count(*)::int AS n FROM order_events'),
      callbacks: await count('SELECT count(*)::int AS n FROM callback_events'),
    };
  });
  after(async () => {
    await t.close();
  });

  /** Never ≥ 500, always the envelope with the request id; a 417 from unstorable text names its field. */
  function checkAnswer(res: ApiResponse, label: string): void {
    assert.ok(res.status < 500, `${label}: ${res.status} ${res.text.slice(0, 300)}`);
    assert.equal(typeof res.body, 'object', `${label}: not JSON: ${res.text.slice(0, 200)}`);
    assert.equal(res.body.status_code, res.status, label);
    if (res.status >= 400) assert.equal(res.body.requestId, res.headers.get('x-request-id'), label);
  }

  function assertRefusedText(res: ApiResponse, field: string, label: string): void {
    assert.equal(res.status, 417, `${label}: ${res.status} ${res.text.slice(0, 300)}`);
    const messages: string[] = res.body.fieldErrors?.[field] ?? [];
    assert.ok(
      messages.some((m) => /must not contain control characters|must be valid Unicode text/.test(m)),
      `${label}: no bad-text message for ${field}: ${JSON.stringify(res.body.fieldErrors).slice(0, 300)}`,
    );
  }

  const CREATE_FIELDS = [
    'products.0.name', 'products.0.productId', 'products.0.quantity', 'products.0.rate', 'products.0.tax',
    'products.0.amount', 'products.0.discount', 'orderSummary.grandTotal', 'orderDate', 'customerDetails.name',
    'customerDetails.email', 'customerDetails.msisdn', 'customerDetails.countryCode', 'customerDetails.personalNumber',
    'customerDetails.organizationId',
    'customerDetails.preferredLanguage', 'customerDetails.address.street', 'customerDetails.address.zip',
    'customerDetails.address.city', 'customerDetails.address.country', 'referenceNo', 'customerReference',
    'callback.callbackUrl', 'invoiceInterval', 'invoiceMaturity', 'separateInvoices', 'unknownField',
    'customerDetails.nickname', 'products.0.colour',
  ];

  /** Every create path (issue 11): Send E-Faktura and Send EHF Invoice, each also under its older path. */
  const CREATE_PATHS = [
    CREATE_PATH, `${CONNECT}/orders/invoice/create/faktura`, `${CONNECT}/orders/ehf/create`, `${CONNECT}/orders/invoice/create/ehf`,
  ];
  /** The valid body of a create path: a business customer (organizationId) on the EHF paths. */
  function createBody(path: string): JsonObject {
    const body = exampleOrder({ productsAs: 'array' });
    if (path.includes('ehf')) {
      delete body.customerDetails.personalNumber;
      body.customerDetails.organizationId = '987654325';
    }
    return body;
  }

  test(`create: ${BUDGET.create} bodies with a hostile value in one field, on every create path`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CREATE_PATHS), fc.constantFrom(...CREATE_FIELDS), hostileValue, async (path, field, value) => {
        const body = setPath(createBody(path), field.split('.'), value);
        const res = await call(t.url, 'POST', path, {
          token: t.merchant.token,
          rawBody: writeJson(body),
          headers: { 'content-type': 'application/json' },
        });
        checkAnswer(res, `create ${path} ${field}`);
        if (typeof value === 'string' && UNSTORABLE.test(value) && !value.startsWith('\u0000DEEP')) {
          assertRefusedText(res, field, `create ${field}`);
        }
        if (res.status === 201) answered.created++;
      }),
      { numRuns: BUDGET.create },
    );
  });

  test(`reads by uuid: ${BUDGET.reads} hostile path parameters`, async () => {
    const readPaths = ['orders/status', 'orders/details', 'orders/invoice-number'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...readPaths), fc.oneof(hostileString, fc.constantFrom(...orders)), async (path, uuid) => {
        const res = await call(t.url, 'GET', `${CONNECT}/${path}/${encodePart(uuid)}`, { token: t.merchant.token });
        checkAnswer(res, `${path} ${JSON.stringify(uuid).slice(0, 40)}`);
        const sent = Buffer.from(uuid, 'utf8').toString('utf8');
        if (/\u0000/.test(sent) && Buffer.byteLength(uuid) <= 100) assertRefusedText(res, 'uuid', path);
      }),
      { numRuns: BUDGET.reads },
    );
  });

  test(`list: ${BUDGET.list} hostile query strings`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('type', 'limit', 'after', 'other'), hostileString, { maxKeys: 3 }), async (query) => {
        const qs = Object.entries(query).map(([k, v]) => `${k}=${encodePart(v)}`).join('&');
        const res = await call(t.url, 'GET', `${CONNECT}/orders/status?${qs}`, { token: t.merchant.token });
        checkAnswer(res, `list ?${qs.slice(0, 60)}`);
        for (const [key, value] of Object.entries(query)) if (value.includes('\u0000')) assertRefusedText(res, key, `list ${key}`);
      }),
      { numRuns: BUDGET.list },
    );
  });

  test(`cancel: ${BUDGET.cancel} hostile notes, bodies and uuids`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(...orders), hostileString),
        fc.oneof(hostileValue.map((note) => ({ cancellationNote: note })), hostileValue),
        async (uuid, body) => {
          const res = await call(t.url, 'POST', `${CONNECT}/orders/cancel/${encodePart(uuid)}`, {
            token: t.merchant.token,
            rawBody: writeJson(body),
            headers: { 'content-type': 'application/json' },
          });
          checkAnswer(res, `cancel ${JSON.stringify(body).slice(0, 60)}`);
          const note = (body as Record<string, unknown> | null)?.cancellationNote;
          // (A uuid over the path-parameter limit is a 414 before the body is read.)
          if (typeof note === 'string' && UNSTORABLE.test(note) && !note.startsWith('\u0000DEEP') && Buffer.byteLength(uuid) <= 100) {
            assertRefusedText(res, 'cancellationNote', 'cancel');
          }
          if (res.status === 202) answered.changed++;
        },
      ),
      { numRuns: BUDGET.cancel },
    );
  });

  test(`refund: ${BUDGET.refund} hostile refund bodies`, async () => {
    const refundBody = fc.record({
      type: fc.oneof(fc.constantFrom('regular', 'invoiced'), hostileValue),
      grandTotal: fc.oneof(fc.constantFrom(1, '0.50'), hostileValue),
      products: fc.oneof(
        fc.constant([{ id: 1, amount: 1 }]),
        fc.array(fc.record({ id: fc.oneof(fc.integer({ min: 1, max: 20 }), hostileValue), amount: fc.oneof(fc.constant(1), hostileValue) }), { maxLength: 3 }),
        hostileValue,
      ),
    });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(orders[2]!, orders[3]!, orders[0]!), refundBody, async (uuid, body) => {
        const res = await call(t.url, 'POST', `${CONNECT}/orders/refund/${uuid}`, {
          token: t.merchant.token,
          rawBody: writeJson(body),
          headers: { 'content-type': 'application/json' },
        });
        checkAnswer(res, `refund ${JSON.stringify(body).slice(0, 80)}`);
        if (typeof body.type === 'string' && UNSTORABLE.test(body.type) && !body.type.startsWith('\u0000DEEP')) {
          assertRefusedText(res, 'type', 'refund');
        }
        if (res.status === 202) answered.changed++;
      }),
      { numRuns: BUDGET.refund },
    );
  });

  test(`admin callbacks list: ${BUDGET.adminList} hostile query strings`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('order', 'status', 'merchant', 'limit'), hostileString, { maxKeys: 3 }), async (query) => {
        const qs = Object.entries(query).map(([k, v]) => `${k}=${encodePart(v)}`).join('&');
        const res = await call(t.url, 'GET', `/api/v1/admin/callbacks?${qs}`, { token: adminToken });
        checkAnswer(res, `admin list ?${qs.slice(0, 60)}`);
        for (const [key, value] of Object.entries(query)) if (value.includes('\u0000')) assertRefusedText(res, key, `admin list ${key}`);
      }),
      { numRuns: BUDGET.adminList },
    );
  });

  test(`admin redeliver: ${BUDGET.adminRedeliver} hostile bodies`, async () => {
    const target = fc.oneof(
      fc.record({ eventId: hostileValue }),
      fc.record({ orderUuid: hostileValue }),
      fc.record({ failedSince: hostileValue }),
      hostileValue,
    );
    await fc.assert(
      fc.asyncProperty(target, async (body) => {
        const res = await call(t.url, 'POST', '/api/v1/admin/callbacks/redeliver', {
          token: adminToken,
          rawBody: writeJson(body),
          headers: { 'content-type': 'application/json' },
        });
        checkAnswer(res, `redeliver ${JSON.stringify(body).slice(0, 60)}`);
        if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
          for (const [key, value] of Object.entries(body)) {
            if (key !== '' && !UNSTORABLE.test(key) && typeof value === 'string' && UNSTORABLE.test(value) && !value.startsWith('\u0000DEEP')) {
              assertRefusedText(res, key, 'redeliver');
            }
          }
        }
      }),
      { numRuns: BUDGET.adminRedeliver },
    );
  });

  test('nothing is half-written: rows match the successful answers, and every order is whole', async () => {
    assert.equal(await count('SELECT count(*)::int AS n FROM orders'), baseline.orders + answered.created);
    // Each created order has its first event; each cancel or refund that succeeded wrote one event and one callback.
    assert.equal(await count('SELECT count(*)::int AS n FROM order_events'), baseline.events + answered.created + answered.changed);
    assert.equal(await count('SELECT count(*)::int AS n FROM callback_events'), baseline.callbacks + answered.changed);
    assert.equal(
      await count(`SELECT count(*)::int AS n FROM orders o
                   WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)
                      OR NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id)`),
      0,
    );
    assert.ok(answered.created > 0, 'some bodies (tabs, newlines, unknown fields) were valid and created orders');
  });
});
