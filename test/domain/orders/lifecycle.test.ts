import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ORDER_STATUSES,
  canTransition,
  decideCancel,
  decideCollection,
  decideInvoice,
  decidePayment,
  decideRefund,
  decideReminder,
  hasInvoiceNumber,
  isFinalStatus,
  isOrderStatus,
  type OrderStatus,
} from '../../../src/domain/orders/lifecycle.ts';

describe('order statuses', () => {
  it('are the eight FPGO spellings, with the space in PARTIAL REFUNDED', () => {
    assert.deepEqual(
      [...ORDER_STATUSES].sort(),
      ['CANCELLED', 'INKASSO', 'INVOICED', 'PAID', 'PARTIAL REFUNDED', 'PURRING', 'REFUNDED', 'SENT'],
    );
    assert.equal(isOrderStatus('PARTIAL REFUNDED'), true);
    assert.equal(isOrderStatus('PARTIAL_REFUNDED'), false);
    assert.equal(isOrderStatus('paid'), false);
    assert.equal(isOrderStatus(undefined), false);
  });

  it('only CANCELLED and REFUNDED are final', () => {
    assert.deepEqual(ORDER_STATUSES.filter(isFinalStatus), ['CANCELLED', 'REFUNDED']);
  });

  it('an invoice number exists once invoiced (SPEC §2.3 list)', () => {
    assert.deepEqual(
      ORDER_STATUSES.filter(hasInvoiceNumber).sort(),
      ['INKASSO', 'INVOICED', 'PAID', 'PARTIAL REFUNDED', 'PURRING', 'REFUNDED'],
    );
  });
});

describe('canTransition', () => {
  const allowed: Record<OrderStatus, OrderStatus[]> = {
    SENT: ['INVOICED', 'CANCELLED'],
    INVOICED: ['PAID', 'PURRING', 'CANCELLED', 'PARTIAL REFUNDED', 'REFUNDED'],
    PURRING: ['PAID', 'INKASSO', 'CANCELLED', 'PARTIAL REFUNDED', 'REFUNDED'],
    INKASSO: ['PAID'],
    PAID: ['PARTIAL REFUNDED', 'REFUNDED', 'INVOICED', 'PURRING', 'INKASSO'],
    'PARTIAL REFUNDED': ['PARTIAL REFUNDED', 'REFUNDED', 'PAID', 'PURRING'],
    CANCELLED: [],
    REFUNDED: [],
  };
  for (const from of ORDER_STATUSES) {
    for (const to of ORDER_STATUSES) {
      const expected = allowed[from].includes(to);
      it(`${from} → ${to} is ${expected ? 'allowed' : 'forbidden'}`, () => {
        assert.equal(canTransition(from, to), expected);
      });
    }
  }
});

describe('decideCancel', () => {
  const cases: Array<[OrderStatus, ReturnType<typeof decideCancel>]> = [
    ['SENT', { ok: true, to: 'CANCELLED', needsCreditNote: false }],
    ['INVOICED', { ok: true, to: 'CANCELLED', needsCreditNote: true }],
    ['PURRING', { ok: true, to: 'CANCELLED', needsCreditNote: true }],
    ['PAID', { ok: false, error: 'orderStatusAlreadyPaid' }],
    ['CANCELLED', { ok: false, error: 'orderStatusAlreadyCancelled' }],
    ['REFUNDED', { ok: false, error: 'orderStatusAlreadyRefunded' }],
    ['PARTIAL REFUNDED', { ok: false, error: 'orderStatusAlreadyRefunded' }],
    ['INKASSO', { ok: false, error: 'orderStatusInInkasso' }],
  ];
  for (const [status, expected] of cases) {
    it(`${status} gives ${expected.ok ? `CANCELLED (credit note: ${expected.needsCreditNote})` : expected.error}`, () => {
      assert.deepEqual(decideCancel(status), expected);
    });
  }
});

describe('decideRefund', () => {
  it('rejects by status before looking at amounts', () => {
    assert.deepEqual(decideRefund('SENT', 5100, 0, 100), { ok: false, error: 'orderNotInvoicedYet' });
    assert.deepEqual(decideRefund('CANCELLED', 5100, 0, 100), { ok: false, error: 'orderStatusAlreadyCancelled' });
    assert.deepEqual(decideRefund('REFUNDED', 5100, 5100, 100), { ok: false, error: 'orderStatusAlreadyRefunded' });
    assert.deepEqual(decideRefund('INKASSO', 5100, 0, 100), { ok: false, error: 'orderStatusInInkasso' });
  });

  it('refunds part, then the rest, from an invoiced or paid order', () => {
    for (const status of ['INVOICED', 'PURRING', 'PAID'] as const) {
      assert.deepEqual(decideRefund(status, 5100, 0, 1000), { ok: true, to: 'PARTIAL REFUNDED', refundedTotalOre: 1000 });
      assert.deepEqual(decideRefund(status, 5100, 0, 5100), { ok: true, to: 'REFUNDED', refundedTotalOre: 5100 });
    }
    assert.deepEqual(decideRefund('PARTIAL REFUNDED', 5100, 1000, 4100), { ok: true, to: 'REFUNDED', refundedTotalOre: 5100 });
    assert.deepEqual(decideRefund('PARTIAL REFUNDED', 5100, 1000, 1), { ok: true, to: 'PARTIAL REFUNDED', refundedTotalOre: 1001 });
  });

  it('rejects more than what remains, by one øre', () => {
    assert.deepEqual(decideRefund('PAID', 5100, 0, 5101), { ok: false, error: 'refundRejectionForProductAmountExceed' });
    assert.deepEqual(decideRefund('PARTIAL REFUNDED', 5100, 5000, 101), { ok: false, error: 'refundRejectionForProductAmountExceed' });
  });

  it('throws on amounts the validator should have stopped (not øre, not positive)', () => {
    assert.throws(() => decideRefund('PAID', 5100, 0, 0), RangeError);
    assert.throws(() => decideRefund('PAID', 5100, 0, 10.5), RangeError);
    assert.throws(() => decideRefund('PAID', 5100, -1, 10), RangeError);
  });
});

describe('system decisions', () => {
  it('only SENT orders are invoiced', () => {
    assert.deepEqual(ORDER_STATUSES.filter((s) => decideInvoice(s) !== null), ['SENT']);
  });

  it('a payment gives PAID only when it settles the balance', () => {
    assert.equal(decidePayment('INVOICED', 5100, 0, 5100), 'PAID');
    assert.equal(decidePayment('INVOICED', 5100, 0, 6000), 'PAID'); // over-payment: surplus recorded elsewhere
    assert.equal(decidePayment('INVOICED', 5100, 0, 5099), null); // partial: stays INVOICED
    assert.equal(decidePayment('PURRING', 5100, 5000, 100), 'PAID');
    assert.equal(decidePayment('INKASSO', 5100, 0, 5100), 'PAID');
    assert.equal(decidePayment('PARTIAL REFUNDED', 4100, 0, 4100), 'PAID'); // credited before payment
    assert.equal(decidePayment('PARTIAL REFUNDED', 4100, 5100, 100), null); // paid, then partly refunded
    assert.equal(decidePayment('SENT', 5100, 0, 5100), null);
    assert.equal(decidePayment('CANCELLED', 5100, 0, 5100), null);
    assert.equal(decidePayment('REFUNDED', 0, 0, 5100), null);
  });

  it('reminds unpaid invoices only, and collects only after a reminder', () => {
    assert.equal(decideReminder('INVOICED', 5100), 'PURRING');
    assert.equal(decideReminder('PARTIAL REFUNDED', 4100), 'PURRING');
    assert.equal(decideReminder('PARTIAL REFUNDED', 0), null);
    assert.equal(decideReminder('PURRING', 5100), null);
    assert.equal(decideReminder('PAID', 5100), null);
    assert.equal(decideCollection('PURRING', 5100), 'INKASSO');
    assert.equal(decideCollection('PURRING', 0), null);
    assert.equal(decideCollection('INVOICED', 5100), null);
  });
});

// Property: whatever sequence of actions happens, the decision functions only ever produce transitions the
// table allows, final statuses stay final, and the refunded total never exceeds the order amount.
type Action =
  | { kind: 'invoice' }
  | { kind: 'pay'; ore: number }
  | { kind: 'remind' }
  | { kind: 'collect' }
  | { kind: 'cancel' }
  | { kind: 'refund'; ore: number };

const actionArbitrary: fc.Arbitrary<Action> = fc.oneof(
  fc.constant({ kind: 'invoice' as const }),
  fc.record({ kind: fc.constant('pay' as const), ore: fc.integer({ min: 1, max: 20_000 }) }),
  fc.constant({ kind: 'remind' as const }),
  fc.constant({ kind: 'collect' as const }),
  fc.constant({ kind: 'cancel' as const }),
  fc.record({ kind: fc.constant('refund' as const), ore: fc.integer({ min: 1, max: 20_000 }) }),
);

type Order = { status: OrderStatus; amountOre: number; refundedOre: number; paidOre: number };

function apply(order: Order, action: Action): OrderStatus | null {
  const dueOre = order.amountOre - order.refundedOre;
  const outstandingOre = dueOre - order.paidOre;
  switch (action.kind) {
    case 'invoice':
      return decideInvoice(order.status);
    case 'pay': {
      const to = decidePayment(order.status, dueOre, order.paidOre, action.ore);
      order.paidOre += action.ore;
      return to;
    }
    case 'remind':
      return decideReminder(order.status, outstandingOre);
    case 'collect':
      return decideCollection(order.status, outstandingOre);
    case 'cancel': {
      const decision = decideCancel(order.status);
      return decision.ok ? decision.to : null;
    }
    case 'refund': {
      const decision = decideRefund(order.status, order.amountOre, order.refundedOre, action.ore);
      if (!decision.ok) return null;
      order.refundedOre = decision.refundedTotalOre;
      return decision.to;
    }
  }
}

describe('lifecycle property', () => {
  it('random action sequences never break the transition table, finality or the refund cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 15_000 }), fc.array(actionArbitrary, { maxLength: 40 }), (amountOre, actions) => {
        const order: Order = { status: 'SENT', amountOre, refundedOre: 0, paidOre: 0 };
        for (const action of actions) {
          const from = order.status;
          const to = apply(order, action);
          if (isFinalStatus(from)) assert.equal(to, null, `${action.kind} moved final ${from}`);
          if (to !== null) {
            assert.ok(canTransition(from, to), `${action.kind}: ${from} → ${to} is not in the table`);
            order.status = to;
          }
          assert.ok(order.refundedOre <= order.amountOre, 'refunded more than the order amount');
          assert.equal(order.status === 'REFUNDED', order.refundedOre === order.amountOre);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
