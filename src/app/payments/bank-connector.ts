/**
 * The bank connector (issue #9, SPEC §7): instead of an operator downloading the bank's daily payment file
 * and running `efaktura payments import`, the worker fetches yesterday's and today's file for every
 * merchant account from the bank and imports it through the same use case. Fetching a day again is
 * harmless by design: a file already imported is recognised by its SHA-256, and a day's file that grew
 * since (today's, after new payments) brings only its new transactions, each keyed by its bank reference.
 */
import type { Clock } from '../../clock.ts';
import type { CalendarDate } from '../../domain/invoicing/types.ts';
import { addDays, osloDate } from '../../domain/time/oslo.ts';
import type { Db } from '../../store/db/db.ts';
import { merchantAccountNumbers } from '../../store/merchant-accounts.ts';
import { importPaymentFile, type ImportSummary } from './import-payments.ts';
import { bufferSource } from './read-payment-file.ts';

/** Where the connector gets a bank's daily payment files (adapters/bank/…). */
export interface BankConnector {
  /** Names the source in file names and logs, e.g. `simulator`. */
  readonly name: string;
  /** The account's incoming payments of `date` as the bank's file (OCR giro); throws when unreachable. */
  dailyFile(accountNumber: string, date: CalendarDate): Promise<Buffer>;
}

export interface FetchedFile {
  accountNumber: string;
  date: CalendarDate;
  summary: ImportSummary;
}

export interface BankFetchResult {
  files: FetchedFile[];
  /** Accounts and days whose file could not be fetched or was refused, with the reason. */
  failures: Array<{ accountNumber: string; date: CalendarDate; error: string }>;
}

/**
 * Fetches and imports yesterday's and today's (Oslo) file of each merchant account. One account's failure
 * does not stop the others; the caller decides whether failures mean a retry.
 */
export async function fetchAndImportBankFiles(db: Db, connector: BankConnector, clock: Clock): Promise<BankFetchResult> {
  const today = osloDate(clock.now());
  const days = [addDays(today, -1), today];
  const result: BankFetchResult = { files: [], failures: [] };
  for (const accountNumber of await merchantAccountNumbers(db)) {
    for (const date of days) {
      try {
        const file = await connector.dailyFile(accountNumber, date);
        const summary = await importPaymentFile(db, bufferSource(file), { name: `${connector.name}:${accountNumber}:${date}` });
        result.files.push({ accountNumber, date, summary });
      } catch (error) {
        result.failures.push({ accountNumber, date, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  return result;
}
