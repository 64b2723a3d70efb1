import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createCallbackAgents, sendCallback } from '../../../src/adapters/http-out/send.ts';

type Received = { method: string; url: string; headers: http.IncomingHttpHeaders };

/** A real HTTP server on 127.0.0.1 that records every request and answers with `handler`. */
async function startServer(handler: http.RequestListener) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type TestServer = Awaited<ReturnType<typeof startServer>>;

const privateAgents = createCallbackAgents(true);
const publicOnlyAgents = createCallbackAgents(false);
const allowed = { timeoutMs: 2000, allowPrivate: true, agents: privateAgents };
const publicOnly = { timeoutMs: 2000, allowPrivate: false, agents: publicOnlyAgents };

const servers: TestServer[] = [];
async function server(handler: http.RequestListener): Promise<TestServer> {
  const started = await startServer(handler);
  servers.push(started);
  return started;
}

after(async () => {
  privateAgents.destroy();
  publicOnlyAgents.destroy();
  await Promise.all(servers.map((s) => s.close()));
});

describe('sendCallback: HTTP outcomes', () => {
  it('200 and 204 are delivered, as a GET with our headers', async () => {
    for (const status of [200, 204]) {
      const target = await server((_req, res) => res.writeHead(status).end(status === 204 ? undefined : 'OK'));
      const attempt = await sendCallback(`${target.url}/cb?orderUuid=ODR1&status=PAID`, {
        ...allowed,
        headers: { 'efaktura-event-id': 'evt-1' },
      });
      assert.deepEqual({ ...attempt, latencyMs: 0 }, { outcome: 'delivered', httpStatus: status, latencyMs: 0, error: null });
      assert.ok(attempt.latencyMs >= 0 && Number.isInteger(attempt.latencyMs));
      assert.equal(target.received.length, 1);
      assert.equal(target.received[0]?.method, 'GET');
      assert.equal(target.received[0]?.url, '/cb?orderUuid=ODR1&status=PAID');
      assert.equal(target.received[0]?.headers['efaktura-event-id'], 'evt-1');
    }
  });

  it('500 is failed, with the status in the error', async () => {
    const target = await server((_req, res) => res.writeHead(500).end('boom'));
    const attempt = await sendCallback(`${target.url}/`, allowed);
    assert.equal(attempt.outcome, 'failed');
    assert.equal(attempt.httpStatus, 500);
    assert.match(attempt.error ?? '', /500/);
  });

  it('410 is gone, so the worker stops retrying', async () => {
    const target = await server((_req, res) => res.writeHead(410).end());
    const attempt = await sendCallback(`${target.url}/`, allowed);
    assert.deepEqual([attempt.outcome, attempt.httpStatus, attempt.error], ['gone', 410, null]);
  });

  it('a 302 is failed and not followed: the redirect target gets no request', async () => {
    const redirectTarget = await server((_req, res) => res.writeHead(200).end());
    const target = await server((_req, res) => res.writeHead(302, { location: `${redirectTarget.url}/elsewhere` }).end());
    const attempt = await sendCallback(`${target.url}/`, allowed);
    assert.equal(attempt.outcome, 'failed');
    assert.equal(attempt.httpStatus, 302);
    assert.equal(attempt.error, `redirect to ${redirectTarget.url}/elsewhere not followed`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(redirectTarget.received.length, 0);
  });

  it('a server that never answers is failed with a timeout', async () => {
    const target = await server(() => {});
    const attempt = await sendCallback(`${target.url}/`, { ...allowed, timeoutMs: 200 });
    assert.deepEqual([attempt.outcome, attempt.httpStatus, attempt.error], ['failed', null, 'timeout after 200 ms']);
    assert.ok(attempt.latencyMs >= 190 && attempt.latencyMs < 1500, `latency ${attempt.latencyMs}`);
  });

  it('a body that never ends counts against the same timeout', async () => {
    const target = await server((_req, res) => {
      res.writeHead(200);
      res.write('partial');
    });
    const attempt = await sendCallback(`${target.url}/`, { ...allowed, timeoutMs: 200 });
    assert.deepEqual([attempt.outcome, attempt.error], ['failed', 'timeout after 200 ms']);
  });

  it('a large body is read only up to the cap and still classified by status', async () => {
    const chunk = Buffer.alloc(16 * 1024, 'x');
    const target = await server((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write(chunk), 1); // endless body
      res.on('close', () => clearInterval(timer));
    });
    const attempt = await sendCallback(`${target.url}/`, { ...allowed, timeoutMs: 2000 });
    assert.deepEqual([attempt.outcome, attempt.httpStatus], ['delivered', 200]);
  });

  it('a refused connection (closed port) is failed with the error code', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const attempt = await sendCallback(`http://127.0.0.1:${closedPort}/`, allowed);
    assert.equal(attempt.outcome, 'failed');
    assert.equal(attempt.httpStatus, null);
    assert.match(attempt.error ?? '', /ECONNREFUSED/);
  });

  it('keeps error texts to 500 characters', async () => {
    const target = await server((_req, res) => res.writeHead(302, { location: `/${'a'.repeat(2000)}` }).end());
    const attempt = await sendCallback(`${target.url}/`, allowed);
    assert.equal(attempt.error?.length, 500);
  });

  it('refuses URLs that are not http(s)', async () => {
    assert.equal((await sendCallback('ftp://127.0.0.1/', allowed)).outcome, 'refused');
    assert.equal((await sendCallback('not a url', allowed)).outcome, 'refused');
  });
});

describe('sendCallback: SSRF guard', () => {
  let target: TestServer;
  before(async () => {
    target = await server((_req, res) => res.writeHead(200).end());
  });

  it('refuses loopback, private, link-local and metadata targets, and sends nothing', async () => {
    const urls = [
      `http://127.0.0.1:${target.port}/`,
      `http://10.0.0.1/`,
      `http://169.254.169.254/latest/meta-data`,
      `http://[::1]:${target.port}/`,
      `http://[::ffff:127.0.0.1]:${target.port}/`,
      `http://2130706433:${target.port}/`, // 127.0.0.1 as one number
      `http://localhost:${target.port}/`, // a name that resolves to loopback
    ];
    for (const url of urls) {
      const attempt = await sendCallback(url, publicOnly);
      assert.equal(attempt.outcome, 'refused', `${url}: ${attempt.error}`);
      assert.equal(attempt.httpStatus, null);
      assert.ok(attempt.error, url);
    }
    assert.equal(target.received.length, 0);
  });

  it('lets loopback through when the operator allows private targets', async () => {
    for (const url of [`http://127.0.0.1:${target.port}/ok`, `http://localhost:${target.port}/ok`]) {
      const attempt = await sendCallback(url, allowed);
      assert.equal(attempt.outcome, 'delivered', `${url}: ${attempt.error}`);
    }
    assert.equal(target.received.length, 2);
  });

  it('uses the default shared pools when no agents are passed', async () => {
    const before = target.received.length;
    assert.equal((await sendCallback(`http://localhost:${target.port}/`, { timeoutMs: 2000, allowPrivate: false })).outcome, 'refused');
    const attempt = await sendCallback(`http://127.0.0.1:${target.port}/`, { timeoutMs: 2000, allowPrivate: true });
    assert.equal(attempt.outcome, 'delivered');
    assert.equal(target.received.length, before + 1);
    const { defaultCallbackAgents } = await import('../../../src/adapters/http-out/send.ts');
    defaultCallbackAgents(true).destroy();
    defaultCallbackAgents(false).destroy();
  });
});
