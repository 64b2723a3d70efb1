/**
 * The set-based import against the row-by-row one and against a simple model of the ledger (issue 9):
 * random mixes of exact, partial, over- and unknown-KID payments and reversals, several payments for one
 * invoice in one batch, a combined invoice, random batch sizes and files. Two merchants with the same
 * invoices (the same KIDs) get the same transactions, one set-based, one row-by-row; the summaries, the
 * invoices' paid amounts, the payments' states, the orders' statuses, events and callbacks must be the
 * same in both and as the model says (each order's events and callbacks, and each invoice's allocations,
 * in the same order).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DB_LABEL, openTestDb } from '../../helpers/harness.ts';
import { invoiceAll, storeOrder } from '../../helpers/invoicing.ts';
import { callbacksOf, importText, invoiceOf, merchantWithAccount, ocr, pay } from './payment-helpers.ts';

/** Invoices 1–3 have one order each, invoice 4 two (a combined invoice); -1 is a KID no invoice has. */
const INVOICES = [1, 2, 3, 4];
type Amount = 'exact' | 'third' | 'over' | 'hundred';
interface Tx {
  reversal: boolean;
  invoice: number;
  amount: Amount;
}

const txArb: fc.Arbitrary<Tx> = fc.record({
  reversal: fc.constantFrom(false, false, true),
  invoice: fc.constantFrom(-1, ...INVOICES),
  amount: fc.constantFrom<Amount>('exact', 'third', 'over', 'hundred'),
});

const scenarioArb = fc.record({
  transactions: fc.array(txArb, { minLength: 1, maxLength: 14 }),
  /** Where the transactions are cut into two files (0: one file). */
  split: fc.nat({ max: 14 }),
  batchSize: fc.constantFrom(1, 2, 3, 5, 5000),
});

interface World {
  merchantId: number;
  account: string;
  invoices: Map<number, { kid: string; due: number; orders: string[] }>;
}

interface Model {
  counts: Record<string, number>;
  paid: Map<number, number>;
  /** Callbacks per order uuid index (invoice, position), after INVOICED. */
  callbacks: Map<string, string[]>;
}

function amountOf(w: World, t: Tx): number {
  const due = t.invoice === -1 ? 30_000 : w.invoices.get(t.invoice)!.due;
  return { exact: due, third: Math.floor(due / 3), over: due + 100, hundred: 100 }[t.amount];
}

/** The ledger as SPEC §7 says, one transaction after the other. */
function model(w: World, txs: Tx[]): Model {
  const counts = { imported: txs.length, duplicates: 0, matched: 0, partial: 0, overpaid: 0, unmatched: 0, reversed: 0 };
  const paid = new Map(INVOICES.map((n) => [n, 0]));
  const callbacks = new Map<string, string[]>();
  for (const n of INVOICES) for (const o of w.invoices.get(n)!.orders) callbacks.set(o, []);
  const payments: Array<{ invoice: number; amount: number; matched: boolean; reversed: boolean }> = [];
  for (const t of txs) {
    const amount = amountOf(w, t);
    const inv = t.invoice === -1 ? null : w.invoices.get(t.invoice)!;
    if (!t.reversal) {
      payments.push({ invoice: t.invoice, amount, matched: inv !== null, reversed: false });
      if (inv === null) {
        counts.unmatched += 1;
        continue;
      }
      const before = paid.get(t.invoice)!;
      const afterPaid = before + amount;
      paid.set(t.invoice, afterPaid);
      counts[afterPaid < inv.due ? 'partial' : afterPaid === inv.due ? 'matched' : 'overpaid'] += 1;
      if (before < inv.due && afterPaid >= inv.due) for (const o of inv.orders) callbacks.get(o)!.push('PAID');
      continue;
    }
    const original = payments.findLast((p) => p.invoice === t.invoice && p.amount === amount && !p.reversed);
    if (original === undefined) {
      counts.unmatched += 1;
      continue;
    }
    original.reversed = true;
    counts.reversed += 1;
    if (!original.matched) continue;
    const target = w.invoices.get(original.invoice)!;
    const before = paid.get(original.invoice)!;
    paid.set(original.invoice, before - amount);
    if (target.due > 0 && before >= target.due && before - amount < target.due) for (const o of target.orders) callbacks.get(o)!.push('INVOICED');
  }
  return { counts, paid, callbacks };
}

/** Stable sort by the first element (an order or invoice): each one's rows keep their id order. */
const byFirst = <T extends [number, ...unknown[]]>(rows: T[]): T[] => rows.map((r, i) => [r, i] as const).sort((a, b) => a[0][0] - b[0][0] || a[1] - b[1]).map(([r]) => r);

describe(`set-based payment import equals row-by-row and the model (${DB_LABEL})`, () => {
  let t: Awaited<ReturnType<typeof openTestDb>>;
  before(async () => {
    t = await openTestDb();
  });
  after(async () => {
    await t.close();
  });

  async function world(): Promise<World> {
    const m = await merchantWithAccount(t.db);
    const singles = [];
    for (let i = 0; i < 3; i++) singles.push(await storeOrder(t.db, m.merchantId, { fee: false, personalNumber: `1234567890${i}` }));
    await invoiceAll(t.db, m.merchantId);
    const combined = [];
    for (let i = 0; i < 2; i++) combined.push(await storeOrder(t.db, m.merchantId, { interval: 1, separate: false, fee: false, personalNumber: '12345678909' }));
    await invoiceAll(t.db, m.merchantId, { interval: 1 });
    const invoices = new Map<number, { kid: string; due: number; orders: string[] }>();
    for (const n of INVOICES) {
      const i = await invoiceOf(t.db, m.merchantId, n);
      invoices.set(n, { kid: i.kid, due: i.total_ore, orders: n <= 3 ? [singles[n - 1]!.uuid] : combined.map((o) => o.uuid) });
    }
    return { ...m, invoices };
  }

  async function importInto(w: World, txs: Tx[], split: number, batchSize: number, rowByRow: boolean) {
    const lines = txs.map((x) => pay(x.invoice === -1 ? '99999999999999' : w.invoices.get(x.invoice)!.kid, amountOf(w, x), x.reversal ? '18' : '10'));
    const cut = split > 0 && split < lines.length ? [lines.slice(0, split), lines.slice(split)] : [lines];
    const total: Record<string, number> = {};
    for (const part of cut) {
      const s = await importText(t.db, ocr(w.account, part), { batchSize, rowByRow });
      for (const k of ['imported', 'duplicates', 'matched', 'partial', 'overpaid', 'unmatched', 'reversed'] as const) total[k] = (total[k] ?? 0) + s[k];
    }
    return total;
  }

  /**
   * Everything the import wrote, with the ids that differ between two merchants replaced by positions.
   * Events and callbacks in id order per order, allocations per invoice: the set-based path writes the
   * invoices paid once in a batch before those paid twice, so ids of different invoices may interleave
   * differently — nothing reads them in that order (callbacks go out per order, SPEC §4).
   */
  async function state(w: World) {
    const payments = await t.db.query<{ id: number; state: string; invoice: number | null; reversal_of: number | null }>({
      text: `SELECT p.id, p.state, (SELECT number FROM invoices i WHERE i.id = p.invoice_id)::int AS invoice, p.reversal_of
             FROM payments p WHERE p.merchant_id = $1 ORDER BY p.id`,
      values: [w.merchantId],
    });
    const position = new Map(payments.map((p, i) => [p.id, i]));
    const orders = await t.db.query<{ uuid: string; status: string; paid_ore: number }>({
      text: 'SELECT uuid, status, paid_ore FROM orders WHERE merchant_id = $1 ORDER BY id', values: [w.merchantId],
    });
    const events = await t.db.query<{ uuid: string; from_status: string; to_status: string; reason: string; actor: string }>({
      text: `SELECT o.uuid, e.from_status, e.to_status, e.reason, e.actor FROM order_events e JOIN orders o ON o.id = e.order_id
             WHERE o.merchant_id = $1 AND e.actor LIKE 'bank-file:%' ORDER BY e.id`,
      values: [w.merchantId],
    });
    const callbacks = await t.db.query<{ uuid: string; status: string }>({
      text: 'SELECT o.uuid, c.status FROM callback_events c JOIN orders o ON o.id = c.order_id WHERE o.merchant_id = $1 ORDER BY c.id',
      values: [w.merchantId],
    });
    const allocations = await t.db.query<{ payment_id: number; invoice: number; amount_ore: number }>({
      text: `SELECT a.payment_id, i.number::int AS invoice, a.amount_ore FROM payment_allocations a JOIN invoices i ON i.id = a.invoice_id
             WHERE i.merchant_id = $1 ORDER BY a.id`,
      values: [w.merchantId],
    });
    const orderIndex = new Map(orders.map((o, i) => [o.uuid, i]));
    const paymentIds = (s: string) => s.replace(/payment (\d+)/g, (_, id: string) => `payment #${position.get(Number(id))}`)
      .replace(/reversed by (\d+)/g, (_, id: string) => `reversed by #${position.get(Number(id))}`);
    return {
      payments: payments.map((p) => [p.state, p.invoice, p.reversal_of === null ? null : position.get(p.reversal_of)]),
      invoices: await Promise.all(INVOICES.map(async (n) => (await invoiceOf(t.db, w.merchantId, n)).paid_ore)),
      orders: orders.map((o) => [o.status, o.paid_ore]),
      events: byFirst(events.map((e) => [orderIndex.get(e.uuid)!, e.from_status, e.to_status, paymentIds(e.reason)])),
      callbacks: byFirst(callbacks.map((c) => [orderIndex.get(c.uuid)!, c.status])),
      allocations: byFirst(allocations.map((a) => [a.invoice, position.get(a.payment_id), a.amount_ore])),
    };
  }

  test('random mixes: the same rows either way, and what the model says', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ transactions, split, batchSize }) => {
        const setWorld = await world();
        const rowWorld = await world();
        const setSummary = await importInto(setWorld, transactions, split, batchSize, false);
        const rowSummary = await importInto(rowWorld, transactions, split, batchSize, true);
        const expected = model(setWorld, transactions);
        assert.deepEqual(setSummary, expected.counts, 'set-based summary vs the model');
        assert.deepEqual(rowSummary, expected.counts, 'row-by-row summary vs the model');
        const setState = await state(setWorld);
        assert.deepEqual(setState, await state(rowWorld), 'set-based rows vs row-by-row rows');
        assert.deepEqual(setState.invoices, INVOICES.map((n) => expected.paid.get(n)), 'paid per invoice vs the model');
        for (const uuid of [...setWorld.invoices.values()].flatMap((i) => i.orders)) {
          assert.deepEqual(await callbacksOf(t.db, uuid), ['INVOICED', ...expected.callbacks.get(uuid)!], `callbacks of order ${uuid} vs the model`);
        }
      }),
      { numRuns: Number(process.env.PAYMENT_PROPERTY_RUNS || 25) },
    );
  });
});
