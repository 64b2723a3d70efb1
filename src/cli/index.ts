/**
 * The `efaktura` command: a thin front end that parses flags and calls library functions (SPEC §8).
 * Every command reads its configuration from the environment (see `efaktura config`).
 */
import { parseArgs } from 'node:util';
import { ConfigError, SETTINGS, loadConfig, type Config } from '../config.ts';
import { createLogger, type Logger } from '../log.ts';
import { DataDirLockedError } from '../store/db/data-dir-lock.ts';
import type { Db } from '../store/db/db.ts';
import { insertMerchant, listMerchants, findMerchant } from '../store/merchants.ts';
import { createAdminToken, createApiToken, listApiTokens, revokeApiToken } from '../store/tokens.ts';
import { isValidAccountNumber, isValidOrgNumber } from '../domain/norway/norwegian-numbers.ts';
import { demoBanner, ensureDemoMerchant, openAndMigrate, startServer } from '../server.ts';
import { startWorker } from '../jobs/runner.ts';
import { runCallbacksCommand } from './callbacks.ts';
import { UsageError } from './errors.ts';

const USAGE = `efaktura — self-hosted e-invoicing for Norway

Usage:
  efaktura serve                          API server + background worker
  efaktura worker                         background worker only (scale out against one PostgreSQL)
  efaktura migrate                        apply pending database migrations
  efaktura merchant create --name NAME --org-number 9DIGITS [--account-number 11DIGITS] [--json]
  efaktura merchant list [--json]
  efaktura token create --merchant ID [--json]
  efaktura token list [--merchant ID] [--json]
  efaktura token revoke TOKEN_PREFIX_OR_ID
  efaktura admin-token create [--json]    operator token for /api/v1/admin/…
  efaktura callbacks list [--order UUID] [--status pending|delivered|failed|gone|refused] [--json]
  efaktura callbacks redeliver EVENT_ID | --order UUID | --failed-since TIME
  efaktura config                         list every environment variable and its default

Configuration comes from environment variables; see README.md or \`efaktura config\`.`;


function print(json: boolean, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text}\n`);
}

async function withDb<T>(config: Config, logger: Logger, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openAndMigrate(config, logger);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === 'config') {
    for (const s of SETTINGS) process.stdout.write(`${s.env}=${s.default}\t# ${s.description}\n`);
    return 0;
  }
  const config = loadConfig();
  // Commands other than serve/worker keep the terminal for their own output.
  const logger = createLogger(command === 'serve' || command === 'worker' ? config.logLevel : 'warn');

  switch (command) {
    case 'serve':
      return serve(config, logger);
    case 'worker':
      return worker(config, logger);
    case 'migrate': {
      const applied = await withDb(config, logger, async () => []);
      process.stdout.write(applied.length === 0 ? 'Database is up to date.\n' : `Applied: ${applied.join(', ')}\n`);
      return 0;
    }
    case 'merchant':
      return merchantCommand(config, logger, rest);
    case 'token':
      return tokenCommand(config, logger, rest);
    case 'admin-token': {
      const { values, positionals } = parseArgs({ args: rest, options: { json: { type: 'boolean' } }, allowPositionals: true });
      if (positionals[0] !== 'create') throw new UsageError('usage: efaktura admin-token create [--json]');
      const token = await withDb(config, logger, (db) => createAdminToken(db));
      print(!!values.json, { id: token.id, token: token.token }, `Admin token (shown once): ${token.token}`);
      return 0;
    }
    case 'callbacks':
      return withDb(config, logger, (db) => runCallbacksCommand(db, config, rest));
    default:
      throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

async function merchantCommand(config: Config, logger: Logger, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      'org-number': { type: 'string' },
      'account-number': { type: 'string' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
  });
  const json = !!values.json;
  if (positionals[0] === 'create') {
    const problems: string[] = [];
    const name = values.name?.trim() ?? '';
    const org = values['org-number']?.replace(/\s/g, '') ?? '';
    const account = values['account-number']?.replace(/[\s.]/g, '') || null;
    if (name === '' || name.length > 255) problems.push('--name is required (at most 255 characters)');
    if (!isValidOrgNumber(org)) problems.push('--org-number must be a valid 9-digit Norwegian organisation number');
    if (account !== null && !isValidAccountNumber(account)) problems.push('--account-number must be a valid 11-digit Norwegian account number');
    if (problems.length > 0) throw new UsageError(problems.join('\n'));
    const created = await withDb(config, logger, (db) =>
      db.transaction(async (tx) => {
        const merchant = await insertMerchant(tx, { name, orgNumber: org, accountNumber: account });
        const token = await createApiToken(tx, merchant.id);
        return { merchantId: merchant.id, token: token.token, callbackSecret: merchant.callbackSecret };
      }),
    );
    print(
      json,
      created,
      `Merchant ${created.merchantId} created. Shown once:\n  API token:       ${created.token}\n  callback secret: ${created.callbackSecret}`,
    );
    return 0;
  }
  if (positionals[0] === 'list') {
    const merchants = await withDb(config, logger, (db) => listMerchants(db));
    const rows = merchants.map((m) => ({ id: m.id, name: m.name, orgNumber: m.orgNumber, accountNumber: m.accountNumber, createdAt: m.createdAt }));
    print(json, rows, rows.length === 0 ? 'No merchants.' : rows.map((m) => `${m.id}\t${m.orgNumber}\t${m.name}`).join('\n'));
    return 0;
  }
  throw new UsageError('usage: efaktura merchant create|list …');
}

async function tokenCommand(config: Config, logger: Logger, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { merchant: { type: 'string' }, json: { type: 'boolean' } },
    allowPositionals: true,
  });
  const json = !!values.json;
  const merchantId = values.merchant === undefined ? undefined : Number(values.merchant);
  if (merchantId !== undefined && !Number.isSafeInteger(merchantId)) throw new UsageError('--merchant must be a merchant id');
  switch (positionals[0]) {
    case 'create': {
      if (merchantId === undefined) throw new UsageError('usage: efaktura token create --merchant ID [--json]');
      const token = await withDb(config, logger, async (db) => {
        if ((await findMerchant(db, merchantId)) === null) throw new UsageError(`No merchant ${merchantId}.`);
        return createApiToken(db, merchantId);
      });
      print(json, { merchantId, tokenId: token.id, token: token.token }, `API token ${token.id} (shown once): ${token.token}`);
      return 0;
    }
    case 'list': {
      const tokens = await withDb(config, logger, (db) => listApiTokens(db, merchantId));
      print(
        json,
        tokens,
        tokens.length === 0
          ? 'No tokens.'
          : tokens.map((t) => `${t.id}\tmerchant ${t.merchant_id}\t${t.prefix}…\t${t.revoked_at ? `revoked ${t.revoked_at.toISOString()}` : 'live'}`).join('\n'),
      );
      return 0;
    }
    case 'revoke': {
      const target = positionals[1];
      if (!target) throw new UsageError('usage: efaktura token revoke TOKEN_PREFIX_OR_ID');
      const revoked = await withDb(config, logger, (db) => revokeApiToken(db, target));
      if (revoked.length === 0) {
        process.stderr.write(`No live token matches "${target}".\n`);
        return 1;
      }
      print(json, { revoked }, `Revoked token ${revoked.join(', ')}.`);
      return 0;
    }
    default:
      throw new UsageError('usage: efaktura token create|list|revoke …');
  }
}

function onSignals(stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void stop(signal);
    });
  }
}

async function serve(config: Config, logger: Logger): Promise<number> {
  const server = await startServer(config, logger);
  if (config.demoMerchant) {
    const demo = await ensureDemoMerchant(server.db);
    if (demo) process.stdout.write(demoBanner(demo, server.url));
  }
  logger.info({ url: server.url, database: server.db.kind, worker: config.runWorker }, 'efaktura is listening');
  return new Promise<number>((resolve) => {
    onSignals(async (signal) => {
      logger.info({ signal }, 'shutting down');
      await server.close();
      logger.info('stopped');
      resolve(0);
    });
  });
}

async function worker(config: Config, logger: Logger): Promise<number> {
  const db = await openAndMigrate(config, logger);
  const running = await startWorker({ db, config, logger });
  logger.info({ database: db.kind }, 'efaktura worker running');
  return new Promise<number>((resolve) => {
    onSignals(async (signal) => {
      logger.info({ signal }, 'worker shutting down');
      await running.stop();
      await db.close();
      resolve(0);
    });
  });
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
    process.stderr.write(`efaktura: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
