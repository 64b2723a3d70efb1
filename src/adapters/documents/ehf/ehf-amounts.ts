/**
 * The EHF's numbers, derived from VAT-inclusive øre so the EN 16931 arithmetic holds to the øre:
 *   line net (BT-131)       = line amount − line VAT               (exact, integer øre)
 *   taxable per rate (BT-116) = Σ line nets at the rate = gross − VAT  → BR-S-08, BR-CO-10 exact
 *   TaxInclusive (BT-112)   = TaxExclusive + Σ VAT = Σ gross      → BR-CO-13/14/15/16 exact
 *   BR-S-09/BR-CO-17 (VAT = taxable × rate) allow ±1 NOK; per-line rounding stays far inside it.
 * The net unit price (BT-146) is the one inexact figure: PEPPOL-EN16931-R120 allows 0.02 between
 * quantity × price − allowance and the line net, so the price gets enough decimals for any quantity.
 */
import type { DocumentLine } from '../../../domain/invoicing/types.ts';
import { parseDecimal, type Decimal } from '../../../domain/money/money.ts';
import { roundHalfUp } from '../../../domain/money/totals.ts';

/** øre → "1234.50": two decimals, a point, no grouping, as UBL amounts are written. */
export function ehfAmount(ore: number): string {
  const sign = ore < 0 ? '-' : '';
  const abs = Math.abs(ore);
  return `${sign}${Math.floor(abs / 100)}.${(abs % 100).toString().padStart(2, '0')}`;
}

function decimalOf(text: string): Decimal {
  const value = parseDecimal(text);
  if (!value) throw new RangeError(`not a decimal: ${text}`);
  return value;
}

/** units / 10^scale → plain decimal text with `scale` decimals. */
function scaledText(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

export interface EhfLineAmounts {
  /** BT-131, øre. */
  netOre: number;
  /** The discount without its VAT (BT-136), øre; 0 when the line has none. */
  allowanceNetOre: number;
  /** BT-146 as decimal text in NOK. */
  netPrice: string;
}

/** A net amount contained in a VAT-inclusive one: amount × 100 / (100 + rate), rounded to øre. */
function netOf(amountOre: number, rate: Decimal): number {
  const hundred = 100n * 10n ** BigInt(rate.scale);
  return Number(roundHalfUp(BigInt(amountOre) * hundred, hundred + rate.units));
}

export function ehfLineAmounts(line: DocumentLine): EhfLineAmounts {
  const rate = decimalOf(line.vatRate);
  const quantity = decimalOf(line.quantity);
  const netOre = line.amountOre - line.vatOre;
  const allowanceNetOre = line.discountOre === 0 ? 0 : netOf(line.discountOre, rate);
  const beforeAllowanceOre = BigInt(netOre + allowanceNetOre);
  if (quantity.units === 0n) return { netOre, allowanceNetOre, netPrice: ehfAmount(netOf(line.unitPriceOre, rate)) };
  // Decimals for the price: 4 more than the quantity has integer digits, so quantity × rounding error < 0.0001 NOK.
  const integerDigits = (quantity.units / 10n ** BigInt(quantity.scale)).toString().length;
  const decimals = Math.min(4 + integerDigits, 12);
  // price (NOK, `decimals` places) = beforeAllowance øre / quantity / 100.
  const priceUnits = roundHalfUp(
    beforeAllowanceOre * 10n ** BigInt(quantity.scale) * 10n ** BigInt(decimals),
    quantity.units * 100n,
  );
  return { netOre, allowanceNetOre, netPrice: scaledText(priceUnits, decimals) };
}
