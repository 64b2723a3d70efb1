/**
 * One call to the merchant API: bearer token, request id, a timeout per attempt, and retries with backoff
 * for the failures a repeat can cure without doing anything twice. Web APIs only (fetch, AbortSignal,
 * globalThis.crypto), so the SDK runs in Node, Deno, Bun and browsers alike.
 *
 * Which calls may be repeated (`replay`):
 * - `safe`: reads (GET), and creating an order, which always carries an Idempotency-Key: the server answers
 *   a repeat from the first request (SPEC §2.1), so a lost answer, a timeout, a 5xx or a 409 "still in
 *   progress" is retried with the same key and creates one order.
 * - `unprocessed-only`: cancel and refund. The server keeps no idempotency for them, and a refund sent twice
 *   refunds twice; so after the request may have reached a handler (a network error, a timeout, a 5xx)
 *   they are never repeated — the caller reads the order to see what happened. Only answers given before
 *   any work are retried: 429 (rate limit) and 503 (the server is shutting down or has no capacity).
 */
import { EfakturaApiError, type ErrorEnvelope } from './errors.ts';

export interface RetryOptions {
  /** Sends of one call at most, the first included. Default 3; 1 turns retries off. */
  maxAttempts?: number;
  /** The first backoff in ms; it doubles with each retry, with random jitter. Default 250. */
  baseDelayMs?: number;
  /** The longest pause between two sends, in ms. A Retry-After longer than this is not waited for: the error is thrown. Default 30 000. */
  maxDelayMs?: number;
}

export interface TransportOptions {
  baseUrl: string;
  token: string;
  /** Per attempt, in ms; a timed-out attempt counts as a network error. Default 30 000. */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** A fetch of your own (a proxy agent, instrumentation). Default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/** Options every method takes. */
export interface CallOptions {
  /** Aborts the call, retries included; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Sent as `x-request-id` (1–128 of `A-Za-z0-9_.:-`) and kept by the server in its logs; default a random UUID. */
  requestId?: string;
  /** Overrides the client's per-attempt timeout for this call. */
  timeoutMs?: number;
}

export type Replay = 'safe' | 'unprocessed-only';

export interface Request {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | null | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  replay: Replay;
}

export interface JsonAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Codes the server sends with a Retry-After for a condition that passes (SPEC §2.1, §6.4). */
const PASSING_CONFLICTS = new Set(['idempotencyKeyInProgress', 'documentNotReadyYet']);

type Outcome =
  | { kind: 'answer'; response: Response; bytes: Uint8Array }
  | { kind: 'failed'; code: 'networkError' | 'timeout'; cause: unknown };

export class Transport {
  readonly #baseUrl: string;
  readonly #authorization: string;
  readonly #timeoutMs: number;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: TransportOptions) {
    if (typeof options.baseUrl !== 'string' || !/^https?:\/\//i.test(options.baseUrl)) {
      throw new TypeError('EfakturaClient: baseUrl must be the http(s) URL of the efaktura server');
    }
    if (typeof options.token !== 'string' || options.token.trim() === '') throw new TypeError('EfakturaClient: token is missing');
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#authorization = `Bearer ${options.token.trim()}`;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#maxAttempts = Math.max(1, Math.floor(options.retry?.maxAttempts ?? 3));
    this.#baseDelayMs = options.retry?.baseDelayMs ?? 250;
    this.#maxDelayMs = options.retry?.maxDelayMs ?? 30_000;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** The answer's JSON body (2xx); anything else is thrown as EfakturaApiError. */
  async json(request: Request, options: CallOptions = {}): Promise<JsonAnswer> {
    const { response, bytes, requestId, attempts } = await this.#send(request, options);
    try {
      return { status: response.status, headers: response.headers, body: JSON.parse(new TextDecoder().decode(bytes)) };
    } catch (cause) {
      throw new EfakturaApiError({ status: response.status, code: 'invalidResponse', requestId, attempts, detail: 'the answer is not JSON', cause });
    }
  }

  /** The answer's bytes (2xx): a PDF or an EHF document. */
  async bytes(request: Request, options: CallOptions = {}): Promise<Uint8Array> {
    return (await this.#send(request, options)).bytes;
  }

  async #send(request: Request, options: CallOptions): Promise<{ response: Response; bytes: Uint8Array; requestId: string; attempts: number }> {
    const requestId = options.requestId ?? globalThis.crypto.randomUUID();
    const url = this.#url(request);
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers, authorization: this.#authorization, 'x-request-id': requestId };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(url, { method: request.method, headers, body }, options);
      if (outcome.kind === 'answer' && outcome.response.ok) return { response: outcome.response, bytes: outcome.bytes, requestId, attempts: attempt };
      const error = toError(outcome, requestId, attempt);
      const pause = this.#pauseBeforeRetry(request, outcome, error, attempt);
      if (pause === null) throw error;
      await sleep(pause, options.signal);
    }
  }

  async #attempt(url: string, init: RequestInit, options: CallOptions): Promise<Outcome> {
    options.signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(options.timeoutMs ?? this.#timeoutMs);
    const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
    try {
      // The body is read under the same signal: a stalled download times out like a stalled answer.
      const response = await this.#fetch(url, { ...init, signal });
      return { kind: 'answer', response, bytes: new Uint8Array(await response.arrayBuffer()) };
    } catch (cause) {
      if (options.signal?.aborted) throw options.signal.reason;
      return { kind: 'failed', code: timeout.aborted ? 'timeout' : 'networkError', cause };
    }
  }

  /** The pause before the next attempt in ms, or null when this failure is final. */
  #pauseBeforeRetry(request: Request, outcome: Outcome, error: EfakturaApiError, attempt: number): number | null {
    if (attempt >= this.#maxAttempts) return null;
    const status = outcome.kind === 'answer' ? outcome.response.status : 0;
    const answeredBeforeAnyWork = status === 429 || status === 503;
    const curable =
      answeredBeforeAnyWork ||
      (request.replay === 'safe' && (status === 0 || status >= 500 || (status === 409 && PASSING_CONFLICTS.has(error.code))));
    if (!curable) return null;
    if (error.retryAfterSeconds !== null) {
      const wait = error.retryAfterSeconds * 1000;
      // Waiting less than asked would only earn the same answer again.
      return wait > this.#maxDelayMs ? null : wait + Math.random() * this.#baseDelayMs;
    }
    // "Equal jitter": half the doubled backoff for sure, the other half at random, so clients that failed
    // together do not come back together.
    const backoff = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (attempt - 1));
    return backoff / 2 + Math.random() * (backoff / 2);
  }

  #url(request: Request): string {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined && value !== null) query.set(name, String(value));
    const search = query.toString();
    return `${this.#baseUrl}${request.path}${search === '' ? '' : `?${search}`}`;
  }
}

function toError(outcome: Outcome, requestId: string, attempts: number): EfakturaApiError {
  if (outcome.kind === 'failed') {
    const detail = outcome.code === 'timeout' ? 'the server did not answer in time' : `the request failed: ${String((outcome.cause as Error)?.message ?? outcome.cause)}`;
    return new EfakturaApiError({ status: 0, code: outcome.code, requestId, attempts, detail, cause: outcome.cause });
  }
  const { response } = outcome;
  const envelope = parseEnvelope(outcome.bytes);
  const code = typeof envelope?.message === 'string' ? envelope.message : `http${response.status}`;
  const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
  return new EfakturaApiError({
    status: response.status,
    code,
    envelope,
    requestId: response.headers.get('x-request-id') ?? requestId,
    retryAfterSeconds,
    attempts,
    detail: envelope === null ? `${response.statusText || 'no JSON error body'}` : undefined,
  });
}

function parseEnvelope(bytes: Uint8Array): ErrorEnvelope | null {
  try {
    const body: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as ErrorEnvelope) : null;
  } catch {
    return null; // e.g. a proxy's HTML error page
  }
}

/** Retry-After as seconds: a number of seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null): number | null {
  if (value === null) return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const done = () => {
      signal?.removeEventListener('abort', aborted);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const aborted = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', aborted, { once: true });
  });
}
