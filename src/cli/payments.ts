/**
 * `efaktura payments import FILE [--json]`, `efaktura payments list [--unmatched] [--merchant ID] [--limit N] [--json]`,
 * `efaktura payments match PAYMENT_ID INVOICE_NUMBER [--merchant ID] [--json]` (SPEC §7, §8).
 * The file is streamed from disk (read twice: checked whole, then stored); progress goes to stderr when it is a terminal.
 */
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { importPaymentFile } from '../app/payments/import-payments.ts';
import { listPaymentViews, matchPaymentByHand } from '../app/payments/payments.ts';
import { parseCommandLine } from './args.ts';
import { UsageError } from './errors.ts';
import { print, withDb } from './output.ts';

export const PAYMENTS_USAGE = `usage: efaktura payments import FILE [--json]
       efaktura payments list [--unmatched] [--merchant ID] [--limit N] [--json]
       efaktura payments match PAYMENT_ID INVOICE_NUMBER [--merchant ID] [--json]`;

const ID = /^[1-9]\d{0,15}$/;

export async function paymentsCommand(config: Config, logger: Logger, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'import':
      return importCommand(config, logger, rest);
    case 'list':
      return listCommand(config, logger, rest);
    case 'match':
      return matchCommand(config, logger, rest);
    default:
      throw new UsageError(sub === undefined ? PAYMENTS_USAGE : `unknown payments command "${sub}"\n${PAYMENTS_USAGE}`);
  }
}

async function importCommand(config: Config, logger: Logger, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, { json: { type: 'boolean' } }, PAYMENTS_USAGE);
  if (positionals.length !== 1) throw new UsageError(`payments import takes one FILE\n${PAYMENTS_USAGE}`);
  const file = positionals[0]!;
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch {
    throw new UsageError(`cannot read the file "${file}"\n${PAYMENTS_USAGE}`);
  }
  const tty = process.stderr.isTTY === true;
  const summary = await withDb(config, logger, (db) =>
    importPaymentFile(db, { open: () => createReadStream(file, { highWaterMark: 1 << 20 }) }, {
      name: path.basename(file),
      maxXmlBytes: config.importBodyLimitBytes,
      onProgress: tty ? (done, total) => process.stderr.write(`\r${progressBar(done, total)}`) : undefined,
    }),
  );
  if (tty) process.stderr.write('\n');
  const { fileId, format, transactions, ...counts } = summary;
  print(
    !!values.json,
    counts,
    [
      `${file} (${format}, ${transactions} transactions, file ${fileId}):`,
      `  imported ${counts.imported}, duplicates ${counts.duplicates}`,
      `  matched ${counts.matched}, partial ${counts.partial}, overpaid ${counts.overpaid}, unmatched ${counts.unmatched}, reversed ${counts.reversed}`,
    ].join('\n'),
  );
  return 0;
}

function progressBar(done: number, total: number): string {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

async function listCommand(config: Config, logger: Logger, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    args,
    { unmatched: { type: 'boolean' }, merchant: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
    PAYMENTS_USAGE,
  );
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n${PAYMENTS_USAGE}`);
  const merchant = values.merchant as string | undefined;
  if (merchant !== undefined && !ID.test(merchant)) throw new UsageError(`--merchant must be a merchant id\n${PAYMENTS_USAGE}`);
  const limit = values.limit as string | undefined;
  if (limit !== undefined && !(/^\d{1,4}$/.test(limit) && Number(limit) >= 1 && Number(limit) <= 1000)) throw new UsageError(`--limit must be 1 to 1000\n${PAYMENTS_USAGE}`);
  const rows = await withDb(config, logger, (db) =>
    listPaymentViews(db, { unmatched: !!values.unmatched, merchantId: merchant === undefined ? undefined : Number(merchant), limit: limit === undefined ? 100 : Number(limit) }),
  );
  const text = rows.length === 0
    ? values.unmatched ? 'No unmatched payments.' : 'No payments.'
    : rows.map((p) => `${p.id}\t${p.state}\t${p.amount}\t${p.date}\tKID ${p.kid ?? '-'}\tmerchant ${p.merchantId}${p.invoiceNumber !== null ? `\tinvoice ${p.invoiceNumber}` : ''}`).join('\n');
  print(!!values.json, rows, text);
  return 0;
}

async function matchCommand(config: Config, logger: Logger, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, { merchant: { type: 'string' }, json: { type: 'boolean' } }, PAYMENTS_USAGE);
  const [paymentId, invoiceNumber, extra] = positionals;
  if (paymentId === undefined || invoiceNumber === undefined || extra !== undefined) throw new UsageError(`payments match takes PAYMENT_ID INVOICE_NUMBER\n${PAYMENTS_USAGE}`);
  if (!ID.test(paymentId)) throw new UsageError(`PAYMENT_ID must be a payment id\n${PAYMENTS_USAGE}`);
  if (!ID.test(invoiceNumber)) throw new UsageError(`INVOICE_NUMBER must be an invoice number\n${PAYMENTS_USAGE}`);
  const merchant = values.merchant as string | undefined;
  if (merchant !== undefined && !ID.test(merchant)) throw new UsageError(`--merchant must be a merchant id\n${PAYMENTS_USAGE}`);
  const result = await withDb(config, logger, (db) =>
    matchPaymentByHand(db, Number(paymentId), Number(invoiceNumber), merchant === undefined ? undefined : Number(merchant)),
  );
  print(!!values.json, result, `Payment ${result.paymentId} matched to invoice ${result.invoiceNumber}: ${result.outcome}${result.paidOrders > 0 ? `, ${result.paidOrders} order(s) PAID` : ''}.`);
  return 0;
}
