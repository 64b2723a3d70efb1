/**
 * Deliveries and their attempts (SPEC §6.5): all SQL of a document's way to the customer. The use case
 * in app/delivery decides what happens; every write of a step runs in the transaction that completes
 * the step's job (fenced), so a step's outcome is recorded once.
 */
import type { Queryable } from './db/db.ts';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'undelivered'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export type AttemptOutcome = 'delivered' | 'unreachable' | 'failed' | 'cancelled' | 'cancel_failed';

export interface DeliveryRow {
  id: number;
  invoice_id: number;
  merchant_id: number;
  status: DeliveryStatus;
  channels: string[];
  channel_index: number;
  channel_failures: number;
  round: number;
  step: number;
  delivered_channel: string | null;
  delivered_message_id: string | null;
  /** Set when this delivers a dunning step's document (a reminder, a notice) rather than the invoice itself. */
  dunning_step_id: number | null;
}

const COLUMNS = `id, invoice_id, merchant_id, status, channels, channel_index, channel_failures, round, step,
  delivered_channel, delivered_message_id, dunning_step_id`;
/** The same columns of alias `d`, for queries that join. */
const D_COLUMNS = COLUMNS.split(',').map((c) => `d.${c.trim()}`).join(', ');

/** Starts the delivery of a document with the merchant's channels of now; null when it already has one. */
export async function insertDelivery(tx: Queryable, invoiceId: number): Promise<DeliveryRow | null> {
  const rows = await tx.query<DeliveryRow>({
    name: 'insert_delivery',
    text: `INSERT INTO deliveries (invoice_id, merchant_id, channels)
           SELECT i.id, i.merchant_id, m.delivery_channels FROM invoices i JOIN merchants m ON m.id = i.merchant_id WHERE i.id = $1
           ON CONFLICT (invoice_id) WHERE dunning_step_id IS NULL DO NOTHING
           RETURNING ${COLUMNS}`,
    values: [invoiceId],
  });
  return rows[0] ?? null;
}

/** Starts the delivery of a dunning step's document (migration 010); null when it already has one. */
export async function insertStepDelivery(tx: Queryable, invoiceId: number, stepId: number): Promise<DeliveryRow | null> {
  const rows = await tx.query<DeliveryRow>({
    name: 'insert_step_delivery',
    text: `INSERT INTO deliveries (invoice_id, merchant_id, channels, dunning_step_id)
           SELECT i.id, i.merchant_id, m.delivery_channels, $2 FROM invoices i JOIN merchants m ON m.id = i.merchant_id WHERE i.id = $1
           ON CONFLICT (dunning_step_id) WHERE dunning_step_id IS NOT NULL DO NOTHING
           RETURNING ${COLUMNS}`,
    values: [invoiceId, stepId],
  });
  return rows[0] ?? null;
}

export async function findDelivery(db: Queryable, id: number): Promise<DeliveryRow | null> {
  const rows = await db.query<DeliveryRow>({ name: 'find_delivery', text: `SELECT ${COLUMNS} FROM deliveries WHERE id = $1`, values: [id] });
  return rows[0] ?? null;
}

export async function findDeliveryOfInvoice(db: Queryable, invoiceId: number): Promise<DeliveryRow | null> {
  const rows = await db.query<DeliveryRow>({
    name: 'find_delivery_of_invoice',
    text: `SELECT ${COLUMNS} FROM deliveries WHERE invoice_id = $1 AND dunning_step_id IS NULL`,
    values: [invoiceId],
  });
  return rows[0] ?? null;
}

export interface NewAttempt {
  deliveryId: number;
  channel: string;
  at: Date;
  outcome: AttemptOutcome;
  error: string | null;
  messageId: string | null;
}

export async function insertAttempt(tx: Queryable, a: NewAttempt): Promise<void> {
  await tx.query({
    name: 'insert_delivery_attempt',
    text: `INSERT INTO delivery_attempts (delivery_id, channel, attempted_at, outcome, error, message_id)
           VALUES ($1, $2, $3, $4, $5, $6)`,
    values: [a.deliveryId, a.channel, a.at, a.outcome, a.error?.slice(0, 2000) ?? null, a.messageId],
  });
}

/** Writes where the chain stands after a step; `delivered` fills the channel and message id. */
export async function saveDeliveryState(
  tx: Queryable,
  d: Pick<DeliveryRow, 'id' | 'status' | 'channel_index' | 'channel_failures' | 'step' | 'delivered_channel' | 'delivered_message_id'>,
  now: Date,
): Promise<void> {
  await tx.query({
    name: 'save_delivery_state',
    text: `UPDATE deliveries SET status = $2, channel_index = $3, channel_failures = $4, step = $5,
             delivered_channel = $6, delivered_message_id = $7,
             delivered_at = CASE WHEN $2 = 'delivered' THEN $8::timestamptz END, updated_at = $8
           WHERE id = $1`,
    values: [d.id, d.status, d.channel_index, d.channel_failures, d.step, d.delivered_channel, d.delivered_message_id, now],
  });
}

/**
 * Starts a new chain for undelivered documents (the operator's retry), with the merchant's channels of
 * now; returns the restarted rows. A delivered or still pending one is left alone.
 */
export async function restartDeliveries(
  tx: Queryable,
  target: { deliveryIds: number[] } | { allUndelivered: true },
  now: Date,
): Promise<Array<DeliveryRow & { number: number }>> {
  const ids = 'deliveryIds' in target ? target.deliveryIds : null;
  return tx.query<DeliveryRow & { number: number }>({
    name: 'restart_deliveries',
    text: `UPDATE deliveries d SET status = 'pending', channels = m.delivery_channels, channel_index = 0, channel_failures = 0,
             round = d.round + 1, updated_at = $2
           FROM merchants m
           WHERE m.id = d.merchant_id AND d.status = 'undelivered' AND ($1::bigint[] IS NULL OR d.id = ANY($1::bigint[]))
           RETURNING ${D_COLUMNS}, (SELECT i.number FROM invoices i WHERE i.id = d.invoice_id) AS number`,
    values: [ids, now],
  });
}

export interface DeliveryListItem {
  id: number;
  merchantId: number;
  invoiceNumber: number;
  kind: 'invoice' | 'credit_note';
  /** Set when the delivery carries a dunning step's document rather than the invoice (SPEC §7). */
  dunningKind: 'reminder' | 'notice' | null;
  status: DeliveryStatus;
  channel: string | null;
  attempts: number;
  lastError: string | null;
  updatedAt: Date;
}

/** Deliveries for the operator, newest first. */
export async function listDeliveries(
  db: Queryable,
  q: { status?: DeliveryStatus; merchantId?: number; limit: number },
): Promise<DeliveryListItem[]> {
  const rows = await db.query<{
    id: number; merchant_id: number; number: number; kind: 'invoice' | 'credit_note'; dunning_kind: 'reminder' | 'notice' | null; status: DeliveryStatus;
    channel: string | null; attempts: number; last_error: string | null; updated_at: Date;
  }>({
    name: 'list_deliveries',
    text: `SELECT d.id, d.merchant_id, i.number, i.kind, (SELECT s.kind FROM dunning_steps s WHERE s.id = d.dunning_step_id) AS dunning_kind, d.status,
                  CASE WHEN d.status = 'delivered' THEN d.delivered_channel
                       WHEN d.status = 'pending' THEN d.channels[d.channel_index + 1] END AS channel,
                  (SELECT count(*)::int FROM delivery_attempts a WHERE a.delivery_id = d.id) AS attempts,
                  (SELECT a.error FROM delivery_attempts a WHERE a.delivery_id = d.id AND a.error IS NOT NULL
                   ORDER BY a.id DESC LIMIT 1) AS last_error,
                  d.updated_at
           FROM deliveries d JOIN invoices i ON i.id = d.invoice_id
           WHERE ($1::text IS NULL OR d.status = $1) AND ($2::bigint IS NULL OR d.merchant_id = $2)
           ORDER BY d.id DESC LIMIT $3`,
    values: [q.status ?? null, q.merchantId ?? null, q.limit],
  });
  return rows.map((r) => ({
    id: r.id, merchantId: r.merchant_id, invoiceNumber: r.number, kind: r.kind, dunningKind: r.dunning_kind, status: r.status,
    channel: r.channel, attempts: r.attempts, lastError: r.last_error, updatedAt: r.updated_at,
  }));
}

/** The deliveries of the documents numbered `number` (one per merchant that has such a number). */
export async function deliveriesOfNumber(db: Queryable, number: number, merchantId: number | null): Promise<DeliveryRow[]> {
  return db.query<DeliveryRow>({
    name: 'deliveries_of_number',
    text: `SELECT ${D_COLUMNS} FROM deliveries d JOIN invoices i ON i.id = d.invoice_id
           WHERE i.number = $1 AND ($2::bigint IS NULL OR i.merchant_id = $2) ORDER BY d.id`,
    values: [number, merchantId],
  });
}

/** What the delivery use case needs to know about the document's customer. */
export async function customerPersonalNumber(db: Queryable, customerId: number): Promise<string | null> {
  const rows = await db.query<{ personal_number: string }>({
    name: 'customer_personal_number',
    text: 'SELECT personal_number FROM customers WHERE id = $1',
    values: [customerId],
  });
  return rows[0]?.personal_number ?? null;
}

/** The shared secret named `name` (migrations 003, 008); every node reads the same one. */
export async function serverSecret(db: Queryable, name: string): Promise<Buffer> {
  const rows = await db.query<{ secret: Uint8Array }>({ text: 'SELECT secret FROM server_secrets WHERE name = $1', values: [name] });
  const secret = rows[0]?.secret;
  if (secret === undefined) throw new Error(`server_secrets has no ${name} secret: run the migrations`);
  return Buffer.from(secret);
}
