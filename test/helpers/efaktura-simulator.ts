/**
 * The eFaktura simulator on a loopback port with a test database of its own, and valid Norwegian numbers
 * to feed it: synthetic personal numbers (month + 80, so never a real person; reference note §4.3).
 */
import { createLogger } from '../../src/log.ts';
import type { Clock } from '../../src/clock.ts';
import type { Db } from '../../src/store/db/db.ts';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.ts';
import { call, openTestDb, testConfig, type ApiResponse } from './harness.ts';

export interface TestSimulator {
  url: string;
  db: Db;
  simulator: RunningSimulator;
  call(method: string, path: string, body?: unknown): Promise<ApiResponse>;
  close(): Promise<void>;
}

export async function startTestSimulator(options: { clock?: Clock; faultHoldMs?: number } = {}): Promise<TestSimulator> {
  const { db, close } = await openTestDb();
  const config = testConfig();
  const simulator = await startSimulator({ db, config, logger: createLogger(config.logLevel), port: 0, host: '127.0.0.1', ...options });
  return {
    url: simulator.url,
    db,
    simulator,
    call: (method, path, body) => call(simulator.url, method, path, body === undefined ? {} : { body }),
    async close() {
      await simulator.close();
      await close();
    },
  };
}

const K1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const K2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
const control = (digits: string, weights: number[]) => {
  const k = 11 - ([...digits].reduce((s, d, i) => s + Number(d) * weights[i]!, 0) % 11);
  return k === 11 ? 0 : k;
};

/** The n-th synthetic personal number born 1 Jan 1990 (month 81), skipping individual numbers without valid control digits. */
export function syntheticPersonalNumber(n: number): string {
  for (let individual = n; ; individual++) {
    const base = `018190${String(100 + (individual % 900)).padStart(3, '0')}`;
    const k1 = control(base, K1);
    if (k1 === 10) continue;
    const k2 = control(base + k1, K2);
    if (k2 === 10) continue;
    return `${base}${k1}${k2}`;
  }
}

export const ISSUER = { orgNumber: '923609016', name: 'Demo Merchant AS', account: '15032080119' };
export const OTHER_ISSUER = { orgNumber: '987654309', name: 'Annen Leverandør AS', account: '12050000018' };

let invoiceCounter = 0;

/** An invoice as the adapter sends it, for `to`; numbered uniquely unless `invoiceNumber` is given. */
export function networkInvoice(to: string, overrides: Record<string, unknown> = {}) {
  invoiceCounter += 1;
  return {
    invoiceNumber: String(invoiceCounter),
    socialSecurityNumber: to,
    documentType: 'invoice',
    kid: '00000010000017',
    amount: '1234.50',
    dueDate: '2026-12-15',
    accountNumber: ISSUER.account,
    documentUrl: `http://127.0.0.1:3000/d/token-${invoiceCounter}`,
    ...overrides,
  };
}

let consignmentCounter = 0;

export function consignment<T>(invoices: T[], issuer = ISSUER, consignmentId?: string) {
  consignmentCounter += 1;
  return {
    consignmentId: consignmentId ?? `efaktura-${issuer.orgNumber}-${consignmentCounter}-${Date.now()}`,
    issuerOrgNumber: issuer.orgNumber,
    issuerName: issuer.name,
    invoices,
  };
}

/** Registers `personalNumber` with the given consent (and blocks) through the control API. */
export async function register(sim: TestSimulator, personalNumber: string, consent: 'all' | 'none' = 'all', blockedIssuers: string[] = []): Promise<void> {
  const res = await sim.call('PUT', `/simulator/consumers/${personalNumber}`, { consent, blockedIssuers });
  if (res.status !== 200) throw new Error(`register ${personalNumber}: ${res.status} ${res.text}`);
}

/** Sends one invoice to a consenting `personalNumber` and returns the simulator's id of it. */
export async function deliverInvoice(sim: TestSimulator, personalNumber: string, overrides: Record<string, unknown> = {}, issuer = ISSUER): Promise<{ id: number; invoiceNumber: string }> {
  const invoice = networkInvoice(personalNumber, overrides);
  const res = await sim.call('POST', '/network/v1/consignments', consignment([invoice], issuer));
  if (res.status !== 201 || res.body.invoices[0].status !== 'accepted') throw new Error(`deliver: ${res.status} ${res.text}`);
  const list = await sim.call('GET', `/simulator/consumers/${personalNumber}/invoices`);
  const found = list.body.find((i: { invoiceNumber: string; issuerOrgNumber: string }) => i.invoiceNumber === invoice.invoiceNumber && i.issuerOrgNumber === issuer.orgNumber);
  return { id: found.id, invoiceNumber: invoice.invoiceNumber };
}
