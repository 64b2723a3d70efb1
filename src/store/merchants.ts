/** Merchants: who sends orders, their callback secret and their invoicing policy. */
import { randomBytes } from 'node:crypto';
import type { Queryable } from './db/db.ts';

export interface Merchant {
  id: number;
  name: string;
  orgNumber: string;
  accountNumber: string | null;
  callbackSecret: string;
  allowedTaxRates: string[];
  allowedMaturityDays: number[];
  invoiceFeeOre: number;
  createdAt: Date;
}

interface MerchantRow {
  id: number;
  name: string;
  org_number: string;
  account_number: string | null;
  callback_secret: string;
  allowed_tax_rates: string[];
  allowed_maturity_days: number[];
  invoice_fee_ore: number;
  created_at: Date;
}

const COLUMNS =
  'id, name, org_number, account_number, callback_secret, allowed_tax_rates, allowed_maturity_days, invoice_fee_ore, created_at';

function toMerchant(r: MerchantRow): Merchant {
  return {
    id: r.id,
    name: r.name,
    orgNumber: r.org_number,
    accountNumber: r.account_number,
    callbackSecret: r.callback_secret,
    allowedTaxRates: r.allowed_tax_rates,
    allowedMaturityDays: r.allowed_maturity_days,
    invoiceFeeOre: r.invoice_fee_ore,
    createdAt: r.created_at,
  };
}

export interface NewMerchant {
  name: string;
  orgNumber: string;
  accountNumber?: string | null;
}

export async function insertMerchant(db: Queryable, m: NewMerchant): Promise<Merchant> {
  const [row] = await db.query<MerchantRow>({
    text: `INSERT INTO merchants (name, org_number, account_number, callback_secret)
           VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
    values: [m.name, m.orgNumber, m.accountNumber ?? null, randomBytes(32).toString('base64url')],
  });
  return toMerchant(row!);
}

export async function findMerchant(db: Queryable, id: number): Promise<Merchant | null> {
  const rows = await db.query<MerchantRow>({
    name: 'find_merchant',
    text: `SELECT ${COLUMNS} FROM merchants WHERE id = $1`,
    values: [id],
  });
  return rows[0] ? toMerchant(rows[0]) : null;
}

export async function listMerchants(db: Queryable): Promise<Merchant[]> {
  const rows = await db.query<MerchantRow>(`SELECT ${COLUMNS} FROM merchants ORDER BY id`);
  return rows.map(toMerchant);
}

export async function countMerchants(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM merchants');
  return row!.n;
}
