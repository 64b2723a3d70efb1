/** `efaktura invoice-run [--as-of YYYY-MM-DD] [--merchant ID] [--json]` (SPEC §6.2, §8). */
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { runInvoicesByHand } from '../app/invoicing/run-invoices.ts';
import { checkRunDate } from '../app/invoicing/run-date.ts';
import { systemClock } from '../clock.ts';
import { parseCommandLine } from './args.ts';
import { UsageError } from './errors.ts';
import { print, withDb } from './output.ts';

export const INVOICE_RUN_USAGE = 'usage: efaktura invoice-run [--as-of YYYY-MM-DD] [--merchant ID] [--json]';

export async function invoiceRunCommand(config: Config, logger: Logger, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    args,
    { 'as-of': { type: 'string' }, merchant: { type: 'string' }, json: { type: 'boolean' } },
    INVOICE_RUN_USAGE,
  );
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n${INVOICE_RUN_USAGE}`);
  const merchant = values.merchant as string | undefined;
  if (merchant !== undefined && !/^[1-9]\d{0,15}$/.test(merchant)) throw new UsageError(`--merchant must be a merchant id\n${INVOICE_RUN_USAGE}`);
  const date = checkRunDate(values['as-of'] as string | undefined, systemClock, config.allowFutureRuns);
  if (!date.ok) throw new UsageError(`--as-of: ${date.problem}\n${INVOICE_RUN_USAGE}`);
  const result = await withDb(config, logger, (db) =>
    runInvoicesByHand(db, systemClock, {
      asOf: date.asOf,
      merchantId: merchant === undefined ? undefined : Number(merchant),
      runHour: config.invoiceRunHour,
      batchSize: config.invoiceBatchSize,
    }),
  );
  const summary = {
    asOf: date.asOf,
    immediate: { orders: result.immediate.orders, invoices: result.immediate.invoices },
    runs: result.runs.map((r) => ({
      merchantId: r.merchant_id, interval: r.invoice_interval, period: r.period, invoiceDate: r.invoice_date,
      orders: r.orders_invoiced, invoices: r.invoices_created,
    })),
    refused: result.refused,
  };
  const lines = [
    `Invoice runs due up to ${date.asOf}:`,
    `  interval 0: ${summary.immediate.orders} orders on ${summary.immediate.invoices} invoices`,
    ...summary.runs.map((r) => `  merchant ${r.merchantId}, interval ${r.interval}, period ${r.period}: ${r.orders} orders on ${r.invoices} invoices (dated ${r.invoiceDate})`),
    ...summary.refused.map((r) => `  merchant ${r.merchantId} not invoiced: ${r.reason}`),
  ];
  print(!!values.json, summary, lines.join('\n'));
  return summary.refused.length > 0 ? 1 : 0;
}
