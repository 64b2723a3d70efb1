/**
 * `efaktura inkasso export` (SPEC §7): the claims handed to debt collection — each invoice that reached
 * INKASSO — with the debtor, the amounts and the documents the debt collector needs, each claim exported
 * once. The claims are locked, handed to `write` (the file, the screen) and marked exported in one
 * transaction, so a failed write exports nothing and two exports at once never hand over the same claim.
 */
import { formatOre } from '../../domain/money/money.ts';
import type { Db } from '../../store/db/db.ts';
import { lockClaimsToExport, markClaimsExported, type CollectionClaimRow } from '../../store/dunning.ts';

export interface CollectionClaim {
  merchantId: number;
  invoiceNumber: number;
  kid: string | null;
  debtor: {
    name: string;
    street: string;
    zip: string;
    city: string;
    country: string;
    email: string | null;
    /** A private debtor's fødselsnummer (the debt collector needs it); null for a business. */
    personalNumber: string | null;
    organisationNumber: string | null;
  };
  invoiceDate: string;
  dueDate: string;
  /** Kroner with two decimals, as the API writes amounts. */
  invoiceTotal: string;
  credited: string;
  paid: string;
  principal: string;
  fees: Array<{ kind: string; date: string; amount: string }>;
  feesTotal: string;
  interest: string;
  interestFrom: string;
  interestTo: string;
  total: string;
  reminderDate: string | null;
  noticeDate: string | null;
  handedOverOn: string;
  /** The file names of the documents as the file channel writes them (EFAKTURA_OUTBOX_DIR/<merchantId>/). */
  documents: string[];
}

function claimOf(row: CollectionClaimRow): CollectionClaim {
  const d = row.content;
  const earlier = (kind: string) => row.earlier_steps.find((s) => s.kind === kind) ?? null;
  const documents = [`${d.invoiceNumber}.pdf`, ...row.earlier_steps.filter((s) => s.has_document).map((s) => `${d.invoiceNumber}-${s.kind}.pdf`)];
  return {
    merchantId: row.merchant_id,
    invoiceNumber: d.invoiceNumber,
    kid: d.kid,
    debtor: {
      name: d.buyer.name, street: d.buyer.address.street, zip: d.buyer.address.zip, city: d.buyer.address.city,
      country: d.buyer.address.country, email: d.buyer.email,
      personalNumber: row.personal_number, organisationNumber: row.organization_number ?? d.buyer.organisationNumber,
    },
    invoiceDate: d.invoiceDate,
    dueDate: d.invoiceDueDate,
    invoiceTotal: formatOre(d.invoiceTotalOre),
    credited: formatOre(d.creditedOre),
    paid: formatOre(d.paidOre),
    principal: formatOre(d.outstandingOre),
    fees: d.fees.map((f) => ({ kind: f.kind, date: f.date, amount: formatOre(f.feeOre) })),
    feesTotal: formatOre(d.fees.reduce((sum, f) => sum + f.feeOre, 0)),
    interest: formatOre(d.interestOre),
    interestFrom: d.interestFrom,
    interestTo: d.interestTo,
    total: formatOre(d.totalOre),
    reminderDate: earlier('reminder')?.date ?? null,
    noticeDate: earlier('notice')?.date ?? null,
    handedOverOn: row.step_date,
    documents,
  };
}

export async function exportCollectionClaims(
  db: Db,
  opts: { merchantId?: number; now: Date; write?: (claims: CollectionClaim[]) => Promise<void> },
): Promise<CollectionClaim[]> {
  return db.transaction(async (tx) => {
    const rows = await lockClaimsToExport(tx, opts.merchantId ?? null);
    const claims = rows.map(claimOf);
    if (opts.write) await opts.write(claims);
    await markClaimsExported(tx, rows.map((r) => r.step_id), opts.now);
    return claims;
  });
}

/** The claims as CSV (RFC 4180: comma-separated, quoted where needed, CRLF), one line per claim. */
export function claimsCsv(claims: readonly CollectionClaim[]): string {
  const header = [
    'merchantId', 'invoiceNumber', 'kid', 'debtorName', 'street', 'zip', 'city', 'country', 'email', 'personalNumber', 'organisationNumber',
    'invoiceDate', 'dueDate', 'principal', 'fees', 'interest', 'total', 'reminderDate', 'noticeDate', 'handedOverOn', 'documents',
  ];
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = claims.map((c) => [
    c.merchantId, c.invoiceNumber, c.kid, c.debtor.name, c.debtor.street, c.debtor.zip, c.debtor.city, c.debtor.country, c.debtor.email,
    c.debtor.personalNumber, c.debtor.organisationNumber, c.invoiceDate, c.dueDate, c.principal,
    c.feesTotal, c.interest, c.total,
    c.reminderDate, c.noticeDate, c.handedOverOn, c.documents.join(' '),
  ].map(cell).join(','));
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}
