/**
 * `efaktura deliveries …` (SPEC §6.5, §8) — the operator's view of deliveries, the same use cases as the
 * admin API:
 *   efaktura deliveries list [--status pending|delivered|undelivered] [--merchant ID] [--limit N] [--json]
 *   efaktura deliveries retry NUMBER [--merchant ID] | --all-undelivered [--json]
 * A retry queues the new chain; a running worker (`efaktura serve` or `efaktura worker`) delivers it.
 */
import { DELIVERY_STATUSES, deliveryList, retryDeliveries, type DeliveryListItem, type DeliveryStatus } from '../app/delivery/retry-deliveries.ts';
import { systemClock } from '../clock.ts';
import type { Db } from '../store/db/db.ts';
import { parseCommandLine } from './args.ts';
import { UsageError } from './errors.ts';

/** Opens the database for the command once its flags are known to be good. */
type WithDb = <T>(fn: (db: Db) => Promise<T>) => Promise<T>;

/** Where the command writes (the process's streams; a test passes its own). */
export interface CommandOutput {
  out(text: string): void;
  err(text: string): void;
}
const PROCESS_OUTPUT: CommandOutput = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

/** `--json` prints exactly one JSON value a line, for scripts; otherwise the human text. */
const print = (io: CommandOutput, json: boolean, value: unknown, text: string) => io.out(json ? `${JSON.stringify(value)}\n` : `${text}\n`);

const LIST_USAGE = `usage: efaktura deliveries list [--status ${DELIVERY_STATUSES.join('|')}] [--merchant ID] [--limit N] [--json]`;
const RETRY_USAGE = 'usage: efaktura deliveries retry NUMBER [--merchant ID] | --all-undelivered [--json]';
const ID = /^[1-9]\d{0,14}$/;
const MAX_LIMIT = 1000;

export async function runDeliveriesCommand(withDb: WithDb, args: string[], io: CommandOutput = PROCESS_OUTPUT): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'list') return listCommand(withDb, rest, io);
  if (sub === 'retry') return retryCommand(withDb, rest, io);
  throw new UsageError(`usage: efaktura deliveries list|retry …\n  ${LIST_USAGE}\n  ${RETRY_USAGE}`);
}

async function listCommand(withDb: WithDb, args: string[], io: CommandOutput): Promise<number> {
  const { values, positionals } = parseCommandLine(
    args,
    { status: { type: 'string' }, merchant: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
    LIST_USAGE,
  );
  const problems: string[] = [];
  if (positionals.length > 0) problems.push(`unexpected argument "${positionals[0]}"`);
  const status = values.status as string | undefined;
  const merchant = values.merchant as string | undefined;
  const limitText = (values.limit as string | undefined) ?? '100';
  if (status !== undefined && !(DELIVERY_STATUSES as readonly string[]).includes(status)) problems.push(`--status must be one of ${DELIVERY_STATUSES.join(', ')}`);
  if (merchant !== undefined && !ID.test(merchant)) problems.push('--merchant must be a merchant id');
  if (!/^\d{1,4}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > MAX_LIMIT) problems.push(`--limit must be a whole number from 1 to ${MAX_LIMIT}`);
  if (problems.length > 0) throw new UsageError(`${problems.join('\n')}\n${LIST_USAGE}`);

  const items = await withDb((db) =>
    deliveryList(db, {
      ...(status !== undefined ? { status: status as DeliveryStatus } : {}),
      ...(merchant !== undefined ? { merchantId: Number(merchant) } : {}),
      limit: Number(limitText),
    }),
  );
  print(io, !!values.json, items, items.length === 0 ? 'No deliveries.' : table(items));
  return 0;
}

/** One delivery a line, newest first; the last error cut to keep lines readable. */
function table(items: readonly DeliveryListItem[]): string {
  const header = ['MERCHANT', 'NUMBER', 'KIND', 'STATUS', 'CHANNEL', 'ATTEMPTS', 'UPDATED', 'LAST ERROR'];
  const rows = items.map((d) => [
    String(d.merchantId),
    String(d.invoiceNumber),
    d.dunningKind ?? (d.kind === 'invoice' ? 'invoice' : 'credit note'),
    d.status,
    d.channel ?? '-',
    String(d.attempts),
    d.updatedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    d.lastError === null ? '-' : d.lastError.replace(/\s+/g, ' ').slice(0, 80),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

async function retryCommand(withDb: WithDb, args: string[], io: CommandOutput): Promise<number> {
  const { values, positionals } = parseCommandLine(
    args,
    { merchant: { type: 'string' }, 'all-undelivered': { type: 'boolean' }, json: { type: 'boolean' } },
    RETRY_USAGE,
  );
  const all = !!values['all-undelivered'];
  const merchant = values.merchant as string | undefined;
  if ((positionals.length === 1) === all || positionals.length > 1) throw new UsageError(`give exactly one of NUMBER, --all-undelivered\n${RETRY_USAGE}`);
  if (!all && !ID.test(positionals[0]!)) throw new UsageError(`NUMBER must be an invoice or credit note number, got "${positionals[0]}"\n${RETRY_USAGE}`);
  if (merchant !== undefined && (all || !ID.test(merchant))) throw new UsageError(`--merchant must be a merchant id, given with NUMBER\n${RETRY_USAGE}`);

  const result = await withDb((db) =>
    retryDeliveries(
      db,
      systemClock,
      all ? { allUndelivered: true } : { number: Number(positionals[0]), ...(merchant !== undefined ? { merchantId: Number(merchant) } : {}) },
    ),
  );
  if (!result.ok) {
    io.err(`efaktura: ${result.problem}\n`);
    return 1;
  }
  const n = result.retried.length;
  print(io, !!values.json, { retried: result.retried }, n === 0
    ? 'No undelivered documents.'
    : `Queued ${n} deliver${n === 1 ? 'y' : 'ies'} again; a running worker delivers ${n === 1 ? 'it' : 'them'}:\n` +
      result.retried.map((r) => `  merchant ${r.merchantId}, document ${r.number}`).join('\n'));
  return 0;
}
