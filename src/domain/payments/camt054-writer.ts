/**
 * Writes an ISO 20022 camt.054.001.08 BankToCustomerDebitCreditNotification for incoming KID payments
 * (reference note §3.2): one notification for one account, one booked entry per payment, each with one
 * transaction whose KID is `RmtInf/Strd/CdtrRefInf/Ref` (type SCOR) and whose bank reference is
 * `AcctSvcrRef` on the entry and the transaction. Account numbers are Norwegian BBAN (11 digits).
 *
 * Written by hand rather than with an XML library: the domain imports no package, and the document is
 * small and fixed; every text value goes through `escapeXml`.
 */
import type { CalendarDate } from '../invoicing/types.ts';
import { formatOre } from '../money/money.ts';

export const CAMT054_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:camt.054.001.08';

export interface Camt054Entry {
  /** Always positive; `reversal` marks a payment taken back. */
  amountOre: number;
  bookingDate: CalendarDate;
  valueDate: CalendarDate;
  /** The bank's unique reference of the payment. */
  bankReference: string;
  kid: string;
  debtorName?: string | null;
  debtorAccount?: string | null;
  reversal?: boolean;
}

export interface Camt054Notification {
  messageId: string;
  notificationId: string;
  /** ISO date-time, e.g. `2026-12-01T06:00:00`. */
  createdAt: string;
  /** The payee's account (BBAN, 11 digits). */
  account: string;
  currency?: string;
  entries: readonly Camt054Entry[];
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const bban = (account: string) => `<Id><Othr><Id>${escapeXml(account)}</Id><SchmeNm><Cd>BBAN</Cd></SchmeNm></Othr></Id>`;

function entryXml(e: Camt054Entry, currency: string): string {
  if (!Number.isSafeInteger(e.amountOre) || e.amountOre <= 0) throw new RangeError(`camt.054 amount must be a positive øre integer, got ${e.amountOre}`);
  const amount = `<Amt Ccy="${escapeXml(currency)}">${formatOre(e.amountOre)}</Amt>`;
  const debtor = [
    e.debtorName ? `<Dbtr><Pty><Nm>${escapeXml(e.debtorName)}</Nm></Pty></Dbtr>` : '',
    e.debtorAccount ? `<DbtrAcct>${bban(e.debtorAccount)}</DbtrAcct>` : '',
  ].join('');
  return [
    '   <Ntry>',
    `<NtryRef>${escapeXml(e.bankReference)}</NtryRef>`,
    amount,
    '<CdtDbtInd>CRDT</CdtDbtInd>',
    e.reversal ? '<RvslInd>true</RvslInd>' : '',
    '<Sts><Cd>BOOK</Cd></Sts>',
    `<BookgDt><Dt>${e.bookingDate}</Dt></BookgDt><ValDt><Dt>${e.valueDate}</Dt></ValDt>`,
    `<AcctSvcrRef>${escapeXml(e.bankReference)}</AcctSvcrRef>`,
    '<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>',
    '\n    <NtryDtls><TxDtls>',
    `<Refs><AcctSvcrRef>${escapeXml(e.bankReference)}</AcctSvcrRef></Refs>`,
    amount,
    '<CdtDbtInd>CRDT</CdtDbtInd>',
    debtor ? `<RltdPties>${debtor}</RltdPties>` : '',
    `<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>${escapeXml(e.kid)}</Ref></CdtrRefInf></Strd></RmtInf>`,
    '</TxDtls></NtryDtls>',
    '</Ntry>\n',
  ].join('');
}

export function writeCamt054(n: Camt054Notification): string {
  const currency = n.currency ?? 'NOK';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<Document xmlns="${CAMT054_NAMESPACE}"><BkToCstmrDbtCdtNtfctn>\n`,
    ` <GrpHdr><MsgId>${escapeXml(n.messageId)}</MsgId><CreDtTm>${escapeXml(n.createdAt)}</CreDtTm></GrpHdr>\n`,
    ` <Ntfctn><Id>${escapeXml(n.notificationId)}</Id><CreDtTm>${escapeXml(n.createdAt)}</CreDtTm>\n`,
    `  <Acct>${bban(n.account)}<Ccy>${escapeXml(currency)}</Ccy></Acct>\n`,
    ...n.entries.map((e) => entryXml(e, currency)),
    ' </Ntfctn></BkToCstmrDbtCdtNtfctn></Document>\n',
  ].join('');
}
