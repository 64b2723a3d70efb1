/** `efaktura merchant create|update|show|list`: merchants and their invoice settings (SPEC §6.1). */
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { listMerchants } from '../store/merchants.ts';
import {
  createMerchantWithSettings, getMerchantSettings, updateMerchantSettings, type SettingsInput, type SettingsView,
} from '../app/merchants/merchant-settings.ts';
import { parseCommandLine } from './args.ts';
import { UsageError } from './errors.ts';
import { print, withDb } from './output.ts';

export const MERCHANT_USAGE = `usage: efaktura merchant create --name NAME --org-number 9DIGITS [SETTINGS] [--json]
       efaktura merchant update ID [SETTINGS] [--json]
       efaktura merchant show ID [--json]
       efaktura merchant list [--json]
settings: --account-number 11DIGITS --street TEXT --zip 4DIGITS --city TEXT --vat-registered|--no-vat-registered
          --foretaksregisteret|--no-foretaksregisteret --email ADDRESS --invoice-fee NOK --invoice-fee-tax 0|12|15|25
          --kid-check mod10|mod11 --reminder-fee NOK --delivery peppol,efaktura,email,file
          --first-invoice-number N (only before the first invoice)`;

const OPTIONS = {
  name: { type: 'string' },
  'org-number': { type: 'string' },
  'account-number': { type: 'string' },
  street: { type: 'string' },
  zip: { type: 'string' },
  city: { type: 'string' },
  'vat-registered': { type: 'boolean' },
  'no-vat-registered': { type: 'boolean' },
  foretaksregisteret: { type: 'boolean' },
  'no-foretaksregisteret': { type: 'boolean' },
  email: { type: 'string' },
  'invoice-fee': { type: 'string' },
  'invoice-fee-tax': { type: 'string' },
  'kid-check': { type: 'string' },
  'reminder-fee': { type: 'string' },
  delivery: { type: 'string' },
  'first-invoice-number': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** The CLI's flag for each setting, for error messages. */
const FLAG_OF: Record<string, string> = {
  legalName: '--name', orgNumber: '--org-number', accountNumber: '--account-number', street: '--street', zip: '--zip',
  city: '--city', vatRegistered: '--vat-registered', foretaksregisteret: '--foretaksregisteret', contactEmail: '--email',
  invoiceFee: '--invoice-fee', invoiceFeeVatRate: '--invoice-fee-tax', kidCheck: '--kid-check', reminderFee: '--reminder-fee',
  deliveryChannels: '--delivery', firstInvoiceNumber: '--first-invoice-number',
};

function settingsFrom(values: Record<string, string | boolean | undefined>): SettingsInput {
  const flag = (yes: string, no: string): boolean | undefined => {
    if (values[yes] && values[no]) throw new UsageError(`--${yes} and --${no} contradict each other\n${MERCHANT_USAGE}`);
    return values[yes] ? true : values[no] ? false : undefined;
  };
  const first = values['first-invoice-number'] as string | undefined;
  return {
    legalName: values.name,
    orgNumber: values['org-number'],
    accountNumber: values['account-number'],
    street: values.street,
    zip: values.zip,
    city: values.city,
    vatRegistered: flag('vat-registered', 'no-vat-registered'),
    foretaksregisteret: flag('foretaksregisteret', 'no-foretaksregisteret'),
    contactEmail: values.email,
    invoiceFee: values['invoice-fee'],
    invoiceFeeVatRate: values['invoice-fee-tax'],
    kidCheck: values['kid-check'],
    reminderFee: values['reminder-fee'],
    deliveryChannels: values.delivery,
    firstInvoiceNumber: first === undefined ? undefined : /^\d{1,9}$/.test(first) ? Number(first) : first,
  };
}

function refused(fieldErrors: Record<string, string[]>): UsageError {
  const lines = Object.entries(fieldErrors).flatMap(([field, messages]) => messages.map((m) => `${FLAG_OF[field] ?? field}: ${m}`));
  return new UsageError(`${lines.join('\n')}\nNothing was changed.`);
}

function describe(s: SettingsView): string {
  const address = [s.street, [s.zip, s.city].filter(Boolean).join(' ')].filter(Boolean).join(', ') || '(no address: invoices need one)';
  return [
    `Merchant ${s.merchantId}: ${s.legalName}, org. ${s.orgNumber}${s.vatRegistered ? ' MVA' : ''}${s.foretaksregisteret ? ', Foretaksregisteret' : ''}`,
    `  address:        ${address}`,
    `  account:        ${s.accountNumber ?? '(none: no invoice is issued until it is set)'}`,
    `  e-mail:         ${s.contactEmail ?? '-'}`,
    `  invoice fee:    ${s.invoiceFee} NOK (VAT ${s.invoiceFeeVatRate} %)`,
    `  reminder fee:   ${s.reminderFee} NOK`,
    `  KID check:      ${s.kidCheck}`,
    `  delivery:       ${s.deliveryChannels.join(', ')}`,
    `  first number:   ${s.firstInvoiceNumber}${s.invoicing ? ' (invoicing has begun)' : ''}`,
  ].join('\n');
}

function merchantId(raw: string | undefined): number {
  if (raw === undefined || !/^[1-9]\d{0,15}$/.test(raw)) throw new UsageError(`a merchant ID is required\n${MERCHANT_USAGE}`);
  return Number(raw);
}

export async function merchantCommand(config: Config, logger: Logger, args: string[]): Promise<number> {
  if (args[0] === 'help' || args.includes('--help')) {
    process.stdout.write(`${MERCHANT_USAGE}\n`);
    return 0;
  }
  const { values, positionals } = parseCommandLine(args, OPTIONS, MERCHANT_USAGE);
  const json = !!values.json;
  const [action, id, extra] = positionals;
  if (action === 'create') {
    if (id !== undefined) throw new UsageError(`unexpected argument "${id}"\n${MERCHANT_USAGE}`);
    const result = await withDb(config, logger, (db) => createMerchantWithSettings(db, settingsFrom(values)));
    if (!result.ok) throw refused(result.fieldErrors);
    const out = { merchantId: result.settings.merchantId, token: result.token, callbackSecret: result.callbackSecret, settings: result.settings };
    const incomplete = result.settings.street === null || result.settings.accountNumber === null;
    print(json, out, [
      `Merchant ${out.merchantId} created. Shown once:\n  API token:       ${out.token}\n  callback secret: ${out.callbackSecret}`,
      ...(incomplete ? [`Invoices need an address and an account number: efaktura merchant update ${out.merchantId} --street … --zip … --city … --account-number …`] : []),
    ].join('\n'));
    return 0;
  }
  if (action === 'update' || action === 'show') {
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"\n${MERCHANT_USAGE}`);
    const merchant = merchantId(id);
    const settings = await withDb(config, logger, async (db) => {
      if (action === 'show') return getMerchantSettings(db, merchant);
      const result = await updateMerchantSettings(db, merchant, settingsFrom(values));
      if (!result.ok) throw refused(result.fieldErrors);
      return result.settings;
    });
    print(json, settings, describe(settings));
    return 0;
  }
  if (action === 'list') {
    if (id !== undefined) throw new UsageError(`unexpected argument "${id}"\n${MERCHANT_USAGE}`);
    const merchants = await withDb(config, logger, (db) => listMerchants(db));
    const rows = merchants.map((m) => ({ id: m.id, name: m.name, orgNumber: m.orgNumber, accountNumber: m.accountNumber, createdAt: m.createdAt }));
    print(json, rows, rows.length === 0 ? 'No merchants.' : rows.map((m) => `${m.id}\t${m.orgNumber}\t${m.name}`).join('\n'));
    return 0;
  }
  throw new UsageError(MERCHANT_USAGE);
}
