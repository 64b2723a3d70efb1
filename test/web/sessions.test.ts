/**
 * Dashboard sessions and their defences over plain HTTP (SPEC §9): the session cookie's flags, sessions
 * stored hashed, login CSRF, CSRF on every form post, the per-address sign-in limit, sign-out, expiry, one
 * merchant never seeing another's orders, escaping of what customers typed, the language, and the demo
 * order button.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { CREATE_PATH, DB_LABEL, call, createMerchant, startTestServer, type TestMerchant, type TestServer } from '../helpers/harness.ts';
import { orderBody } from '../helpers/invoicing.ts';

const ADMIN = 'a'.repeat(40);

/** A browser's cookies for /app, and requests with them from one client address. */
class Client {
  readonly cookies = new Map<string, string>();
  readonly base: string;
  readonly address: string;
  readonly headers: Record<string, string>;
  constructor(base: string, address: string, headers: Record<string, string> = {}) {
    this.base = base;
    this.address = address;
    this.headers = headers;
  }

  async request(method: string, path: string, form?: Record<string, string>, extra: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string }> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.address, ...this.headers, ...extra };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (form !== undefined) {
      body = new URLSearchParams(form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(`${this.base}${path}`, { method, headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair!.split('=');
      if (value === '' || /Max-Age=0/i.test(line)) this.cookies.delete(name!);
      else this.cookies.set(name!, value!);
    }
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  async signIn(token: string): Promise<{ status: number; headers: Headers; text: string }> {
    const form = await this.request('GET', '/app/sign-in');
    const nonce = /name="_signin" value="([^"]+)"/.exec(form.text)?.[1];
    assert.ok(nonce, 'the sign-in form carries its nonce');
    return this.request('POST', '/app/sign-in', { token, _signin: nonce, next: '/app' });
  }

  async csrf(path = '/app'): Promise<string> {
    const page = await this.request('GET', path);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    assert.ok(token, `${path} carries the CSRF token`);
    return token;
  }
}

let addresses = 0;
const nextAddress = () => `198.51.100.${++addresses}`;

describe(`dashboard sessions (${DB_LABEL})`, () => {
  let t: TestServer;
  let other: TestMerchant;
  let uuid: string;
  const client = (headers: Record<string, string> = {}) => new Client(t.url, nextAddress(), headers);

  before(async () => {
    t = await startTestServer({ adminToken: ADMIN, demoMerchant: true, trustProxy: true });
    other = await createMerchant(t.db, 'Other Merchant AS');
    const body = orderBody({ callbackUrl: 'https://merchant.invalid/cb' });
    (body.customerDetails as Record<string, unknown>).name = '<img src=x onerror=alert(1)> Kari';
    const created = await call(t.url, 'POST', CREATE_PATH, { token: t.merchant.token, body });
    assert.equal(created.status, 201, created.text);
    uuid = created.body.data.uuid;
  });
  after(async () => {
    await t?.close();
  });

  test('without a session every page leads to the sign-in form, which keeps the way back', async () => {
    const res = await client().request('GET', '/app/orders?status=PAID');
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `/app/sign-in?next=${encodeURIComponent('/app/orders?status=PAID')}`);
    const post = await client().request('POST', '/app/payments/import', { content: 'x' });
    assert.equal(post.status, 401);
  });

  test('signing in sets an HttpOnly, SameSite=Strict session cookie on /app; the database holds only its hash', async () => {
    const c = client();
    const res = await c.signIn(t.merchant.token);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/app');
    const cookie = res.headers.getSetCookie().find((l) => l.startsWith('efk_session='))!;
    assert.match(cookie, /; Path=\/app/);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Strict/);
    const id = c.cookies.get('efk_session')!;
    const rows = await t.db.query<{ merchant_id: number; operator: boolean }>({
      text: 'SELECT merchant_id, operator FROM web_sessions WHERE id_hash = $1', values: [createHash('sha256').update(id).digest()],
    });
    assert.deepEqual(rows, [{ merchant_id: t.merchant.merchantId, operator: false }]);
    const page = await c.request('GET', '/app');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'/);
    assert.ok(!page.text.includes(id), 'the page never shows the session id');
  });

  test('a sign-in post without the form\'s own nonce (login CSRF) is refused and signs nobody in', async () => {
    const c = client();
    const res = await c.request('POST', '/app/sign-in', { token: t.merchant.token, _signin: 'forged', next: '/app' });
    assert.equal(res.status, 403);
    assert.equal(c.cookies.get('efk_session'), undefined);
  });

  test('every form post needs the session\'s CSRF token and a same-site Origin; signing out deletes the session', async () => {
    const c = client();
    await c.signIn(t.merchant.token);
    const token = await c.csrf();
    assert.equal((await c.request('POST', '/app/sign-out', {})).status, 403);
    assert.equal((await c.request('POST', '/app/sign-out', { _csrf: 'x'.repeat(token.length) })).status, 403);
    assert.equal((await c.request('POST', '/app/sign-out', { _csrf: token }, { origin: 'https://evil.example' })).status, 403);
    assert.equal((await c.request('GET', '/app')).status, 200, 'the refused posts left the session alone');
    const id = c.cookies.get('efk_session')!;
    const out = await c.request('POST', '/app/sign-out', { _csrf: token }, { origin: t.url });
    assert.equal(out.status, 303);
    const left = await t.db.query({ text: 'SELECT 1 FROM web_sessions WHERE id_hash = $1', values: [createHash('sha256').update(id).digest()] });
    assert.equal(left.length, 0);
    c.cookies.set('efk_session', id); // a copy of the cookie kept by an attacker
    assert.equal((await c.request('GET', '/app')).status, 303);
  });

  test('an expired session signs nobody in', async () => {
    const c = client();
    await c.signIn(t.merchant.token);
    await t.db.query({ text: 'UPDATE web_sessions SET expires_at = now() - interval \'1 second\' WHERE id_hash = $1', values: [createHash('sha256').update(c.cookies.get('efk_session')!).digest()] });
    const res = await c.request('GET', '/app');
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location')!, /^\/app\/sign-in/);
  });

  test('revoking the token signed in with ends its sessions at once', async () => {
    const m = await createMerchant(t.db, 'Revoked Merchant AS');
    const c = client();
    await c.signIn(m.token);
    assert.equal((await c.request('GET', '/app')).status, 200);
    await t.db.query({ text: 'UPDATE api_tokens SET revoked_at = now() WHERE merchant_id = $1', values: [m.merchantId] });
    assert.equal((await c.request('GET', '/app')).status, 303);
  });

  test('after 10 failed sign-ins from one address the 11th try is refused with 429 before the token is looked at', async () => {
    const c = client();
    for (let i = 0; i < 10; i++) assert.equal((await c.signIn(`efk_live_wrong${i}`)).status, 401);
    const limited = await c.signIn(t.merchant.token);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.equal(c.cookies.get('efk_session'), undefined);
    assert.equal((await client().signIn(t.merchant.token)).status, 303, 'another address is not limited');
  });

  test('a merchant never sees another merchant\'s order: not by URL, not in the list, not by search', async () => {
    const c = client();
    await c.signIn(other.token);
    assert.equal((await c.request('GET', `/app/orders/${uuid}`)).status, 404);
    assert.equal((await c.request('GET', `/app/orders/${uuid}?m=${t.merchant.merchantId}`)).status, 404, '?m= is the operator\'s only');
    const list = await c.request('GET', `/app/orders?q=${uuid}`);
    assert.ok(!list.text.includes(`/app/orders/${uuid}`), "no link to the order");
    assert.match(list.text, /class="empty"/);
    const token = await c.csrf();
    assert.equal((await c.request('POST', `/app/orders/${uuid}/redeliver`, { _csrf: token })).status, 404);
    assert.equal((await c.request('POST', '/app/payments/import', { _csrf: token, content: 'x' })).status, 403, 'bank files are the operator\'s');
  });

  test('an operator sees every merchant\'s orders and narrows them with the switcher', async () => {
    const c = client();
    await c.signIn(ADMIN);
    const all = await c.request('GET', '/app/orders');
    assert.ok(all.text.includes(uuid));
    assert.equal((await c.request('GET', `/app/orders/${uuid}`)).status, 200);
    const token = await c.csrf();
    const switched = await c.request('POST', '/app/merchant', { _csrf: token, merchant: String(other.merchantId), back: `/app/orders/${uuid}` });
    assert.equal(switched.status, 303);
    assert.equal(switched.headers.get('location'), '/app/orders');
    assert.ok(!(await c.request('GET', '/app/orders')).text.includes(uuid));
  });

  test('what a customer typed is shown as text, never as markup', async () => {
    const c = client();
    await c.signIn(t.merchant.token);
    for (const path of ['/app/orders', `/app/orders/${uuid}`]) {
      const page = await c.request('GET', path);
      assert.ok(page.text.includes('&lt;img src=x onerror=alert(1)&gt; Kari'), path);
      assert.ok(!page.text.includes('<img src=x'), path);
    }
  });

  test('the language follows Accept-Language until the switch sets it', async () => {
    const c = client({ 'accept-language': 'en-GB,en;q=0.9' });
    await c.signIn(t.merchant.token);
    assert.match((await c.request('GET', '/app')).text, /<h1>Overview<\/h1>/);
    const switched = await c.request('GET', '/app/lang/no?back=/app/orders');
    assert.equal(switched.headers.get('location'), '/app/orders');
    assert.match((await c.request('GET', '/app/orders')).text, /<h1>Ordrer<\/h1>/);
    assert.equal((await c.request('GET', '/app/lang/en?back=https://evil.example/')).headers.get('location'), '/app');
  });

  test('on a demo server the overview sends the banner\'s order for the demo customer', async () => {
    const c = client();
    await c.signIn(t.merchant.token);
    const token = await c.csrf();
    const res = await c.request('POST', '/app/demo-order', { _csrf: token });
    assert.equal(res.status, 303);
    const sent = /^\/app\/orders\/(ODR\d{10})\?done=demo$/.exec(res.headers.get('location') ?? '')?.[1];
    assert.ok(sent, res.headers.get('location') ?? '');
    const order = await call(t.url, 'GET', `/api/v1/connect/orders/details/${sent}`, { token: t.merchant.token });
    assert.equal(order.status, 200);
    assert.equal(order.body.data.customerDetails.personalNumber, '31929956780');
    assert.equal(order.body.data.orderSummary.grandTotal, '51.00');
  });
});
