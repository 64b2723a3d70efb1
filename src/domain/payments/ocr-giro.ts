/**
 * Nets "OCR giro" incoming-payment files (reference note §3.1, after the Nets "System specification OCR
 * giro" v2.0): fixed 80-character records in ISO-8859-1, CRLF or LF. A transmission (10 … 89) holds
 * assignments (20 … 88), each one account's transactions: amount item 1 (30) and 2 (31), plus item 3 (32)
 * for the free-text types 20 and 21.
 *
 * Streaming: the file arrives as chunks and is read line by line; each transaction is yielded as soon as its
 * last record is read, so a file of a million payments never sits in memory. The checks on the whole file
 * (record order, the counts and sums of the end records) can only pass or fail at the end, so a caller that
 * stores payments reads the file twice: once to validate it, once to store it (SPEC §7: a bad file stores
 * nothing). Any violation throws a PaymentFileError naming the line.
 */
import { PaymentFileError, type BankTransaction, type PaymentFileHeader } from './bank-transaction.ts';

export const OCR_RECORD_LENGTH = 80;

/** The first record of every OCR giro file: format code NY, service 00, transmission type 00, record 10. */
export const OCR_START_PREFIX = 'NY000010';

/** Transaction types of service 09 (reference note §3.1); 18 and 20 take an earlier payment back. */
export const OCR_TRANSACTION_TYPES: Readonly<Record<string, string>> = {
  '10': 'giro debited account',
  '11': 'standing order',
  '12': 'direct remittance',
  '13': 'business terminal giro',
  '14': 'counter giro',
  '15': 'AvtaleGiro',
  '16': 'TeleGiro',
  '17': 'giro paid in cash',
  '18': 'reversal with KID',
  '19': 'purchase with KID',
  '20': 'reversal with free text',
  '21': 'purchase with free text',
};
const REVERSAL_TYPES = new Set(['18', '20']);
const FREE_TEXT_TYPES = new Set(['20', '21']);

export type OcrEvent =
  | { event: 'header'; header: PaymentFileHeader & { dataRecipient: string; transmissionNumber: string } }
  | { event: 'transaction'; transaction: BankTransaction };

export interface OcrLine {
  number: number;
  text: string;
}

/**
 * The lines of a chunked ISO-8859-1 text, without their CRLF or LF. Each byte is one character, so a chunk
 * boundary never splits one. A line longer than `maxLength` is cut there (the caller refuses it), so a file
 * without line ends — a binary file, say — never piles up in memory.
 */
export async function* latin1Lines(chunks: AsyncIterable<Uint8Array | string>, maxLength = Infinity): AsyncGenerator<OcrLine> {
  let rest = '';
  let number = 0;
  for await (const chunk of chunks) {
    rest += typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    let start = 0;
    for (let end = rest.indexOf('\n'); end >= 0; end = rest.indexOf('\n', start)) {
      const line = rest.charCodeAt(end - 1) === 13 && end > start ? rest.slice(start, end - 1) : rest.slice(start, end);
      start = end + 1;
      yield { number: ++number, text: line };
    }
    rest = rest.slice(start);
    if (rest.length > maxLength) {
      yield { number: ++number, text: rest };
      return;
    }
  }
  if (rest !== '') yield { number: ++number, text: rest.endsWith('\r') ? rest.slice(0, -1) : rest };
}

/** A record's field by the specification's 1-based inclusive positions. */
function field(text: string, from: number, to: number): string {
  return text.slice(from - 1, to);
}

/** Valid DDMMYY dates already read, and what they mean (bounded: at most 10,000 entries). */
const KNOWN_DATES = new Map<string, string>();

class RecordReader {
  readonly text: string;
  readonly where: string;
  constructor(line: OcrLine) {
    this.text = line.text;
    this.where = `line ${line.number}`;
  }
  fail(reason: string): never {
    throw new PaymentFileError(this.where, reason);
  }
  digits(from: number, to: number, name: string): string {
    const value = field(this.text, from, to);
    if (!/^\d+$/.test(value)) this.fail(`${name} (positions ${from}–${to}) must be digits, found "${value}"`);
    return value;
  }
  count(from: number, to: number, name: string): number {
    return Number(this.digits(from, to, name));
  }
  /** Øre from zero-filled digits; as a bigint, so 17 digits never lose precision. */
  ore(from: number, to: number, name: string): bigint {
    return BigInt(this.digits(from, to, name));
  }
  /** DDMMYY → YYYY-MM-DD (20YY); null for 000000 when `optional`. */
  date(from: number, to: number, name: string, optional = false): string | null {
    const raw = this.digits(from, to, name);
    if (optional && raw === '000000') return null;
    // A file holds a handful of distinct dates and up to millions of transactions.
    const known = KNOWN_DATES.get(raw);
    if (known !== undefined) return known;
    const day = Number(raw.slice(0, 2));
    const month = Number(raw.slice(2, 4));
    const year = 2000 + Number(raw.slice(4, 6));
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth) this.fail(`${name} (positions ${from}–${to}) "${raw}" is not a date DDMMYY`);
    const date = `${year}-${raw.slice(2, 4)}-${raw.slice(0, 2)}`;
    if (KNOWN_DATES.size < 10_000) KNOWN_DATES.set(raw, date);
    return date;
  }
}

interface PendingTransaction {
  reader: RecordReader;
  type: string;
  number: string;
  date: string;
  amountOre: bigint;
  negative: boolean;
  kid: string | null;
  payerAccount: string | null;
  text: string | null;
}

interface Assignment {
  account: string;
  number: string;
  transactions: number;
  records: number;
  totalOre: bigint;
}

type Expecting = 'start' | 'assignment-or-end' | 'item1-or-end' | 'item2' | 'item3' | 'nothing';

const EXPECTED: Record<Expecting, string> = {
  start: 'a start record for the transmission (NY000010)',
  'assignment-or-end': 'a start record for an assignment (NY090020) or the end of the transmission (NY000089)',
  'item1-or-end': 'amount item 1 (record 30) or the end of the assignment (NY090088)',
  item2: 'amount item 2 (record 31) of the same transaction',
  item3: 'amount item 3 (record 32) of the same transaction (types 20 and 21 have one)',
  nothing: 'nothing after the end of the transmission',
};

/** The KID field: digits right-aligned and blank-padded, '-' allowed as the last (MOD11) character. */
function parseKid(reader: RecordReader): string | null {
  const raw = field(reader.text, 50, 74);
  const kid = raw.trim();
  if (kid === '') return null;
  if (!/^\d+-?$/.test(kid)) {
    reader.fail(`the KID (positions 50–74) must be digits, right-aligned, '-' only as the last character; found "${raw}"`);
  }
  return kid;
}

/**
 * Parses an OCR giro file. Yields the header, then every transaction in file order; throws a
 * PaymentFileError at the first violation, including the end records' counts and sums, which are only
 * known at the end. A caller must read to the end before trusting anything it was given.
 */
export async function* parseOcrGiro(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<OcrEvent> {
  let expecting: Expecting = 'start';
  let blankLine: OcrLine | null = null;
  let header: (PaymentFileHeader & { dataRecipient: string; transmissionNumber: string }) | null = null;
  let assignment: Assignment | null = null;
  let pending: PendingTransaction | null = null;
  let position = 0;
  const transmission = { transactions: 0, records: 0, totalOre: 0n };

  const finishTransaction = (): BankTransaction => {
    const p = pending!;
    pending = null;
    if (p.amountOre === 0n) p.reader.fail('the amount of a transaction is 0.00');
    if (p.amountOre > BigInt(Number.MAX_SAFE_INTEGER)) p.reader.fail('the amount is too large');
    assignment!.transactions += 1;
    assignment!.totalOre += p.amountOre;
    return {
      position: ++position,
      location: p.reader.where,
      kind: REVERSAL_TYPES.has(p.type) || p.negative ? 'reversal' : 'payment',
      amountOre: Number(p.amountOre),
      date: p.date,
      kid: p.kid,
      bankReference: null,
      payerAccount: p.payerAccount,
      toAccount: assignment!.account,
      transactionType: p.type,
      text: p.text,
    };
  };

  // Any record longer than this is refused anyway; reading on would only buffer a file without line ends.
  for await (const line of latin1Lines(chunks, OCR_RECORD_LENGTH * 4)) {
    if (line.text.trim() === '') {
      blankLine ??= line;
      continue;
    }
    if (blankLine !== null) throw new PaymentFileError(`line ${blankLine.number}`, 'an empty line inside the file');
    const r = new RecordReader(line);
    if (line.text.length !== OCR_RECORD_LENGTH) {
      r.fail(`a record is ${OCR_RECORD_LENGTH} characters long; this one has ${line.text.length}`);
    }
    if (field(line.text, 1, 2) !== 'NY') r.fail(`the format code (positions 1–2) must be "NY", found "${field(line.text, 1, 2)}"`);
    const service = field(line.text, 3, 4);
    const type = field(line.text, 5, 6);
    const record = field(line.text, 7, 8);
    const unexpected = (): never => r.fail(`expected ${EXPECTED[expecting]}, found record type "${record}" (positions 7–8)`);
    if (!['10', '20', '30', '31', '32', '88', '89'].includes(record)) {
      r.fail(`unknown record type "${record}" (positions 7–8)`);
    }
    transmission.records += 1;
    if (assignment !== null) assignment.records += 1;

    switch (record) {
      case '10': {
        if (expecting !== 'start') unexpected();
        if (service !== '00' || type !== '00') r.fail(`the start of a transmission is NY000010, found "${field(line.text, 1, 8)}"`);
        r.digits(9, 16, 'the data transmitter');
        const transmissionNumber = r.digits(17, 23, 'the transmission number');
        const dataRecipient = r.digits(24, 31, 'the data recipient');
        header = { format: 'ocr-giro', identity: `${dataRecipient}/${transmissionNumber}`, dataRecipient, transmissionNumber };
        yield { event: 'header', header };
        expecting = 'assignment-or-end';
        break;
      }
      case '20': {
        if (expecting !== 'assignment-or-end') unexpected();
        if (service === '21') r.fail('AvtaleGiro agreement assignments (service 21) hold no payments; only OCR giro payment files (service 09) can be imported');
        if (service !== '09' || type !== '00') r.fail(`the start of an assignment is NY090020, found "${field(line.text, 1, 8)}"`);
        r.digits(9, 17, 'the agreement id');
        const number = r.digits(18, 24, 'the assignment number');
        const account = r.digits(25, 35, 'the assignment account');
        assignment = { account, number, transactions: 0, records: 1, totalOre: 0n };
        expecting = 'item1-or-end';
        break;
      }
      case '30': {
        if (expecting !== 'item1-or-end') unexpected();
        if (service !== '09') r.fail(`amount items belong to service 09, found service "${service}" (positions 3–4)`);
        if (!(type in OCR_TRANSACTION_TYPES)) r.fail(`unknown transaction type "${type}" (positions 5–6); types 10–21 exist`);
        const number = r.digits(9, 15, 'the transaction number');
        const date = r.date(16, 21, 'the Nets date')!;
        r.digits(22, 23, 'the centre id');
        r.digits(24, 25, 'the day code');
        r.digits(26, 26, 'the partial settlement number');
        r.digits(27, 31, 'the serial number');
        const sign = field(line.text, 32, 32);
        if (sign !== '0' && sign !== '-') r.fail(`the sign (position 32) must be "0" or "-", found "${sign}"`);
        const amountOre = r.ore(33, 49, 'the amount');
        pending = { reader: r, type, number, date, amountOre, negative: sign === '-', kid: parseKid(r), payerAccount: null, text: null };
        expecting = 'item2';
        break;
      }
      case '31': {
        if (expecting !== 'item2') unexpected();
        const p = pending!;
        if (service !== '09' || type !== p.type) r.fail(`amount item 2 must repeat the transaction type "${p.type}" of its item 1, found "${type}"`);
        const number = r.digits(9, 15, 'the transaction number');
        if (number !== p.number) r.fail(`amount item 2 has transaction number ${number}, its item 1 ${p.number}`);
        r.digits(16, 25, 'the form number');
        r.date(42, 47, 'the bank date', true);
        const payer = r.digits(48, 58, 'the debit account');
        p.payerAccount = /^0+$/.test(payer) ? null : payer;
        if (FREE_TEXT_TYPES.has(type)) {
          expecting = 'item3';
        } else {
          yield { event: 'transaction', transaction: finishTransaction() };
          expecting = 'item1-or-end';
        }
        break;
      }
      case '32': {
        if (expecting !== 'item3') unexpected();
        const p = pending!;
        if (service !== '09' || type !== p.type) r.fail(`amount item 3 must repeat the transaction type "${p.type}" of its item 1, found "${type}"`);
        const number = r.digits(9, 15, 'the transaction number');
        if (number !== p.number) r.fail(`amount item 3 has transaction number ${number}, its item 1 ${p.number}`);
        p.text = field(line.text, 16, 55).trim() || null;
        yield { event: 'transaction', transaction: finishTransaction() };
        expecting = 'item1-or-end';
        break;
      }
      case '88': {
        if (expecting !== 'item1-or-end') unexpected();
        if (service !== '09' || type !== '00') r.fail(`the end of an assignment is NY090088, found "${field(line.text, 1, 8)}"`);
        const a = assignment!;
        const transactions = r.count(9, 16, 'the number of transactions');
        const records = r.count(17, 24, 'the number of records');
        const totalOre = r.ore(25, 41, 'the total amount');
        if (transactions !== a.transactions) r.fail(`the end of assignment ${a.number} counts ${transactions} transactions; the assignment has ${a.transactions}`);
        if (records !== a.records) r.fail(`the end of assignment ${a.number} counts ${records} records; the assignment has ${a.records}`);
        if (totalOre !== a.totalOre) r.fail(`the end of assignment ${a.number} sums to ${totalOre} øre; its transactions sum to ${a.totalOre} øre`);
        transmission.transactions += a.transactions;
        transmission.totalOre += a.totalOre;
        assignment = null;
        expecting = 'assignment-or-end';
        break;
      }
      case '89': {
        if (expecting !== 'assignment-or-end') unexpected();
        if (service !== '00' || type !== '00') r.fail(`the end of a transmission is NY000089, found "${field(line.text, 1, 8)}"`);
        const transactions = r.count(9, 16, 'the number of transactions');
        const records = r.count(17, 24, 'the number of records');
        const totalOre = r.ore(25, 41, 'the total amount');
        if (transactions !== transmission.transactions) r.fail(`the end of the transmission counts ${transactions} transactions; the file has ${transmission.transactions}`);
        if (records !== transmission.records) r.fail(`the end of the transmission counts ${records} records; the file has ${transmission.records}`);
        if (totalOre !== transmission.totalOre) r.fail(`the end of the transmission sums to ${totalOre} øre; the transactions sum to ${transmission.totalOre} øre`);
        expecting = 'nothing';
        break;
      }
    }
  }
  if (header === null) throw new PaymentFileError('', 'the file is empty');
  if (expecting !== 'nothing') {
    throw new PaymentFileError('end of file', `the file ends too early: expected ${EXPECTED[expecting]}`);
  }
}
