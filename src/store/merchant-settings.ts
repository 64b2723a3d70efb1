/**
 * A merchant's invoice settings (SPEC §6.1): what every document it issues says about the seller, and
 * how it charges and numbers. Checked by domain/invoicing/merchant-settings before anything is stored.
 */
import type { KidCheck } from '../domain/invoicing/types.ts';
import type { Queryable } from './db/db.ts';

export interface InvoiceSettings {
  merchantId: number;
  name: string;
  orgNumber: string;
  accountNumber: string | null;
  street: string | null;
  zip: string | null;
  city: string | null;
  vatRegistered: boolean;
  foretaksregisteret: boolean;
  invoiceEmail: string | null;
  invoiceFeeOre: number;
  invoiceFeeVatRate: string;
  kidCheck: KidCheck;
  reminderFeeOre: number;
  deliveryChannels: string[];
  firstInvoiceNumber: number;
}

const COLUMNS = `id, name, org_number, account_number, street, zip, city, vat_registered, foretaksregisteret, invoice_email,
  invoice_fee_ore, invoice_fee_vat_rate, kid_check, reminder_fee_ore, delivery_channels, first_invoice_number`;

interface Row {
  id: number;
  name: string;
  org_number: string;
  account_number: string | null;
  street: string | null;
  zip: string | null;
  city: string | null;
  vat_registered: boolean;
  foretaksregisteret: boolean;
  invoice_email: string | null;
  invoice_fee_ore: number;
  invoice_fee_vat_rate: string;
  kid_check: KidCheck;
  reminder_fee_ore: number;
  delivery_channels: string[];
  first_invoice_number: number;
}

function toSettings(r: Row): InvoiceSettings {
  return {
    merchantId: r.id,
    name: r.name,
    orgNumber: r.org_number,
    accountNumber: r.account_number,
    street: r.street,
    zip: r.zip,
    city: r.city,
    vatRegistered: r.vat_registered,
    foretaksregisteret: r.foretaksregisteret,
    invoiceEmail: r.invoice_email,
    invoiceFeeOre: r.invoice_fee_ore,
    invoiceFeeVatRate: r.invoice_fee_vat_rate,
    kidCheck: r.kid_check,
    reminderFeeOre: r.reminder_fee_ore,
    deliveryChannels: r.delivery_channels,
    firstInvoiceNumber: r.first_invoice_number,
  };
}

export async function findInvoiceSettings(db: Queryable, merchantId: number): Promise<InvoiceSettings | null> {
  const rows = await db.query<Row>({
    name: 'find_invoice_settings',
    text: `SELECT ${COLUMNS} FROM merchants WHERE id = $1`,
    values: [merchantId],
  });
  return rows[0] ? toSettings(rows[0]) : null;
}

/** The settings a PATCH may change; absent fields stay as they are. */
export type InvoiceSettingsChange = Partial<Omit<InvoiceSettings, 'merchantId'>>;

const COLUMN_OF: Record<keyof InvoiceSettingsChange, string> = {
  name: 'name',
  orgNumber: 'org_number',
  accountNumber: 'account_number',
  street: 'street',
  zip: 'zip',
  city: 'city',
  vatRegistered: 'vat_registered',
  foretaksregisteret: 'foretaksregisteret',
  invoiceEmail: 'invoice_email',
  invoiceFeeOre: 'invoice_fee_ore',
  invoiceFeeVatRate: 'invoice_fee_vat_rate',
  kidCheck: 'kid_check',
  reminderFeeOre: 'reminder_fee_ore',
  deliveryChannels: 'delivery_channels',
  firstInvoiceNumber: 'first_invoice_number',
};

/** Writes the given settings (already checked); returns the merchant's settings after the change. */
export async function updateInvoiceSettings(
  db: Queryable,
  merchantId: number,
  change: InvoiceSettingsChange,
): Promise<InvoiceSettings | null> {
  const keys = (Object.keys(change) as Array<keyof InvoiceSettingsChange>).filter((k) => change[k] !== undefined);
  if (keys.length === 0) return findInvoiceSettings(db, merchantId);
  const sets = keys.map((k, i) => `${COLUMN_OF[k]} = $${i + 2}`).join(', ');
  const rows = await db.query<Row>({
    text: `UPDATE merchants SET ${sets} WHERE id = $1 RETURNING ${COLUMNS}`,
    values: [merchantId, ...keys.map((k) => change[k])],
  });
  return rows[0] ? toSettings(rows[0]) : null;
}
