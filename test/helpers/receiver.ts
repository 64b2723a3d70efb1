/** A merchant's callback endpoint on loopback that records every request it gets. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  url: string;
  query: Array<[string, string]>;
  eventId: string | undefined;
  at: number;
  answered: number | 'hang' | 'destroy';
}

export type Behaviour = (req: http.IncomingMessage, n: number) => number | 'hang' | 'destroy' | { status: number; delayMs?: number; headers?: Record<string, string> };

export interface Receiver {
  url: string;
  received: Received[];
  setBehaviour(fn: Behaviour): void;
  /** Resolves when `predicate` holds for the received list (polls; rejects after timeoutMs). */
  waitFor(predicate: (r: Received[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(behaviour: Behaviour = () => 200): Promise<Receiver> {
  let current = behaviour;
  const received: Received[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://receiver');
    const answer = current(req, received.length);
    const entry: Received = {
      path: url.pathname,
      url: req.url ?? '',
      query: [...url.searchParams],
      eventId: req.headers['efaktura-event-id'] as string | undefined,
      at: Date.now(),
      answered: typeof answer === 'object' ? answer.status : answer,
    };
    received.push(entry);
    if (answer === 'hang') {
      hanging.add(res);
      return;
    }
    if (answer === 'destroy') {
      req.socket.destroy();
      return;
    }
    const { status, delayMs, headers } = typeof answer === 'number' ? { status: answer, delayMs: 0, headers: {} } : answer;
    setTimeout(() => {
      res.writeHead(status, headers);
      res.end('ok');
    }, delayMs ?? 0);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    setBehaviour(fn) {
      current = fn;
    },
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`receiver: condition not met in ${timeoutMs} ms; got ${received.length} requests`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
