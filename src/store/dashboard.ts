/**
 * What the dashboard (SPEC §9) reads beyond what the API already reads: the overview's counts, the order
 * list with search, the document list, import history and run history. Every read takes the merchant the
 * session may see (`merchantId`), or null for an operator looking at all merchants. Lists are keyset
 * pages (newest first, below a cursor), so a page costs the same however deep it is (migration 012 has
 * the indexes).
 */
import type { Queryable } from './db/db.ts';

/** `merchant_id = $n` when the scope is one merchant; nothing when it is all. */
function scoped(column: string, merchantId: number | null, values: unknown[]): string[] {
  if (merchantId === null) return [];
  values.push(merchantId);
  return [`${column} = $${values.length}`];
}

export interface StatusTotal {
  status: string;
  orders: number;
  amountOre: number;
}

export interface Overview {
  statuses: StatusTotal[];
  failedCallbacks: number;
  retryingCallbacks: number;
  undeliveredDocuments: number;
  unmatchedPayments: number;
  unmatchedOre: number;
  invoiceRunsToday: number;
  dunningStepsToday: Array<{ kind: string; count: number }>;
}

export async function overview(db: Queryable, merchantId: number | null, today: string): Promise<Overview> {
  const v1: unknown[] = [];
  const byMerchant = (column: string, values: unknown[]) => {
    const c = scoped(column, merchantId, values);
    return c.length === 0 ? '' : ` AND ${c[0]}`;
  };
  const statuses = await db.query<{ status: string; orders: number; amount: string }>({
    text: `SELECT status, count(*)::int AS orders, sum(grand_total_ore)::text AS amount FROM orders WHERE true${byMerchant('merchant_id', v1)}
           GROUP BY status ORDER BY status`,
    values: v1,
  });
  const v2: unknown[] = [];
  const [callbacks] = await db.query<{ failed: number; retrying: number }>({
    text: `SELECT count(*) FILTER (WHERE state = 'failed')::int AS failed, count(*) FILTER (WHERE state = 'pending' AND attempts > 0)::int AS retrying
           FROM callback_events WHERE state IN ('failed', 'pending')${byMerchant('merchant_id', v2)}`,
    values: v2,
  });
  const v3: unknown[] = [];
  const [deliveries] = await db.query<{ n: number }>({
    text: `SELECT count(*)::int AS n FROM deliveries WHERE status = 'undelivered'${byMerchant('merchant_id', v3)}`,
    values: v3,
  });
  const v4: unknown[] = [];
  const [unmatched] = await db.query<{ n: number; ore: string }>({
    text: `SELECT count(*)::int AS n, coalesce(sum(amount_ore), 0)::text AS ore FROM payments WHERE state = 'unmatched'${byMerchant('merchant_id', v4)}`,
    values: v4,
  });
  const v5: unknown[] = [today];
  const [runs] = await db.query<{ n: number }>({
    text: `SELECT count(*)::int AS n FROM invoice_runs WHERE invoice_date = $1::date${byMerchant('merchant_id', v5)}`,
    values: v5,
  });
  const v6: unknown[] = [today];
  const steps = await db.query<{ kind: string; count: number }>({
    text: `SELECT kind, count(*)::int AS count FROM dunning_steps WHERE step_date = $1::date${byMerchant('merchant_id', v6)} GROUP BY kind ORDER BY kind`,
    values: v6,
  });
  return {
    statuses: statuses.map((s) => ({ status: s.status, orders: s.orders, amountOre: Number(s.amount) })),
    failedCallbacks: callbacks?.failed ?? 0,
    retryingCallbacks: callbacks?.retrying ?? 0,
    undeliveredDocuments: deliveries?.n ?? 0,
    unmatchedPayments: unmatched?.n ?? 0,
    unmatchedOre: Number(unmatched?.ore ?? 0),
    invoiceRunsToday: runs?.n ?? 0,
    dunningStepsToday: steps,
  };
}

export interface OrderListItem {
  id: number;
  uuid: string;
  merchant_id: number;
  status: string;
  grand_total_ore: number;
  customer_name: string | null;
  invoice_number: string | null;
  created_at: Date;
}

export interface OrderSearch {
  merchantId: number | null;
  status: string | null;
  /** An order uuid, invoice number, KID, or the start of words of the customer's name or e-mail. */
  text: string | null;
  /** The uuid of the last order of the previous page. */
  after: string | null;
  limit: number;
}

/** The indexed text of an order's customer (migration 012, orders_customer_search): the same expression, or the index is not used. */
const CUSTOMER_SEARCH = `to_tsvector('simple', coalesce(o.customer_snapshot->>'name', '') || ' ' || coalesce(o.customer_snapshot->>'email', ''))`;

/**
 * Words typed into the search as a full-text query where each word matches the start of a word of the
 * name or e-mail ("kari nord" finds "Kari Nordmann"); null when nothing searchable is left. Only letters,
 * digits and the characters of an e-mail address are kept, so the text can never be tsquery syntax.
 */
export function prefixQuery(text: string): string | null {
  const words = text.toLowerCase().split(/[^\p{L}\p{N}@._+-]+/u).map((w) => w.replace(/^[._+@-]+|[._+@-]+$/g, '')).filter((w) => w !== '');
  return words.length === 0 ? null : words.slice(0, 8).map((w) => `'${w}':*`).join(' & ');
}

/** One page of orders, newest first; `next` is the `after` of the next page, or null on the last. */
export async function searchOrders(db: Queryable, q: OrderSearch): Promise<{ orders: OrderListItem[]; next: string | null }> {
  const values: unknown[] = [];
  const where = scoped('o.merchant_id', q.merchantId, values);
  if (q.status !== null) {
    values.push(q.status);
    where.push(`o.status = $${values.length}`);
  }
  const text = q.text?.trim() ?? '';
  if (/^ODR\d{10}$/i.test(text)) {
    values.push(text.toUpperCase());
    where.push(`o.uuid = $${values.length}`);
  } else if (/^\d{1,25}$/.test(text)) {
    values.push(text);
    where.push(`(o.invoice_number = $${values.length} OR o.kid = $${values.length})`);
  } else if (text !== '') {
    const query = prefixQuery(text);
    if (query === null) return { orders: [], next: null };
    values.push(query);
    where.push(`${CUSTOMER_SEARCH} @@ to_tsquery('simple', $${values.length})`);
  }
  if (q.after !== null) {
    values.push(q.after);
    where.push(`o.id < (SELECT a.id FROM orders a WHERE a.uuid = $${values.length})`);
  }
  values.push(q.limit + 1);
  const rows = await db.query<OrderListItem>({
    text: `SELECT o.id, o.uuid, o.merchant_id, o.status, o.grand_total_ore, o.customer_snapshot->>'name' AS customer_name,
                  o.invoice_number, o.created_at
           FROM orders o ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
           ORDER BY o.id DESC LIMIT $${values.length}`,
    values,
  });
  const more = rows.length > q.limit;
  const orders = more ? rows.slice(0, q.limit) : rows;
  return { orders, next: more ? orders.at(-1)!.uuid : null };
}

/** The merchant an order belongs to (for an operator, who may open any), or null. */
export async function merchantOfOrder(db: Queryable, uuid: string): Promise<number | null> {
  const rows = await db.query<{ merchant_id: number }>({ name: 'merchant_of_order', text: 'SELECT merchant_id FROM orders WHERE uuid = $1', values: [uuid] });
  return rows[0]?.merchant_id ?? null;
}

/** When each payment and dunning step of an invoice was recorded (for an order's timeline; the invoice view has dates only). */
export async function invoiceHistory(db: Queryable, invoiceId: number): Promise<{
  payments: Array<{ at: Date; date: string; amount_ore: number; kind: string; state: string }>;
  steps: Array<{ at: Date; kind: string; date: string; total_ore: number; due_date: string | null }>;
}> {
  const [payments, steps] = await Promise.all([
    db.query<{ at: Date; date: string; amount_ore: number; kind: string; state: string }>({
      name: 'dashboard_invoice_payments',
      text: `SELECT p.created_at AS at, to_char(p.payment_date, 'YYYY-MM-DD') AS date, a.amount_ore, p.kind, p.state
             FROM payment_allocations a JOIN payments p ON p.id = a.payment_id WHERE a.invoice_id = $1 ORDER BY a.id`,
      values: [invoiceId],
    }),
    db.query<{ at: Date; kind: string; date: string; total_ore: number; due_date: string | null }>({
      name: 'dashboard_invoice_steps',
      text: `SELECT created_at AS at, kind, to_char(step_date, 'YYYY-MM-DD') AS date, total_ore, to_char(due_date, 'YYYY-MM-DD') AS due_date
             FROM dunning_steps WHERE invoice_id = $1 ORDER BY id`,
      values: [invoiceId],
    }),
  ]);
  return { payments, steps };
}

export interface DocumentListItem {
  id: number;
  merchant_id: number;
  number: number;
  kind: 'invoice' | 'credit_note';
  issue_date: string;
  due_date: string | null;
  total_ore: number;
  credited_ore: number;
  paid_ore: number;
  customer_name: string | null;
  delivery: string | null;
}

/** One page of invoices or credit notes, newest first, below the document id `afterId`. */
export async function listDocuments(
  db: Queryable,
  q: { merchantId: number | null; kind: 'invoice' | 'credit_note'; afterId: number | null; limit: number },
): Promise<{ documents: DocumentListItem[]; next: number | null }> {
  const values: unknown[] = [q.kind];
  const where = ['i.kind = $1', ...scoped('i.merchant_id', q.merchantId, values)];
  if (q.afterId !== null) {
    values.push(q.afterId);
    where.push(`i.id < $${values.length}`);
  }
  values.push(q.limit + 1);
  const rows = await db.query<DocumentListItem>({
    text: `SELECT i.id, i.merchant_id, i.number, i.kind, to_char(i.issue_date, 'YYYY-MM-DD') AS issue_date,
                  to_char(i.due_date, 'YYYY-MM-DD') AS due_date, i.total_ore, i.credited_ore, i.paid_ore,
                  i.content->'buyer'->>'name' AS customer_name,
                  (SELECT d.status FROM deliveries d WHERE d.invoice_id = i.id AND d.dunning_step_id IS NULL) AS delivery
           FROM invoices i WHERE ${where.join(' AND ')} ORDER BY i.id DESC LIMIT $${values.length}`,
    values,
  });
  const more = rows.length > q.limit;
  const documents = more ? rows.slice(0, q.limit) : rows;
  return { documents, next: more ? documents.at(-1)!.id : null };
}

export interface PaymentFileItem {
  id: number;
  format: string;
  name: string | null;
  transactions: number;
  started_at: Date;
  completed_at: Date | null;
  summary: Record<string, unknown> | null;
}

/** The latest imported bank files (for a merchant: those that brought it payments). */
export async function listPaymentFiles(db: Queryable, merchantId: number | null, limit: number): Promise<PaymentFileItem[]> {
  const columns = 'f.id, f.format, f.name, f.transactions, f.started_at, f.completed_at, f.summary';
  if (merchantId === null) {
    return db.query<PaymentFileItem>({ text: `SELECT ${columns} FROM payment_files f ORDER BY f.id DESC LIMIT $1`, values: [limit] });
  }
  return db.query<PaymentFileItem>({
    text: `SELECT ${columns} FROM payment_files f
           WHERE f.id IN (SELECT DISTINCT p.file_id FROM payments p WHERE p.merchant_id = $1 ORDER BY p.file_id DESC LIMIT $2)
           ORDER BY f.id DESC`,
    values: [merchantId, limit],
  });
}

/** Dunning steps per day and kind, the latest days first (a dunning run is not a stored record; its steps are). */
export async function dunningDays(db: Queryable, merchantId: number | null, limit: number): Promise<Array<{ date: string; reminders: number; notices: number; collections: number }>> {
  const values: unknown[] = [];
  const where = scoped('merchant_id', merchantId, values);
  values.push(limit);
  return db.query({
    text: `SELECT to_char(step_date, 'YYYY-MM-DD') AS date,
                  count(*) FILTER (WHERE kind = 'reminder')::int AS reminders,
                  count(*) FILTER (WHERE kind = 'notice')::int AS notices,
                  count(*) FILTER (WHERE kind = 'collection')::int AS collections
           FROM dunning_steps ${where.length > 0 ? `WHERE ${where[0]}` : ''}
           GROUP BY step_date ORDER BY step_date DESC LIMIT $${values.length}`,
    values,
  });
}
