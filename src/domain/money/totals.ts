/**
 * Order arithmetic (SPEC §5), in exact integers. Prices are VAT-inclusive (as the FPGO Connect docs send
 * them), so VAT is extracted from each line, never added on top:
 *   line amount = quantity × rate − discount            (rounded to øre)
 *   line VAT    = amount × tax / (100 + tax)            (rounded to øre per line)
 *   grandTotal  = Σ amount, totalTax = Σ VAT, totalDiscount = Σ discount, subTotal = grandTotal − totalTax
 * Docs' vector: 1 × 4500.00 at 12 % → VAT 482.14, subTotal 4017.86, grandTotal 4500.00.
 * Rounding is half away from zero ("half-up" in bookkeeping), so a credit line (negative amounts) is the
 * exact mirror of the line it reverses.
 */
import type { Decimal } from './money.ts';

export interface LineInput {
  /** May be fractional (hours, kilograms); must be ≥ 0 for a sale, negative for a credit line. */
  quantity: Decimal;
  /** Unit price including VAT, øre. */
  rateOre: number;
  /** Amount taken off the line, øre (0 when none). */
  discountOre: number;
  /** VAT rate in percent, e.g. 25 or 11.11; must be ≥ 0. */
  taxPercent: Decimal;
}

export interface LineTotals {
  /** quantity × rate, rounded to øre, before the discount. */
  grossOre: number;
  discountOre: number;
  /** What the customer pays for this line, VAT included. */
  amountOre: number;
  vatOre: number;
  /** amount − VAT. */
  netOre: number;
}

export interface OrderSummary {
  subTotalOre: number;
  totalTaxOre: number;
  totalDiscountOre: number;
  grandTotalOre: number;
}

/** numerator / denominator rounded to the nearest integer, halves away from zero. denominator must be > 0. */
export function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const magnitude = ((numerator < 0n ? -numerator : numerator) * 2n + denominator) / (denominator * 2n);
  return numerator < 0n ? -magnitude : magnitude;
}

/**
 * quantity × rate in øre, rounded, as a bigint so callers (validation) can check it against
 * MAX_AMOUNT_ORE before it has to fit in a number.
 */
export function lineGrossOre(quantity: Decimal, rateOre: number): bigint {
  return roundHalfUp(quantity.units * BigInt(rateOre), 10n ** BigInt(quantity.scale));
}

/** The VAT contained in a VAT-inclusive amount: amount × tax / (100 + tax), rounded to øre. */
export function lineVatOre(amountOre: number, taxPercent: Decimal): number {
  if (taxPercent.units < 0n) throw new RangeError('tax percent must not be negative');
  // tax = t / 10^s, so amount × tax / (100 + tax) = amount × t / (100 × 10^s + t).
  const vat = roundHalfUp(BigInt(amountOre) * taxPercent.units, 100n * 10n ** BigInt(taxPercent.scale) + taxPercent.units);
  return toSafe(vat);
}

/** Computes one line. Throws RangeError only on inputs that validation rules out (unsafe results, negative tax). */
export function computeLine(line: LineInput): LineTotals {
  const grossOre = toSafe(lineGrossOre(line.quantity, line.rateOre));
  const amountOre = toSafe(BigInt(grossOre) - BigInt(line.discountOre));
  const vatOre = lineVatOre(amountOre, line.taxPercent);
  return { grossOre, discountOre: line.discountOre, amountOre, vatOre, netOre: amountOre - vatOre };
}

/** Sums lines into the order summary (SPEC §5); subTotal is the net of VAT. */
export function computeSummary(lines: readonly LineTotals[]): OrderSummary {
  let grand = 0n;
  let tax = 0n;
  let discount = 0n;
  for (const line of lines) {
    grand += BigInt(line.amountOre);
    tax += BigInt(line.vatOre);
    discount += BigInt(line.discountOre);
  }
  return {
    subTotalOre: toSafe(grand - tax),
    totalTaxOre: toSafe(tax),
    totalDiscountOre: toSafe(discount),
    grandTotalOre: toSafe(grand),
  };
}

function toSafe(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`amount ${value} øre is beyond a safe integer`);
  }
  return Number(value);
}
