/**
 * `efaktura callbacks …` — the operator's view of the callback outbox (SPEC §4), the same store functions
 * the admin API uses:
 *   efaktura callbacks list [--order UUID] [--status STATE] [--limit N] [--json]
 *   efaktura callbacks redeliver EVENT_ID | --order UUID | --failed-since TIME [--json]
 */
import type { Db } from '../store/db/db.ts';
import { CALLBACK_STATES, listCallbackEvents, redeliverCallbacks, type CallbackEventView, type CallbackState, type RedeliverTarget } from '../store/callback-outbox.ts';
import { ORDER_UUID_PATTERN } from '../domain/orders/ids.ts';
import { parseInstant } from '../domain/time/instant.ts';
import { parseCommandLine } from './args.ts';
import { UsageError } from './errors.ts';

/** Opens the database for the command once its flags are known to be good. */
type WithDb = <T>(fn: (db: Db) => Promise<T>) => Promise<T>;

const LIST_USAGE = `usage: efaktura callbacks list [--order UUID] [--status ${CALLBACK_STATES.join('|')}] [--limit N] [--json]`;
const REDELIVER_USAGE = 'usage: efaktura callbacks redeliver EVENT_ID | --order UUID | --failed-since TIME (ISO 8601 with zone, or Unix seconds) [--json]';
const MAX_LIMIT = 1000;

export async function runCallbacksCommand(withDb: WithDb, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'list') return listCommand(withDb, rest);
  if (sub === 'redeliver') return redeliverCommand(withDb, rest);
  throw new UsageError(`usage: efaktura callbacks list|redeliver …\n  ${LIST_USAGE}\n  ${REDELIVER_USAGE}`);
}

async function listCommand(withDb: WithDb, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    args,
    { order: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
    LIST_USAGE,
  );
  const problems: string[] = [];
  if (positionals.length > 0) problems.push(`unexpected argument "${positionals[0]}"`);
  const order = values.order as string | undefined;
  const status = values.status as string | undefined;
  const limitText = values.limit as string | undefined;
  if (order !== undefined && !ORDER_UUID_PATTERN.test(order)) problems.push('--order must be an order uuid (ODR and 10 digits)');
  if (status !== undefined && !(CALLBACK_STATES as readonly string[]).includes(status)) {
    problems.push(`--status must be one of ${CALLBACK_STATES.join(', ')}`);
  }
  const limit = limitText === undefined ? 100 : Number(limitText);
  if (!/^\d+$/.test(limitText ?? '1') || limit < 1 || limit > MAX_LIMIT) problems.push(`--limit must be a whole number from 1 to ${MAX_LIMIT}`);
  if (problems.length > 0) throw new UsageError(`${problems.join('\n')}\n${LIST_USAGE}`);

  const events = await withDb((db) =>
    listCallbackEvents(db, {
    ...(order !== undefined ? { orderUuid: order } : {}),
    ...(status !== undefined ? { state: status as CallbackState } : {}),
      limit,
    }),
  );
  if (values.json) process.stdout.write(`${JSON.stringify(events)}\n`);
  else process.stdout.write(events.length === 0 ? 'No callbacks.\n' : `${table(events)}\n`);
  return 0;
}

const at = (d: Date | null): string => (d === null ? '-' : d.toISOString().replace(/\.\d{3}Z$/, 'Z'));

/** A plain, aligned table: one event a line, newest first, the last error cut to keep lines readable. */
function table(events: readonly CallbackEventView[]): string {
  const header = ['EVENT ID', 'ORDER', 'STATUS', 'STATE', 'ATTEMPTS', 'CREATED', 'NEXT ATTEMPT', 'DELIVERED', 'LAST ERROR'];
  const rows = events.map((e) => [
    e.eventId,
    e.orderUuid,
    e.status,
    e.state,
    String(e.attempts),
    at(e.createdAt),
    at(e.nextAttemptAt),
    at(e.deliveredAt),
    e.lastError === null ? '-' : e.lastError.replace(/\s+/g, ' ').slice(0, 80),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

async function redeliverCommand(withDb: WithDb, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    args,
    { order: { type: 'string' }, 'failed-since': { type: 'string' }, json: { type: 'boolean' } },
    REDELIVER_USAGE,
  );
  const order = values.order as string | undefined;
  const failedSince = values['failed-since'] as string | undefined;
  const given = [positionals.length > 0, order !== undefined, failedSince !== undefined].filter(Boolean).length;
  if (given !== 1 || positionals.length > 1) throw new UsageError(`give exactly one of EVENT_ID, --order, --failed-since\n${REDELIVER_USAGE}`);

  let target: RedeliverTarget;
  let described: string;
  if (positionals.length === 1) {
    const eventId = positionals[0]!.toLowerCase();
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(eventId)) {
      throw new UsageError(`EVENT_ID must be a callback event id (a UUID), got "${positionals[0]}"\n${REDELIVER_USAGE}`);
    }
    target = { eventId };
    described = `event ${eventId}`;
  } else if (order !== undefined) {
    if (!ORDER_UUID_PATTERN.test(order)) throw new UsageError(`--order must be an order uuid (ODR and 10 digits)\n${REDELIVER_USAGE}`);
    target = { orderUuid: order };
    described = `order ${order}`;
  } else {
    const since = parseInstant(failedSince);
    if (since === null) {
      throw new UsageError(`--failed-since must be Unix seconds or an ISO 8601 time with a time zone, e.g. 2025-01-31T12:00:00Z\n${REDELIVER_USAGE}`);
    }
    target = { failedSince: since };
    described = `failed callbacks since ${since.toISOString()}`;
  }

  const redelivered = await withDb((db) => redeliverCallbacks(db, target));
  if (redelivered.length === 0) {
    process.stderr.write(`efaktura: no callback to redeliver for ${described} (unknown, or still pending).\n`);
    return 1;
  }
  if (values.json) process.stdout.write(`${JSON.stringify({ redelivered })}\n`);
  else {
    process.stdout.write(
      `Queued ${redelivered.length} callback${redelivered.length === 1 ? '' : 's'} for redelivery (${described}):\n` +
        redelivered.map((id) => `  ${id}\n`).join(''),
    );
  }
  return 0;
}
