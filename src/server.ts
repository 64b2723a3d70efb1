/**
 * `efaktura serve`: opens the database, applies migrations, creates the demo merchant on first start,
 * serves HTTP and runs the background worker in one process; SIGTERM/SIGINT stop it gracefully
 * (stop accepting, finish in-flight requests and deliveries, close the database).
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { buildApp } from './api/app.ts';
import { openDatabase, type Db } from './store/db.ts';
import { migrate } from './store/migrate.ts';
import { countMerchants, insertMerchant } from './store/merchants.ts';
import { createApiToken } from './store/tokens.ts';
import { startWorker, type Worker } from './worker/worker.ts';

export interface RunningServer {
  app: FastifyInstance;
  db: Db;
  worker: Worker | null;
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

/** Creates the demo merchant when the database has none (first start). */
export async function ensureDemoMerchant(db: Db): Promise<DemoMerchant | null> {
  return db.transaction(async (tx) => {
    await tx.query({ text: 'SELECT pg_advisory_xact_lock($1)', values: [0x64656d6f] }); // "demo"
    if ((await countMerchants(tx)) > 0) return null;
    const merchant = await insertMerchant(tx, { name: 'Demo Merchant AS', orgNumber: '923609016', accountNumber: '15032080119' });
    const token = await createApiToken(tx, merchant.id);
    return { merchantId: merchant.id, token: token.token, callbackSecret: merchant.callbackSecret };
  });
}

export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const db = await openAndMigrate(config, logger);
  let worker: Worker | null = null;
  let app: FastifyInstance | null = null;
  try {
    if (config.runWorker) worker = await startWorker({ db, config, logger });
    const w = worker;
    app = await buildApp({ db, config, logger, wakeWorker: w ? () => w.wake() : undefined });
    const address = await app.listen({ port: config.port, host: config.host });
    const url = address.replace('[::1]', 'localhost');
    let closing: Promise<void> | null = null;
    const a = app;
    return {
      app: a,
      db,
      worker,
      url,
      close() {
        closing ??= (async () => {
          await a.close();
          await w?.stop();
          await db.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await app?.close();
    await worker?.stop();
    await db.close();
    throw error;
  }
}

export function demoBanner(demo: DemoMerchant, url: string): string {
  const curl = [
    `curl -s -X POST ${url}/api/v1/connect/orders/faktura/create \\`,
    `  -H 'Authorization: Bearer ${demo.token}' \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d '${JSON.stringify(DEMO_PAYLOAD)}'`,
  ].join('\n');
  return [
    '',
    '================================================================================',
    ' efaktura: first start — a demo merchant was created. These are shown ONCE:',
    `   merchant id:      ${demo.merchantId}`,
    `   API token:        ${demo.token}`,
    `   callback secret:  ${demo.callbackSecret}`,
    '',
    ' Send the documented example order:',
    '',
    curl,
    '',
    ` API docs: ${url}/docs`,
    '================================================================================',
    '',
  ].join('\n');
}

/** The documented Send E-Faktura example (FPGO Connect §3.1.3, variant B). */
export const DEMO_PAYLOAD = {
  products: [{ name: 'Hair Wash', productId: 'VFDDF', quantity: '1', rate: 51, discount: 0, tax: '0', amount: 51 }],
  orderSummary: { subTotal: '51.00', totalTax: '0.00', totalDiscount: '0.00', grandTotal: '51.00' },
  orderDate: '1703040812',
  customerDetails: {
    countryCode: '+47',
    msisdn: '46567468',
    email: 'test@yopmail.com',
    name: 'Kari Nordmann',
    preferredLanguage: 'en',
    personalNumber: '12345678901',
    address: { street: 'Luramyrveien 65', zip: '4313', city: 'Sandnes', country: 'NO' },
  },
  invoiceInterval: 0,
  invoiceMaturity: 10,
  invoiceFeeApplicable: true,
  separateInvoices: true,
  referenceNo: null,
  customerReference: null,
  callback: { callbackUrl: 'https://example.com/callback-url' },
};
