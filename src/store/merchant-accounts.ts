/** The merchants' bank accounts, for the bank connector that fetches each account's daily file. */
import type { Queryable } from './db/db.ts';

/** Every distinct account number a merchant has, in order. */
export async function merchantAccountNumbers(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ account_number: string }>({
    name: 'merchant_account_numbers',
    text: 'SELECT DISTINCT account_number FROM merchants WHERE account_number IS NOT NULL ORDER BY account_number',
  });
  return rows.map((r) => r.account_number);
}
