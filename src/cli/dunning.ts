/**
 * `efaktura dunning-run [--as-of YYYY-MM-DD] [--merchant ID] [--json]` and
 * `efaktura inkasso export [--merchant ID] [--json] [--csv] [--out FILE]` (SPEC §7).
 */
import { writeFile } from 'node:fs/promises';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { claimsCsv, exportCollectionClaims } from '../app/dunning/collection-export.ts';
import { runDunning } from '../app/dunning/run-dunning.ts';
import { checkRunDate } from '../app/invoicing/run-date.ts';
import { systemClock } from '../clock.ts';
import { parseCommandLine } from './args.ts';
import { UsageError } from './errors.ts';
import { print, withDb } from './output.ts';

export const DUNNING_RUN_USAGE = 'usage: efaktura dunning-run [--as-of YYYY-MM-DD] [--merchant ID] [--json]';
export const INKASSO_USAGE = 'usage: efaktura inkasso export [--merchant ID] [--json | --csv] [--out FILE]';

function merchantOption(value: unknown, usage: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[1-9]\d{0,15}$/.test(value)) throw new UsageError(`--merchant must be a merchant id\n${usage}`);
  return Number(value);
}

export async function dunningRunCommand(config: Config, logger: Logger, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    args,
    { 'as-of': { type: 'string' }, merchant: { type: 'string' }, json: { type: 'boolean' } },
    DUNNING_RUN_USAGE,
  );
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n${DUNNING_RUN_USAGE}`);
  const merchantId = merchantOption(values.merchant, DUNNING_RUN_USAGE);
  const date = checkRunDate(values['as-of'] as string | undefined, systemClock, config.allowFutureRuns);
  if (!date.ok) throw new UsageError(`--as-of: ${date.problem}\n${DUNNING_RUN_USAGE}`);
  const summary = await withDb(config, logger, (db) =>
    runDunning(db, { asOf: date.asOf, ...(merchantId !== undefined ? { merchantId } : {}), actor: 'cli dunning-run', lateInterestRates: config.lateInterestRates }));
  print(!!values.json, summary,
    `Dunning run for ${summary.asOf}: ${summary.reminders} reminders, ${summary.notices} debt-collection notices, ${summary.collections} claims to collection (INKASSO).`);
  return 0;
}

export async function inkassoCommand(config: Config, logger: Logger, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'export') throw new UsageError(INKASSO_USAGE);
  const { values, positionals } = parseCommandLine(
    rest,
    { merchant: { type: 'string' }, json: { type: 'boolean' }, csv: { type: 'boolean' }, out: { type: 'string' } },
    INKASSO_USAGE,
  );
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n${INKASSO_USAGE}`);
  if (values.json && values.csv) throw new UsageError(`--json and --csv exclude each other\n${INKASSO_USAGE}`);
  const merchantId = merchantOption(values.merchant, INKASSO_USAGE);
  const out = values.out as string | undefined;
  const format = (claims: Parameters<typeof claimsCsv>[0]) => (values.csv ? claimsCsv(claims) : `${JSON.stringify(claims, null, values.json && !out ? 0 : 2)}\n`);
  const claims = await withDb(config, logger, (db) =>
    exportCollectionClaims(db, {
      ...(merchantId !== undefined ? { merchantId } : {}),
      now: systemClock.now(),
      // Written inside the export's transaction: a file that cannot be written exports nothing.
      ...(out !== undefined ? { write: (c) => writeFile(out, format(c), { flag: 'wx' }) } : {}),
    }));
  if (out !== undefined) {
    print(!!values.json, { exported: claims.length, out }, `${claims.length} claims exported to ${out}.`);
  } else if (values.json || values.csv) {
    process.stdout.write(values.json ? `${JSON.stringify(claims)}\n` : claimsCsv(claims));
  } else {
    const lines = claims.map((c) => `  invoice ${c.invoiceNumber} (merchant ${c.merchantId}): ${c.debtor.name}, principal ${c.principal}, total ${c.total}, KID ${c.kid ?? '-'}`);
    process.stdout.write(`${claims.length} claims handed to collection${claims.length ? ':' : '.'}\n${lines.join('\n')}${lines.length ? '\n' : ''}`);
  }
  return 0;
}
