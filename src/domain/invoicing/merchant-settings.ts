/**
 * A merchant's invoice settings (SPEC §6.1), checked before they are stored: a setting that would make an
 * invoice unlawful or unpayable is refused with a sentence saying why, every problem at once, keyed by
 * field (the shape of the API's 417 `errors`/`fieldErrors`). A partial update (PATCH) is merged with the
 * stored settings by the caller and the whole result validated here.
 */
import type { KidCheck, VatRate } from './types.ts';
import { isValidAccountNumber, isValidOrgNumber } from '../norway/norwegian-numbers.ts';
import { MAX_AMOUNT_ORE } from '../money/money.ts';
import { MAX_KID_INVOICE_NUMBER } from './kid.ts';

/**
 * The highest reminder fee (purregebyr) a creditor may charge: 35 kr, 1/20 of the inkassosats of 700 kr,
 * for claims due on or after 1 October 2020 (inkassoforskriften as amended then; reference note §5.4,
 * sources [39][40]). Amounts change by regulation: check the note's open question 4 before relying on it.
 */
export const REMINDER_FEE_CAP_ORE = 3500;

export const VAT_RATES = ['0', '12', '15', '25'] as const;
/**
 * The delivery channels (SPEC §6.5). `peppol` reaches business buyers (an organisation number: the Peppol
 * address 0192:<orgnr>), `efaktura` private buyers with eFaktura consent; each passes the other kind on.
 */
export const DELIVERY_CHANNELS = ['peppol', 'efaktura', 'email', 'file'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

export interface MerchantInvoiceSettings {
  legalName: string;
  /** 9 digits, MOD11. */
  orgNumber: string;
  street: string;
  /** Norwegian postcode, 4 digits. */
  zip: string;
  city: string;
  /** 11 digits, MOD11; required: an invoice without an account cannot be paid. */
  accountNumber: string;
  /** Prints "MVA" after the org. number. */
  vatRegistered: boolean;
  /** Prints "Foretaksregisteret" (AS, ASA, foreign branches). */
  foretaksregisteret: boolean;
  contactEmail: string | null;
  invoiceFeeOre: number;
  invoiceFeeVatRate: VatRate;
  kidCheck: KidCheck;
  reminderFeeOre: number;
  /** In order of preference, no duplicates. */
  deliveryChannels: DeliveryChannel[];
  /** The first number of the invoice/credit note series; the operator may set it before the first invoice. */
  firstInvoiceNumber: number;
}

/** SPEC §6.1 defaults of the optional settings. */
export const DEFAULT_INVOICE_SETTINGS = {
  vatRegistered: false,
  foretaksregisteret: false,
  contactEmail: null,
  invoiceFeeOre: 0,
  invoiceFeeVatRate: '25',
  kidCheck: 'mod10',
  reminderFeeOre: 3500,
  deliveryChannels: ['peppol', 'efaktura', 'email', 'file'],
  firstInvoiceNumber: 1,
} as const satisfies Partial<MerchantInvoiceSettings>;

export type SettingsValidation =
  | { ok: true; value: MerchantInvoiceSettings }
  | { ok: false; errors: string[]; fieldErrors: Record<string, string[]> };

const FIELDS: ReadonlySet<string> = new Set<keyof MerchantInvoiceSettings>([
  'legalName', 'orgNumber', 'street', 'zip', 'city', 'accountNumber', 'vatRegistered', 'foretaksregisteret', 'contactEmail',
  'invoiceFeeOre', 'invoiceFeeVatRate', 'kidCheck', 'reminderFeeOre', 'deliveryChannels', 'firstInvoiceNumber',
]);
const MAX_TEXT = 200;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateMerchantSettings(input: unknown): SettingsValidation {
  const fieldErrors: Record<string, string[]> = {};
  const problem = (field: string, message: string): null => {
    (fieldErrors[field] ??= []).push(message);
    return null;
  };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: ['The settings must be an object.'], fieldErrors: { '': ['The settings must be an object.'] } };
  }
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) if (!FIELDS.has(key)) problem(key, `${key} is not an invoice setting.`);
  const has = (field: string) => raw[field] !== undefined && raw[field] !== null;

  const text = (field: string, label: string): string | null => {
    const value = raw[field];
    if (typeof value !== 'string' || value.trim() === '') return problem(field, `The ${label} is required.`);
    if (value.trim().length > MAX_TEXT) return problem(field, `The ${label} must be at most ${MAX_TEXT} characters.`);
    return value.trim();
  };
  const digits = (field: string, label: string, check: (n: string) => boolean, rule: string): string | null => {
    const value = raw[field];
    if (typeof value !== 'string' || value.trim() === '') return problem(field, `The ${label} is required.`);
    const n = value.replace(/[\s.]/g, ''); // people write 1503.20.80119 and 923 609 016
    return check(n) ? n : problem(field, `The ${label} ${rule}; "${value}" is not.`);
  };
  const flag = (field: 'vatRegistered' | 'foretaksregisteret'): boolean | null => {
    if (!has(field)) return DEFAULT_INVOICE_SETTINGS[field];
    return typeof raw[field] === 'boolean' ? (raw[field] as boolean) : problem(field, `${field} must be true or false.`);
  };
  const ore = (field: 'invoiceFeeOre' | 'reminderFeeOre', label: string, max: number, why: string): number | null => {
    if (!has(field)) return DEFAULT_INVOICE_SETTINGS[field];
    const value = raw[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return problem(field, `The ${label} must be a whole number of øre, 0 or more.`);
    return value > max ? problem(field, `The ${label} must not exceed ${max} øre${why}.`) : value;
  };

  const legalName = text('legalName', 'legal name');
  const orgNumber = digits('orgNumber', 'organisation number', isValidOrgNumber, 'must be 9 digits with a valid MOD11 check digit');
  const street = text('street', 'street address');
  const zip = typeof raw.zip === 'string' && /^\d{4}$/.test(raw.zip.trim()) ? raw.zip.trim() : problem('zip', 'The postcode must be 4 digits.');
  const city = text('city', 'city');
  const accountNumber = digits('accountNumber', 'account number', isValidAccountNumber,
    'must be 11 digits with a valid MOD11 check digit (an invoice without an account cannot be paid)');
  const vatRegistered = flag('vatRegistered');
  const foretaksregisteret = flag('foretaksregisteret');

  let contactEmail: string | null = null;
  if (has('contactEmail')) {
    const value = raw.contactEmail;
    if (typeof value !== 'string' || !EMAIL.test(value.trim()) || value.trim().length > MAX_TEXT) problem('contactEmail', 'The contact e-mail must be a valid e-mail address.');
    else contactEmail = value.trim();
  }

  const invoiceFeeOre = ore('invoiceFeeOre', 'invoice fee', MAX_AMOUNT_ORE, '');
  let invoiceFeeVatRate: VatRate | null = DEFAULT_INVOICE_SETTINGS.invoiceFeeVatRate;
  if (has('invoiceFeeVatRate')) {
    const value = raw.invoiceFeeVatRate;
    const rate = typeof value === 'number' || typeof value === 'string' ? String(value).trim() : '';
    invoiceFeeVatRate = (VAT_RATES as readonly string[]).includes(rate)
      ? rate
      : problem('invoiceFeeVatRate', `The invoice fee VAT rate must be one of ${VAT_RATES.join(', ')} (per cent).`);
  }
  const kidCheck = !has('kidCheck') ? DEFAULT_INVOICE_SETTINGS.kidCheck
    : raw.kidCheck === 'mod10' || raw.kidCheck === 'mod11' ? raw.kidCheck : problem('kidCheck', 'The KID check must be mod10 or mod11.');
  const reminderFeeOre = ore('reminderFeeOre', 'reminder fee', REMINDER_FEE_CAP_ORE, ', the legal cap on reminder fees (35 kr)');
  const deliveryChannels = channels(has('deliveryChannels') ? raw.deliveryChannels : [...DEFAULT_INVOICE_SETTINGS.deliveryChannels], problem);

  let firstInvoiceNumber: number | null = DEFAULT_INVOICE_SETTINGS.firstInvoiceNumber;
  if (has('firstInvoiceNumber')) {
    const value = raw.firstInvoiceNumber;
    firstInvoiceNumber = typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= MAX_KID_INVOICE_NUMBER
      ? value
      : problem('firstInvoiceNumber', `The first invoice number must be a whole number from 1 to ${MAX_KID_INVOICE_NUMBER} (the KID holds 8 digits).`);
  }

  const errors = Object.values(fieldErrors).flat();
  if (errors.length > 0) return { ok: false, errors, fieldErrors };
  return {
    ok: true,
    value: {
      legalName: legalName!, orgNumber: orgNumber!, street: street!, zip: zip!, city: city!, accountNumber: accountNumber!,
      vatRegistered: vatRegistered!, foretaksregisteret: foretaksregisteret!, contactEmail,
      invoiceFeeOre: invoiceFeeOre!, invoiceFeeVatRate: invoiceFeeVatRate!, kidCheck: kidCheck!, reminderFeeOre: reminderFeeOre!,
      deliveryChannels: deliveryChannels!, firstInvoiceNumber: firstInvoiceNumber!,
    },
  };
}

/** Channels as a list or as the CLI's comma-separated text; known names, at least one, each once, order kept. */
function channels(value: unknown, problem: (field: string, message: string) => null): DeliveryChannel[] | null {
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  const field = 'deliveryChannels';
  if (!Array.isArray(list) || list.length === 0) return problem(field, `The delivery channels must be a non-empty list of ${DELIVERY_CHANNELS.join(', ')}.`);
  const unknown = list.filter((c) => !(DELIVERY_CHANNELS as readonly unknown[]).includes(c));
  if (unknown.length > 0) return problem(field, `Unknown delivery channel ${unknown.map((c) => JSON.stringify(c)).join(', ')}; the channels are ${DELIVERY_CHANNELS.join(', ')}.`);
  if (new Set(list).size !== list.length) return problem(field, 'Each delivery channel may be listed once.');
  return list as DeliveryChannel[];
}
