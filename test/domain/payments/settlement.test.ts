import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decideInvoicePayment, reversalUnsettles, spreadOverOrders } from '../../../src/domain/payments/settlement.ts';
import { decidePaymentReversal } from '../../../src/domain/orders/lifecycle.ts';
import { accountToBban } from '../../../src/domain/payments/bank-transaction.ts';

describe('what a payment does to an invoice', () => {
  test('full, partial, the last of several partials, over-payment, and a payment on a paid or credited invoice', () => {
    assert.deepEqual(decideInvoicePayment(49900, 0, 49900), { outcome: 'matched', settles: true });
    assert.deepEqual(decideInvoicePayment(49900, 0, 20000), { outcome: 'partial', settles: false });
    assert.deepEqual(decideInvoicePayment(49900, 20000, 29900), { outcome: 'matched', settles: true });
    assert.deepEqual(decideInvoicePayment(49900, 20000, 40000), { outcome: 'overpaid', settles: true });
    assert.deepEqual(decideInvoicePayment(49900, 49900, 100), { outcome: 'overpaid', settles: false });
    assert.deepEqual(decideInvoicePayment(0, 0, 100), { outcome: 'overpaid', settles: false });
  });
  test('a reversal unsettles only an invoice it takes below what is due', () => {
    assert.equal(reversalUnsettles(49900, 49900, 49900), true);
    assert.equal(reversalUnsettles(49900, 60000, 10000), false);
    assert.equal(reversalUnsettles(49900, 60000, 10101), true);
    assert.equal(reversalUnsettles(49900, 20000, 20000), false);
    assert.equal(reversalUnsettles(0, 100, 100), false);
  });
  test('exactly one payment of a sequence settles an invoice that ends up paid', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.integer({ min: 1, max: 300_000 }), { minLength: 1, maxLength: 10 }), (due, payments) => {
      let paid = 0;
      let settled = 0;
      for (const p of payments) {
        if (decideInvoicePayment(due, paid, p).settles) settled += 1;
        paid += p;
      }
      assert.equal(settled, paid >= due ? 1 : 0);
    }));
  });
});

describe('a payment spread over the orders of an invoice', () => {
  test('order by order up to each due amount, the rest (fee, surplus) on the last; a reversal from the last back', () => {
    const orders = [{ id: 1, dueOre: 1000, paidOre: 0 }, { id: 2, dueOre: 500, paidOre: 0 }];
    assert.deepEqual([...spreadOverOrders(1700, orders)], [[1, 1000], [2, 700]]);
    assert.deepEqual([...spreadOverOrders(600, orders)], [[1, 600]]);
    assert.deepEqual([...spreadOverOrders(-800, [{ id: 1, dueOre: 0, paidOre: 1000 }, { id: 2, dueOre: 0, paidOre: 700 }])], [[2, -700], [1, -100]]);
  });
  test('the shares always add up to the amount when there is enough to take back', () => {
    fc.assert(fc.property(fc.array(fc.record({ id: fc.nat(), dueOre: fc.nat(10_000), paidOre: fc.nat(10_000) }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 50_000 }), (orders, amount) => {
      const unique = orders.map((o, i) => ({ ...o, id: i }));
      const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
      assert.equal(sum(spreadOverOrders(amount, unique)), amount);
      const held = unique.reduce((a, o) => a + o.paidOre, 0);
      assert.equal(sum(spreadOverOrders(-amount, unique)), 0 - Math.min(amount, held) || 0);
    }));
  });
});

describe('a reversed payment and the order status', () => {
  test('a PAID order goes back to the status it had before it was paid; others stay', () => {
    assert.equal(decidePaymentReversal('PAID', 'INVOICED'), 'INVOICED');
    assert.equal(decidePaymentReversal('PAID', 'PURRING'), 'PURRING');
    assert.equal(decidePaymentReversal('PAID', 'INKASSO'), 'INKASSO');
    assert.equal(decidePaymentReversal('PAID', 'PARTIAL REFUNDED'), 'PARTIAL REFUNDED');
    assert.equal(decidePaymentReversal('PAID', null), null);
    assert.equal(decidePaymentReversal('REFUNDED', 'INVOICED'), null);
    assert.equal(decidePaymentReversal('PARTIAL REFUNDED', 'INVOICED'), null);
  });
});

describe('accounts', () => {
  test('a Norwegian IBAN is read as its BBAN; other text stays', () => {
    assert.equal(accountToBban('NO93 8601 1117 947'), '86011117947');
    assert.equal(accountToBban('15032080119'), '15032080119');
    assert.equal(accountToBban('SE4550000000058398257466'), 'SE4550000000058398257466');
  });
});
