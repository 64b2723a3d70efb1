/**
 * Invoice documents for the renderer tests, computed with the real order arithmetic (SPEC §5) so the
 * figures are the ones production would print: one VAT rate, mixed 25/15/12/0, discounts, a fee, a
 * combined invoice, a MOD11 KID, credit notes, a business buyer.
 */
import type { DocumentLine, Language, VatSummary } from '../../../src/domain/invoicing/types.ts';
import type { DocumentLineGroup, InvoiceDocument } from '../../../src/domain/documents/invoice-document.ts';
import { parseDecimal } from '../../../src/domain/money/money.ts';
import { computeLine } from '../../../src/domain/money/totals.ts';

export interface LineSpec {
  description: string;
  quantity?: string;
  unitPriceOre: number;
  discountOre?: number;
  vatRate?: string;
}

export function line(spec: LineSpec, orderUuid: string | null = ORDER_A, kind: 'product' | 'fee' = 'product'): DocumentLine {
  const quantity = spec.quantity ?? '1';
  const vatRate = spec.vatRate ?? '25';
  const totals = computeLine({
    quantity: parseDecimal(quantity)!,
    rateOre: spec.unitPriceOre,
    discountOre: spec.discountOre ?? 0,
    taxPercent: parseDecimal(vatRate)!,
  });
  return {
    orderUuid,
    kind,
    description: spec.description,
    productId: kind === 'fee' ? null : `SKU-${spec.description.length}`,
    quantity,
    unitPriceOre: spec.unitPriceOre,
    discountOre: spec.discountOre ?? 0,
    vatRate,
    amountOre: totals.amountOre,
    vatOre: totals.vatOre,
  };
}

export const feeLine = (ore = 3900): DocumentLine => line({ description: 'Invoice fee', unitPriceOre: ore }, null, 'fee');

export function vatSummaryOf(lines: DocumentLine[]): VatSummary[] {
  const byRate = new Map<string, VatSummary>();
  for (const l of lines) {
    const entry = byRate.get(l.vatRate) ?? { rate: l.vatRate, netOre: 0, vatOre: 0, grossOre: 0 };
    entry.grossOre += l.amountOre;
    entry.vatOre += l.vatOre;
    entry.netOre = entry.grossOre - entry.vatOre;
    byRate.set(l.vatRate, entry);
  }
  return [...byRate.values()].sort((a, b) => Number(b.rate) - Number(a.rate));
}

export const ORDER_A = '0b5e6a52-9d1f-4f0e-8a51-3c1d2f7a9b01';
export const ORDER_B = '5f0c2b7e-1a4d-4c3b-9e8f-6d7a8b9c0d12';
export const ORDER_C = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c23';

export interface DocumentOptions {
  kind?: 'invoice' | 'creditNote';
  language?: Language;
  groups?: DocumentLineGroup[];
  fee?: DocumentLine | null;
  kid?: string | null;
  businessBuyer?: boolean;
  number?: number;
}

export function invoiceDocument(options: DocumentOptions = {}): InvoiceDocument {
  const kind = options.kind ?? 'invoice';
  const groups = options.groups ?? [
    {
      orderUuid: ORDER_A,
      orderDate: '2026-03-02',
      referenceNo: 'WEB-10042',
      lines: [
        line({ description: 'Ullgenser, blå, str. M', quantity: '2', unitPriceOre: 79900 }),
        line({ description: 'Sokker (3-pakning) – ull og bomull', quantity: '3', unitPriceOre: 14950, discountOre: 2000 }),
        line({ description: 'Kaffe, hele bønner 500 g', quantity: '1', unitPriceOre: 12990, vatRate: '15' }),
      ],
    },
  ];
  const fee = options.fee === undefined ? feeLine() : options.fee;
  const lines = [...groups.flatMap((g) => g.lines), ...(fee ? [fee] : [])];
  const latest = groups.map((g) => g.orderDate).sort().at(-1)!;
  return {
    kind,
    number: options.number ?? (kind === 'invoice' ? 1042 : 1043),
    creditsInvoiceNumber: kind === 'creditNote' ? 1042 : null,
    issueDate: '2026-03-05',
    deliveryDate: latest,
    dueDate: kind === 'invoice' ? '2026-03-19' : null,
    language: options.language ?? 'no',
    currency: 'NOK',
    seller: {
      legalName: 'Fjordtekstil Nordvik AS',
      organisationNumber: '123456785',
      vatRegistered: true,
      inForetaksregisteret: true,
      address: { street: 'Strandgata 14', zip: '5013', city: 'Bergen', country: 'NO' },
      accountNumber: '12345678903',
      email: 'faktura@fjordtekstil.no',
    },
    buyer: options.businessBuyer
      ? {
          name: 'Økern Bygg og Anlegg AS',
          address: { street: 'Økernveien 99', zip: '0579', city: 'Oslo', country: 'NO' },
          email: 'regnskap@okernbygg.no',
          organisationNumber: '987654325',
        }
      : {
          name: 'Åse Ødegård Bærheim',
          address: { street: 'Kjærlighetsstien 7 B', zip: '7030', city: 'Trondheim', country: 'NO' },
          email: 'ase.baerheim@example.no',
          organisationNumber: null,
        },
    kid: options.kid === undefined ? (kind === 'invoice' ? '0000042000010425' : null) : options.kid,
    groups,
    feeLine: fee,
    vatSummary: vatSummaryOf(lines),
    totalOre: lines.reduce((sum, l) => sum + l.amountOre, 0),
    references: { referenceNo: groups.length === 1 ? groups[0]!.referenceNo : null, customerReference: 'Åse B.' },
  };
}

/** Lines at every Norwegian rate: 25 (general), 15 (food), 12 (transport, rooms), 0 (books, zero-rated). */
export const mixedRateLines = (orderUuid = ORDER_A): DocumentLine[] => [
  line({ description: 'Regnjakke', unitPriceOre: 149900, vatRate: '25' }, orderUuid),
  line({ description: 'Brunost 500 g', quantity: '3', unitPriceOre: 8990, vatRate: '15' }, orderUuid),
  line({ description: 'Hotellnatt, Bergen', quantity: '2', unitPriceOre: 119000, vatRate: '12' }, orderUuid),
  line({ description: 'Bok: «Norske folkeeventyr»', unitPriceOre: 34900, vatRate: '0' }, orderUuid),
];

export function combinedGroups(): DocumentLineGroup[] {
  return [
    { orderUuid: ORDER_A, orderDate: '2026-02-03', referenceNo: 'WEB-10001', lines: [line({ description: 'Wool sweater, navy', quantity: '1', unitPriceOre: 89900 }, ORDER_A)] },
    {
      orderUuid: ORDER_B,
      orderDate: '2026-02-11',
      referenceNo: null,
      lines: [
        line({ description: 'Hiking socks', quantity: '4', unitPriceOre: 12900, discountOre: 5160 }, ORDER_B),
        line({ description: 'Trail coffee', quantity: '2', unitPriceOre: 9950, vatRate: '15' }, ORDER_B),
      ],
    },
    { orderUuid: ORDER_C, orderDate: '2026-02-24', referenceNo: 'WEB-10077', lines: [line({ description: 'Ferry ticket Bergen–Stavanger', quantity: '1', unitPriceOre: 56000, vatRate: '12' }, ORDER_C)] },
  ];
}

/** Many lines, with odd quantities and fractions, to run over several pages. */
export function manyLines(count: number): DocumentLine[] {
  return Array.from({ length: count }, (_, i) =>
    line({
      description: i % 7 === 0 ? `Vare ${i + 1}: en lang beskrivelse som må brytes over flere linjer i tabellen, med æøå ÆØÅ` : `Vare ${i + 1}`,
      quantity: i % 5 === 0 ? '2.5' : String((i % 4) + 1),
      unitPriceOre: 1999 + i * 137,
      discountOre: i % 6 === 0 ? 500 : 0,
      vatRate: ['25', '15', '12', '0'][i % 4]!,
    }),
  );
}
