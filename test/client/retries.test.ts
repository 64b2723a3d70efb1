/**
 * The SDK's retries, timeouts and errors against a tiny HTTP server on loopback that answers from a script
 * (no mock of fetch): what is repeated, what never is, with which headers, and what is thrown at the end.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EfakturaApiError, EfakturaClient, type EfakturaClientOptions } from '../../src/client/index.ts';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One scripted answer: a status with a JSON body and headers, a dropped connection, or no answer at all. */
type Step = { status: number; body?: unknown; headers?: Record<string, string> } | 'drop' | 'hang';

const OK_STATUS = { status: 200, body: { status_code: 200, status_message: 'OK', message: 'Order Status Retrieved Successfully', is_data: true, data: { uuid: 'ODR1234567890', status: 'SENT', orderAmount: 51, refundedAmount: 0 } } };
const CREATED = { status: 201, body: { status_code: 201, status_message: 'OK', message: 'orderAddedSuccessfully', is_data: false, data: { uuid: 'ODR1234567890', customerUuid: 'CSRT1234567890' } } };
const ACCEPTED = { status: 202, body: { status_code: 202, status_message: 'OK', message: 'orderRefundedSuccessfully', is_data: true, data: null } };
const errorStep = (status: number, code: string, headers: Record<string, string> = {}): Step => ({
  status,
  headers,
  body: { status_code: status, status_message: 'Error', message: code, is_error: true, errors: [`${code} happened`], requestId: 'server-id' },
});

const REFUND = { type: 'regular' as const, grandTotal: 10, products: [{ id: 1, amount: 10 }] };

describe('SDK retries against a scripted loopback server', () => {
  let server: http.Server;
  let baseUrl: string;
  let script: Step[] = [];
  let seen: Seen[] = [];
  const hanging = new Set<http.ServerResponse>();

  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        const step = script.shift() ?? { status: 500, body: { message: 'script ran out' } };
        if (step === 'drop') return void req.socket.destroy();
        if (step === 'hang') return void hanging.add(res);
        res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
        res.end(typeof step.body === 'string' ? step.body : JSON.stringify(step.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    script = [];
    seen = [];
  });
  after(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const client = (options: Partial<EfakturaClientOptions> = {}) =>
    new EfakturaClient({ baseUrl, token: 'tok', retry: { baseDelayMs: 1, maxAttempts: 3 }, ...options });

  async function rejection(promise: Promise<unknown>): Promise<EfakturaApiError> {
    const error = await promise.then(() => assert.fail('expected the call to fail'), (e: unknown) => e);
    assert.ok(error instanceof EfakturaApiError, String(error));
    return error;
  }

  test('a read is retried after a 503 with Retry-After, a 500 and a dropped connection, under one request id', async () => {
    script = [errorStep(503, 'serviceUnavailable', { 'retry-after': '0' }), errorStep(500, 'somethingWentWrong'), 'drop', OK_STATUS];
    const status = await client({ retry: { baseDelayMs: 1, maxAttempts: 4 } }).orders.status('ODR1234567890');
    assert.deepEqual(status, OK_STATUS.body.data);
    assert.equal(seen.length, 4);
    assert.ok(seen.every((s) => s.url === '/api/v1/connect/orders/status/ODR1234567890' && s.headers.authorization === 'Bearer tok'));
    assert.equal(new Set(seen.map((s) => s.headers['x-request-id'])).size, 1);
  });

  test('create is retried after a lost answer and a 409 in progress, every time with the same Idempotency-Key', async () => {
    script = ['drop', errorStep(409, 'idempotencyKeyInProgress', { 'retry-after': '0' }), CREATED];
    const created = await client().orders.create({} as never);
    assert.equal(created.uuid, 'ODR1234567890');
    assert.equal(seen.length, 3);
    const keys = new Set(seen.map((s) => s.headers['idempotency-key']));
    assert.equal(keys.size, 1);
    assert.equal([...keys][0], created.idempotencyKey);
    assert.match(created.idempotencyKey, /^[0-9a-f-]{36}$/);
  });

  test('a document download is retried while the server answers 409 documentNotReadyYet', async () => {
    script = [errorStep(409, 'documentNotReadyYet', { 'retry-after': '0' }), { status: 200, body: '<Invoice/>' }];
    assert.equal(new TextDecoder().decode(await client().invoices.ehf(42)), '<Invoice/>');
    assert.deepEqual(seen.map((s) => s.url), ['/api/v1/connect/invoices/42/ehf', '/api/v1/connect/invoices/42/ehf']);
  });

  test('create sends the caller\'s Idempotency-Key when given one', async () => {
    script = [CREATED];
    const created = await client().orders.create({} as never, { idempotencyKey: 'order-4711' });
    assert.equal(seen[0]!.headers['idempotency-key'], 'order-4711');
    assert.equal(created.idempotencyKey, 'order-4711');
  });

  test('a refund is never repeated after it may have reached the server: not after a 500, not after a dropped connection', async () => {
    script = [errorStep(500, 'somethingWentWrong'), OK_STATUS];
    const failed = await rejection(client().orders.refund('ODR1234567890', REFUND));
    assert.equal(seen.length, 1);
    assert.deepEqual([failed.status, failed.code, failed.attempts], [500, 'somethingWentWrong', 1]);

    seen = [];
    script = ['drop', OK_STATUS];
    const dropped = await rejection(client().orders.refund('ODR1234567890', REFUND));
    assert.equal(seen.length, 1);
    assert.deepEqual([dropped.status, dropped.code], [0, 'networkError']);
    assert.equal(dropped.requestId, seen[0]!.headers['x-request-id'], 'the request id the SDK sent, for the server logs');
  });

  test('a cancel or refund answered 429 or 503 (before any work) is retried after Retry-After', async () => {
    script = [errorStep(429, 'tooManyRequests', { 'retry-after': '0' }), errorStep(503, 'serviceUnavailable', { 'retry-after': '0' }), ACCEPTED];
    await client().orders.refund('ODR1234567890', REFUND);
    assert.equal(seen.length, 3);
    assert.deepEqual(JSON.parse(seen[2]!.body), REFUND);

    seen = [];
    script = [errorStep(429, 'tooManyRequests', { 'retry-after': '0' }), ACCEPTED];
    await client().orders.cancel('ODR1234567890', 'Changed my mind');
    assert.equal(seen.length, 2);
    assert.deepEqual(JSON.parse(seen[1]!.body), { cancellationNote: 'Changed my mind' });
  });

  test('a Retry-After longer than maxDelayMs is not waited for: the 429 is thrown at once with it', async () => {
    script = [errorStep(429, 'tooManyRequests', { 'retry-after': '60' }), OK_STATUS];
    const error = await rejection(client({ retry: { maxDelayMs: 5_000 } }).orders.status('ODR1234567890'));
    assert.deepEqual([error.status, error.code, error.retryAfterSeconds, error.attempts, seen.length], [429, 'tooManyRequests', 60, 1, 1]);
  });

  test('after maxAttempts the last failure is thrown, carrying the envelope', async () => {
    script = [errorStep(502, 'badGateway'), errorStep(502, 'badGateway'), errorStep(502, 'badGateway'), OK_STATUS];
    const error = await rejection(client().invoices.get(1));
    assert.equal(seen.length, 3);
    assert.deepEqual([error.status, error.statusCode, error.code, error.errors, error.requestId, error.attempts], [502, 502, 'badGateway', ['badGateway happened'], 'server-id', 3]);
    assert.equal(error.envelope?.message, 'badGateway');
  });

  test('maxAttempts 1 turns retries off', async () => {
    script = [errorStep(503, 'serviceUnavailable', { 'retry-after': '0' }), OK_STATUS];
    await rejection(client({ retry: { maxAttempts: 1 } }).orders.status('ODR1234567890'));
    assert.equal(seen.length, 1);
  });

  test('client errors are not retried; a non-JSON error page still gives a typed error', async () => {
    script = [errorStep(417, 'payloadValidationErrors'), OK_STATUS];
    await rejection(client().orders.status('ODR1234567890'));
    assert.equal(seen.length, 1);

    seen = [];
    script = [{ status: 400, body: '<html>Bad Request</html>' }];
    const html = await rejection(client().orders.status('ODR1234567890'));
    assert.deepEqual([html.status, html.code, html.envelope, html.errors], [400, 'http400', null, null]);
  });

  test('an attempt that gets no answer times out and a read is tried again', async () => {
    script = ['hang', OK_STATUS];
    const status = await client({ timeoutMs: 200 }).orders.status('ODR1234567890');
    assert.equal(status.status, 'SENT');
    assert.equal(seen.length, 2);

    seen = [];
    script = ['hang', 'hang', 'hang'];
    const error = await rejection(client({ timeoutMs: 100 }).orders.get('ODR1234567890'));
    assert.deepEqual([error.status, error.code, error.attempts, seen.length], [0, 'timeout', 3, 3]);
  });

  test('the caller\'s AbortSignal stops the call and its retries, rejecting with the signal\'s reason', async () => {
    script = ['hang', OK_STATUS];
    const controller = new AbortController();
    const call = client().orders.status('ODR1234567890', { signal: controller.signal });
    while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new Error('user went away'));
    await assert.rejects(call, { message: 'user went away' });
    assert.equal(seen.length, 1);
  });

  test('query parameters, path encoding, the caller\'s request id, and bytes for documents', async () => {
    script = [
      { status: 200, body: { status_code: 200, status_message: 'OK', message: 'm', is_data: true, data: [{ uuid: 'ODR1', status: 'PAID' }], next_cursor: 'c2' } },
      { status: 200, body: { status_code: 200, status_message: 'OK', message: 'm', is_data: true, data: [{ uuid: 'ODR2', status: 'PAID' }], next_cursor: null } },
      { status: 200, body: '%PDF-1.7 bytes' },
    ];
    const c = client();
    const all: unknown[] = [];
    for await (const order of c.orders.listAll({ type: 'PAID', limit: 1 }, { requestId: 'merchant-trace-1' })) all.push(order);
    assert.deepEqual(all, [{ uuid: 'ODR1', status: 'PAID' }, { uuid: 'ODR2', status: 'PAID' }]);
    assert.deepEqual(seen.map((s) => s.url), ['/api/v1/connect/orders/status?type=PAID&limit=1', '/api/v1/connect/orders/status?type=PAID&limit=1&after=c2']);
    assert.equal(seen[0]!.headers['x-request-id'], 'merchant-trace-1');
    const pdf = await c.creditNotes.pdf('7/../8');
    assert.equal(seen[2]!.url, '/api/v1/connect/credit-notes/7%2F..%2F8/pdf');
    assert.equal(new TextDecoder().decode(pdf), '%PDF-1.7 bytes');
  });

  test('a base URL with a path prefix and trailing slash is kept, and bad options are refused at construction', async () => {
    script = [OK_STATUS];
    await new EfakturaClient({ baseUrl: `${baseUrl}/efaktura/`, token: 'tok' }).orders.status('ODR1234567890');
    assert.equal(seen[0]!.url, '/efaktura/api/v1/connect/orders/status/ODR1234567890');
    assert.throws(() => new EfakturaClient({ baseUrl: 'efaktura.example.com', token: 'tok' }), TypeError);
    assert.throws(() => new EfakturaClient({ baseUrl, token: ' ' }), TypeError);
  });
});
