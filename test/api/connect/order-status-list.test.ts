/**
 * GET /api/v1/connect/orders/status: every order of the merchant newest first, the `type` filter, and the
 * `limit` / `after` / `next_cursor` pagination extension.
 */
import { after, before, describe, test } from 'node:test';
import { systemClock } from '../../../src/clock.ts';
import assert from 'node:assert/strict';
import { DB_LABEL, call, createMerchant, startTestServer, type TestServer } from '../../helpers/harness.ts';
import { buildApp } from '../../../src/api/app.ts';
import { createLogger } from '../../../src/log.ts';
import { CONNECT, assertError, assertValidation, createOrder, setStatus } from '../../helpers/order-helpers.ts';

const LIST = `${CONNECT}/orders/status`;

describe(`get all order status (${DB_LABEL})`, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ runWorker: false });
  });
  after(async () => {
    await t.close();
  });

  /** A merchant of its own with `count` orders; uuids oldest first. */
  async function merchantWithOrders(count: number) {
    const m = await createMerchant(t.db, `List ${Math.random()}`);
    const uuids: string[] = [];
    for (let i = 0; i < count; i++) uuids.push(await createOrder(t, { token: m.token }));
    return { token: m.token, uuids };
  }

  /** Follows next_cursor to the end; returns every page's uuids. */
  async function allPages(token: string, query: string): Promise<string[][]> {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const res = await call(t.url, 'GET', `${LIST}?${query}${cursor === null ? '' : `&after=${encodeURIComponent(cursor)}`}`, { token });
      assert.equal(res.status, 200, res.text);
      pages.push(res.body.data.map((o: { uuid: string }) => o.uuid));
      cursor = res.body.next_cursor;
      assert.ok(pages.length < 50, 'pagination terminates');
    } while (cursor !== null);
    return pages;
  }

  test('a merchant without orders gets 200 with an empty list and next_cursor null', async () => {
    const m = await createMerchant(t.db, 'Empty AS');
    const res = await call(t.url, 'GET', LIST, { token: m.token });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      status_code: 200,
      status_message: 'OK',
      message: 'Order Status Retrieved Successfully',
      is_data: true,
      data: [],
      next_cursor: null,
    });
  });

  test("lists only the merchant's own orders, newest first, as {uuid, status}", async () => {
    const mine = await merchantWithOrders(3);
    await merchantWithOrders(2); // someone else's
    await setStatus(t.db, mine.uuids[1]!, 'PAID');
    const res = await call(t.url, 'GET', LIST, { token: mine.token });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), ['status_code', 'status_message', 'message', 'is_data', 'data', 'next_cursor']);
    assert.deepEqual(res.body.data, [
      { uuid: mine.uuids[2], status: 'SENT' },
      { uuid: mine.uuids[1], status: 'PAID' },
      { uuid: mine.uuids[0], status: 'SENT' },
    ]);
    assert.equal(res.body.next_cursor, null);
  });

  test('pages of limit=2 return every order exactly once, newest first, and the last page has next_cursor null', async () => {
    const m = await merchantWithOrders(5);
    const pages = await allPages(m.token, 'limit=2');
    assert.deepEqual(pages.map((p) => p.length), [2, 2, 1]);
    assert.deepEqual(pages.flat(), [...m.uuids].reverse());
  });

  test('a page size equal to the number of orders ends with next_cursor null, without an empty extra page', async () => {
    const m = await merchantWithOrders(2);
    const res = await call(t.url, 'GET', `${LIST}?limit=2`, { token: m.token });
    assert.equal(res.body.data.length, 2);
    assert.equal(res.body.next_cursor, null);
  });

  test('orders created between pages neither repeat nor shift the pages already being read', async () => {
    const m = await merchantWithOrders(4);
    const first = await call(t.url, 'GET', `${LIST}?limit=2`, { token: m.token });
    const newer = await createOrder(t, { token: m.token });
    const second = await call(t.url, 'GET', `${LIST}?limit=2&after=${first.body.next_cursor}`, { token: m.token });
    const seen = [...first.body.data, ...second.body.data].map((o: { uuid: string }) => o.uuid);
    assert.deepEqual(seen, [...m.uuids].reverse());
    assert.ok(!seen.includes(newer));
    assert.equal(second.body.next_cursor, null);
  });

  test('the type filter is case-insensitive and pages like the full list', async () => {
    const m = await merchantWithOrders(6);
    const paid = [m.uuids[0]!, m.uuids[2]!, m.uuids[5]!];
    for (const uuid of paid) await setStatus(t.db, uuid, 'PAID');
    for (const type of ['PAID', 'paid', 'Paid']) {
      const pages = await allPages(m.token, `type=${type}&limit=2`);
      assert.deepEqual(pages.map((p) => p.length), [2, 1], type);
      assert.deepEqual(pages.flat(), [...paid].reverse(), type);
    }
    // `type=sent` in lower case is what the frontgo gem sends (FPGO ref §10).
    for (const type of ['SENT', 'sent']) {
      const sent = await call(t.url, 'GET', `${LIST}?type=${type}`, { token: m.token });
      assert.deepEqual(
        sent.body.data.map((o: { uuid: string }) => o.uuid),
        [m.uuids[4], m.uuids[3], m.uuids[1]],
        type,
      );
      assert.ok(sent.body.data.every((o: { status: string }) => o.status === 'SENT'));
    }
  });

  test('PARTIAL REFUNDED (with its space) and the documented EXPIRED are accepted filters', async () => {
    const m = await merchantWithOrders(2);
    await setStatus(t.db, m.uuids[0]!, 'PARTIAL REFUNDED');
    const partial = await call(t.url, 'GET', `${LIST}?type=partial%20refunded`, { token: m.token });
    assert.equal(partial.status, 200);
    assert.deepEqual(partial.body.data, [{ uuid: m.uuids[0], status: 'PARTIAL REFUNDED' }]);
    const plus = await call(t.url, 'GET', `${LIST}?type=PARTIAL+REFUNDED`, { token: m.token });
    assert.deepEqual(plus.body.data, partial.body.data);
    const expired = await call(t.url, 'GET', `${LIST}?type=EXPIRED`, { token: m.token });
    assert.equal(expired.status, 200);
    assert.deepEqual(expired.body.data, []);
  });

  test('an empty type means no filter', async () => {
    const m = await merchantWithOrders(2);
    const res = await call(t.url, 'GET', `${LIST}?type=`, { token: m.token });
    assert.equal(res.body.data.length, 2);
  });

  test('an unknown type is 417 "The selected type is invalid."', async () => {
    for (const type of ['SHIPPED', 'PARTIAL_REFUNDED', 'RESERVED']) {
      const res = await call(t.url, 'GET', `${LIST}?type=${type}`, { token: t.merchant.token });
      assertValidation(res, ['The selected type is invalid.']);
      assert.deepEqual(res.body.fieldErrors, { type: ['The selected type is invalid.'] });
    }
    const twice = await call(t.url, 'GET', `${LIST}?type=PAID&type=SENT`, { token: t.merchant.token });
    assertValidation(twice, ['The type must be a string.']);
  });

  test('limit must be a whole number from 1 to 1000', async () => {
    const cases: Array<[string, string]> = [
      ['0', 'The limit must be greater than or equal to 1.'],
      ['-5', 'The limit must be greater than or equal to 1.'],
      ['1001', 'The limit must not be greater than 1000.'],
      ['abc', 'The limit must be an integer.'],
      ['1.5', 'The limit must be an integer.'],
    ];
    for (const [limit, message] of cases) {
      const res = await call(t.url, 'GET', `${LIST}?limit=${limit}`, { token: t.merchant.token });
      assertValidation(res, [message]);
    }
    const ok = await call(t.url, 'GET', `${LIST}?limit=1000`, { token: t.merchant.token });
    assert.equal(ok.status, 200);
  });

  test('a cursor that was not issued by the server is 417', async () => {
    const message = 'The after is not a valid cursor; pass the next_cursor of the previous page.';
    const forged = [
      'nonsense',
      Buffer.from('o1.0').toString('base64url'),
      Buffer.from('o2.5').toString('base64url'),
      Buffer.from("o1.5' OR 1=1").toString('base64url'),
      'x'.repeat(100),
    ];
    for (const after of forged) {
      const res = await call(t.url, 'GET', `${LIST}?after=${encodeURIComponent(after)}`, { token: t.merchant.token });
      assertValidation(res, [message]);
    }
  });

  test('next_cursor reveals no order id, and a cursor changed in any one character is 417', async () => {
    const m = await merchantWithOrders(3);
    const page = await call(t.url, 'GET', `${LIST}?limit=1`, { token: m.token });
    const cursor: string = page.body.next_cursor;
    const [row] = await t.db.query<{ id: number }>({ text: 'SELECT id FROM orders WHERE uuid = $1', values: [m.uuids[2]] });
    const raw = Buffer.from(cursor, 'base64url');
    assert.ok(!raw.toString('latin1').includes(String(row!.id)), 'the id is not in the cursor as text');
    const idBytes = Buffer.alloc(8);
    idBytes.writeBigUInt64BE(BigInt(row!.id));
    assert.equal(raw.indexOf(idBytes), -1, 'nor as a binary number');
    // The same position gives a different cursor each time: nothing to compare or count.
    const again = await call(t.url, 'GET', `${LIST}?limit=1`, { token: m.token });
    assert.notEqual(again.body.next_cursor, cursor);
    assert.equal((await call(t.url, 'GET', `${LIST}?limit=1&after=${again.body.next_cursor}`, { token: m.token })).status, 200);

    const message = 'The after is not a valid cursor; pass the next_cursor of the previous page.';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < cursor.length; i++) {
      const changed = alphabet[(alphabet.indexOf(cursor[i]!) + 1 + (i % 7)) % alphabet.length]!;
      const tampered = cursor.slice(0, i) + changed + cursor.slice(i + 1);
      // The last character carries padding bits only partly; a change there may decode to the same bytes.
      if (Buffer.from(tampered, 'base64url').equals(raw)) continue;
      const res = await call(t.url, 'GET', `${LIST}?limit=1&after=${tampered}`, { token: m.token });
      assertValidation(res, [message]);
    }
  });

  test("another merchant's cursor is 417, and a cursor from another API node on the same database works", async () => {
    const a = await merchantWithOrders(2);
    const b = await merchantWithOrders(2);
    const cursor = (await call(t.url, 'GET', `${LIST}?limit=1`, { token: a.token })).body.next_cursor;
    assertValidation(await call(t.url, 'GET', `${LIST}?limit=1&after=${cursor}`, { token: b.token }), [
      'The after is not a valid cursor; pass the next_cursor of the previous page.',
    ]);
    const otherNode = await buildApp({ db: t.db, config: t.config, logger: createLogger('silent'), clock: systemClock });
    try {
      const res = await otherNode.inject({
        method: 'GET',
        url: `${LIST}?limit=1&after=${cursor}`,
        headers: { authorization: `Bearer ${a.token}` },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json().data.map((o: { uuid: string }) => o.uuid), [a.uuids[0]]);
    } finally {
      await otherNode.close();
    }
  });

  test('all bad query parameters are reported at once', async () => {
    const res = await call(t.url, 'GET', `${LIST}?type=nope&limit=0&after=bad!`, { token: t.merchant.token });
    assertValidation(res, [
      'The selected type is invalid.',
      'The limit must be greater than or equal to 1.',
      'The after is not a valid cursor; pass the next_cursor of the previous page.',
    ]);
  });

  test('no token is 401', async () => {
    assertError(await call(t.url, 'GET', LIST), 401, 'unauthenticated');
    assertError(await call(t.url, 'GET', LIST, { token: 'efk_live_wrong' }), 401, 'unauthenticated');
  });

  test('the OpenAPI document describes the query parameters and next_cursor', async () => {
    const doc = await call(t.url, 'GET', '/openapi.json');
    const op = doc.body.paths['/api/v1/connect/orders/status'].get;
    assert.deepEqual(op.parameters.map((p: { name: string }) => p.name).sort(), ['after', 'limit', 'type']);
    assert.ok(JSON.stringify(op.responses['200']).includes('next_cursor'));
    assert.ok(op.responses['417']);
  });
});
