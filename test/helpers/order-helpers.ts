/**
 * Shared by the order-management API tests: creating orders over HTTP, putting an order in a status the
 * way the (future) invoicing and payment modules will, and snapshots of everything an action may write,
 * so a refused action can be shown to have changed nothing.
 */
import assert from 'node:assert/strict';
import { exampleOrder, type JsonObject } from '../fixtures/example-order.ts';
import { CREATE_PATH, call, type ApiResponse, type TestServer } from './harness.ts';
import type { Db } from '../../src/store/db/db.ts';

export const CONNECT = '/api/v1/connect';

/** Creates an order through the API and returns its uuid. */
export async function createOrder(t: TestServer, opts: { token?: string; body?: JsonObject } = {}): Promise<string> {
  const res = await call(t.url, 'POST', CREATE_PATH, { token: opts.token ?? t.merchant.token, body: opts.body ?? exampleOrder({ productsAs: 'array' }) });
  assert.equal(res.status, 201, res.text);
  return res.body.data.uuid as string;
}

/** Two lines: "Consulting" 1400.00 (25 % VAT) and "Book" 300.00 (12 %); grand total 1700.00. */
export function twoLineOrder(): JsonObject {
  const body = exampleOrder({ productsAs: 'array' });
  body.products = [
    { name: 'Consulting', productId: 'C-1', quantity: '1.5', rate: '1000.00', discount: '100', tax: '25', amount: '1400.00' },
    { name: 'Book', productId: null, quantity: 2, rate: 150, discount: null, tax: 12, amount: 300 },
  ];
  body.orderSummary = { subTotal: '1387.86', totalTax: '312.14', totalDiscount: '100.00', grandTotal: '1700.00' };
  return body;
}

/**
 * Puts an order in `status` directly in the database, as the invoicing / payment / dunning modules will
 * (they do not exist yet); an invoiced status also gets an invoice number.
 */
export async function setStatus(db: Db, uuid: string, status: string, invoiceNumber: string | null = '10000001'): Promise<void> {
  const rows = await db.query({
    text: `UPDATE orders SET status = $2, invoice_number = CASE WHEN $2 = 'SENT' THEN NULL ELSE $3 END WHERE uuid = $1 RETURNING id`,
    values: [uuid, status, invoiceNumber],
  });
  assert.equal(rows.length, 1);
}

export interface OrderSnapshot {
  order: Record<string, unknown>;
  lines: Record<string, unknown>[];
  events: Record<string, unknown>[];
  callbacks: Record<string, unknown>[];
}

/** Everything about one order that an action could write. */
export async function snapshot(db: Db, uuid: string): Promise<OrderSnapshot> {
  const [order] = await db.query({
    text: `SELECT id, status, refunded_ore, paid_ore, cancellation_note, invoice_number, updated_at FROM orders WHERE uuid = $1`,
    values: [uuid],
  });
  assert.ok(order, `order ${uuid} exists`);
  const id = order.id;
  const lines = await db.query({ text: 'SELECT id, amount_ore, refunded_ore FROM order_lines WHERE order_id = $1 ORDER BY position', values: [id] });
  const events = await db.query({
    text: 'SELECT id, from_status, to_status, reason, actor FROM order_events WHERE order_id = $1 ORDER BY id',
    values: [id],
  });
  const callbacks = await db.query({
    text: 'SELECT id, event_id, status, state, attempts FROM callback_events WHERE order_id = $1 ORDER BY id',
    values: [id],
  });
  return { order, lines, events, callbacks };
}

/** The order's line ids, in position order (the `id` Get Order Details shows). */
export async function lineIds(db: Db, uuid: string): Promise<number[]> {
  return (await snapshot(db, uuid)).lines.map((l) => l.id as number);
}

export function assertError(res: ApiResponse, status: number, message: string): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body.status_code, status);
  assert.equal(res.body.message, message);
  assert.equal(res.body.is_error, true);
  assert.ok('errors' in res.body);
  assert.equal(typeof res.body.requestId, 'string');
}

/**
 * 404 orderNotFound exactly as the real service sends it (SPEC §2): the success shape with `is_data: false`
 * and `data: null`, no `is_error`/`errors`; plus efaktura's `requestId`, equal to the `x-request-id` header.
 */
export function assertOrderNotFound(res: ApiResponse): void {
  assert.equal(res.status, 404, res.text);
  const requestId = res.headers.get('x-request-id');
  assert.ok(requestId);
  assert.deepEqual(res.body, {
    status_code: 404, status_message: 'Not Found', message: 'orderNotFound', is_data: false, data: null, requestId,
  });
}

/** A 417 whose `errors` are exactly these sentences. */
export function assertValidation(res: ApiResponse, errors: string[]): void {
  assertError(res, 417, 'payloadValidationErrors');
  assert.equal(res.body.status_message, 'Client Error');
  assert.deepEqual(res.body.errors, errors);
}

/** A 400 Conflict of Business Logic with one or more sentences. */
export function assertConflict(res: ApiResponse, message: string): void {
  assertError(res, 400, message);
  assert.equal(res.body.status_message, 'Conflict of Business Logic');
  assert.ok(Array.isArray(res.body.errors) && res.body.errors.length > 0 && res.body.errors.every((e: unknown) => typeof e === 'string'));
}

/** The action wrote exactly one event and one pending callback for `to`, and nothing else new. */
export function assertOneTransition(before: OrderSnapshot, after: OrderSnapshot, from: string, to: string, actor: string): void {
  assert.equal(after.order.status, to);
  assert.equal(after.events.length, before.events.length + 1);
  const event = after.events.at(-1)!;
  assert.equal(event.from_status, from);
  assert.equal(event.to_status, to);
  assert.equal(event.actor, actor);
  assert.equal(after.callbacks.length, before.callbacks.length + 1);
  const callback = after.callbacks.at(-1)!;
  assert.equal(callback.status, to);
  assert.equal(callback.state, 'pending');
  assert.equal(callback.attempts, 0);
}
