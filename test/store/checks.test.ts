/** The database itself refuses writes that break money and lifecycle invariants (migration 004). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL, createMerchant, openTestDb } from '../helpers/harness.ts';
import { makeOrder, moveOrder } from '../helpers/orders.ts';
import { ORDER_STATUSES } from '../../src/domain/orders/lifecycle.ts';
import { CALLBACK_STATES } from '../../src/store/callback-outbox.ts';
import type { Db } from '../../src/store/db/db.ts';

describe(`database CHECK constraints (${DB_LABEL})`, () => {
  let db: Db;
  let close: () => Promise<void>;
  let merchantId: number;
  before(async () => {
    ({ db, close } = await openTestDb());
    merchantId = (await createMerchant(db)).merchantId;
  });
  after(() => close());

  /** A fresh order's id, and the id of its first line. */
  async function order(): Promise<{ id: number; lineId: number; grandTotal: number; lineAmount: number }> {
    const uuid = await makeOrder(db, merchantId, 'https://merchant.example/cb');
    const [row] = await db.query<{ id: number; grand_total_ore: number }>({ text: 'SELECT id, grand_total_ore FROM orders WHERE uuid = $1', values: [uuid] });
    const [line] = await db.query<{ id: number; amount_ore: number }>({ text: 'SELECT id, amount_ore FROM order_lines WHERE order_id = $1 ORDER BY position LIMIT 1', values: [row!.id] });
    return { id: row!.id, lineId: line!.id, grandTotal: row!.grand_total_ore, lineAmount: line!.amount_ore };
  }

  async function refused(sql: string, values: unknown[], constraint: string): Promise<void> {
    await assert.rejects(db.query({ text: sql, values }), (e: { code?: string; constraint?: string; message?: string }) => {
      assert.equal(e.code, '23514', e.message);
      assert.equal(e.constraint ?? /constraint "([^"]+)"/.exec(e.message ?? '')?.[1], constraint);
      return true;
    });
  }

  test('every lifecycle status is accepted, an unknown status is refused', async () => {
    const o = await order();
    for (const status of ORDER_STATUSES) await db.query({ text: 'UPDATE orders SET status = $2 WHERE id = $1', values: [o.id, status] });
    await refused('UPDATE orders SET status = $2 WHERE id = $1', [o.id, 'SHIPPED'], 'orders_status_known');
    await refused('UPDATE orders SET status = $2 WHERE id = $1', [o.id, 'sent'], 'orders_status_known');
  });

  test('every callback state is accepted, an unknown state is refused', async () => {
    const o = await order();
    const uuid = (await db.query<{ uuid: string }>({ text: 'SELECT uuid FROM orders WHERE id = $1', values: [o.id] }))[0]!.uuid;
    await moveOrder(db, merchantId, uuid, 'CANCELLED'); // writes a callback event
    const [event] = await db.query<{ id: number }>({ text: 'SELECT id FROM callback_events WHERE order_id = $1', values: [o.id] });
    for (const state of CALLBACK_STATES) await db.query({ text: 'UPDATE callback_events SET state = $2 WHERE id = $1', values: [event!.id, state] });
    await refused('UPDATE callback_events SET state = $2 WHERE id = $1', [event!.id, 'lost'], 'callback_events_state_known');
  });

  test('negative amounts on an order or a line are refused', async () => {
    const o = await order();
    for (const column of ['sub_total_ore', 'total_tax_ore', 'total_discount_ore', 'paid_ore', 'refunded_ore']) {
      await refused(`UPDATE orders SET ${column} = -1 WHERE id = $1`, [o.id], 'orders_amounts_not_negative');
    }
    for (const column of ['rate_ore', 'discount_ore', 'vat_ore', 'refunded_ore']) {
      await refused(`UPDATE order_lines SET ${column} = -1 WHERE id = $1`, [o.lineId], 'order_lines_amounts_not_negative');
    }
    await refused('UPDATE order_lines SET quantity = 0 WHERE id = $1', [o.lineId], 'order_lines_quantity_positive');
  });

  test('refunds beyond the order total or the line amount are refused; up to them is fine', async () => {
    const o = await order();
    await db.query({ text: 'UPDATE orders SET refunded_ore = grand_total_ore WHERE id = $1', values: [o.id] });
    await refused('UPDATE orders SET refunded_ore = grand_total_ore + 1 WHERE id = $1', [o.id], 'orders_refund_within_total');
    await db.query({ text: 'UPDATE order_lines SET refunded_ore = amount_ore WHERE id = $1', values: [o.lineId] });
    await refused('UPDATE order_lines SET refunded_ore = amount_ore + 1 WHERE id = $1', [o.lineId], 'order_lines_refund_within_amount');
    const [after] = await db.query<{ refunded_ore: number }>({ text: 'SELECT refunded_ore FROM orders WHERE id = $1', values: [o.id] });
    assert.equal(after!.refunded_ore, o.grandTotal, 'the refused write left the row as it was');
  });
});
