/** Invoices with KIDs and bank files paying them, for the payment tests. */
import { isValidAccountNumber } from '../../../src/domain/norway/norwegian-numbers.ts';
import type { Db } from '../../../src/store/db/db.ts';
import { bufferSource } from '../../../src/app/payments/read-payment-file.ts';
import { importPaymentFile, type ImportOptions } from '../../../src/app/payments/import-payments.ts';
import { createMerchant } from '../../helpers/harness.ts';
import { setSettings } from '../../helpers/invoicing.ts';
import { ocrFile, type OcrTestTransaction } from '../../domain/payments/ocr-lines.ts';

let nextAccount = 1;

/** A valid (MOD11) account number no other merchant of the test database has. */
export function freshAccount(): string {
  for (;;) {
    const base = String(1000000000 + nextAccount++ * 7919 + process.pid % 1000);
    for (let d = 0; d <= 9; d++) if (isValidAccountNumber(base + d)) return base + d;
  }
}

export async function merchantWithAccount(db: Db, name = 'Payee AS'): Promise<{ merchantId: number; account: string }> {
  const m = await createMerchant(db, name);
  const account = freshAccount();
  await setSettings(db, m.merchantId, { accountNumber: account });
  return { merchantId: m.merchantId, account };
}

export async function invoiceOf(db: Db, merchantId: number, number: number) {
  const [row] = await db.query<{ id: number; kid: string; total_ore: number; paid_ore: number; credited_ore: number }>({
    text: `SELECT id, kid, total_ore, paid_ore, credited_ore FROM invoices WHERE merchant_id = $1 AND number = $2 AND kind = 'invoice'`,
    values: [merchantId, number],
  });
  return row!;
}

export async function orderStatus(db: Db, uuid: string): Promise<string> {
  const [row] = await db.query<{ status: string }>({ text: 'SELECT status FROM orders WHERE uuid = $1', values: [uuid] });
  return row!.status;
}

/** The callbacks queued for an order, oldest first. */
export async function callbacksOf(db: Db, uuid: string): Promise<string[]> {
  const rows = await db.query<{ status: string }>({
    text: 'SELECT e.status FROM callback_events e JOIN orders o ON o.id = e.order_id WHERE o.uuid = $1 ORDER BY e.id',
    values: [uuid],
  });
  return rows.map((r) => r.status);
}

export function pay(kid: string | null, amountOre: number, type = '10'): OcrTestTransaction {
  return { type, amountOre, kid, date: '101226', payerAccount: '98765432109' };
}

let transmission = 1;
export function ocr(account: string, transactions: OcrTestTransaction[], opts: { transmission?: string } = {}): string {
  return ocrFile([{ account, transactions }], { transmission: opts.transmission ?? String(transmission++) });
}

export function importText(db: Db, text: string, opts: ImportOptions = {}) {
  return importPaymentFile(db, bufferSource(Buffer.from(text, 'latin1'), 97), opts);
}
