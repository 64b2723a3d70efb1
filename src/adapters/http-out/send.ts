/**
 * One callback delivery attempt (SPEC §4): an HTTP GET of the signed URL, classified for the retry
 * policy. Uses node:http/https rather than fetch so the SSRF lookup guard applies to the connection
 * actually made. Never throws: every problem is an outcome the worker records with the attempt.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { guardedLookup, isForbiddenAddress, isSsrfRefusal } from './ssrf.ts';

export type CallbackOutcome =
  /** 2xx: done. */
  | 'delivered'
  /** 410 Gone: the merchant asked us to stop; do not retry (SPEC §4). */
  | 'gone'
  /** Anything else (3xx, 4xx, 5xx, timeout, connection error): retry with backoff. */
  | 'failed'
  /** Never sent: the URL targets a forbidden address, or is not an http(s) URL. */
  | 'refused';

export type CallbackAttempt = {
  outcome: CallbackOutcome;
  httpStatus: number | null;
  latencyMs: number;
  error: string | null;
};

export type CallbackAgents = { http: http.Agent; https: https.Agent };

export type SendCallbackOptions = {
  /** Whole attempt: lookup, connect, TLS, request, response headers and body. SPEC §4: 10 s. */
  timeoutMs: number;
  /** Operator switch: permit loopback/private targets (tests, on-premise merchants). */
  allowPrivate: boolean;
  /** E.g. `efaktura-event-id` (SPEC §4), stable across retries. */
  headers?: Record<string, string>;
  /** Connection pools; default: one shared pair per `allowPrivate` value (see createCallbackAgents). */
  agents?: CallbackAgents;
};

/** Enough to let a merchant's small "OK" page finish; anything bigger is not read. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_ERROR_CHARS = 500;
/** The one spelling of our user agent on callbacks (review s3). */
const USER_AGENT = 'efaktura-callbacks/1';

/**
 * Keep-alive pools for callbacks. A pool must only serve one `allowPrivate` policy: a socket opened
 * while private targets were allowed must not be reused for a request that forbids them, so the guard
 * is also set on the agents themselves. Call `destroy()` on shutdown to close idle sockets.
 */
export function createCallbackAgents(
  allowPrivate: boolean,
  socketsPerHost = 16,
): CallbackAgents & { destroy(): void } {
  // As many idle sockets are kept as may be busy: deliveries come in bursts, and closing all but a few
  // between bursts made thousands of new connections (and TLS handshakes) per 20,000 callbacks.
  const options = {
    keepAlive: true,
    maxSockets: socketsPerHost,
    maxFreeSockets: socketsPerHost,
    timeout: 30_000,
    lookup: guardedLookup(allowPrivate),
  };
  const agents = { http: new http.Agent(options), https: new https.Agent(options) };
  return {
    ...agents,
    destroy() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

const defaultAgentsByPolicy = new Map<boolean, ReturnType<typeof createCallbackAgents>>();

/** The process-wide pools `sendCallback` uses when none are passed, one pair per policy. */
export function defaultCallbackAgents(allowPrivate: boolean): ReturnType<typeof createCallbackAgents> {
  let agents = defaultAgentsByPolicy.get(allowPrivate);
  if (!agents) {
    agents = createCallbackAgents(allowPrivate);
    defaultAgentsByPolicy.set(allowPrivate, agents);
  }
  return agents;
}

export function sendCallback(url: string, opts: SendCallbackOptions): Promise<CallbackAttempt> {
  const startedAt = performance.now();
  const finish = (outcome: CallbackOutcome, httpStatus: number | null, error: string | null): CallbackAttempt => ({
    outcome,
    httpStatus,
    latencyMs: Math.round(performance.now() - startedAt),
    error: error === null ? null : error.slice(0, MAX_ERROR_CHARS),
  });

  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve(finish('refused', null, 'invalid callback URL'));
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return Promise.resolve(finish('refused', null, `unsupported protocol ${target.protocol}`));
  }
  // Node does not call `lookup` for IP literals, so they are checked here. The WHATWG parser has already
  // normalised tricks like http://2130706433/ or http://0x7f.1/ to 127.0.0.1.
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (!opts.allowPrivate && net.isIP(host) !== 0 && isForbiddenAddress(host)) {
    return Promise.resolve(finish('refused', null, `refused to connect to ${host}: not a public address`));
  }

  const agents = opts.agents ?? defaultCallbackAgents(opts.allowPrivate);
  const transport = target.protocol === 'https:' ? https : http;

  return new Promise<CallbackAttempt>((resolve) => {
    let settled = false;
    const settle = (outcome: CallbackOutcome, httpStatus: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(finish(outcome, httpStatus, error));
    };

    const timer = setTimeout(() => {
      settle('failed', null, `timeout after ${opts.timeoutMs} ms`);
      request.destroy();
    }, opts.timeoutMs);

    const request = transport.request(target, {
      method: 'GET',
      agent: target.protocol === 'https:' ? agents.https : agents.http,
      lookup: guardedLookup(opts.allowPrivate),
      headers: { 'user-agent': USER_AGENT, accept: '*/*', ...opts.headers },
    });

    request.on('error', (error) => {
      if (isSsrfRefusal(error)) settle('refused', null, error.message);
      else settle('failed', null, describeError(error));
    });

    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const classify = () => {
        if (status >= 200 && status < 300) return settle('delivered', status, null);
        if (status === 410) return settle('gone', status, null);
        if (status >= 300 && status < 400) {
          return settle('failed', status, `redirect to ${response.headers.location ?? '(no location)'} not followed`);
        }
        settle('failed', status, `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}`);
      };
      // The body is read (up to a cap) so the socket can go back to the keep-alive pool; the attempt
      // is classified once it has been read, or abandoned because it is too big.
      let bytesRead = 0;
      response.on('data', (chunk: Buffer) => {
        bytesRead += chunk.length;
        if (bytesRead > MAX_RESPONSE_BYTES) {
          classify();
          response.destroy();
        }
      });
      response.on('end', classify);
      response.on('error', () => {}); // 'close' below classifies; the status line already arrived
      response.on('close', () => {
        // A body cut off after the status line: the merchant answered, the status decides. A timeout
        // that fired first has already settled the attempt as failed.
        classify();
      });
    });

    request.end();
  });
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Happy-eyeballs connects fail as an AggregateError with an empty message; its parts say what happened.
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(describeError).join('; ');
  }
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message || (code ?? error.name);
}
