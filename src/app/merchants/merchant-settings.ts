/**
 * A merchant's invoice settings (SPEC §6.1), read and changed alike by `efaktura merchant create|update`
 * and `GET|PATCH /api/v1/admin/merchants/{id}`. Every given setting is checked by the domain's rules
 * (domain/invoicing/merchant-settings.ts) before anything is stored; a refused change stores nothing.
 *
 * A merchant may be created before its address is known (the invoices then wait for it: a merchant
 * without an account number is not invoiced at all), so a required setting that is absent both in the
 * change and in what is stored is not an error here; one that is given must be lawful and payable.
 */
import { ApiError } from '../errors.ts';
import { formatOre, parseOre } from '../../domain/money/money.ts';
import { validateMerchantSettings, type MerchantInvoiceSettings } from '../../domain/invoicing/merchant-settings.ts';
import type { Db, Queryable } from '../../store/db/db.ts';
import { hasIssuedDocuments, restartUnusedSeries } from '../../store/invoices.ts';
import { findInvoiceSettings, updateInvoiceSettings, type InvoiceSettings, type InvoiceSettingsChange } from '../../store/merchant-settings.ts';
import { insertMerchant } from '../../store/merchants.ts';
import { createApiToken } from '../../store/tokens.ts';

/** The settings as the admin API and `--json` show them: amounts in NOK with two decimals. */
export interface SettingsView {
  merchantId: number;
  legalName: string;
  orgNumber: string;
  accountNumber: string | null;
  street: string | null;
  zip: string | null;
  city: string | null;
  vatRegistered: boolean;
  foretaksregisteret: boolean;
  contactEmail: string | null;
  invoiceFee: string;
  invoiceFeeVatRate: string;
  kidCheck: string;
  reminderFee: string;
  deliveryChannels: string[];
  firstInvoiceNumber: number;
  /** Whether the merchant has issued a document (then `firstInvoiceNumber` is fixed). */
  invoicing: boolean;
}

export const SETTING_FIELDS = [
  'legalName', 'orgNumber', 'accountNumber', 'street', 'zip', 'city', 'vatRegistered', 'foretaksregisteret', 'contactEmail',
  'invoiceFee', 'invoiceFeeVatRate', 'kidCheck', 'reminderFee', 'deliveryChannels', 'firstInvoiceNumber',
] as const;

export type SettingsInput = Partial<Record<(typeof SETTING_FIELDS)[number], unknown>>;

export type SettingsResult =
  | { ok: true; settings: SettingsView }
  | { ok: false; errors: string[]; fieldErrors: Record<string, string[]> };

function view(s: InvoiceSettings, invoicing: boolean): SettingsView {
  return {
    merchantId: s.merchantId,
    legalName: s.name,
    orgNumber: s.orgNumber,
    accountNumber: s.accountNumber,
    street: s.street,
    zip: s.zip,
    city: s.city,
    vatRegistered: s.vatRegistered,
    foretaksregisteret: s.foretaksregisteret,
    contactEmail: s.invoiceEmail,
    invoiceFee: formatOre(s.invoiceFeeOre),
    invoiceFeeVatRate: s.invoiceFeeVatRate,
    kidCheck: s.kidCheck,
    reminderFee: formatOre(s.reminderFeeOre),
    deliveryChannels: s.deliveryChannels,
    firstInvoiceNumber: s.firstInvoiceNumber,
    invoicing,
  };
}

export async function getMerchantSettings(db: Queryable, merchantId: number): Promise<SettingsView> {
  const settings = await findInvoiceSettings(db, merchantId);
  if (settings === null) throw new ApiError('merchantNotFound', { errors: [`There is no merchant ${merchantId}.`] });
  return view(settings, await hasIssuedDocuments(db, merchantId));
}

/** Valid stand-ins for required settings that are absent in both the change and the store (see top). */
const STAND_INS: Partial<MerchantInvoiceSettings> = {
  legalName: 'x', orgNumber: '923609016', street: 'x', zip: '0000', city: 'x', accountNumber: '15032080119',
};

/** The domain validator's names for the stored settings. */
function asDomainInput(s: InvoiceSettings | null): Record<string, unknown> {
  if (s === null) return {};
  return {
    legalName: s.name, orgNumber: s.orgNumber, accountNumber: s.accountNumber ?? undefined, street: s.street ?? undefined,
    zip: s.zip ?? undefined, city: s.city ?? undefined, vatRegistered: s.vatRegistered, foretaksregisteret: s.foretaksregisteret,
    contactEmail: s.invoiceEmail, invoiceFeeOre: s.invoiceFeeOre, invoiceFeeVatRate: s.invoiceFeeVatRate, kidCheck: s.kidCheck,
    reminderFeeOre: s.reminderFeeOre, deliveryChannels: s.deliveryChannels, firstInvoiceNumber: s.firstInvoiceNumber,
  };
}

/**
 * Checks `input` on top of `stored`: returns the change to store (only the given fields, normalised),
 * or every problem at once.
 */
function checkChange(stored: InvoiceSettings | null, input: SettingsInput):
  | { ok: true; change: InvoiceSettingsChange }
  | { ok: false; errors: string[]; fieldErrors: Record<string, string[]> } {
  const fieldErrors: Record<string, string[]> = {};
  const given = Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined);
  for (const key of given) {
    if (!(SETTING_FIELDS as readonly string[]).includes(key)) (fieldErrors[key] ??= []).push(`${key} is not a merchant setting.`);
  }
  const domain: Record<string, unknown> = { ...asDomainInput(stored) };
  for (const key of given) {
    const value = (input as Record<string, unknown>)[key];
    if (key === 'invoiceFee' || key === 'reminderFee') {
      const ore = parseOre(value);
      const field = key === 'invoiceFee' ? 'invoiceFeeOre' : 'reminderFeeOre';
      if (ore === null) (fieldErrors[key] ??= []).push(`The ${key === 'invoiceFee' ? 'invoice fee' : 'reminder fee'} must be an amount in NOK with at most two decimals.`);
      else domain[field] = ore;
    } else if ((SETTING_FIELDS as readonly string[]).includes(key)) {
      domain[key] = value;
    }
  }
  for (const [key, standIn] of Object.entries(STAND_INS)) {
    if (!given.includes(key) && (domain[key] === undefined || domain[key] === null)) domain[key] = standIn;
  }
  const checked = validateMerchantSettings(domain);
  if (!checked.ok) {
    const byApiName = (field: string) => (field === 'invoiceFeeOre' ? 'invoiceFee' : field === 'reminderFeeOre' ? 'reminderFee' : field);
    for (const [field, messages] of Object.entries(checked.fieldErrors)) (fieldErrors[byApiName(field)] ??= []).push(...messages);
  }
  if (Object.keys(fieldErrors).length > 0 || !checked.ok) {
    return { ok: false, errors: Object.values(fieldErrors).flat(), fieldErrors };
  }
  const v = checked.value;
  const change: InvoiceSettingsChange = {};
  const has = (k: string) => given.includes(k);
  if (has('legalName')) change.name = v.legalName;
  if (has('orgNumber')) change.orgNumber = v.orgNumber;
  if (has('accountNumber')) change.accountNumber = v.accountNumber;
  if (has('street')) change.street = v.street;
  if (has('zip')) change.zip = v.zip;
  if (has('city')) change.city = v.city;
  if (has('vatRegistered')) change.vatRegistered = v.vatRegistered;
  if (has('foretaksregisteret')) change.foretaksregisteret = v.foretaksregisteret;
  if (has('contactEmail')) change.invoiceEmail = v.contactEmail;
  if (has('invoiceFee')) change.invoiceFeeOre = v.invoiceFeeOre;
  if (has('invoiceFeeVatRate')) change.invoiceFeeVatRate = v.invoiceFeeVatRate;
  if (has('kidCheck')) change.kidCheck = v.kidCheck;
  if (has('reminderFee')) change.reminderFeeOre = v.reminderFeeOre;
  if (has('deliveryChannels')) change.deliveryChannels = v.deliveryChannels;
  if (has('firstInvoiceNumber')) change.firstInvoiceNumber = v.firstInvoiceNumber;
  return { ok: true, change };
}

/** `PATCH /api/v1/admin/merchants/{id}` and `efaktura merchant update ID`. */
export async function updateMerchantSettings(db: Db, merchantId: number, input: SettingsInput): Promise<SettingsResult> {
  return db.transaction(async (tx) => {
    await tx.query({ text: 'SELECT 1 FROM merchants WHERE id = $1 FOR UPDATE', values: [merchantId] });
    const stored = await findInvoiceSettings(tx, merchantId);
    if (stored === null) throw new ApiError('merchantNotFound', { errors: [`There is no merchant ${merchantId}.`] });
    const checked = checkChange(stored, input);
    if (!checked.ok) return checked;
    const changesFirst = checked.change.firstInvoiceNumber !== undefined && checked.change.firstInvoiceNumber !== stored.firstInvoiceNumber;
    if (changesFirst && !(await restartUnusedSeries(tx, merchantId, checked.change.firstInvoiceNumber!))) {
      const message = 'The first invoice number can only be set before the first invoice; this merchant has issued documents.';
      return { ok: false, errors: [message], fieldErrors: { firstInvoiceNumber: [message] } };
    }
    const invoicing = await hasIssuedDocuments(tx, merchantId);
    const updated = await updateInvoiceSettings(tx, merchantId, checked.change);
    return { ok: true, settings: view(updated!, invoicing) };
  });
}

/** `efaktura merchant create`: the merchant, its settings and its first API token, in one transaction. */
export async function createMerchantWithSettings(
  db: Db,
  input: SettingsInput,
): Promise<(SettingsResult & { ok: false }) | { ok: true; settings: SettingsView; token: string; callbackSecret: string }> {
  const fieldErrors: Record<string, string[]> = {};
  if (input.legalName === undefined) fieldErrors.legalName = ['The legal name is required.'];
  if (input.orgNumber === undefined) fieldErrors.orgNumber = ['The organisation number is required.'];
  const checked = checkChange(null, input);
  if (!checked.ok) for (const [k, m] of Object.entries(checked.fieldErrors)) (fieldErrors[k] ??= []).push(...m);
  if (Object.keys(fieldErrors).length > 0 || !checked.ok) return { ok: false, errors: Object.values(fieldErrors).flat(), fieldErrors };
  const { name, orgNumber, accountNumber, ...rest } = checked.change;
  return db.transaction(async (tx) => {
    const merchant = await insertMerchant(tx, { name: name!, orgNumber: orgNumber!, accountNumber: accountNumber ?? null });
    const updated = await updateInvoiceSettings(tx, merchant.id, rest);
    const token = await createApiToken(tx, merchant.id);
    return { ok: true as const, settings: view(updated!, false), token: token.token, callbackSecret: merchant.callbackSecret };
  });
}
