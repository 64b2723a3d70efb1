/**
 * A callback endpoint on loopback whose answers the test releases by hand, so a test can hold an attempt
 * in flight for as long as it likes without sleeping, and count how many are in flight at once.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GatedRequest {
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  /** Answers the request (once). */
  answer(status: number): void;
}

export interface GatedReceiver {
  url: string;
  requests: GatedRequest[];
  /** Most requests per path that were waiting for an answer at the same time. */
  maxInFlight(path: string): number;
  /** Requests to `path` still waiting for their answer. */
  waiting(path: string): GatedRequest[];
  /** Answer every request to paths matching `auto` at once with this status (null: hold them). */
  autoAnswer(auto: (path: string) => number | null): void;
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startGatedReceiver(): Promise<GatedReceiver> {
  const requests: GatedRequest[] = [];
  const inFlight = new Map<string, number>();
  const maxByPath = new Map<string, number>();
  const open = new Set<GatedRequest & { done: boolean }>();
  let auto: (path: string) => number | null = () => null;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://receiver');
    const path = url.pathname;
    inFlight.set(path, (inFlight.get(path) ?? 0) + 1);
    maxByPath.set(path, Math.max(maxByPath.get(path) ?? 0, inFlight.get(path)!));
    const entry = {
      path,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      done: false,
      answer(status: number) {
        if (entry.done) return;
        entry.done = true;
        open.delete(entry);
        inFlight.set(path, inFlight.get(path)! - 1);
        if (!res.destroyed) res.writeHead(status).end('ok');
      },
    };
    // A client that gave up (timeout) no longer counts as in flight.
    res.on('close', () => {
      if (!entry.done) entry.answer(499);
    });
    requests.push(entry);
    open.add(entry);
    const status = auto(path);
    if (status !== null) entry.answer(status);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    maxInFlight: (path) => maxByPath.get(path) ?? 0,
    waiting: (path) => [...open].filter((r) => r.path === path),
    autoAnswer(fn) {
      auto = fn;
    },
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`gated receiver: condition not met; ${requests.length} requests so far`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      for (const r of [...open]) r.answer(503);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
