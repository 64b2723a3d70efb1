/**
 * Writes a Nets "OCR giro" incoming-payments file (service 09): fixed 80-character records, exactly the
 * layout of the Nets system specification v2.0 (reference note §3.1): start transmission (10), per
 * assignment a start (20), amount items 1 and 2 (30, 31; item 3, 32, for the free-text types 20/21) per
 * transaction, an end (88) with counts and sums, and finally end transmission (89).
 *
 * Numeric fields are right-aligned and zero-filled, the KID right-aligned and blank-filled, dates DDMMYY,
 * amounts in øre. The text is returned with CRLF line ends; the caller encodes it as ISO-8859-1 (only
 * digits, capitals and blanks occur, so the encoding matters only for the free-text item).
 */
import type { CalendarDate } from '../invoicing/types.ts';

export const OCR_RECORD_LENGTH = 80;

/** Transaction types with amount item 3 (a free-text message instead of a KID's meaning). */
const FREE_TEXT_TYPES = new Set([20, 21]);

export interface OcrTransaction {
  /** 10 = giro debited account (a netbank payment), … 21; see the reference note's table. */
  transactionType: number;
  /** Always positive; a reversal is told by its type. */
  amountOre: number;
  /** Digits (a trailing `-` is allowed by the spec); up to 25 characters. */
  kid: string;
  /** The date Nets processed the payment. */
  netsDate: CalendarDate;
  /** The date the payer's bank booked it. */
  bankDate: CalendarDate;
  /** Bank data-centre prefix, 2 digits. */
  centreId: string;
  partialSettlementNumber: number;
  partialSettlementSerial: number;
  /** Giro form number (10 digits); zeros when none. */
  formNumber?: string;
  /** 9 digits: the archive reference (for types 18–21 BAX number + session number). */
  archiveReference: string;
  /** The payer's account (11 digits), or null when unknown (always null for types 18–21). */
  debitAccount: string | null;
  /** Item 3's message, only for types 20 and 21 (40 characters at most). */
  freeText?: string;
}

export interface OcrAssignment {
  /** Nets' agreement id, 9 digits. */
  agreementId: string;
  /** Serial within the transmission. */
  assignmentNumber: number;
  /** The payee's account, 11 digits. */
  account: string;
  transactions: readonly OcrTransaction[];
}

export interface OcrTransmission {
  /** 8 digits; Nets is 00008080. */
  dataTransmitter?: string;
  transmissionNumber: number;
  /** The recipient's customer unit id, 8 digits. */
  dataRecipient: string;
  /** The date the file was made. */
  netsDate: CalendarDate;
  assignments: readonly OcrAssignment[];
}

/** A right-aligned, zero-filled numeric field; a value that does not fit is a programming error. */
function num(value: number | string, length: number, what: string): string {
  const text = String(value);
  if (!/^\d+$/.test(text) || text.length > length) throw new RangeError(`OCR ${what} must be at most ${length} digits, got "${text}"`);
  return text.padStart(length, '0');
}

function ddmmyy(date: CalendarDate): string {
  return `${date.slice(8, 10)}${date.slice(5, 7)}${date.slice(2, 4)}`;
}

function record(text: string): string {
  if (text.length > OCR_RECORD_LENGTH) throw new RangeError(`OCR record longer than 80 characters: ${text}`);
  return text.padEnd(OCR_RECORD_LENGTH, '0');
}

function transactionRecords(t: OcrTransaction, serial: number): string[] {
  if (!/^\d{1,24}[\d-]$/.test(t.kid)) throw new RangeError(`OCR KID must be 1–25 digits, got "${t.kid}"`);
  if (!Number.isSafeInteger(t.amountOre) || t.amountOre <= 0) throw new RangeError(`OCR amount must be a positive øre integer, got ${t.amountOre}`);
  const head = (recordType: string) => `NY09${num(t.transactionType, 2, 'transaction type')}${recordType}${num(serial, 7, 'transaction number')}`;
  const records = [
    record(
      head('30') + ddmmyy(t.netsDate) + num(t.centreId, 2, 'centre id') + t.netsDate.slice(8, 10)
        + num(t.partialSettlementNumber, 1, 'partial settlement number') + num(t.partialSettlementSerial, 5, 'partial settlement serial')
        + '0' + num(t.amountOre, 17, 'amount') + t.kid.padStart(25, ' '),
    ),
    record(
      head('31') + num(t.formNumber ?? 0, 10, 'form number') + num(t.archiveReference, 9, 'archive reference') + '0000000'
        + ddmmyy(t.bankDate) + num(t.debitAccount ?? 0, 11, 'debit account'),
    ),
  ];
  if (FREE_TEXT_TYPES.has(t.transactionType)) {
    const text = t.freeText ?? '';
    if (text.length > 40) throw new RangeError('OCR free text is at most 40 characters');
    records.push(record(head('32') + text.padEnd(40, ' ')));
  }
  return records;
}

/** The file's text: records joined by CRLF, with a final CRLF. */
export function writeOcrGiro(file: OcrTransmission): string {
  const lines: string[] = [];
  lines.push(record(`NY000010${num(file.dataTransmitter ?? '00008080', 8, 'data transmitter')}${num(file.transmissionNumber, 7, 'transmission number')}${num(file.dataRecipient, 8, 'data recipient')}`));
  let transmissionCount = 0;
  let transmissionSum = 0;
  for (const a of file.assignments) {
    const start = lines.length;
    lines.push(record(`NY090020${num(a.agreementId, 9, 'agreement id')}${num(a.assignmentNumber, 7, 'assignment number')}${num(a.account, 11, 'assignment account')}`));
    // Reversals (types 18, 20) are added too, not subtracted: the end records sum amounts as written (§3.1).
    let sum = 0;
    a.transactions.forEach((t, i) => {
      lines.push(...transactionRecords(t, i + 1));
      sum += t.amountOre;
    });
    const dates = a.transactions.map((t) => t.netsDate).sort();
    const earliest = dates[0] ?? file.netsDate;
    const latest = dates.at(-1) ?? file.netsDate;
    const records = lines.length - start + 1;
    lines.push(record(
      `NY090088${num(a.transactions.length, 8, 'transaction count')}${num(records, 8, 'record count')}${num(sum, 17, 'assignment sum')}`
        + ddmmyy(file.netsDate) + ddmmyy(earliest) + ddmmyy(latest),
    ));
    transmissionCount += a.transactions.length;
    transmissionSum += sum;
  }
  lines.push(record(
    `NY000089${num(transmissionCount, 8, 'transaction count')}${num(lines.length + 1, 8, 'record count')}${num(transmissionSum, 17, 'transmission sum')}${ddmmyy(file.netsDate)}`,
  ));
  return lines.map((line) => `${line}\r\n`).join('');
}
