/**
 * Credit notes (SPEC §6.3): a cancel of an invoiced order and a refund each issue a credit note in the
 * invoice series, in the transaction that changes the order; and, whatever the interleaving of runs,
 * cancels and refunds, the series of invoices and credit notes stays gapless.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DB_LABEL, createMerchant, openTestDb } from '../../helpers/harness.ts';
import { invoiceAll, setSettings, storeOrder } from '../../helpers/invoicing.ts';
import { cancelOrder } from '../../../src/app/orders/cancel-order.ts';
import { refundOrder } from '../../../src/app/orders/refund-order.ts';
import { findInvoice } from '../../../src/store/invoices.ts';
import { systemClock } from '../../../src/clock.ts';
import type { Db } from '../../../src/store/db/db.ts';

async function linesOf(db: Db, uuid: string) {
  return db.query<{ id: number; amount_ore: number; refunded_ore: number }>({
    text: 'SELECT l.id, l.amount_ore, l.refunded_ore FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.uuid = $1 ORDER BY l.position',
    values: [uuid],
  });
}

describe(`credit notes (${DB_LABEL})`, () => {
  let t: Awaited<ReturnType<typeof openTestDb>>;
  before(async () => {
    t = await openTestDb();
  });
  after(async () => {
    await t.close();
  });

  test('cancelling an invoiced order issues a credit note for all of it, fee included, and the order is CANCELLED', async () => {
    const m = await createMerchant(t.db);
    await setSettings(t.db, m.merchantId, { invoiceFeeOre: 3900, invoiceFeeVatRate: '25' });
    const o = await storeOrder(t.db, m.merchantId, { lines: [['A', '1', '1000.00', '0', '25'], ['B', '2', '150.00', '0', '12']] });
    await invoiceAll(t.db, m.merchantId);
    const result = await cancelOrder(t.db, systemClock, m.merchantId, o.uuid, 'Customer changed their mind');
    assert.equal(result.creditNoteNumber, 2);
    const cn = (await findInvoice(t.db, m.merchantId, 'credit_note', 2))!;
    assert.equal(cn.credits_invoice_number, 1);
    assert.equal(cn.total_ore, o.totalOre + 3900);
    assert.equal(cn.content.note, 'Customer changed their mind');
    assert.equal(cn.content.kid, null);
    const invoice = (await findInvoice(t.db, m.merchantId, 'invoice', 1))!;
    assert.equal(invoice.credited_ore, invoice.total_ore);
    assert.deepEqual(invoice.credit_note_numbers, [2]);
    const [order] = await t.db.query({ text: 'SELECT status FROM orders WHERE uuid = $1', values: [o.uuid] });
    assert.deepEqual(order, { status: 'CANCELLED' });
  });

  test('cancelling one order of a combined invoice credits its lines only; the fee goes with the last one', async () => {
    const m = await createMerchant(t.db);
    await setSettings(t.db, m.merchantId, { invoiceFeeOre: 2000, invoiceFeeVatRate: '0' });
    const a = await storeOrder(t.db, m.merchantId, { interval: 2, separate: false, personalNumber: '05050512345' });
    const b = await storeOrder(t.db, m.merchantId, { interval: 2, separate: false, personalNumber: '05050512345' });
    await invoiceAll(t.db, m.merchantId, { interval: 2 });
    await cancelOrder(t.db, systemClock, m.merchantId, a.uuid, 'first');
    const first = (await findInvoice(t.db, m.merchantId, 'credit_note', 2))!;
    assert.equal(first.total_ore, a.totalOre);
    assert.equal(first.content.feeLine, null);
    await cancelOrder(t.db, systemClock, m.merchantId, b.uuid, 'second');
    const second = (await findInvoice(t.db, m.merchantId, 'credit_note', 3))!;
    assert.equal(second.total_ore, b.totalOre + 2000);
  });

  test('a partial refund credits the refunded amount with its VAT by the per-line rule; the order is PARTIAL REFUNDED', async () => {
    const m = await createMerchant(t.db);
    const o = await storeOrder(t.db, m.merchantId, { fee: false, lines: [['Consulting', '1', '1400.00', '0', '25'], ['Book', '2', '150.00', '0', '12']] });
    await invoiceAll(t.db, m.merchantId);
    const [consulting, book] = await linesOf(t.db, o.uuid);
    const result = await refundOrder(t.db, systemClock, m.merchantId, o.uuid, {
      type: 'regular', grandTotalOre: 40_000 + 10_000, lines: [{ lineId: consulting!.id, ore: 40_000 }, { lineId: book!.id, ore: 10_000 }],
    });
    const cn = (await findInvoice(t.db, m.merchantId, 'credit_note', result.creditNoteNumber!))!;
    assert.equal(cn.credits_invoice_number, 1);
    assert.equal(cn.total_ore, 50_000);
    // 400.00 at 25 % → VAT 80.00; 100.00 at 12 % → VAT 10.71.
    assert.deepEqual(cn.content.vatSummary.map((v) => [v.rate, v.grossOre, v.vatOre]), [['12', 10_000, 1071], ['25', 40_000, 8000]]);
    assert.deepEqual((await linesOf(t.db, o.uuid)).map((l) => l.refunded_ore), [40_000, 10_000]);
    const [order] = await t.db.query({ text: 'SELECT status, refunded_ore FROM orders WHERE uuid = $1', values: [o.uuid] });
    assert.deepEqual(order, { status: 'PARTIAL REFUNDED', refunded_ore: 50_000 });
  });

  test('a refused refund issues no credit note and takes no number', async () => {
    const m = await createMerchant(t.db);
    const o = await storeOrder(t.db, m.merchantId, { lines: [['A', '1', '10.00', '0', '0']] });
    await invoiceAll(t.db, m.merchantId);
    const [line] = await linesOf(t.db, o.uuid);
    await assert.rejects(refundOrder(t.db, systemClock, m.merchantId, o.uuid, { type: 'regular', grandTotalOre: 1001, lines: [{ lineId: line!.id, ore: 1001 }] }));
    await storeOrder(t.db, m.merchantId);
    await invoiceAll(t.db, m.merchantId);
    const numbers = await t.db.query({ text: 'SELECT number, kind FROM invoices WHERE merchant_id = $1 ORDER BY number', values: [m.merchantId] });
    assert.deepEqual(numbers, [{ number: 1, kind: 'invoice' }, { number: 2, kind: 'invoice' }]);
  });

  test('property: any interleaving of orders, runs, cancels and refunds keeps one gapless series, and totals add up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('order' as const), interval: fc.constantFrom(0 as const, 1 as const), separate: fc.boolean(), customer: fc.integer({ min: 0, max: 2 }), fee: fc.boolean() }),
            fc.record({ op: fc.constant('run' as const), interval: fc.constantFrom(0 as const, 1 as const), batch: fc.integer({ min: 1, max: 4 }) }),
            fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }),
            fc.record({ op: fc.constant('refund' as const), pick: fc.nat(), ore: fc.integer({ min: 1, max: 6000 }) }),
          ),
          { minLength: 1, maxLength: 25 },
        ),
        async (ops) => {
          const m = await createMerchant(t.db);
          await setSettings(t.db, m.merchantId, { invoiceFeeOre: 1500, invoiceFeeVatRate: '25' });
          const orders: Array<{ uuid: string; totalOre: number }> = [];
          for (const op of ops) {
            if (op.op === 'order') {
              orders.push(await storeOrder(t.db, m.merchantId, {
                interval: op.interval, separate: op.separate, fee: op.fee, personalNumber: `0707071234${op.customer}`,
                lines: [['A', '1', '50.00', '0', '25'], ['B', '3', '3.33', '0.99', '15']],
              }));
            } else if (op.op === 'run') {
              await invoiceAll(t.db, m.merchantId, { interval: op.interval, batchSize: op.batch });
            } else if (orders.length > 0) {
              const target = orders[op.pick % orders.length]!;
              if (op.op === 'cancel') {
                await cancelOrder(t.db, systemClock, m.merchantId, target.uuid, 'x').catch(() => {});
              } else {
                const [line] = await linesOf(t.db, target.uuid);
                const ore = Math.min(op.ore, line!.amount_ore - line!.refunded_ore);
                if (ore > 0) await refundOrder(t.db, systemClock, m.merchantId, target.uuid, { type: 'regular', grandTotalOre: ore, lines: [{ lineId: line!.id, ore }] }).catch(() => {});
              }
            }
          }
          const docs = await t.db.query<{ number: number; kind: string; total_ore: number; credited_ore: number }>({
            text: 'SELECT number, kind, total_ore, credited_ore FROM invoices WHERE merchant_id = $1 ORDER BY number',
            values: [m.merchantId],
          });
          assert.deepEqual(docs.map((d) => d.number), docs.map((_, i) => i + 1), 'one gapless series');
          for (const d of docs) assert.ok(d.credited_ore <= d.total_ore, 'never credited beyond the invoice');
          // Every invoice's total is its orders' totals plus at most one fee.
          const sums = await t.db.query<{ total_ore: number; orders_ore: number }>({
            text: `SELECT i.total_ore, sum(o.grand_total_ore)::bigint AS orders_ore FROM invoices i
                   JOIN invoice_orders io ON io.invoice_id = i.id JOIN orders o ON o.id = io.order_id
                   WHERE i.merchant_id = $1 AND i.kind = 'invoice' GROUP BY i.id`,
            values: [m.merchantId],
          });
          for (const s of sums) assert.ok(s.total_ore === s.orders_ore || s.total_ore === s.orders_ore + 1500);
        },
      ),
      { numRuns: 25 },
    );
  });
});
