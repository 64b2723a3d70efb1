/**
 * A bank file's transactions, whatever its format (SPEC §7: the format is detected from the content):
 * OCR giro when the first record starts NY000010, camt.054 when it is XML (reference note §3.2). OCR giro
 * is streamed; camt.054 is parsed as one XML document (fast-xml-parser has no streaming mode), which the
 * import body limit bounds.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PaymentFileError, type BankTransaction, type PaymentFileHeader } from '../../domain/payments/bank-transaction.ts';
import { readCamt054, type XmlNode } from '../../domain/payments/camt054.ts';
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
 * `maxXmlBytes`: a camt.054 file is parsed whole, so it is refused above this size (the operator's
 * EFAKTURA_IMPORT_BODY_LIMIT) rather than exhausting memory; OCR giro files stream and have no limit here.
 */
export async function* readPaymentFile(source: PaymentFileSource, opts: { maxXmlBytes?: number } = {}): AsyncGenerator<PaymentFileEvent> {
  const format = await detectFormat(source);
  if (format === 'ocr-giro') {
    yield* parseOcrGiro(source.open());
    return;
  }
  const max = opts.maxXmlBytes ?? Infinity;
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of source.open()) {
    size += chunk.byteLength;
    if (size > max) throw new PaymentFileError('', `a camt.054 file is read whole, and this one is larger than ${max} bytes (EFAKTURA_IMPORT_BODY_LIMIT)`);
    parts.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  const { tree, namespace } = parseXml(Buffer.concat(parts));
  const file = readCamt054(tree, namespace);
  yield { event: 'header', header: file.header };
  for (const transaction of file.transactions) yield { event: 'transaction', transaction };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
  // Every element a list, so the reader never has to guess whether one or many came.
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

/** The document as a tree, and its root element's namespace (the parser drops xmlns attributes). */
export function parseXml(bytes: Buffer): { tree: XmlNode; namespace: string | null } {
  const declared = /^\s*<\?xml[^>]*encoding=["']([\w-]+)["']/i.exec(bytes.subarray(0, 200).toString('latin1'))?.[1]?.toLowerCase();
  const text = declared === 'iso-8859-1' || declared === 'latin1' ? bytes.toString('latin1') : bytes.toString('utf8').replace(/^\uFEFF/, '');
  // A DTD could define entities that expand without bound; a bank notification never needs one.
  if (/<!DOCTYPE/i.test(text)) throw new PaymentFileError('', 'the XML has a DOCTYPE; a camt.054 notification has none');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new PaymentFileError(`line ${valid.err.line}, column ${valid.err.col}`, `not well-formed XML: ${valid.err.msg}`);
  const root = /<(?!\?|!)(?:([\w.-]+):)?([\w.-]+)([^>]*)>/.exec(text);
  let namespace: string | null = null;
  if (root) {
    const prefix = root[1];
    const attr = new RegExp(`xmlns${prefix ? `:${prefix.replace(/[.-]/g, '\\$&')}` : ''}\\s*=\\s*["']([^"']*)["']`).exec(root[3] ?? '');
    namespace = attr?.[1] ?? null;
  }
  return { tree: parser.parse(text) as XmlNode, namespace };
}
