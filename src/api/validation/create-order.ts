/**
 * The request body of `POST /api/v1/connect/orders/faktura/create` (SPEC §2.1) and of Send EHF Invoice,
 * `POST /api/v1/connect/orders/ehf/create` (FPGO ref §3.1.4): one rules table per kind of customer that both
 * validates (417 messages, SPEC §2.2) and documents (`createOrderBodySchema`, `createEhfOrderBodySchema`),
 * then the totals check of SPEC §5, then conversion into a `ValidatedOrder` in øre with every default applied.
 * The two tables differ only in how the customer is identified: a person by `personalNumber`, a business by
 * `organizationId` (and then no `personalNumber`).
 */
import { MAX_AMOUNT_ORE, decimalToOre, formatDecimal, formatOre, parseDecimal } from '../../domain/money/money.ts';
import type { Decimal } from '../../domain/money/money.ts';
import { ISO_3166_ALPHA2 } from '../../domain/norway/iso-countries.ts';
import { callbackUrlQueryProblems } from '../../domain/callbacks/signature.ts';
import type { ValidatedCustomer, ValidatedOrder, ValidatedProduct } from '../../domain/orders/order.ts';
import { MAX_UNIX_SECONDS } from '../../domain/time/instant.ts';
import { DOCUMENTED_EHF_EXAMPLE, DOCUMENTED_EXAMPLE } from '../../domain/orders/documented-example.ts';
import { isValidOrgNumber } from '../../domain/norway/norwegian-numbers.ts';
import { computeLine, computeSummary, lineGrossOre } from '../../domain/money/totals.ts';
import type { LineTotals } from '../../domain/money/totals.ts';
import {
  asList, boolean, custom, decimals, digits, digitsBetween, email, gt, gte, inList, integer, list, max, maxValue, min,
  numeric, numericValue, object, readChild, regex, required, string, toBoolean, toInteger, toJsonSchema, url, validateRules,
} from './rules.ts';
import { MAX_LINES } from '../limits.ts';
import type { ErrorBag, FieldSpec, Rule, RulesTable, Validation } from './rules.ts';

export type { Validation } from './rules.ts';

export interface CreateOrderPolicy {
  /** VAT rates (percent, normalized decimals) the merchant may invoice; FPGO's default set is 0/12/15/25. */
  allowedTaxRates: readonly string[];
  /** Allowed `invoiceMaturity` days; the docs allow 0 or 10, a merchant may allow more (SPEC §2.1). */
  allowedMaturityDays: readonly number[];
}

export const defaultCreateOrderPolicy: CreateOrderPolicy = Object.freeze({
  allowedTaxRates: Object.freeze(['0', '12', '15', '25']),
  allowedMaturityDays: Object.freeze([0, 10]),
});

export type { ValidatedCustomer, ValidatedOrder, ValidatedProduct } from '../../domain/orders/order.ts';

/** Who the order is for: a person (Send E-Faktura, fødselsnummer) or a business (Send EHF Invoice, org number). */
export type CustomerKind = 'private' | 'business';

const LANGUAGES = ['en', 'no', 'sv', 'da', 'de'] as const;
const MAX_NOK = MAX_AMOUNT_ORE / 100;
const MAX_QUANTITY = 1_000_000_000;
const DEFAULT_MATURITY_DAYS = 10;

const money = (): Rule[] => [numeric(), gte(0), decimals(2), maxValue(MAX_NOK)];
const field = (rules: Rule[], description: string, extra: Omit<FieldSpec, 'rules' | 'description'> = {}): FieldSpec => ({
  rules, description, ...extra,
});
const normalizedDecimal = (v: unknown): string | null => {
  const d = numericValue(v);
  return d === null ? null : formatDecimal(d);
};
const maturityDefault = (policy: CreateOrderPolicy): number =>
  policy.allowedMaturityDays.includes(DEFAULT_MATURITY_DAYS)
    ? DEFAULT_MATURITY_DAYS
    : (policy.allowedMaturityDays[0] ?? DEFAULT_MATURITY_DAYS);

const unixTimestamp = (): Rule =>
  custom('unix_timestamp', 'type', (v) => parseOrderDate(v) !== null, 'The :attribute must be a valid Unix timestamp.',
    (s) => Object.assign(s, { type: ['string', 'integer'] }));
const isoCountry = (): Rule =>
  inList(ISO_3166_ALPHA2, { normalize: (v) => (typeof v === 'string' ? v.toUpperCase() : null) });
// Compared by value ("25.00" is 25), so the schema cannot list the spellings as an enum.
const taxRate = (rates: readonly string[]): Rule =>
  inList(rates.map((rate) => normalizedDecimal(rate) ?? rate), { normalize: normalizedDecimal, enumInSchema: false });

/** SPEC §2.1, row by row. Order matters: it is the order of the 417 messages. */
/**
 * The merchant's own query parameters must survive the FPGO checksum loop (SPEC §4): a parameter named
 * like ours, repeated, or PHP-array-like would make every callback fail verification, so refuse it now.
 */
const callbackQueryVerifiable: Rule = {
  kind: 'constraint',
  notation: 'callback_query',
  check: (v) => {
    // A URL that is not absolute already fails the url rule; only judge its query here. Without a "?" the
    // URL has no query (the parser starts one only there), so there is nothing to judge.
    const problems = typeof v === 'string' && v.includes('?') && URL.canParse(v) ? callbackUrlQueryProblems(v) : [];
    return problems.length === 0 ? null : `The :attribute ${problems.join('; ')}.`;
  },
};

/**
 * A Norwegian organisation number: 9 digits whose last is the MOD11 check digit (Brønnøysundregistrene).
 * Anything but 9 digits already failed `digits:9`, so only that message is shown for it.
 */
const orgNumberCheckDigit: Rule = {
  kind: 'constraint',
  notation: 'org_number_mod11',
  check: (v) => {
    const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '';
    if (!/^\d{9}$/.test(text)) return null;
    return isValidOrgNumber(text) ? null : 'The :attribute must be a valid Norwegian organisation number (its last digit is a MOD11 check digit).';
  },
};

/** Laravel's `prohibited`: the field must be absent (null and "" count as absent). */
const prohibited = (): Rule => ({
  kind: 'constraint',
  notation: 'prohibited',
  check: () => 'The :attribute field is prohibited.',
  schema: (s) => Object.assign(s, { type: 'string', maxLength: 0 }),
});

/** How the customer is identified: the one row that differs between Send E-Faktura and Send EHF Invoice. */
function customerIdentityRules(kind: CustomerKind): RulesTable {
  if (kind === 'private') {
    return {
      'customerDetails.personalNumber': field([required(), digits(11)],
        'Norwegian national identity number (fødselsnummer), exactly 11 digits, no spaces.'),
    };
  }
  return {
    'customerDetails.organizationId': field([required(), digits(9), orgNumberCheckDigit],
      'Norwegian organisation number (Enhetsregisteret), 9 digits with a valid MOD11 check digit; the EHF goes to the Peppol address 0192:<organizationId>.',
      { examples: ['987654325'] }),
    'customerDetails.personalNumber': field([prohibited()],
      'Not allowed: a business customer is identified by organizationId (use Send E-Faktura for a person).'),
  };
}

export function createOrderRules(policy: CreateOrderPolicy = defaultCreateOrderPolicy, kind: CustomerKind = 'private'): RulesTable {
  return {
    products: field([required(), list(), min(1), max(MAX_LINES)],
      'Order lines: a JSON array, or an object keyed "0", "1", … (both appear in the FPGO docs).'),
    'products.*': field([required(), object()], 'One order line.'),
    'products.*.name': field([required(), string(), max(255)], 'Line text as printed on the invoice.'),
    'products.*.productId': field([string(), max(25)], "The merchant's product id."),
    'products.*.quantity': field([required(), numeric(), gt(0), decimals(4), maxValue(MAX_QUANTITY)],
      'Quantity; may be fractional (at most 4 decimals).'),
    'products.*.rate': field([required(), ...money()], 'Unit price including VAT, NOK, at most 2 decimals.'),
    'products.*.discount': field([...money()], 'NOK taken off the line (not per unit).'),
    'products.*.tax': field([required(), numeric(), taxRate(policy.allowedTaxRates)], 'VAT rate in percent; one the merchant allows.'),
    'products.*.amount': field([required(), ...money()], 'Line total including VAT: quantity × rate − discount (±0.01).'),
    orderSummary: field([required(), object()], "Order totals; checked against the server's own figures (±0.01 per line)."),
    'orderSummary.subTotal': field([required(), ...money()], 'Grand total net of VAT.'),
    'orderSummary.totalTax': field([required(), ...money()], 'Σ line VAT; line VAT = amount × tax / (100 + tax), rounded per line.'),
    'orderSummary.totalDiscount': field([required(), ...money()], 'Σ line discounts.'),
    'orderSummary.grandTotal': field([required(), ...money()], 'Σ line amounts, VAT included.'),
    orderDate: field([required(), unixTimestamp()],
      'Unix time in seconds, as a string (an integer is accepted; so is the older "5 Dec, 2023", read as midnight Europe/Oslo).',
      { examples: ['1703040812'] }),
    customerDetails: field([required(), object()],
      kind === 'private' ? 'The private customer (e-faktura is for persons).' : 'The business customer (EHF is for organisations).'),
    'customerDetails.countryCode': field([required(), string(), regex(/^\+\d{1,4}$/)], 'Phone country code, "+" and 1–4 digits.',
      { examples: ['+47'] }),
    'customerDetails.msisdn': field([required(), string(), digitsBetween(4, 15)], 'Phone number without country code, 4–15 digits.'),
    'customerDetails.email': field([required(), email()], 'E-mail address.'),
    'customerDetails.name': field([required(), string(), max(255)], 'Full name.'),
    'customerDetails.preferredLanguage': field([string(), inList(LANGUAGES)], 'Language of the invoice.', { default: 'no' }),
    ...customerIdentityRules(kind),
    'customerDetails.address': field([required(), object()], 'Postal address at order time (the invoice shows it).'),
    'customerDetails.address.street': field([required(), string(), max(255)], 'Street address.'),
    'customerDetails.address.zip': field([required(), string(), max(255)], 'Postal code.'),
    'customerDetails.address.city': field([required(), string(), max(255)], 'Postal town.'),
    'customerDetails.address.country': field([required(), string(), isoCountry()],
      'ISO 3166-1 alpha-2 country code (case-insensitive, stored upper-case).'),
    invoiceInterval: field([integer(), inList([0, 1, 2])],
      'Invoice run: 0 = daily, 1 = once a month (1st), 2 = twice a month (1st and 16th).', { default: 0 }),
    invoiceMaturity: field([integer(), inList(policy.allowedMaturityDays)], 'Days from invoice date to due date.',
      { default: maturityDefault(policy) }),
    invoiceFeeApplicable: field([required(), boolean()], "Whether the merchant's invoice fee is added as its own line."),
    separateInvoices: field([boolean()], "true: one invoice per order; false: a customer's orders of one period share an invoice.",
      { default: true }),
    referenceNo: field([string(), max(255)], "The merchant's reference, printed on the invoice."),
    customerReference: field([string(), max(255)], "The customer's reference, printed on the invoice."),
    callback: field([required(), object()], 'Where status changes are reported (SPEC §4).'),
    'callback.callbackUrl': field([required(), string(), max(2048), url(), callbackQueryVerifiable], 'Absolute http(s) URL called with GET on every status change.'),
  };
}


const BODY_NOTES =
  'Strings are trimmed and empty strings count as missing; unknown fields are ignored; numeric fields take a JSON number or a ' +
  'decimal string. All errors are reported at once (417).';

export const createOrderBodySchema: Record<string, unknown> = toJsonSchema(createOrderRules(), {
  title: 'Send E-Faktura request',
  description: `Creates an order for a private customer that is invoiced as an e-faktura (FPGO Connect compatible). ${BODY_NOTES}`,
  examples: [DOCUMENTED_EXAMPLE],
});

export const createEhfOrderBodySchema: Record<string, unknown> = toJsonSchema(createOrderRules(defaultCreateOrderPolicy, 'business'), {
  title: 'Send EHF Invoice request',
  description:
    'Creates an order for a business customer (organisation number) that is invoiced as an EHF (Peppol BIS Billing 3.0) ' +
    `to 0192:<organizationId>; the same body as Send E-Faktura with organizationId in place of personalNumber. ${BODY_NOTES}`,
  examples: [DOCUMENTED_EHF_EXAMPLE],
});

/** Rules tables per policy and kind: building one costs a third of a validation, and policies are few. */
const rulesByPolicy = new Map<string, RulesTable>();
/** The policy (copied), kind and table of the last call: a merchant's requests usually come in runs. */
let lastRules: { rates: readonly string[]; days: readonly number[]; kind: CustomerKind; table: RulesTable } | null = null;

const sameItems = <T>(a: readonly T[], b: readonly T[]): boolean =>
  a.length === b.length && a.every((item, i) => item === b[i]);

function cachedRules(policy: CreateOrderPolicy, kind: CustomerKind): RulesTable {
  // Equal items give an equal key below, hence the table that lookup would return.
  if (
    lastRules && lastRules.kind === kind &&
    sameItems(lastRules.rates, policy.allowedTaxRates) && sameItems(lastRules.days, policy.allowedMaturityDays)
  ) {
    return lastRules.table;
  }
  const key = `${kind}|${policy.allowedTaxRates.join(',')}|${policy.allowedMaturityDays.join(',')}`;
  let table = rulesByPolicy.get(key);
  if (table === undefined) {
    if (rulesByPolicy.size >= 1000) rulesByPolicy.clear();
    table = createOrderRules(policy, kind);
    rulesByPolicy.set(key, table);
  }
  lastRules = { rates: [...policy.allowedTaxRates], days: [...policy.allowedMaturityDays], kind, table };
  return table;
}

/** Send E-Faktura's body: an order for a private customer (SPEC §2.1). */
export function validateCreateOrder(body: unknown, policy: CreateOrderPolicy = defaultCreateOrderPolicy): Validation<ValidatedOrder> {
  return validateOrderFor('private', body, policy);
}

/** Send EHF Invoice's body: an order for a business customer, identified by its organisation number. */
export function validateCreateEhfOrder(body: unknown, policy: CreateOrderPolicy = defaultCreateOrderPolicy): Validation<ValidatedOrder> {
  return validateOrderFor('business', body, policy);
}

function validateOrderFor(kind: CustomerKind, body: unknown, policy: CreateOrderPolicy): Validation<ValidatedOrder> {
  const bag = validateRules(cachedRules(policy, kind), body);
  if (!bag.isEmpty) return bag.toFailure();
  const { order, requestLines } = readOrder(body, policy, kind);
  checkTotals(order, requestLines, readChild(body, 'orderSummary'), bag);
  return bag.isEmpty ? { ok: true, value: order } : bag.toFailure();
}

/** What `checkTotals` needs of a request line besides its `ValidatedProduct`: the line as sent, and what was parsed. */
interface RequestLine {
  item: unknown;
  quantity: Decimal;
  taxPercent: Decimal;
}

// Readers used only after the rules passed, so each value is known to be present and well-formed. They walk
// the body like the rules do (`readChild` is one step of `readPath`), one object at a time.
const text = (container: unknown, key: string): string => readChild(container, key) as string;
const optionalText = (container: unknown, key: string): string | null =>
  (readChild(container, key) as string | null | undefined) ?? null;
const decimalAt = (container: unknown, key: string): Decimal => parseDecimal(readChild(container, key)) as Decimal;
const oreAt = (container: unknown, key: string): number => decimalToOre(decimalAt(container, key)) as number;

function readOrder(body: unknown, policy: CreateOrderPolicy, kind: CustomerKind): { order: ValidatedOrder; requestLines: RequestLine[] } {
  const items = asList(readChild(body, 'products')) ?? [];
  const products: ValidatedProduct[] = [];
  const requestLines: RequestLine[] = [];
  for (let position = 0; position < items.length; position++) {
    const item = items[position];
    const quantity = decimalAt(item, 'quantity');
    const taxPercent = decimalAt(item, 'tax');
    products.push({
      position,
      name: text(item, 'name'),
      productId: optionalText(item, 'productId'),
      quantity: formatDecimal(quantity),
      rateOre: oreAt(item, 'rate'),
      discountOre: readChild(item, 'discount') == null ? 0 : oreAt(item, 'discount'),
      taxRate: formatDecimal(taxPercent),
      amountOre: 0, // server figures are filled in by checkTotals
      vatOre: 0,
    });
    requestLines.push({ item, quantity, taxPercent });
  }
  const c = readChild(body, 'customerDetails');
  const address = readChild(c, 'address');
  const order: ValidatedOrder = {
    products,
    summary: { subTotalOre: 0, totalTaxOre: 0, totalDiscountOre: 0, grandTotalOre: 0 },
    orderDate: parseOrderDate(readChild(body, 'orderDate')) as number,
    customer: {
      countryCode: text(c, 'countryCode'),
      msisdn: text(c, 'msisdn'),
      email: text(c, 'email'),
      name: text(c, 'name'),
      preferredLanguage: (optionalText(c, 'preferredLanguage') ?? 'no') as ValidatedCustomer['preferredLanguage'],
      ...(kind === 'private'
        ? { personalNumber: String(readChild(c, 'personalNumber')) }
        : { organizationId: String(readChild(c, 'organizationId')) }),
      address: {
        street: text(address, 'street'),
        zip: text(address, 'zip'),
        city: text(address, 'city'),
        country: text(address, 'country').toUpperCase(),
      },
    },
    invoiceInterval: (toInteger(readChild(body, 'invoiceInterval')) ?? 0) as 0 | 1 | 2,
    invoiceMaturity: toInteger(readChild(body, 'invoiceMaturity')) ?? maturityDefault(policy),
    invoiceFeeApplicable: toBoolean(readChild(body, 'invoiceFeeApplicable')) as boolean,
    separateInvoices: toBoolean(readChild(body, 'separateInvoices')) ?? true,
    referenceNo: optionalText(body, 'referenceNo'),
    customerReference: optionalText(body, 'customerReference'),
    callbackUrl: text(readChild(body, 'callback'), 'callbackUrl'),
  };
  return { order, requestLines };
}

const MAX_AMOUNT = BigInt(MAX_AMOUNT_ORE);

/**
 * SPEC §5: recompute every line and the summary, fill in the server's figures, and report where the client's
 * differ by more than the rounding allowance (1 øre per line; for summary fields, 1 øre × number of lines).
 */
function checkTotals(order: ValidatedOrder, requestLines: readonly RequestLine[], orderSummary: unknown, bag: ErrorBag): void {
  const lines: LineTotals[] = [];
  for (let i = 0; i < order.products.length; i++) {
    const product = order.products[i] as ValidatedProduct;
    const { item, quantity, taxPercent } = requestLines[i] as RequestLine;
    const p = (key: string) => `products.${product.position}.${key}`; // only built for a message
    const gross = lineGrossOre(quantity, product.rateOre);
    if (gross > MAX_AMOUNT) {
      bag.add(p('amount'), `The :attribute must not be greater than ${MAX_NOK} (quantity × rate).`);
      continue;
    }
    if (BigInt(product.discountOre) > gross) {
      bag.add(p('discount'), `The :attribute must not be greater than ${formatOre(Number(gross))} (quantity × rate).`);
      continue;
    }
    const line = computeLine({ quantity, rateOre: product.rateOre, discountOre: product.discountOre, taxPercent });
    product.amountOre = line.amountOre;
    product.vatOre = line.vatOre;
    lines.push(line);
    if (Math.abs(oreAt(item, 'amount') - line.amountOre) > 1) {
      bag.add(p('amount'), `The :attribute must be ${formatOre(line.amountOre)} (quantity × rate − discount).`);
    }
  }
  if (lines.length !== order.products.length) return; // a line could not be computed; its error says why
  const summary = computeSummary(lines);
  order.summary = summary;
  if (summary.grandTotalOre > MAX_AMOUNT_ORE) {
    bag.add('orderSummary.grandTotal', `The :attribute must not be greater than ${MAX_NOK}.`);
    return;
  }
  const fields = [
    ['subTotal', summary.subTotalOre],
    ['totalTax', summary.totalTaxOre],
    ['totalDiscount', summary.totalDiscountOre],
    ['grandTotal', summary.grandTotalOre],
  ] as const;
  for (const [name, expected] of fields) {
    if (Math.abs(oreAt(orderSummary, name) - expected) > lines.length) {
      bag.add(`orderSummary.${name}`, `The :attribute must be ${formatOre(expected)}.`);
    }
  }
}

// ---------------------------------------------------------------- orderDate (SPEC §2.1, FPGO ref §2.4)

/** Year 9999: also refuses millisecond timestamps sent by mistake (they land tens of millennia ahead). */
const DAY_MONTH_YEAR = /^(\d{1,2})\s+([A-Za-z]{3}),\s*(\d{4})$/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const OSLO_OFFSET = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Oslo', timeZoneName: 'longOffset' });

/**
 * Unix seconds from a digit string or a JSON integer (the current docs), or from the older documented
 * Laravel format `d M, Y` ("5 Dec, 2023"), read as midnight in Europe/Oslo. Null when not a valid date.
 */
export function parseOrderDate(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 && value <= MAX_UNIX_SECONDS ? value : null;
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (/^\d{1,12}$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return seconds <= MAX_UNIX_SECONDS ? seconds : null;
  }
  const m = DAY_MONTH_YEAR.exec(trimmed);
  if (m === null) return null;
  const [, dayText = '', monthText = '', yearText = ''] = m;
  const day = Number(dayText);
  const month = MONTHS.indexOf(monthText.toLowerCase());
  const year = Number(yearText);
  const utcMidnight = new Date(0).setUTCFullYear(year, month, day); // not Date.UTC: it maps years 0–99 to 19xx
  const check = new Date(utcMidnight);
  if (month < 0 || year < 1970 || check.getUTCDate() !== day || check.getUTCMonth() !== month) return null;
  // Oslo is UTC+1 or UTC+2 and changes at 01:00 UTC, so local midnight is never in a gap: read the offset
  // one hour before UTC midnight (which is Oslo midnight or 01:00) and step back by it.
  const seconds = (utcMidnight - osloOffsetMs(utcMidnight - 3_600_000)) / 1000;
  return seconds >= 0 ? seconds : null;
}

function osloOffsetMs(epochMs: number): number {
  const name = OSLO_OFFSET.formatToParts(epochMs).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /([+-])(\d{2}):(\d{2})/.exec(name);
  if (m === null) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return (m[1] === '-' ? -minutes : minutes) * 60_000;
}
