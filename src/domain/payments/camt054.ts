/**
 * ISO 20022 camt.054 (BankToCustomerDebitCreditNotification), versions .001.02 to .001.12 (reference note
 * §3.2): the notifications of one message, each for one account, hold entries; an entry may be a batch of
 * many KID payments (`NtryDtls/TxDtls`). This module reads an XML tree that the caller parsed (the domain
 * takes no XML library); element names are without namespace prefixes and every element is a list.
 *
 * Direction: money in is `CdtDbtInd = CRDT`; a credit taken back is `DBIT` with `RvslInd = true`. Other
 * entries (money out, a reversed debit) and entries not yet booked are not payments and are skipped.
 */
import { accountToBban, PaymentFileError, type BankTransaction, type PaymentFileHeader } from './bank-transaction.ts';

/** An element as the XML parser gives it: text, or its attributes (`@_name`), its text (`#text`) and its child elements. */
export type XmlNode = string | { [name: string]: XmlNode[] | string };

export const CAMT054_NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:camt\.054\.001\.(\d{2})$/;
const FIRST_VERSION = 2;
const LAST_VERSION = 12;

export interface Camt054File {
  header: PaymentFileHeader & { version: number };
  transactions: BankTransaction[];
  /** Entries or transactions that are not money in or a reversal of it, or not booked. */
  skipped: number;
}

function children(node: XmlNode | undefined, name: string): XmlNode[] {
  if (node === undefined || typeof node === 'string') return [];
  const value = node[name];
  return Array.isArray(value) ? value : [];
}

function child(node: XmlNode | undefined, ...path: string[]): XmlNode | undefined {
  let current = node;
  for (const name of path) current = children(current, name)[0];
  return current;
}

function text(node: XmlNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === 'string') return node.trim();
  const t = node['#text'];
  return typeof t === 'string' ? t.trim() : '';
}

function attribute(node: XmlNode | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  const a = node[`@_${name}`];
  return typeof a === 'string' ? a : undefined;
}

/** "1250.00" → 125000 øre, from the digits (never through a float); more than 2 decimals only when they are zeros. */
export function parseCamtAmount(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const m = /^(\d{1,16})(?:\.(\d{1,5}))?$/.exec(raw);
  if (!m) return null;
  const fraction = (m[2] ?? '').padEnd(5, '0');
  if (!/^\d\d000$/.test(fraction)) return null;
  const ore = BigInt(m[1]!) * 100n + BigInt(fraction.slice(0, 2));
  return ore <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(ore) : null;
}

function amountAt(node: XmlNode | undefined, where: string): number {
  const ore = parseCamtAmount(text(node));
  if (ore === null) throw new PaymentFileError(where, `the amount "${text(node) ?? ''}" is not a decimal amount with at most 2 decimals`);
  const currency = attribute(node, 'Ccy');
  if (currency !== undefined && currency !== 'NOK') throw new PaymentFileError(where, `only NOK can be imported, found currency "${currency}"`);
  return ore;
}

function accountOf(id: XmlNode | undefined): string | null {
  const iban = text(child(id, 'IBAN'));
  if (iban) return accountToBban(iban);
  const other = text(child(id, 'Othr', 'Id'));
  return other ? accountToBban(other) : null;
}

function dateOf(entry: XmlNode, where: string): string {
  for (const path of [['ValDt', 'Dt'], ['ValDt', 'DtTm'], ['BookgDt', 'Dt'], ['BookgDt', 'DtTm']]) {
    const value = text(child(entry, ...path));
    if (value === undefined) continue;
    const date = value.slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
      throw new PaymentFileError(`${where}/${path.join('/')}`, `"${value}" is not a date`);
    }
    return date;
  }
  throw new PaymentFileError(where, 'an entry needs a value date (ValDt) or a booking date (BookgDt)');
}

function isTrue(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}

/** A message's version and identity, and its element holding the notifications. */
export function readCamt054Message(root: XmlNode, namespace: string | null): { header: Camt054File['header']; message: XmlNode } {
  const version = CAMT054_NAMESPACE.exec(namespace ?? '');
  const document = child(root, 'Document');
  if (document === undefined) throw new PaymentFileError('', 'the XML is not an ISO 20022 message: its root element is not Document');
  if (!version) {
    throw new PaymentFileError('Document', `not a camt.054 notification: the namespace is "${namespace ?? ''}", expected urn:iso:std:iso:20022:tech:xsd:camt.054.001.NN`);
  }
  const versionNumber = Number(version[1]);
  if (versionNumber < FIRST_VERSION || versionNumber > LAST_VERSION) {
    throw new PaymentFileError('Document', `camt.054.001.${version[1]} is not supported; versions .001.02 to .001.12 are`);
  }
  const message = child(document, 'BkToCstmrDbtCdtNtfctn');
  if (message === undefined) throw new PaymentFileError('Document', 'a camt.054 message needs BkToCstmrDbtCdtNtfctn');
  const messageId = text(child(message, 'GrpHdr', 'MsgId'));
  if (!messageId) throw new PaymentFileError('Document/BkToCstmrDbtCdtNtfctn/GrpHdr', 'the message has no MsgId');
  return { header: { format: 'camt054', identity: messageId, version: versionNumber }, message };
}

/** The notifications of a message (Ntfctn elements); at least one. */
export function camt054Notifications(message: XmlNode): XmlNode[] {
  const notifications = children(message, 'Ntfctn');
  if (notifications.length === 0) throw new PaymentFileError('Document/BkToCstmrDbtCdtNtfctn', 'the message has no notification (Ntfctn)');
  return notifications;
}

/** The account (BBAN) of notification number `n` (1-based), a NOK account. */
export function camt054NotificationAccount(notification: XmlNode, n: number): string {
  const nWhere = `Ntfctn[${n}]`;
  const account = accountOf(child(notification, 'Acct', 'Id'));
  if (account === null) throw new PaymentFileError(`${nWhere}/Acct`, 'the notification names no account (Acct/Id/IBAN or Acct/Id/Othr/Id)');
  const accountCurrency = text(child(notification, 'Acct', 'Ccy'));
  if (accountCurrency && accountCurrency !== 'NOK') throw new PaymentFileError(`${nWhere}/Acct/Ccy`, `only NOK accounts can be imported, found "${accountCurrency}"`);
  return account;
}

/** Where an entry is: notification `n`, entry `e` (both 1-based); its transactions' positions follow `position`. */
export interface Camt054EntryPlace {
  n: number;
  e: number;
  account: string;
  /** Transactions (and skipped ones) before this entry in the file. */
  position: number;
}

/** One entry (Ntry): its transactions that are payments or reversals, and how many it skipped. */
export function readCamt054Entry(entry: XmlNode, place: Camt054EntryPlace): { transactions: BankTransaction[]; skipped: number; position: number } {
  const { account } = place;
  let { position } = place;
  let skipped = 0;
  const transactions: BankTransaction[] = [];
  const eWhere = `Ntfctn[${place.n}]/Ntry[${place.e}]`;
  const entryOre = amountAt(child(entry, 'Amt'), `${eWhere}/Amt`);
  const direction = text(child(entry, 'CdtDbtInd'));
  if (direction !== 'CRDT' && direction !== 'DBIT') throw new PaymentFileError(`${eWhere}/CdtDbtInd`, `must be CRDT or DBIT, found "${direction ?? ''}"`);
  const reversal = isTrue(text(child(entry, 'RvslInd')));
  // v02–v08 write the status as text, v09+ as Sts/Cd.
  const statusNode = child(entry, 'Sts');
  const status = text(child(statusNode, 'Cd')) ?? text(statusNode);
  const date = dateOf(entry, eWhere);
  const entryRef = text(child(entry, 'AcctSvcrRef')) || null;
  const domain = child(entry, 'BkTxCd', 'Domn');
  const code = domain ? [text(child(domain, 'Cd')), text(child(domain, 'Fmly', 'Cd')), text(child(domain, 'Fmly', 'SubFmlyCd'))].filter(Boolean).join('/') : null;
  const details = children(entry, 'NtryDtls').flatMap((d, i) => children(d, 'TxDtls').map((tx, t) => ({ tx, where: `${eWhere}/NtryDtls[${i + 1}]/TxDtls[${t + 1}]` })));
  const isPayment = status === 'BOOK' || status === undefined || status === '';
  const kind = direction === 'CRDT' && !reversal ? 'payment' : direction === 'DBIT' && reversal ? 'reversal' : null;
  if (details.length === 0) {
    position += 1;
    if (!isPayment || kind === null) skipped += 1;
    else {
      transactions.push({
        position, location: eWhere, kind, amountOre: entryOre, date, kid: null, bankReference: entryRef,
        payerAccount: null, toAccount: account, transactionType: code, text: null,
      });
    }
    return { transactions, skipped, position };
  }
  let sum = 0;
  for (const [t, { tx, where }] of details.entries()) {
    position += 1;
    const amountNode = child(tx, 'Amt') ?? child(tx, 'AmtDtls', 'TxAmt', 'Amt');
    const amountOre = amountNode !== undefined ? amountAt(amountNode, `${where}/Amt`) : details.length === 1 ? entryOre : null;
    if (amountOre === null) throw new PaymentFileError(where, 'a transaction of a batch entry needs its amount (Amt or AmtDtls/TxAmt/Amt)');
    if (amountOre === 0) throw new PaymentFileError(`${where}/Amt`, 'the amount of a transaction is 0.00');
    sum += amountOre;
    if (!isPayment || kind === null) {
      skipped += 1;
      continue;
    }
    const refs = text(child(tx, 'Refs', 'AcctSvcrRef')) || null;
    const kid = children(child(tx, 'RmtInf'), 'Strd').map((s) => text(child(s, 'CdtrRefInf', 'Ref'))).find((k) => k) ?? null;
    const unstructured = children(child(tx, 'RmtInf'), 'Ustrd').map(text).filter(Boolean).join(' ');
    transactions.push({
      position,
      location: where,
      kind,
      amountOre,
      date,
      kid: kid === null ? null : kid.replace(/\s+/g, ''),
      // A batch entry's own reference, numbered, when its transactions carry none: still stable across re-sent files.
      bankReference: refs ?? (entryRef === null ? null : details.length === 1 ? entryRef : `${entryRef}/${t + 1}`),
      payerAccount: accountOf(child(tx, 'RltdPties', 'DbtrAcct', 'Id')),
      toAccount: account,
      transactionType: code,
      text: unstructured || null,
    });
  }
  if (sum !== entryOre) {
    throw new PaymentFileError(`${eWhere}/Amt`, `the entry's amount is ${entryOre} øre; its transactions sum to ${sum} øre`);
  }
  return { transactions, skipped, position };
}

/**
 * Reads a parsed camt.054 document. `namespace` is the root element's namespace (the XML step knows it).
 * Throws a PaymentFileError naming the element for anything that does not make sense as a whole.
 */
export function readCamt054(root: XmlNode, namespace: string | null): Camt054File {
  const { header, message } = readCamt054Message(root, namespace);
  const transactions: BankTransaction[] = [];
  let skipped = 0;
  let position = 0;
  camt054Notifications(message).forEach((notification, n) => {
    const account = camt054NotificationAccount(notification, n + 1);
    children(notification, 'Ntry').forEach((entry, e) => {
      const r = readCamt054Entry(entry, { n: n + 1, e: e + 1, account, position });
      transactions.push(...r.transactions);
      skipped += r.skipped;
      position = r.position;
    });
  });
  return { header, transactions, skipped };
}
