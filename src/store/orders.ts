/**
 * All SQL for orders: creating one (a single statement, one round trip), reading it back, listing.
 * Creating writes the customer (one per merchant + personal number, or per merchant + organisation number for
 * a business; without locking an existing one), the order with its customer
 * snapshot, its lines, its first event and the Idempotency-Key in one statement, so a 201 is sent
 * only for an order that is committed whole (SPEC §2.1, §3).
 */
import { createHash } from 'node:crypto';
import type { Queryable } from './db/db.ts';
import type { ValidatedOrder } from '../domain/orders/order.ts';

/** What the create-order endpoint has validated and computed (server figures, øre). */
export type NewOrder = ValidatedOrder;

export interface IdempotencyClaim {
  key: string;
  requestHash: Buffer;
}

export interface CreatedOrder {
  uuid: string;
  customerUuid: string;
}

/** The column that identifies the customer: a person's personal number or a business's organisation number. */
type CustomerIdentity = 'personal_number' | 'organization_number';

// The conflict target names the identity's own unique index, so any other unique violation (a colliding
// random CSRT uuid) still raises and is retried with new ids.
const createOrderCtes = (identity: CustomerIdentity) => `
  new_cust AS (
    INSERT INTO customers (uuid, merchant_id, ${identity}, details)
    VALUES ($2, $1, $3, $4::jsonb)
    ON CONFLICT (merchant_id, ${identity}) DO NOTHING
    RETURNING id, uuid
  ),
  cust AS (
    SELECT id, uuid FROM new_cust
    UNION ALL
    SELECT id, uuid FROM customers
    WHERE merchant_id = $1 AND ${identity} = $3 AND NOT EXISTS (SELECT 1 FROM new_cust)
  ),
  -- The customer row holds the latest details sent; rewriting it only when they changed keeps
  -- orders for one busy customer from queueing on its row lock.
  cust_update AS (
    UPDATE customers SET details = $4::jsonb, updated_at = now()
    WHERE id = (SELECT id FROM cust) AND details IS DISTINCT FROM $4::jsonb
  ),
  ord AS (
    INSERT INTO orders (uuid, merchant_id, customer_id, status, order_date, customer_snapshot,
      sub_total_ore, total_tax_ore, total_discount_ore, grand_total_ore, invoice_interval,
      invoice_maturity, invoice_fee_applicable, separate_invoices, reference_no, customer_reference,
      callback_url)
    SELECT $5, $1, cust.id, 'SENT', $6, $4::jsonb, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17
    FROM cust
    RETURNING id, uuid
  ),
  lines AS (
    INSERT INTO order_lines (order_id, position, name, product_id, quantity, rate_ore, discount_ore,
      tax_rate, amount_ore, vat_ore)
    SELECT ord.id, l.position, l.name, l.product_id, l.quantity, l.rate_ore, l.discount_ore,
      l.tax_rate, l.amount_ore, l.vat_ore
    FROM ord, jsonb_to_recordset($18::jsonb) AS l(position int, name text, product_id text,
      quantity numeric, rate_ore bigint, discount_ore bigint, tax_rate numeric, amount_ore bigint,
      vat_ore bigint)
  ),
  event AS (
    INSERT INTO order_events (order_id, from_status, to_status, reason, actor)
    SELECT ord.id, NULL, 'SENT', 'order created', $19 FROM ord
  )`;

const createOrderSql = (identity: CustomerIdentity) => `WITH ${createOrderCtes(identity)}
  SELECT ord.uuid AS uuid, cust.uuid AS customer_uuid FROM ord, cust`;

const createOrderWithKeySql = (identity: CustomerIdentity) => `WITH ${createOrderCtes(identity)},
  idem AS (
    INSERT INTO idempotency_keys (merchant_id, key, request_hash, order_id)
    SELECT $1, $20, $21, ord.id FROM ord
  )
  SELECT ord.uuid AS uuid, cust.uuid AS customer_uuid FROM ord, cust`;

/** Prepared statements by (identity, with key): the statement name must always name the same text. */
const CREATE_ORDER = {
  personal_number: { plain: { name: 'create_order', text: createOrderSql('personal_number') },
    withKey: { name: 'create_order_with_key', text: createOrderWithKeySql('personal_number') } },
  organization_number: { plain: { name: 'create_business_order', text: createOrderSql('organization_number') },
    withKey: { name: 'create_business_order_with_key', text: createOrderWithKeySql('organization_number') } },
} as const;

const identityOf = (order: NewOrder): CustomerIdentity =>
  order.customer.organizationId === undefined ? 'personal_number' : 'organization_number';

export function orderParams(
  merchantId: number,
  order: NewOrder,
  ids: { orderUuid: string; customerUuid: string },
  actor: string,
): unknown[] {
  const customerJson = JSON.stringify(order.customer);
  const lines = order.products.map((p) => ({
    position: p.position,
    name: p.name,
    product_id: p.productId,
    quantity: p.quantity,
    rate_ore: p.rateOre,
    discount_ore: p.discountOre,
    tax_rate: p.taxRate,
    amount_ore: p.amountOre,
    vat_ore: p.vatOre,
  }));
  return [
    merchantId,
    ids.customerUuid,
    order.customer.organizationId ?? order.customer.personalNumber,
    customerJson,
    ids.orderUuid,
    order.orderDate,
    order.summary.subTotalOre,
    order.summary.totalTaxOre,
    order.summary.totalDiscountOre,
    order.summary.grandTotalOre,
    order.invoiceInterval,
    order.invoiceMaturity,
    order.invoiceFeeApplicable,
    order.separateInvoices,
    order.referenceNo,
    order.customerReference,
    order.callbackUrl,
    JSON.stringify(lines),
    actor,
  ];
}

/**
 * Inserts the order in one statement. With an Idempotency-Key the key row is part of the same
 * statement: a concurrent or earlier request with the key makes it fail with a unique violation on
 * `idempotency_keys_pkey`, which the caller answers from the first order.
 */
export async function insertOrder(
  db: Queryable,
  merchantId: number,
  order: NewOrder,
  ids: { orderUuid: string; customerUuid: string },
  actor: string,
  idempotency: IdempotencyClaim | null,
): Promise<CreatedOrder> {
  const values = orderParams(merchantId, order, ids, actor);
  const statements = CREATE_ORDER[identityOf(order)];
  const query =
    idempotency === null
      ? { ...statements.plain, values }
      : { ...statements.withKey, values: [...values, idempotency.key, idempotency.requestHash] };
  // A first order for a new customer can race with another: the other's insert wins the conflict
  // after this statement's snapshot was taken, so neither branch of `cust` sees the customer and
  // nothing is written. The retry's fresh snapshot sees it.
  for (let attempt = 0; ; attempt++) {
    const rows = await db.query<{ uuid: string; customer_uuid: string }>(query);
    const row = rows[0];
    if (row) return { uuid: row.uuid, customerUuid: row.customer_uuid };
    if (attempt >= 2) throw new Error('the customer row could not be read after its concurrent insert');
  }
}

export interface IdempotentReplay {
  requestHash: Buffer;
  uuid: string;
  customerUuid: string;
}

/** The order an Idempotency-Key created, if the key is still remembered. */
export async function findIdempotentOrder(
  db: Queryable,
  merchantId: number,
  key: string,
  ttlHours: number,
): Promise<IdempotentReplay | null> {
  const rows = await db.query<{ request_hash: Buffer; uuid: string; customer_uuid: string }>({
    name: 'find_idempotent_order',
    text: `SELECT k.request_hash, o.uuid, c.uuid AS customer_uuid
           FROM idempotency_keys k JOIN orders o ON o.id = k.order_id JOIN customers c ON c.id = o.customer_id
           WHERE k.merchant_id = $1 AND k.key = $2 AND k.created_at > now() - make_interval(hours => $3)`,
    values: [merchantId, key, ttlHours],
  });
  const row = rows[0];
  return row ? { requestHash: row.request_hash, uuid: row.uuid, customerUuid: row.customer_uuid } : null;
}

/**
 * Forgets one merchant's key once it is older than the TTL, so it can be used again. Only that key: the
 * request that met it must not pay for sweeping everyone's (the housekeeping job does that).
 */
export async function forgetExpiredIdempotencyKey(db: Queryable, merchantId: number, key: string, ttlHours: number): Promise<boolean> {
  const rows = await db.query({
    name: 'forget_expired_idempotency_key',
    text: `DELETE FROM idempotency_keys
           WHERE merchant_id = $1 AND key = $2 AND created_at <= now() - make_interval(hours => $3) RETURNING 1`,
    values: [merchantId, key, ttlHours],
  });
  return rows.length > 0;
}

/** Forgets keys older than the TTL, so the key can be used again. Returns how many were dropped. */
export async function expireIdempotencyKeys(db: Queryable, ttlHours: number): Promise<number> {
  const rows = await db.query({
    text: `DELETE FROM idempotency_keys WHERE created_at <= now() - make_interval(hours => $1) RETURNING 1`,
    values: [ttlHours],
  });
  return rows.length;
}

/**
 * A stable hash of a parsed JSON body: keys sorted, so whitespace and key order do not matter to a retry
 * (hashing the raw bytes would refuse a client that re-serialises its body).
 *
 * The canonical text is written with an explicit stack, not recursion: a body within the size limit can
 * nest 500 000 levels deep, which overflowed the call stack (code review m3). It is byte for byte what
 * `JSON.stringify` of the key-sorted value gives, so keys remembered before this change still match.
 */
export function requestHash(body: unknown): Buffer {
  const hash = createHash('sha256');
  // Each entry is either text to write or a value still to serialise; the top of the stack comes next.
  const stack: Array<{ text: string } | { value: unknown }> = [{ value: body }];
  let buffered = '';
  while (stack.length > 0) {
    const next = stack.pop()!;
    if ('text' in next) {
      buffered += next.text;
    } else if (Array.isArray(next.value)) {
      const items = next.value;
      stack.push({ text: ']' });
      for (let i = items.length - 1; i >= 0; i--) {
        // JSON.stringify writes null for what JSON cannot hold (undefined, functions) inside arrays.
        const item = items[i] === undefined ? null : items[i];
        stack.push({ value: item });
        if (i > 0) stack.push({ text: ',' });
      }
      stack.push({ text: '[' });
    } else if (next.value !== null && typeof next.value === 'object') {
      const record = next.value as Record<string, unknown>;
      const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
      stack.push({ text: '}' });
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push({ value: record[keys[i]!] });
        stack.push({ text: `${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:` });
      }
      stack.push({ text: '{' });
    } else {
      buffered += JSON.stringify(next.value) ?? 'null';
    }
    if (buffered.length >= 65_536) {
      hash.update(buffered);
      buffered = '';
    }
  }
  return hash.update(buffered).digest();
}

export interface OrderRow {
  id: number;
  uuid: string;
  merchant_id: number;
  status: string;
  order_date: number;
  customer_uuid: string;
  customer_snapshot: Record<string, unknown>;
  sub_total_ore: number;
  total_tax_ore: number;
  total_discount_ore: number;
  grand_total_ore: number;
  paid_ore: number;
  refunded_ore: number;
  invoice_interval: number;
  invoice_maturity: number;
  invoice_fee_applicable: boolean;
  separate_invoices: boolean;
  reference_no: string | null;
  customer_reference: string | null;
  callback_url: string;
  invoice_number: string | null;
  kid: string | null;
  due_date: string | null;
  cancellation_note: string | null;
  created_at: Date;
  updated_at: Date;
}

const ORDER_COLUMNS = `o.id, o.uuid, o.merchant_id, o.status, o.order_date, c.uuid AS customer_uuid,
  o.customer_snapshot, o.sub_total_ore, o.total_tax_ore, o.total_discount_ore, o.grand_total_ore,
  o.paid_ore, o.refunded_ore, o.invoice_interval, o.invoice_maturity, o.invoice_fee_applicable,
  o.separate_invoices, o.reference_no, o.customer_reference, o.callback_url, o.invoice_number, o.kid,
  to_char(o.due_date, 'YYYY-MM-DD') AS due_date, o.cancellation_note, o.created_at, o.updated_at`;

/** The merchant's order, or null: another merchant's order is indistinguishable from none. */
export async function findOrder(
  db: Queryable,
  merchantId: number,
  uuid: string,
  opts: { forUpdate?: boolean } = {},
): Promise<OrderRow | null> {
  const rows = await db.query<OrderRow>({
    name: opts.forUpdate ? 'find_order_for_update' : 'find_order',
    text: `SELECT ${ORDER_COLUMNS} FROM orders o JOIN customers c ON c.id = o.customer_id
           WHERE o.uuid = $1 AND o.merchant_id = $2${opts.forUpdate ? ' FOR UPDATE OF o' : ''}`,
    values: [uuid, merchantId],
  });
  return rows[0] ?? null;
}

export interface OrderLineRow {
  id: number;
  position: number;
  name: string;
  product_id: string | null;
  quantity: string;
  rate_ore: number;
  discount_ore: number;
  tax_rate: string;
  amount_ore: number;
  vat_ore: number;
  refunded_ore: number;
}

export async function findOrderLines(db: Queryable, orderId: number): Promise<OrderLineRow[]> {
  return db.query<OrderLineRow>({
    name: 'find_order_lines',
    text: `SELECT id, position, name, product_id, quantity::text AS quantity, rate_ore, discount_ore,
             tax_rate::text AS tax_rate, amount_ore, vat_ore, refunded_ore
           FROM order_lines WHERE order_id = $1 ORDER BY position`,
    values: [orderId],
  });
}

export interface OrderEventRow {
  id: number;
  from_status: string | null;
  to_status: string;
  reason: string | null;
  actor: string;
  created_at: Date;
}

export async function findOrderEvents(db: Queryable, orderId: number): Promise<OrderEventRow[]> {
  return db.query<OrderEventRow>({
    name: 'find_order_events',
    text: `SELECT id, from_status, to_status, reason, actor, created_at
           FROM order_events WHERE order_id = $1 ORDER BY id`,
    values: [orderId],
  });
}
