/**
 * Norwegian VAT treatment → UNCL5305 tax category (EN 16931 BT-118/BT-151):
 *   25/15/12 % (and any other positive rate) → S with that percent;
 *   0 % from a VAT-registered seller → Z: zero-rated supplies (fritak, merverdiavgiftsloven ch. 6 —
 *     books, newspapers, exports) keep the seller's right to deduct. E (exempt, unntak, ch. 3) would need a
 *     reason per line and is outside the VAT system; orders carry only a rate, and 0 % on an order from a
 *     registered seller is fritak in practice. Both pass the artefacts; Z needs no exemption reason.
 *   seller not VAT-registered → O ("not subject to VAT"): no percent, an exemption reason, no VAT id.
 */
import { cac, cbc, type XmlNode } from './ubl-xml.ts';

export interface TaxCategory {
  id: 'S' | 'Z' | 'O';
  /** Absent for O (BR-O-05: no rate on a line not subject to VAT). */
  percent: string | null;
}

export function taxCategoryOf(vatRate: string, sellerVatRegistered: boolean): TaxCategory {
  if (!sellerVatRegistered) return { id: 'O', percent: null };
  return Number(vatRate) === 0 ? { id: 'Z', percent: '0' } : { id: 'S', percent: vatRate };
}

/** `cac:TaxCategory` (document level) or `cac:ClassifiedTaxCategory` (line level). */
export function writeTaxCategory(parent: XmlNode, element: 'TaxCategory' | 'ClassifiedTaxCategory', category: TaxCategory): void {
  const node = cac(parent, element);
  cbc(node, 'ID', category.id);
  if (category.percent !== null) cbc(node, 'Percent', category.percent);
  if (category.id === 'O' && element === 'TaxCategory') cbc(node, 'TaxExemptionReason', 'Not subject to VAT');
  cbc(cac(node, 'TaxScheme'), 'ID', 'VAT');
}
