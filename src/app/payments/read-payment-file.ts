/**
 * A bank file's transactions, whatever its format (SPEC §7: the format is detected from the content):
 * OCR giro when the first record starts NY000010, camt.054 when it is XML (reference note §3.2). Both are
 * streamed: OCR giro record by record, camt.054 entry by entry (camt054-stream.ts).
 */
import { PaymentFileError, type BankTransaction, type PaymentFileHeader } from '../../domain/payments/bank-transaction.ts';
import type { XmlNode } from '../../domain/payments/camt054.ts';
import { declaredLatin1, parseXmlText, streamCamt054 } from './camt054-stream.ts';
import { OCR_START_PREFIX, parseOcrGiro } from '../../domain/payments/ocr-giro.ts';

/** A file that can be read more than once (validated first, stored second), in chunks. */
export interface PaymentFileSource {
  open(): AsyncIterable<Uint8Array>;
}

export function bufferSource(buffer: Buffer, chunkSize = 1 << 20): PaymentFileSource {
  return {
    async *open() {
      for (let i = 0; i < buffer.length; i += chunkSize) yield buffer.subarray(i, i + chunkSize);
    },
  };
}

export type PaymentFileEvent = { event: 'header'; header: PaymentFileHeader } | { event: 'transaction'; transaction: BankTransaction };

export type PaymentFileFormat = PaymentFileHeader['format'];

/** Looks at the first non-blank bytes. */
export async function detectFormat(source: PaymentFileSource): Promise<PaymentFileFormat> {
  let head = '';
  for await (const chunk of source.open()) {
    head += Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    head = head.replace(/^(\uFEFF|\u00EF\u00BB\u00BF)/, '').replace(/^\s+/, '');
    if (head.length >= OCR_START_PREFIX.length) break;
  }
  if (head === '') throw new PaymentFileError('', 'the file is empty');
  // The OCR parser names what is wrong with a first record that starts NY but is not NY000010.
  if (head.startsWith('NY')) return 'ocr-giro';
  if (head.startsWith('<')) return 'camt054';
  throw new PaymentFileError('line 1', 'neither an OCR giro file (the first record starts NY000010) nor a camt.054 XML notification');
}

/**
 * `maxXmlBytes`: the largest camt.054 file (the operator's EFAKTURA_IMPORT_BODY_LIMIT); OCR giro files
 * have no limit here. Both formats stream: memory does not grow with the file.
 */
export async function* readPaymentFile(source: PaymentFileSource, opts: { maxXmlBytes?: number } = {}): AsyncGenerator<PaymentFileEvent> {
  const format = await detectFormat(source);
  if (format === 'ocr-giro') {
    yield* parseOcrGiro(source.open());
    return;
  }
  const max = opts.maxXmlBytes ?? Infinity;
  // Counted before anything is parsed, so a file far too large is refused in the time it takes to read it.
  if (max !== Infinity) {
    let size = 0;
    for await (const chunk of source.open()) {
      size += chunk.byteLength;
      if (size > max) throw new PaymentFileError('', `a camt.054 file larger than ${max} bytes is not imported (EFAKTURA_IMPORT_BODY_LIMIT)`);
    }
  }
  yield* streamCamt054(source.open());
}

/** A whole document as a tree, and its root element's namespace (the parser drops xmlns attributes). */
export function parseXml(bytes: Buffer): { tree: XmlNode; namespace: string | null } {
  const text = declaredLatin1(bytes) ? bytes.toString('latin1') : bytes.toString('utf8').replace(/^\uFEFF/, '');
  return parseXmlText(text);
}
