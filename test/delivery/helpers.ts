/** What the delivery tests share: orders with a chosen customer, and waiting for a document's delivery. */
import assert from 'node:assert/strict';
import { validateCreateOrder } from '../../src/api/validation/create-order.ts';
import { newCustomerUuid, newOrderUuid } from '../../src/domain/orders/ids.ts';
import type { Db } from '../../src/store/db/db.ts';
import { insertOrder } from '../../src/store/orders.ts';
import { call } from '../helpers/harness.ts';
import { DELIVERY_JOB, runDeliveryStep, type DeliveryDeps, type DeliveryPayload } from '../../src/app/delivery/deliver-document.ts';
import { createDocumentLinks } from '../../src/app/delivery/document-links.ts';
import type { DeliveryChannels } from '../../src/app/delivery/ports.ts';
import { systemClock, type Clock } from '../../src/clock.ts';
import { createLogger } from '../../src/log.ts';
import { claimJobs, completeJob } from '../../src/store/jobs.ts';
import { orderBody, TEST_POLICY, type OrderSpec } from '../helpers/invoicing.ts';

let personalNumbers = 0;
/** A personal number no other test of the process uses (11 digits; the API checks the length only). */
export function freshPersonalNumber(): string {
  return `0101${String(process.pid % 1000).padStart(3, '0')}${String(++personalNumbers).padStart(4, '0')}`;
}

/** Stores an interval-0 order for a customer with this e-mail (null: none); returns its uuid. */
export async function storeOrderFor(db: Db, merchantId: number, customer: { personalNumber: string; email: string | null; language?: string }, spec: OrderSpec = {}): Promise<string> {
  const body = orderBody({ ...spec, personalNumber: customer.personalNumber, language: customer.language ?? 'no' });
  if (customer.email === null) delete body.customerDetails.email;
  else body.customerDetails.email = customer.email;
  const result = validateCreateOrder(body, TEST_POLICY);
  if (!result.ok) throw new Error(result.errors.join(' '));
  const created = await insertOrder(db, merchantId, result.value, { orderUuid: newOrderUuid(), customerUuid: newCustomerUuid() }, 'test', null);
  return created.uuid;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The number of the invoice an order got, once the worker invoiced it. */
export function invoiceNumberOf(db: Db, orderUuid: string): Promise<number> {
  return waitFor(`order ${orderUuid} to be invoiced`, async () => {
    const rows = await db.query<{ number: number }>({
      text: 'SELECT i.number FROM orders o JOIN invoices i ON i.id = o.invoice_id WHERE o.uuid = $1',
      values: [orderUuid],
    });
    return rows[0]?.number;
  });
}

/** The invoice (or credit note) JSON once its delivery has ended (delivered or undelivered). */
export function deliveredDocument(base: string, token: string, number: number, kind: 'invoices' | 'credit-notes' = 'invoices'): Promise<any> {
  return waitFor(`${kind} ${number} to be delivered or undelivered`, async () => {
    const res = await call(base, 'GET', `/api/v1/connect/${kind}/${number}`, { token });
    assert.equal(res.status, 200, res.text);
    return res.body.data.deliveryStatus === 'pending' ? null : res.body.data;
  });
}

/**
 * Runs due delivery steps by hand, as a worker would (claim with a lease, fenced completion), until none
 * is due at `now()`; returns how many ran. A step that throws is left leased, as after a crash.
 */
export async function runDueDeliverySteps(deps: DeliveryDeps, now: () => Date = () => deps.clock.now(), limit = 100): Promise<number> {
  let ran = 0;
  for (;;) {
    const [job] = await claimJobs(deps.db, { kind: DELIVERY_JOB, limit: 1, leaseSeconds: 60, now: now() });
    if (!job) return ran;
    await runDeliveryStep(deps, job.payload as DeliveryPayload, async (tx) => {
      if (!(await completeJob(tx, job, now()))) throw new Error(`lease of job ${job.id} lost`);
    });
    if (++ran >= limit) return ran;
  }
}

/** The use case's dependencies with the given channels and links made for `publicUrl`. */
export function deliveryDeps(db: Db, channels: DeliveryChannels, o: { clock?: Clock; retrySchedule?: number[]; publicUrl?: string } = {}): DeliveryDeps {
  const clock = o.clock ?? systemClock;
  return {
    db,
    clock,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    channels,
    links: createDocumentLinks(db, { publicUrl: o.publicUrl ?? 'http://127.0.0.1:3000', days: 490, clock }),
    mailFrom: 'efaktura@localhost',
    retrySchedule: o.retrySchedule ?? [0, 0],
  };
}
