/**
 * `efaktura serve`: opens the database, applies migrations, creates the demo merchant on first start,
 * serves HTTP and runs the background worker in one process; SIGTERM/SIGINT stop it gracefully
 * (stop accepting, finish in-flight requests and deliveries, close the database).
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { buildApp } from './api/app.ts';
import { DOCUMENTED_EXAMPLE } from './domain/orders/documented-example.ts';
import { openDatabase, type Db } from './store/db/db.ts';
import { migrate } from './store/db/migrate.ts';
import { countMerchants, insertMerchant } from './store/merchants.ts';
import { updateInvoiceSettings } from './store/merchant-settings.ts';
import { createDocumentRenderers } from './adapters/documents/renderers.ts';
import { createDeliveryChannels } from './adapters/delivery-channels.ts';
import { createSimulatorBank } from './adapters/bank/simulator-bank.ts';
import type { BankConnector } from './app/payments/bank-connector.ts';
import { createApiToken } from './store/tokens.ts';
import { startWorker, type Worker } from './jobs/runner.ts';
import { systemClock } from './clock.ts';
import { startSimulator, type RunningSimulator } from './simulator/simulator.ts';
import { registerDashboard } from './web/dashboard.ts';
import type { DashboardDemo } from './web/context.ts';
import { createOrder } from './app/orders/create-order.ts';
import { validateCreateOrder } from './api/validation/create-order.ts';
import { validOrThrow } from './api/validation/assert-valid.ts';
import { findMerchant } from './store/merchants.ts';

export interface RunningServer {
  app: FastifyInstance;
  db: Db;
  worker: Worker | null;
  /** The eFaktura simulator, when `config.simulatorEnabled`. */
  simulator: RunningSimulator | null;
  url: string;
  close(): Promise<void>;
}

export interface DemoMerchant {
  merchantId: number;
  token: string;
  callbackSecret: string;
}

export async function openAndMigrate(config: Config, logger: Logger): Promise<Db> {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize });
  try {
    const applied = await migrate(db);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/** Creates the demo merchant when the database has none (first start); only when `config.demoMerchant`. */
export async function ensureDemoMerchant(db: Db): Promise<DemoMerchant | null> {
  return db.transaction(async (tx) => {
    await tx.query({ text: 'SELECT pg_advisory_xact_lock($1)', values: [0x64656d6f] }); // "demo"
    if ((await countMerchants(tx)) > 0) return null;
    const merchant = await insertMerchant(tx, { name: 'Demo Merchant AS', orgNumber: '923609016', accountNumber: DEMO_ACCOUNT_NUMBER });
    // A complete seller, so the demo's invoices carry every field the law asks for (SPEC §6.1).
    await updateInvoiceSettings(tx, merchant.id, {
      street: 'Karl Johans gate 22', zip: '0159', city: 'Oslo', vatRegistered: true, foretaksregisteret: true,
      invoiceEmail: 'faktura@demo-merchant.example',
    });
    const token = await createApiToken(tx, merchant.id);
    return { merchantId: merchant.id, token: token.token, callbackSecret: merchant.callbackSecret };
  });
}

export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const db = await openAndMigrate(config, logger);
  let worker: Worker | null = null;
  let app: FastifyInstance | null = null;
  let simulator: RunningSimulator | null = null;
  try {
    // HTTP first: a worker that finds a backlog (thousands of orders to invoice after a restart) must not
    // hold up the server's start on the embedded database, whose one connection and thread they share.
    app = await buildApp({ db, config, logger, clock: systemClock, wakeWorker: () => worker?.wake() });
    // The dashboard (/app, SPEC §9): the same database, clock and use cases as the API.
    const demo = config.demoMerchant ? demoOfDashboard(db, config.idempotencyTtlHours, () => simulator?.url ?? null) : null;
    await registerDashboard(app, { db, config, logger, clock: systemClock, wakeWorker: () => worker?.wake(), demo });
    const address = await app.listen({ port: config.port, host: config.host });
    const url = address.replace('[::1]', 'localhost');
    // Before the worker: deliveries through the eFaktura adapter need the network to be there. A simulator
    // in this process on EFAKTURA_SIMULATOR_PORT=0 is reached at the port it actually bound.
    if (config.simulatorEnabled) simulator = await startSimulator({ db, config, logger });
    const reached = simulator !== null && config.simulatorPort === 0 ? { ...config, simulatorUrl: simulator.url } : config;
    const channels = createDeliveryChannels(reached);
    if (config.runWorker) {
      worker = await startWorker({
        db, config, logger, clock: systemClock, documents: createDocumentRenderers(), delivery: channels, bank: bankConnectorOf(reached),
        // Links name the port actually bound (PORT=0 in tests); EFAKTURA_PUBLIC_URL overrides.
        publicUrl: config.publicUrl ?? `http://127.0.0.1:${new URL(url).port}`,
      });
    }
    const w = worker;
    const sim = simulator;
    let closing: Promise<void> | null = null;
    const a = app;
    return {
      app: a,
      db,
      worker,
      simulator,
      url,
      close() {
        closing ??= (async () => {
          await a.close();
          await w?.stop();
          await sim?.close();
          channels.close();
          await db.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await app?.close();
    await worker?.stop();
    await simulator?.close();
    await db.close();
    throw error;
  }
}

/**
 * The dashboard's demo (SPEC §9: the whole loop without a terminal): the banner's order — the documented
 * example for the demo customer — sent as the merchant, and the simulator's netbank of that customer.
 */
function demoOfDashboard(db: Db, idempotencyTtlHours: number, simulatorUrl: () => string | null): DashboardDemo {
  return {
    async sendDemoOrder(merchantId) {
      const merchant = await findMerchant(db, merchantId);
      if (merchant === null) throw new Error(`merchant ${merchantId} does not exist`);
      const order = validOrThrow(validateCreateOrder(demoOrderBody(), { allowedTaxRates: merchant.allowedTaxRates, allowedMaturityDays: merchant.allowedMaturityDays }));
      return (await createOrder(db, merchantId, order, null, idempotencyTtlHours)).uuid;
    },
    netbankUrl() {
      const url = simulatorUrl();
      return url === null ? null : `${url}/?pn=${DEMO_PERSONAL_NUMBER}`;
    },
  };
}

/** The banner's example order: the documented one, for the demo customer, calling back nobody. */
function demoOrderBody() {
  return {
    ...DOCUMENTED_EXAMPLE,
    customerDetails: { ...DOCUMENTED_EXAMPLE.customerDetails, personalNumber: DEMO_PERSONAL_NUMBER },
    callback: { callbackUrl: DEMO_CALLBACK_URL },
  };
}

/** The bank connector EFAKTURA_BANK_CONNECTOR names, reaching the simulator where the eFaktura adapter does. */
export function bankConnectorOf(config: Config): BankConnector | undefined {
  if (config.bankConnector === 'none') return undefined;
  return createSimulatorBank({ simulatorUrl: config.simulatorUrl, timeoutMs: config.deliveryTimeoutMs });
}

export interface RunningSimulatorOnly {
  db: Db;
  simulator: RunningSimulator;
  stop(): Promise<void>;
}

/** `efaktura simulator`: the eFaktura simulator alone, on its own port, against efaktura's database. */
export async function startSimulatorOnly(config: Config, logger: Logger): Promise<RunningSimulatorOnly> {
  const db = await openAndMigrate(config, logger);
  let simulator: RunningSimulator;
  try {
    simulator = await startSimulator({ db, config, logger });
  } catch (error) {
    await db.close();
    throw error;
  }
  let stopping: Promise<void> | null = null;
  return {
    db,
    simulator,
    stop() {
      stopping ??= simulator.close().then(() => db.close());
      return stopping;
    },
  };
}

export interface RunningWorker {
  db: Db;
  stop(): Promise<void>;
}

/** `efaktura worker`: the background worker without HTTP, for scaling out against one PostgreSQL. */
export async function startWorkerOnly(config: Config, logger: Logger): Promise<RunningWorker> {
  const db = await openAndMigrate(config, logger);
  let worker: Worker;
  const channels = createDeliveryChannels(config);
  try {
    worker = await startWorker({ db, config, logger, clock: systemClock, documents: createDocumentRenderers(), delivery: channels, bank: bankConnectorOf(config) });
  } catch (error) {
    await db.close();
    throw error;
  }
  let stopping: Promise<void> | null = null;
  return {
    db,
    stop() {
      stopping ??= worker.stop().then(() => {
        channels.close();
        return db.close();
      });
      return stopping;
    },
  };
}

/**
 * The demo's callback URL: a name that never resolves (RFC 6761 reserves .invalid), so trying efaktura
 * out never calls somebody else's server; the attempts show up in the order's details.
 */
export const DEMO_CALLBACK_URL = 'https://merchant.invalid/efaktura-callback';

/**
 * The demo customer's personal number: a synthetic test number (month + 80, reference note §4.3), so it is
 * nobody's and has valid control digits, which the eFaktura simulator insists on (the API documentation's
 * example, 12345678901, has not).
 */
export const DEMO_PERSONAL_NUMBER = '31929956780';
/** The demo merchant's bank account, where the simulator's bank files report the demo customer's payments. */
export const DEMO_ACCOUNT_NUMBER = '15032080119';

export function demoBanner(demo: DemoMerchant, url: string, simulatorUrl: string | null = null): string {
  const example = demoOrderBody();
  const simulator = simulatorUrl === null ? [] : [
    ' The order below is for a demo customer. For its invoice to arrive as an eFaktura, first let the customer',
    ' say "Ja takk til alle" in the eFaktura simulator:',
    `   curl -s -X PUT ${simulatorUrl}/simulator/consumers/${DEMO_PERSONAL_NUMBER} -H 'Content-Type: application/json' -d '{"consent":"all"}'`,
    ` Once invoiced, the customer's netbank shows it, with its PDF and a pay button: ${simulatorUrl}/?pn=${DEMO_PERSONAL_NUMBER}`,
    ` and the day's payments come back as the bank's OCR giro file: ${simulatorUrl}/simulator/bank/${DEMO_ACCOUNT_NUMBER}/ocr`,
    ' which the worker fetches and imports by itself every minute (EFAKTURA_BANK_POLL_MINUTES): pay in the',
    ' netbank and the order is PAID, with its callback, within a minute.',
    '',
  ];
  const curl = [
    `curl -s -X POST ${url}/api/v1/connect/orders/faktura/create \\`,
    `  -H 'Authorization: Bearer ${demo.token}' \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d '${JSON.stringify(example)}'`,
  ].join('\n');
  return [
    '',
    '================================================================================',
    ' efaktura: first start — a demo merchant was created. These are shown ONCE:',
    `   merchant id:      ${demo.merchantId}`,
    `   API token:        ${demo.token}`,
    `   callback secret:  ${demo.callbackSecret}`,
    '',
    ...simulator,
    ' Send the documented example order (with a synthetic personal number, valid but nobody\'s):',
    '',
    curl,
    '',
    ' Within seconds the order is INVOICED. Its invoice number and KID:',
    `   curl -s ${url}/api/v1/connect/orders/details/ODR… -H 'Authorization: Bearer ${demo.token}'`,
    ' and the invoice as the customer gets it (PDF) and as the accountant gets it (EHF):',
    `   curl -s ${url}/api/v1/connect/invoices/1/pdf -H 'Authorization: Bearer ${demo.token}' -o invoice-1.pdf`,
    `   curl -s ${url}/api/v1/connect/invoices/1/ehf -H 'Authorization: Bearer ${demo.token}' -o invoice-1.xml`,
    ` Put your own endpoint in callbackUrl to receive the signed status callbacks (${DEMO_CALLBACK_URL} never resolves).`,
    '',
    ` Dashboard: ${url}/app — sign in with the API token above; it can send this order and follow it to PAID.`,
    ` API docs: ${url}/docs`,
    ' The demo merchant is for trying efaktura out: EFAKTURA_DEMO_MERCHANT=0 turns it off',
    ' (it is off by default with DATABASE_URL).',
    '================================================================================',
    '',
  ].join('\n');
}
