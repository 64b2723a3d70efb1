/**
 * The latency scenarios' client, in a process of its own (so the load generator in the bench process
 * cannot delay its clock readings): against `efaktura serve` at BENCH_BASE_URL, creates BENCH_CANCELS
 * orders over HTTP whose callbackUrl is the receiver, prints `{"phase":"ready"}`, waits for a line on
 * stdin (when BENCH_WAIT_GO=1), then cancels them one at a time, BENCH_GAP_MIN_MS…BENCH_GAP_MAX_MS
 * apart (random, so the gaps do not beat with any timer). For each order:
 *
 *   commit → arrival = (receiver's arrival time of the CANCELLED callback, converted to this clock)
 *                      − (when the 202 of the cancel arrived here)
 *
 * The 202 is sent after the commit, so this slightly underestimates; the callback can even arrive
 * before the 202 (negative values are kept). `sent → arrival` (from just before the request was
 * written) is reported too, an upper bound. Prints `{"phase":"measure"}`, `{"phase":"done"}` around the
 * stream, then one JSON result line.
 */
import http from 'node:http';
import { exampleOrder } from '../../test/fixtures/example-order.ts';
import { exitWithParent } from '../lib/processes.ts';
import type { Arrival, ReceiverStats } from './callback-receiver.ts';

export interface LatencyResult {
  cancels: number;
  /** Cancels answered 202. */
  accepted: number;
  /** Cancels answered otherwise or failed. */
  refused: number;
  /** Accepted cancels whose callback arrived (once or more). */
  delivered: number;
  missing: number;
  /** Callback requests beyond the first per order. */
  duplicates: number;
  /** Stream start to the last 202, seconds. */
  elapsedS: number;
  commitToArrival: Percentiles;
  sentToArrival: Percentiles;
  /** The cancel request itself (sent → 202). */
  cancelRequest: Percentiles;
  /** Callbacks that arrived before the 202 did. */
  beforeReply: number;
  /** Receiver clock − this clock, ms (estimated from the fastest of 20 round trips), and that round trip. */
  clockOffsetMs: number;
  clockRttMs: number;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  min: number;
  mean: number;
}

exitWithParent();
const baseUrl = process.env.BENCH_BASE_URL!;
const token = process.env.BENCH_TOKEN!;
const receiverUrl = process.env.BENCH_RECEIVER_URL!;
const count = Number(process.env.BENCH_CANCELS ?? 300);
const gapMin = Number(process.env.BENCH_GAP_MIN_MS ?? 20);
const gapMax = Number(process.env.BENCH_GAP_MAX_MS ?? 30);
const deadlineS = Number(process.env.BENCH_STREAM_DEADLINE_S ?? 60);
const now = () => performance.timeOrigin + performance.now();
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

interface Reply {
  status: number;
  body: string;
  /** When the status line and headers had arrived (this clock). */
  at: number;
}

function request(method: 'GET' | 'POST', url: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } });
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const at = now();
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, at }));
      res.on('error', reject);
    });
    req.end(body);
  });
}

function percentiles(values: number[]): Percentiles {
  const s = Float64Array.from(values).sort();
  const at = (p: number) => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!);
  return { p50: at(50), p90: at(90), p99: at(99), max: s.length ? s[s.length - 1]! : NaN, min: s.length ? s[0]! : NaN, mean: s.reduce((a, b) => a + b, 0) / (s.length || 1) };
}

const auth = { authorization: `Bearer ${token}` };

// 1. The orders to cancel, made over HTTP like any others.
const order = exampleOrder();
order.callback.callbackUrl = `${receiverUrl}/cb?bench=latency`;
const orderBody = JSON.stringify(order);
const uuids: string[] = [];
for (let i = 0; i < count; i++) {
  const r = await request('POST', `${baseUrl}/api/v1/connect/orders/faktura/create`, orderBody, auth);
  if (r.status !== 201) throw new Error(`create-order answered ${r.status}: ${r.body.slice(0, 500)}`);
  const uuid = /"(ODR\d{10})"/.exec(r.body)?.[1];
  if (!uuid) throw new Error(`no order uuid in ${r.body.slice(0, 500)}`);
  uuids.push(uuid);
}

// 2. The receiver's clock against ours: the sample with the shortest round trip bounds the error best.
let clockOffsetMs = 0;
let clockRttMs = Infinity;
for (let i = 0; i < 20; i++) {
  const t0 = now();
  const r = await request('GET', `${receiverUrl}/__clock`);
  const t1 = now();
  if (t1 - t0 < clockRttMs) {
    clockRttMs = t1 - t0;
    clockOffsetMs = (JSON.parse(r.body) as { now: number }).now - (t0 + t1) / 2;
  }
}

process.stdout.write('{"phase":"ready"}\n');
if (process.env.BENCH_WAIT_GO === '1') {
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
}

// 3. The cancellation stream.
process.stdout.write('{"phase":"measure"}\n');
const cancelBody = JSON.stringify({ cancellationNote: 'bench' });
const sentAt = new Map<string, number>();
const repliedAt = new Map<string, number>();
let refused = 0;
const streamStart = now();
const deadline = streamStart + deadlineS * 1000;
for (const uuid of uuids) {
  if (now() > deadline) break;
  const t0 = now();
  try {
    const r = await request('POST', `${baseUrl}/api/v1/connect/orders/cancel/${uuid}`, cancelBody, auth);
    if (r.status === 202) {
      sentAt.set(uuid, t0);
      repliedAt.set(uuid, r.at);
    } else refused++;
  } catch {
    refused++;
  }
  await new Promise((r) => setTimeout(r, gapMin + Math.random() * (gapMax - gapMin)));
}
const elapsedS = (now() - streamStart) / 1000;
process.stdout.write('{"phase":"done"}\n');

// 4. Wait (bounded) for the callbacks, then match them by orderUuid.
const waitUntil = now() + 15_000;
for (;;) {
  const stats = JSON.parse((await request('GET', `${receiverUrl}/__stats`)).body) as ReceiverStats;
  if (stats.distinctEvents >= repliedAt.size || now() > waitUntil) break;
  await new Promise((r) => setTimeout(r, 50));
}
await new Promise((r) => setTimeout(r, 300)); // a late duplicate would show up now
const arrivals = (JSON.parse((await request('GET', `${receiverUrl}/__arrivals`)).body) as { arrivals: Arrival[] }).arrivals;
const firstArrival = new Map<string, number>();
let duplicates = 0;
for (const [uuid, , at, status] of arrivals) {
  if (status !== 'CANCELLED') continue;
  if (firstArrival.has(uuid)) duplicates++;
  else firstArrival.set(uuid, at - clockOffsetMs);
}
const commit: number[] = [];
const sent: number[] = [];
const cancelRequest: number[] = [];
let beforeReply = 0;
for (const [uuid, replied] of repliedAt) {
  cancelRequest.push(replied - sentAt.get(uuid)!);
  const arrived = firstArrival.get(uuid);
  if (arrived === undefined) continue;
  commit.push(arrived - replied);
  sent.push(arrived - sentAt.get(uuid)!);
  if (arrived < replied) beforeReply++;
}
const result: LatencyResult = {
  cancels: repliedAt.size + refused,
  accepted: repliedAt.size,
  refused,
  delivered: commit.length,
  missing: repliedAt.size - commit.length,
  duplicates,
  elapsedS,
  commitToArrival: percentiles(commit),
  sentToArrival: percentiles(sent),
  cancelRequest: percentiles(cancelRequest),
  beforeReply,
  clockOffsetMs,
  clockRttMs,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
agent.destroy();
process.exit(0);
