/**
 * The `efaktura` command: a thin front end that parses flags and calls library functions (SPEC §8).
 * One file per command group; every command reads its configuration from the environment
 * (see `efaktura config`). A command line that cannot run prints its usage and exits 2.
 */
import { ConfigError, loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { DataDirLockedError } from '../store/db/data-dir-lock.ts';
import { parseCommandLine } from './args.ts';
import { runCallbacksCommand } from './callbacks.ts';
import { runDeliveriesCommand } from './deliveries.ts';
import { UsageError } from './errors.ts';
import { merchantCommand } from './merchants.ts';
import { dunningRunCommand, inkassoCommand } from './dunning.ts';
import { invoiceRunCommand } from './invoices.ts';
import { paymentsCommand } from './payments.ts';
import { ApiError } from '../app/errors.ts';
import { migrateCommand } from './migrate.ts';
import { withDb } from './output.ts';
import { serve, simulator, worker } from './serve.ts';
import { configCommand } from './show-config.ts';
import { adminTokenCommand, tokenCommand } from './tokens.ts';

const USAGE = `efaktura — self-hosted e-invoicing for Norway

Usage:
  efaktura serve                          API server + background worker
  efaktura worker                         background worker only (scale out against one PostgreSQL)
  efaktura simulator                      the eFaktura simulator alone: network, control API, netbank page
  efaktura migrate                        apply pending database migrations and name them
  efaktura merchant create --name NAME --org-number 9DIGITS [SETTINGS] [--json]
  efaktura merchant update ID [SETTINGS] [--json]   invoice settings: efaktura merchant --help lists them
  efaktura merchant show ID [--json]
  efaktura merchant list [--json]
  efaktura token create --merchant ID [--json]
  efaktura token list [--merchant ID] [--json]
  efaktura token revoke TOKEN_ID | TOKEN | TOKEN_PREFIX (the 17 characters \`token list\` shows)
  efaktura admin-token create [--json]    operator token for /api/v1/admin/…
  efaktura callbacks list [--order UUID] [--status pending|delivered|failed|gone|refused] [--limit N] [--json]
  efaktura callbacks redeliver EVENT_ID | --order UUID | --failed-since TIME [--json]
  efaktura invoice-run [--as-of YYYY-MM-DD] [--merchant ID] [--json]   every invoice run due up to that date, now
  efaktura dunning-run [--as-of YYYY-MM-DD] [--merchant ID] [--json]   reminders, notices and collection due on that date
  efaktura inkasso export [--merchant ID] [--json | --csv] [--out FILE]   the claims handed to collection, each once
  efaktura deliveries list [--status pending|delivered|undelivered] [--merchant ID] [--limit N] [--json]
  efaktura deliveries retry NUMBER [--merchant ID] | --all-undelivered [--json]   deliver undelivered documents again
  efaktura payments import FILE [--json]  import a bank file (OCR giro or camt.054), checked whole first
  efaktura payments list [--unmatched] [--merchant ID] [--limit N] [--json]
  efaktura payments match PAYMENT_ID INVOICE_NUMBER [--merchant ID] [--json]   match an unmatched payment by hand
  efaktura config                         every environment variable: its effective value and its default

Configuration comes from environment variables; see README.md or \`efaktura config\`.`;

/** Commands without flags of their own still refuse a stray one instead of ignoring it. */
function noArguments(command: string, args: string[]): void {
  const { positionals } = parseCommandLine(args, {}, `usage: efaktura ${command}`);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\nusage: efaktura ${command}`);
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === 'config') return configCommand(rest);
  const config = loadConfig();
  // Commands other than serve/worker keep the terminal for their own output.
  const logger = createLogger(['serve', 'worker', 'simulator'].includes(command) ? config.logLevel : 'warn');

  switch (command) {
    case 'serve':
      noArguments(command, rest);
      return serve(config, logger);
    case 'worker':
      noArguments(command, rest);
      return worker(config, logger);
    case 'simulator':
      noArguments(command, rest);
      return simulator(config, logger);
    case 'migrate':
      return migrateCommand(config, rest);
    case 'merchant':
      return merchantCommand(config, logger, rest);
    case 'token':
      return tokenCommand(config, logger, rest);
    case 'admin-token':
      return adminTokenCommand(config, logger, rest);
    case 'invoice-run':
      return invoiceRunCommand(config, logger, rest);
    case 'payments':
      return paymentsCommand(config, logger, rest);
    case 'dunning-run':
      return dunningRunCommand(config, logger, rest);
    case 'inkasso':
      return inkassoCommand(config, logger, rest);
    case 'callbacks':
      return runCallbacksCommand((fn) => withDb(config, logger, fn), rest);
    case 'deliveries':
      return runDeliveriesCommand((fn) => withDb(config, logger, fn), rest);
    default:
      throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

export async function runCli(argv: string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof DataDirLockedError) {
      process.stderr.write(`efaktura: ${error.message}\n`);
      process.exitCode = error instanceof UsageError ? 2 : 1;
      return;
    }
    if (error instanceof ApiError) {
      // A use case's refusal (an unknown merchant, say): its sentences, not a stack.
      const errors = Array.isArray(error.errors) ? error.errors.join('\n') : error.code;
      process.stderr.write(`efaktura: ${errors}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`efaktura: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
