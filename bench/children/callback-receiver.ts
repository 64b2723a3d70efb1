/**
 * The callback scenarios' merchant endpoint, in a process of its own: an HTTP server on 127.0.0.1
 * that answers every `GET /cb…` with 200 at once and records the arrival (time, `efaktura-event-id`
 * header, `orderUuid` and `status` query parameters). Prints `{"port":N}` on stdout when listening.
 *
 * Control endpoints, for the bench (never called by efaktura):
 *   GET /__clock     {"now": ms}                      this process's clock, for the offset estimate
 *   GET /__stats     counts, first/last arrival, and arrivals per second since the first
 *   GET /__arrivals  {"arrivals": [[orderUuid, eventId, at, status], …]} in arrival order
 *
 * Times are `performance.timeOrigin + performance.now()`: epoch milliseconds with sub-ms resolution,
 * comparable with the same expression in another process on this machine.
 */
import http from 'node:http';
import { exitWithParent } from '../lib/processes.ts';

export interface ReceiverStats {
  /** Callback requests received (duplicates included). */
  requests: number;
  /** Distinct `efaktura-event-id` values. */
  distinctEvents: number;
  /** Requests whose event id had been seen before. */
  duplicates: number;
  /** Requests without an event id or an orderUuid. */
  malformed: number;
  firstAt: number | null;
  lastAt: number | null;
  /** Arrivals in each whole second after the first arrival. */
  perSecond: number[];
  /** TCP connections accepted (the control endpoints' own included): few means keep-alive works. */
  connections: number;
}

export type Arrival = [orderUuid: string, eventId: string, at: number, status: string];

exitWithParent();
const now = () => performance.timeOrigin + performance.now();

const arrivals: Arrival[] = [];
const seen = new Set<string>();
let duplicates = 0;
let malformed = 0;
let firstAt: number | null = null;
let lastAt: number | null = null;
let connections = 0;
const perSecond: number[] = [];

function json(res: http.ServerResponse, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const at = now();
  const url = req.url ?? '/';
  if (url.startsWith('/cb')) {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('OK');
    const q = new URLSearchParams(url.slice(url.indexOf('?') + 1));
    const eventId = req.headers['efaktura-event-id'];
    const orderUuid = q.get('orderUuid');
    if (typeof eventId !== 'string' || orderUuid === null) {
      malformed++;
      return;
    }
    if (seen.has(eventId)) duplicates++;
    else seen.add(eventId);
    firstAt ??= at;
    lastAt = at;
    const second = Math.floor((at - firstAt) / 1000);
    while (perSecond.length <= second) perSecond.push(0);
    perSecond[second]!++;
    arrivals.push([orderUuid, eventId, at, q.get('status') ?? '']);
    return;
  }
  if (url === '/__clock') return json(res, { now: now() });
  if (url === '/__stats') {
    const stats: ReceiverStats = {
      requests: arrivals.length + malformed,
      distinctEvents: seen.size,
      duplicates,
      malformed,
      firstAt,
      lastAt,
      perSecond,
      connections,
    };
    return json(res, stats);
  }
  if (url === '/__arrivals') return json(res, { arrivals });
  res.writeHead(404).end();
});
server.on('connection', () => connections++);
// The worker keeps its sockets; do not close them under it between bursts.
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
