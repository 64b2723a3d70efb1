/**
 * The eFaktura simulator (issue #8, SPEC §6.5): one small HTTP service standing in for the eFaktura
 * network and the customer's bank, with its state in efaktura's database (tables `sim_*`). Three faces:
 * the network API the eFaktura adapter calls (docs/efaktura-network.md), the control API for tests and
 * demos, and the netbank page at `/`.
 *
 * Glossary: an *issuer* is the merchant sending eFaktura; a *consignment* is one send of 1–1000
 * invoices under an id the issuer chooses; *consent* is the consumer's "Ja takk til alle"; a *block*
 * is a consumer's refusal of one issuer.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Db } from '../store/db/db.ts';
import { systemClock, type Clock } from '../clock.ts';
import { SimError } from './checks.ts';
import { registerControlRoutes } from './control-routes.ts';
import { registerNetbankRoutes } from './netbank-routes.ts';
import { registerNetworkRoutes } from './network-routes.ts';

export interface SimulatorOptions {
  db: Db;
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** How long a `timeout` fault withholds an answer; 30 s, longer than a client's timeout. */
  faultHoldMs?: number;
}

export interface StartSimulatorOptions extends SimulatorOptions {
  /** Defaults to `config.simulatorPort`; 0 picks a free port. */
  port?: number;
  host?: string;
}

export interface RunningSimulator {
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

const DEFAULT_FAULT_HOLD_MS = 30_000;
/** A consignment of 1000 invoices is about 0.5 MB of JSON. */
const MIN_BODY_LIMIT = 4 * 1024 * 1024;

export async function buildSimulatorApp(options: SimulatorOptions): Promise<FastifyInstance> {
  const { db, config, logger } = options;
  const clock = options.clock ?? systemClock;
  const closing = new AbortController();
  const app = Fastify({
    loggerInstance: logger.child({ component: 'simulator' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: Math.max(config.bodyLimitBytes, MIN_BODY_LIMIT),
  });
  app.addHook('preClose', async () => closing.abort());

  // An empty JSON body (a bare POST …/cancel with the header set) is no body rather than an error.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      const error = new Error('the body is not valid JSON') as Error & { statusCode: number };
      error.statusCode = 400;
      done(error, undefined);
    }
  });
  // The netbank's forms, without JavaScript.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof SimError) return reply.code(error.status).send({ error: error.code, message: error.message });
    const e = error as { statusCode?: number; message?: string };
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.code(e.statusCode).send({ error: 'invalid_request', message: e.message ?? 'bad request' });
    }
    request.log.error({ err: error }, 'simulator request failed');
    return reply.code(500).send({ error: 'internal_error', message: 'internal error' });
  });
  app.setNotFoundHandler(async (request, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }));

  registerNetworkRoutes(app, { db, faultHoldMs: options.faultHoldMs ?? DEFAULT_FAULT_HOLD_MS, closing: closing.signal });
  registerControlRoutes(app, { db, clock });
  registerNetbankRoutes(app, { db, clock });
  await app.ready();
  return app;
}

export async function startSimulator(options: StartSimulatorOptions): Promise<RunningSimulator> {
  const app = await buildSimulatorApp(options);
  let address: string;
  try {
    address = await app.listen({ port: options.port ?? options.config.simulatorPort, host: options.host ?? options.config.host });
  } catch (error) {
    await app.close();
    throw error;
  }
  let closing: Promise<void> | null = null;
  return {
    url: address.replace('[::1]', 'localhost'),
    app,
    close() {
      closing ??= app.close();
      return closing;
    },
  };
}
