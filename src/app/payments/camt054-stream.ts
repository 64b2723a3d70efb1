/**
 * A camt.054 file read entry by entry (issue 9): fast-xml-parser has no streaming mode, and a whole
 * 100,000-entry notification parsed at once takes gigabytes. So the text is cut at its `<Ntry>` elements
 * while it streams in: each entry is checked and parsed alone (and read by the domain's
 * `readCamt054Entry`), and what is left — the skeleton: the message, its group header, the notifications'
 * accounts — is small. The skeleton read so far (its open elements closed) gives the message id and the
 * current notification's account before the first entry that needs them; the whole skeleton is checked
 * at the end, as a document, so a file that is not well formed outside its entries is refused as before.
 *
 * Each entry cut out leaves its line breaks in the skeleton, so line numbers in messages stay the file's.
 * An entry longer than MAX_ENTRY_CHARS, or a skeleton longer than MAX_SKELETON_CHARS, is refused: no
 * camt.054 has either, and memory stays bounded whatever the file.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PaymentFileError, type BankTransaction, type PaymentFileHeader } from '../../domain/payments/bank-transaction.ts';
import { camt054NotificationAccount, camt054Notifications, readCamt054Entry, readCamt054Message, type XmlNode } from '../../domain/payments/camt054.ts';

export const MAX_ENTRY_CHARS = 1 << 20;
export const MAX_SKELETON_CHARS = 16 << 20;

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

/** Checks well-formedness; an error names the line (offset by `firstLine - 1`) and column. */
function validate(text: string, firstLine = 1): void {
  // A DTD could define entities that expand without bound; a bank notification never needs one.
  if (/<!DOCTYPE/i.test(text)) throw new PaymentFileError('', 'the XML has a DOCTYPE; a camt.054 notification has none');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new PaymentFileError(`line ${valid.err.line + firstLine - 1}, column ${valid.err.col}`, `not well-formed XML: ${valid.err.msg}`);
}

/** The root element's namespace (the parser drops xmlns attributes). */
function rootNamespace(text: string): string | null {
  const root = /<(?!\?|!)(?:([\w.-]+):)?([\w.-]+)([^>]*)>/.exec(text);
  if (!root) return null;
  const prefix = root[1];
  const attr = new RegExp(`xmlns${prefix ? `:${prefix.replace(/[.-]/g, '\\$&')}` : ''}\\s*=\\s*["']([^"']*)["']`).exec(root[3] ?? '');
  return attr?.[1] ?? null;
}

/** The document as a tree, and its root element's namespace. */
export function parseXmlText(text: string): { tree: XmlNode; namespace: string | null } {
  validate(text);
  return { tree: parser.parse(text) as XmlNode, namespace: rootNamespace(text) };
}

/** The encoding the XML declaration names (ISO-8859-1 or, by default, UTF-8). */
export function declaredLatin1(head: Buffer): boolean {
  const declared = /^\s*<\?xml[^>]*encoding=["']([\w-]+)["']/i.exec(head.subarray(0, 200).toString('latin1'))?.[1]?.toLowerCase();
  return declared === 'iso-8859-1' || declared === 'latin1';
}

/** Text from bytes as they come, in the declared encoding (a UTF-8 character may span two chunks). */
async function* decode(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  let latin1: boolean | null = null;
  const utf8 = new TextDecoder('utf-8');
  for await (const chunk of chunks) {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    latin1 ??= declaredLatin1(bytes);
    yield latin1 ? bytes.toString('latin1') : utf8.decode(bytes, { stream: true });
  }
  if (latin1 === false) yield utf8.decode();
}

const countLines = (s: string) => {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
};

/** The open elements of the skeleton, kept up to date as it grows; and where the current Ntfctn starts. */
class OpenElements {
  private stack: Array<{ name: string; at: number }> = [];
  notifications = 0;
  notificationAt = -1;
  /** Reads text appended to the skeleton at `base` (whole tags only: the skeleton grows at tag boundaries). */
  scan(text: string, base: number): void {
    if (!text.includes('<')) return;
    const tag = /<(\/?)([\w.:-]+)[^>]*?(\/?)>|<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<[?!][^>]*>/g;
    for (let m = tag.exec(text); m !== null; m = tag.exec(text)) {
      const name = m[2];
      if (name === undefined || m[3] === '/') continue;
      if (m[1] === '/') this.stack.pop();
      else {
        this.stack.push({ name, at: base + m.index });
        if (name.replace(/^[\w.-]+:/, '') === 'Ntfctn') {
          this.notifications += 1;
          this.notificationAt = base + m.index;
        }
      }
    }
  }
  /** Closing tags for the open elements, innermost first; from `depth` on when given. */
  closers(fromAt = -1): string {
    return this.stack.filter((e) => e.at >= fromAt).reverse().map((e) => `</${e.name}>`).join('');
  }
}

export type Camt054Event = { event: 'header'; header: PaymentFileHeader } | { event: 'transaction'; transaction: BankTransaction };

/** A camt.054 file's header and transactions, in file order; refusals as `readCamt054` gives them. */
export async function* streamCamt054(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Camt054Event> {
  const entryStart = /<([\w.-]+:)?Ntry(?=[\s/>])/g;
  let pending = '';
  /** The file line `pending` starts on. */
  let line = 1;
  let skeleton = '';
  const open = new OpenElements();
  let header: PaymentFileHeader | null = null;
  let notification = 0;
  let account = '';
  let entry = 0;
  let position = 0;
  /** How far `pending` (starting at an entry that is not yet closed) has been searched for its end. */
  let searchedTo = 0;

  const toSkeleton = (text: string) => {
    open.scan(text, skeleton.length);
    skeleton += text;
    if (skeleton.length > MAX_SKELETON_CHARS) {
      throw new PaymentFileError('', `the camt.054 has more than ${MAX_SKELETON_CHARS} characters outside its entries (Ntry); a notification has far less`);
    }
  };
  const consume = (n: number) => {
    line += countLines(pending.slice(0, n));
    pending = pending.slice(n);
  };

  function* readEntry(text: string, firstLine: number): Generator<Camt054Event> {
    if (header === null) {
      const closed = skeleton + open.closers();
      validate(closed);
      const read = readCamt054Message(parser.parse(closed) as XmlNode, rootNamespace(closed));
      header = read.header;
      yield { event: 'header', header };
    }
    if (open.notifications !== notification) {
      notification = open.notifications;
      entry = 0;
      const ntfctn = skeleton.slice(open.notificationAt) + open.closers(open.notificationAt);
      const tree = parser.parse(ntfctn) as { [name: string]: XmlNode[] };
      account = camt054NotificationAccount(tree.Ntfctn![0]!, notification);
    }
    validate(text, firstLine);
    const node = (parser.parse(text) as { Ntry: XmlNode[] }).Ntry[0]!;
    entry += 1;
    const read = readCamt054Entry(node, { n: notification, e: entry, account, position });
    position = read.position;
    for (const transaction of read.transactions) yield { event: 'transaction', transaction };
  }

  function* drain(text: string): Generator<Camt054Event> {
    pending += skeleton === '' && pending === '' ? text.replace(/^\uFEFF/, '') : text;
    for (;;) {
      entryStart.lastIndex = 0;
      const start = entryStart.exec(pending);
      if (start === null) {
        // Keep a possibly cut tag for the next chunk; the rest is skeleton.
        const keep = pending.lastIndexOf('<');
        const cut = keep === -1 ? pending.length : keep;
        toSkeleton(pending.slice(0, cut));
        consume(cut);
        if (pending.length > MAX_ENTRY_CHARS) throw new PaymentFileError(`line ${line}`, `an element longer than ${MAX_ENTRY_CHARS} characters`);
        break;
      }
      const prefix = start[1] ?? '';
      const close = new RegExp(`</${prefix.replace(/[.-]/g, '\\$&')}Ntry\\s*>`, 'g');
      // Where the search for the end left off in an earlier chunk (less the end tag's length): linear, however cut.
      close.lastIndex = Math.max(start.index, searchedTo - prefix.length - 16);
      const startTag = /[^>]*>/y;
      startTag.lastIndex = start.index + start[0].length;
      const tag = startTag.exec(pending);
      if (tag === null && pending.length - start.index <= MAX_ENTRY_CHARS) {
        toSkeleton(pending.slice(0, start.index));
        consume(start.index);
        break; // the start tag continues in the next chunk
      }
      const end = tag?.[0].endsWith('/>') ? startTag.lastIndex : close.exec(pending) === null ? -1 : close.lastIndex;
      if (end === -1 || end - start.index > MAX_ENTRY_CHARS) {
        if (pending.length - start.index > MAX_ENTRY_CHARS) {
          throw new PaymentFileError(`line ${line + countLines(pending.slice(0, start.index))}`, `an entry (Ntry) longer than ${MAX_ENTRY_CHARS} characters, or one that is never closed`);
        }
        toSkeleton(pending.slice(0, start.index));
        consume(start.index);
        searchedTo = pending.length;
        break; // the entry continues in the next chunk
      }
      searchedTo = 0;
      toSkeleton(pending.slice(0, start.index));
      const firstLine = line + countLines(pending.slice(0, start.index));
      const text = pending.slice(start.index, end);
      yield* readEntry(text, firstLine);
      toSkeleton('\n'.repeat(countLines(text)));
      consume(end);
    }
  }

  // Small chunks are joined first: every search looks at `pending` whole, so it runs once per 64 KiB at most.
  let parts: string[] = [];
  let partsLength = 0;
  for await (const text of decode(chunks)) {
    parts.push(text);
    partsLength += text.length;
    if (partsLength < 1 << 16) continue;
    yield* drain(parts.join(''));
    parts = [];
    partsLength = 0;
  }
  yield* drain(parts.join(''));
  toSkeleton(pending);
  // The whole file outside its entries, as a document: well formed, a camt.054 message, each notification an account.
  const { tree, namespace } = parseXmlText(skeleton);
  const read = readCamt054Message(tree, namespace);
  camt054Notifications(read.message).forEach((n, i) => camt054NotificationAccount(n, i + 1));
  if (header === null) yield { event: 'header', header: read.header };
}
