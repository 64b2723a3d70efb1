/**
 * Import of a bank file (SPEC §7): checked whole, then stored. Pass 1 reads the file to its end — record
 * order, the end records' counts and sums, every account known — and hashes it; only a file that passes is
 * read a second time and stored, in batches of transactions, each batch one database transaction, stored
 * set-based (store-batch.ts: about ten statements per batch, whatever its size).
 *
 * Idempotent twice over: a file is known by its SHA-256 (a completed file is all duplicates at once), and
 * each transaction by its source key (its bank reference, or the file's identity and its position), unique
 * in the database. So a crash in the middle leaves whole batches, and importing the file again stores
 * exactly the rest; two imports of one file at the same moment store each transaction once between them.
 */
import { createHash } from 'node:crypto';
import { PaymentFileError, type BankTransaction, type PaymentFileHeader } from '../../domain/payments/bank-transaction.ts';
import type { Db } from '../../store/db/db.ts';
import { completePaymentFile, merchantsByAccount, registerPaymentFile } from '../../store/payments.ts';
import { ApiError } from '../errors.ts';
import { readPaymentFile, type PaymentFileSource } from './read-payment-file.ts';
import { noCounts, storeBatchRowByRow, storeBatchSetBased, type BatchContext, type BatchCounts } from './store-batch.ts';

/**
 * Transactions per database transaction: large enough that the per-statement cost vanishes (a chunk is about
 * ten statements), small enough that a chunk's arrays and locks stay small and a crash loses little work.
 */
export const DEFAULT_BATCH_SIZE = 5000;

export interface ImportSummary extends BatchCounts {
  fileId: number;
  format: PaymentFileHeader['format'];
  /** Transactions in the file. */
  transactions: number;
}

export interface ImportOptions {
  name?: string | null;
  /** Transactions stored per database transaction (default DEFAULT_BATCH_SIZE). */
  batchSize?: number;
  /**
   * Store each transaction alone (`storeBatchRowByRow`) instead of set-based: the reference the set-based
   * path is tested against, and the benchmark's baseline. Same result, many more round trips.
   */
  rowByRow?: boolean;
  /** Largest camt.054 file, refused before it is parsed (EFAKTURA_IMPORT_BODY_LIMIT); OCR giro files have no limit. Both stream. */
  maxXmlBytes?: number;
  /** Called after each stored batch. */
  onProgress?: (done: number, total: number) => void;
}

/** The file's refusal as the API and CLI show it: the place and the reason (422). */
export function fileRefusal(error: PaymentFileError): ApiError {
  return new ApiError('paymentFileRefused', {
    errors: [`The payment file was refused, nothing was imported: ${error.message}`],
    extra: { location: error.location, reason: error.reason },
  });
}

interface Checked {
  header: PaymentFileHeader;
  sha256: Buffer;
  byteSize: number;
  transactions: number;
  merchantOf: Map<string, number>;
}

/** Pass 1: the whole file is read and checked; nothing is written. */
async function checkFile(db: Db, source: PaymentFileSource, maxXmlBytes: number | undefined): Promise<Checked> {
  let hash = createHash('sha256');
  let byteSize = 0;
  // Each open() starts the hash again: the format sniff reads only the start, the full read comes last.
  const hashing: PaymentFileSource = {
    async *open() {
      hash = createHash('sha256');
      byteSize = 0;
      for await (const chunk of source.open()) {
        hash.update(chunk);
        byteSize += chunk.byteLength;
        yield chunk;
      }
    },
  };
  let header: PaymentFileHeader | null = null;
  let transactions = 0;
  const firstSeen = new Map<string, string>();
  for await (const e of readPaymentFile(hashing, { maxXmlBytes })) {
    if (e.event === 'header') header = e.header;
    else {
      transactions += 1;
      if (!firstSeen.has(e.transaction.toAccount)) firstSeen.set(e.transaction.toAccount, e.transaction.location);
    }
  }
  const owners = await merchantsByAccount(db, [...firstSeen.keys()]);
  const merchantOf = new Map<string, number>();
  for (const [account, location] of firstSeen) {
    const ids = owners.get(account) ?? [];
    if (ids.length === 0) throw new PaymentFileError(location, `the account ${account} belongs to no merchant`);
    if (ids.length > 1) throw new PaymentFileError(location, `the account ${account} belongs to more than one merchant (${ids.join(', ')}); a payment must find exactly one`);
    merchantOf.set(account, ids[0]!);
  }
  return { header: header!, sha256: hash.digest(), byteSize, transactions, merchantOf };
}

export async function importPaymentFile(db: Db, source: PaymentFileSource, opts: ImportOptions = {}): Promise<ImportSummary> {
  let checked: Checked;
  try {
    checked = await checkFile(db, source, opts.maxXmlBytes);
  } catch (error) {
    if (error instanceof PaymentFileError) throw fileRefusal(error);
    throw error;
  }
  const { header } = checked;
  const file = await registerPaymentFile(db, {
    sha256: checked.sha256, format: header.format, identity: header.identity, name: opts.name ?? null,
    byteSize: checked.byteSize, transactions: checked.transactions,
  });
  const summary: ImportSummary = {
    fileId: file.id, format: header.format, transactions: checked.transactions, ...noCounts(),
  };
  if (file.completed_at !== null) {
    summary.duplicates = checked.transactions;
    opts.onProgress?.(checked.transactions, checked.transactions);
    return summary;
  }
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const store = opts.rowByRow ? storeBatchRowByRow : storeBatchSetBased;
  const ctx: BatchContext = { header, fileId: file.id, merchantOf: checked.merchantOf, actor: `bank-file:${file.id}` };
  let batch: BankTransaction[] = [];
  let done = 0;
  const storeBatch = async (b: readonly BankTransaction[]) => {
    const counts = await retryDeadlock(() => db.transaction((tx) => store(tx, ctx, b)));
    for (const [k, v] of Object.entries(counts)) summary[k as keyof typeof counts] += v;
    done += b.length;
    opts.onProgress?.(done, checked.transactions);
  };
  // While a batch is stored, the next one is read: the parsing and the database overlap. Still one batch at
  // a time in the database, in file order (a batch starts once the one before it is committed).
  let storing: Promise<void> = Promise.resolve();
  const flush = async () => {
    const b = batch;
    batch = [];
    await storing;
    storing = storeBatch(b);
    storing.catch(() => {}); // a failure is thrown where it is awaited, not reported as unhandled meanwhile
  };
  try {
    for await (const e of readPaymentFile(source, { maxXmlBytes: opts.maxXmlBytes })) {
      if (e.event !== 'transaction') continue;
      batch.push(e.transaction);
      if (batch.length >= batchSize) await flush();
    }
  } catch (error) {
    await storing.catch(() => {}); // nothing of this import runs on after it has failed
    // Only when the file changed on disk between the check and the second reading; what was stored stays
    // (whole batches, each once) and importing the intended file again completes it.
    if (error instanceof PaymentFileError) throw fileRefusal(new PaymentFileError(error.location, `${error.reason} (the file changed while it was imported)`));
    throw error;
  }
  if (batch.length > 0) await flush();
  await storing;
  await completePaymentFile(db, file.id, { ...summary });
  return summary;
}

/**
 * Two imports at once that pay the same invoices in a different order can deadlock; PostgreSQL then rolls
 * one batch back, whole, and it is simply stored again — after a random pause that grows with each try, so
 * two imports that keep meeting in the same order fall out of step instead of deadlocking again at once.
 */
async function retryDeadlock<T>(fn: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 50 * attempt));
    }
  }
}
