/**
 * Net, VAT and gross per VAT rate of a document (SPEC §6.3): gross = Σ line amounts, vat = Σ line VAT (each
 * line rounded on its own, SPEC §5), net = gross − vat. Summing the lines' VAT instead of recomputing it on
 * the rate's total keeps the document equal to the order the merchant was told about, and net + vat = gross
 * holds to the øre as EN 16931 requires.
 */
import type { DocumentLine, VatRate, VatSummary } from './types.ts';
import { compareDecimal, formatDecimal, parseDecimal } from '../money/money.ts';
import type { Decimal } from '../money/money.ts';

/** A VAT rate as a number: "25", "25.0" and "25.00" are one rate. Throws on text that is not a rate. */
export function parseVatRate(rate: VatRate): Decimal {
  const d = parseDecimal(rate);
  if (d === null || typeof rate !== 'string' || d.units < 0n) throw new RangeError(`not a VAT rate: "${rate}"`);
  return d;
}

/** The canonical text of a rate ("25.00" → "25"), used as the key of its summary. */
export function normalizeVatRate(rate: VatRate): VatRate {
  return formatDecimal(parseVatRate(rate));
}

export function summarizeVat(lines: readonly DocumentLine[]): VatSummary[] {
  const byRate = new Map<VatRate, { gross: number; vat: number }>();
  for (const line of lines) {
    const rate = normalizeVatRate(line.vatRate);
    const sum = byRate.get(rate) ?? { gross: 0, vat: 0 };
    sum.gross += line.amountOre;
    sum.vat += line.vatOre;
    byRate.set(rate, sum);
  }
  return [...byRate]
    .sort(([a], [b]) => compareDecimal(parseVatRate(a), parseVatRate(b)))
    .map(([rate, { gross, vat }]) => ({ rate, netOre: gross - vat, vatOre: vat, grossOre: gross }));
}
