/**
 * Listing a merchant's orders newest first (SPEC §2.3, `GET /orders/status`), one page at a time with
 * keyset pagination on the order id: a page starts below the last id of the previous one, so a page costs
 * the same however deep it is, and orders created meanwhile never shift or repeat entries. Each variant is
 * its own statement, so the planner always sees the plain `merchant_id [AND status] [AND id < …]` form that
 * the indexes orders_merchant_newest / orders_merchant_status_newest serve.
 */
import type { Queryable } from './db/db.ts';

export interface OrderStatusEntry {
  id: number;
  uuid: string;
  status: string;
}

export interface OrderListPage {
  orders: OrderStatusEntry[];
  /** The id the next page starts below, or null on the last page. */
  nextAfterId: number | null;
}

export async function listOrderStatuses(
  db: Queryable,
  merchantId: number,
  query: { status: string | null; afterId: number | null; limit: number },
): Promise<OrderListPage> {
  const conditions = ['merchant_id = $1'];
  const values: unknown[] = [merchantId];
  if (query.status !== null) {
    values.push(query.status);
    conditions.push(`status = $${values.length}`);
  }
  if (query.afterId !== null) {
    values.push(query.afterId);
    conditions.push(`id < $${values.length}`);
  }
  // One row more than asked tells whether another page exists, without a count.
  values.push(query.limit + 1);
  const rows = await db.query<OrderStatusEntry>({
    name: `list_order_statuses${query.status === null ? '' : '_by_status'}${query.afterId === null ? '' : '_after'}`,
    text: `SELECT id, uuid, status FROM orders WHERE ${conditions.join(' AND ')} ORDER BY id DESC LIMIT $${values.length}`,
    values,
  });
  const more = rows.length > query.limit;
  const orders = more ? rows.slice(0, query.limit) : rows;
  return { orders, nextAfterId: more ? orders[orders.length - 1]!.id : null };
}

/** The shared secret behind the listing cursor (migration 003); every API node reads the same one. */
export async function orderCursorKey(db: Queryable): Promise<Buffer> {
  const rows = await db.query<{ secret: Uint8Array }>({
    text: `SELECT secret FROM server_secrets WHERE name = 'order-cursor'`,
  });
  const secret = rows[0]?.secret;
  if (secret === undefined) throw new Error('server_secrets has no order-cursor secret: run the migrations');
  return Buffer.from(secret);
}
