/** Where the dashboard's pages are: one place for the links between them. */

/** An invoice's or credit note's page; `merchantId` for an operator looking at all merchants (numbers are per merchant). */
export function documentHref(kind: 'invoice' | 'credit_note', number: number, merchantId: number | null = null, suffix = ''): string {
  return `/app/${kind === 'invoice' ? 'invoices' : 'credit-notes'}/${number}${suffix}${merchantId !== null ? `?m=${merchantId}` : ''}`;
}
