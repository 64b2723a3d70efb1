/**
 * What a payment or its reversal does to an invoice (SPEC §7). Amounts in øre. An invoice's due amount is
 * its total less its credit notes; what is paid beyond that is surplus, what is missing is outstanding
 * (never negative either way).
 */

export type PaymentOutcome = 'matched' | 'partial' | 'overpaid';

/**
 * `matched`: the invoice is now paid exactly; `partial`: something is still outstanding; `overpaid`: more
 * than due has been paid (also a payment on an invoice already paid or fully credited). `settles` is true
 * for the one payment that takes the invoice from owing to paid: only then do its orders become PAID.
 */
export function decideInvoicePayment(dueOre: number, paidBeforeOre: number, amountOre: number): { outcome: PaymentOutcome; settles: boolean } {
  const after = paidBeforeOre + amountOre;
  return {
    outcome: after < dueOre ? 'partial' : after === dueOre ? 'matched' : 'overpaid',
    settles: paidBeforeOre < dueOre && after >= dueOre,
  };
}

/** True when taking `amountOre` back makes a settled invoice owe again: its PAID orders go back. */
export function reversalUnsettles(dueOre: number, paidBeforeOre: number, amountOre: number): boolean {
  return dueOre > 0 && paidBeforeOre >= dueOre && paidBeforeOre - amountOre < dueOre;
}

export interface OrderShare {
  id: number;
  /** What the order still owes: its total less refunds and what it has been given already. */
  dueOre: number;
  paidOre: number;
}

/**
 * How a payment on an invoice is shown on its orders (`amountPaid`): filled order by order up to each
 * order's due amount, the rest (the invoice fee, a surplus) on the last order. A negative amount (a
 * reversal) is taken back from the last order first, never below zero.
 */
export function spreadOverOrders(amountOre: number, orders: readonly OrderShare[]): Map<number, number> {
  const shares = new Map<number, number>();
  if (orders.length === 0) return shares;
  let left = amountOre;
  if (amountOre >= 0) {
    for (const [i, o] of orders.entries()) {
      const share = i === orders.length - 1 ? left : Math.min(left, Math.max(0, o.dueOre));
      if (share !== 0) shares.set(o.id, share);
      left -= share;
    }
  } else {
    for (const o of [...orders].reverse()) {
      const share = Math.max(left, -o.paidOre);
      if (share !== 0) shares.set(o.id, share);
      left -= share;
    }
  }
  return shares;
}
