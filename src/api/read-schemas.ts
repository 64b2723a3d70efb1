/**
 * The documented shape of what the merchant reads back: the order's details, an invoice and a credit note.
 * These schemas are documentation (OpenAPI, and through it the SDK's generated types); the routes that use
 * them keep serialising with JSON.stringify (`documentedOnly`), so documenting a field can never drop or
 * coerce one on the wire. A test validates real responses against them with no undocumented field
 * allowed (test/api/connect/read-schemas.test.ts), so the document cannot drift from what is sent.
 */
import type { FastifySerializerCompiler } from 'fastify';

type Schema = Record<string, unknown>;

const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const int = { type: 'integer' } as const;
const intOrNull = { type: ['integer', 'null'] } as const;
const amount = { type: 'string', pattern: '^-?\\d+\\.\\d{2}$', example: '499.00' } as const;
const date = { type: 'string', format: 'date', example: '2026-12-11' } as const;
const dateOrNull = { type: ['string', 'null'], format: 'date' } as const;
const timestamp = { type: 'string', format: 'date-time' } as const;
const timestampOrNull = { type: ['string', 'null'], format: 'date-time' } as const;
/** VAT per cent as the order sent it: "25", "15", "12", "0". */
const vatRate = { type: 'string', pattern: '^\\d+(\\.\\d+)?$', example: '25' } as const;

/** An object whose every property is always sent (null where it has no value). */
function object(properties: Record<string, unknown>, extra: Schema = {}): Schema {
  return { type: 'object', properties, required: Object.keys(properties), ...extra };
}
const arrayOf = (items: Schema): Schema => ({ type: 'array', items });

/** Fastify serialises these routes' answers as JSON.stringify does, whatever the schema says. */
export const documentedOnly: FastifySerializerCompiler<unknown> = () => (data: unknown) => JSON.stringify(data);

const event = object({
  from: { ...strOrNull, description: 'null for the order\'s creation' },
  to: str,
  reason: strOrNull,
  actor: strOrNull,
  at: timestamp,
});

const callbackAttempt = object({
  attemptedAt: timestamp,
  url: str,
  httpStatus: { ...intOrNull, description: 'null when no answer came (refused, timeout)' },
  latencyMs: intOrNull,
  outcome: str,
  error: strOrNull,
});

const callback = object({
  eventId: str,
  status: { ...str, description: 'the order status the callback reports' },
  state: { type: 'string', enum: ['pending', 'delivered', 'failed', 'gone', 'refused'] },
  attempts: int,
  nextAttemptAt: timestampOrNull,
  lastError: strOrNull,
  createdAt: timestamp,
  deliveredAt: timestampOrNull,
  attemptLog: arrayOf(callbackAttempt),
});

export const ORDER_DETAILS_SCHEMA: Schema = object({
  type: { type: 'string', enum: ['private', 'corporate'] },
  orderUuid: str,
  invoiceNumber: { type: ['string', 'null'], pattern: '^[1-9][0-9]*$', description: 'digits; null until the order is invoiced' },
  kid: strOrNull,
  status: str,
  orderDate: str,
  dueDate: dateOrNull,
  invoiceInterval: int,
  invoiceMaturity: int,
  invoiceFeeApplicable: { type: 'boolean' },
  separateInvoices: { type: 'boolean' },
  referenceNo: strOrNull,
  customerReference: strOrNull,
  callbackUrl: strOrNull,
  cancellationNote: strOrNull,
  productList: arrayOf(object({
    id: { ...int, description: 'what a refund\'s `productId` may name' },
    name: str,
    productId: strOrNull,
    quantity: str,
    rate: amount,
    discount: amount,
    tax: vatRate,
    amount,
    vat: amount,
    refunded: amount,
  })),
  orderSummary: object({ subTotal: amount, tax: amount, discount: amount, grandTotal: amount }),
  amountPaid: amount,
  amountRefunded: amount,
  customerDetails: {
    type: 'object',
    description: 'The customer as sent with the order (its snapshot), with `type`, `uuid` and `organizationId` (null for a private customer).',
    properties: { type: { type: 'string', enum: ['private', 'corporate'] }, uuid: str, organizationId: strOrNull },
    required: ['type', 'uuid', 'organizationId'],
    additionalProperties: true,
  },
  createdAt: { ...int, description: 'Unix seconds' },
  events: arrayOf(event),
  callbacks: arrayOf(callback),
});

const documentLine = object({
  orderUuid: { ...strOrNull, description: 'null for the invoice fee line' },
  kind: { type: 'string', enum: ['product', 'fee'] },
  description: str,
  productId: strOrNull,
  quantity: str,
  unitPrice: amount,
  discount: amount,
  vatRate,
  amount,
  vat: amount,
});

const vatLine = object({ rate: vatRate, net: amount, vat: amount, gross: amount });

const documents = object({
  pdf: { ...strOrNull, description: 'path of the PDF; null until rendered' },
  ehf: { ...strOrNull, description: 'path of the EHF; null until rendered' },
});

const deliveryAttempt = object({
  channel: str,
  at: timestamp,
  outcome: str,
  error: strOrNull,
  messageId: strOrNull,
});

const delivery = {
  deliveryStatus: { type: 'string', enum: ['pending', 'delivered', 'undelivered'] },
  deliveredBy: { ...strOrNull, description: 'the channel that delivered it' },
  deliveries: arrayOf(deliveryAttempt),
};

export const INVOICE_SCHEMA: Schema = object({
  number: int,
  kid: strOrNull,
  invoiceDate: date,
  deliveryDate: date,
  dueDate: date,
  status: { type: 'string', enum: ['open', 'paid', 'credited'] },
  language: str,
  customerUuid: str,
  orders: arrayOf(str),
  lines: arrayOf(documentLine),
  vat: arrayOf(vatLine),
  fee: amount,
  total: amount,
  credited: amount,
  paid: amount,
  outstanding: amount,
  surplus: amount,
  creditNotes: arrayOf(int),
  documents,
  ...delivery,
  reminders: arrayOf(object({
    kind: { type: 'string', enum: ['reminder', 'notice', 'collection'] },
    date,
    fee: amount,
    interest: amount,
    dueDate: dateOrNull,
    total: amount,
    deliveryStatus: strOrNull,
  })),
  payments: arrayOf(object({
    paymentId: int,
    kind: { type: 'string', enum: ['payment', 'reversal'] },
    date,
    amount: { ...amount, description: 'negative for a reversal' },
    kid: strOrNull,
    bankReference: strOrNull,
    reversed: { type: 'boolean' },
  })),
});

export const CREDIT_NOTE_SCHEMA: Schema = object({
  number: int,
  creditsInvoice: int,
  issueDate: date,
  language: str,
  customerUuid: str,
  orders: arrayOf(str),
  note: strOrNull,
  lines: arrayOf(documentLine),
  vat: arrayOf(vatLine),
  total: amount,
  documents,
  ...delivery,
});
