/**
 * `EfakturaClient`: every endpoint of the merchant API (`/api/v1/connect`, SPEC §2, §6.4, §9) as a method.
 * Each method returns the envelope's `data`; failures throw EfakturaApiError (./errors.ts); retries and
 * timeouts are the transport's (./transport.ts).
 */
import type { paths } from './generated/connect-api.ts';
import { Transport, type CallOptions, type JsonAnswer, type Request, type TransportOptions } from './transport.ts';
import type {
  CreatedOrder, CreditNote, CreditNoteListQuery, Invoice, InvoiceListQuery, OrderDetails, OrderInvoiceNumber, OrderListQuery, OrderStatus,
  OrderStatusEntry, Page, RefundOrderRequest, SendEFakturaRequest, SendEhfInvoiceRequest,
} from './types.ts';

export type EfakturaClientOptions = TransportOptions;

export interface CreateOrderOptions extends CallOptions {
  /**
   * The Idempotency-Key (≤ 255 characters; the server keeps it 24 h). Default: a new random UUID per call,
   * so that the SDK's own retries are safe; pass your own (e.g. your order id) to make your retries safe too.
   */
  idempotencyKey?: string;
  /** Send to the older documented path (`/orders/invoice/create/faktura` or `…/ehf`); same answers. */
  olderPath?: boolean;
}

/** Every path the SDK calls, checked against the generated types: a path the API drops fails to compile. */
const PATHS = {
  sendEFaktura: '/api/v1/connect/orders/faktura/create',
  sendEFakturaOlder: '/api/v1/connect/orders/invoice/create/faktura',
  sendEhf: '/api/v1/connect/orders/ehf/create',
  sendEhfOlder: '/api/v1/connect/orders/invoice/create/ehf',
  orderStatus: '/api/v1/connect/orders/status/{uuid}',
  orderDetails: '/api/v1/connect/orders/details/{uuid}',
  orderList: '/api/v1/connect/orders/status',
  invoiceNumber: '/api/v1/connect/orders/invoice-number/{uuid}',
  cancel: '/api/v1/connect/orders/cancel/{uuid}',
  refund: '/api/v1/connect/orders/refund/{uuid}',
  invoices: '/api/v1/connect/invoices',
  invoice: '/api/v1/connect/invoices/{number}',
  invoicePdf: '/api/v1/connect/invoices/{number}/pdf',
  invoiceEhf: '/api/v1/connect/invoices/{number}/ehf',
  creditNotes: '/api/v1/connect/credit-notes',
  creditNote: '/api/v1/connect/credit-notes/{number}',
  creditNotePdf: '/api/v1/connect/credit-notes/{number}/pdf',
  creditNoteEhf: '/api/v1/connect/credit-notes/{number}/ehf',
} as const satisfies Record<string, keyof paths>;

/** A path with its one `{parameter}` filled in, encoded. */
function at(path: string, value: string | number): string {
  if (typeof value !== 'string' && typeof value !== 'number') throw new TypeError(`EfakturaClient: ${path} needs a string or number, got ${typeof value}`);
  return path.replace(/\{[^}]+\}/, encodeURIComponent(String(value)));
}

function data<T>(answer: JsonAnswer): T {
  return (answer.body as { data: T }).data;
}

function page<T>(answer: JsonAnswer): Page<T> {
  const body = answer.body as { data: T[]; next_cursor?: string | null };
  return { items: body.data, nextCursor: body.next_cursor ?? null };
}

/** Every item of every page, from the newest, fetching the next page when the last one is used up. */
async function* allPages<T, Q extends object>(
  list: (query: Q & { after?: string }, options?: CallOptions) => Promise<Page<T>>,
  query: Q,
  options?: CallOptions,
): AsyncGenerator<T> {
  let after: string | undefined;
  do {
    const next = await list({ ...query, after }, options);
    yield* next.items;
    after = next.nextCursor ?? undefined;
  } while (after !== undefined);
}

export class OrdersApi {
  readonly #transport: Transport;
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Send E-Faktura: creates an order for a private customer. Retried safely with one Idempotency-Key. */
  create(order: SendEFakturaRequest, options: CreateOrderOptions = {}): Promise<CreatedOrder> {
    return this.#create(options.olderPath ? PATHS.sendEFakturaOlder : PATHS.sendEFaktura, order, options);
  }

  /** Send EHF Invoice: creates an order for a business customer, invoiced as a Peppol EHF. */
  createEhf(order: SendEhfInvoiceRequest, options: CreateOrderOptions = {}): Promise<CreatedOrder> {
    return this.#create(options.olderPath ? PATHS.sendEhfOlder : PATHS.sendEhf, order, options);
  }

  async #create(path: string, order: unknown, options: CreateOrderOptions): Promise<CreatedOrder> {
    const idempotencyKey = options.idempotencyKey ?? globalThis.crypto.randomUUID();
    const answer = await this.#transport.json(
      { method: 'POST', path, body: order, headers: { 'idempotency-key': idempotencyKey }, replay: 'safe' },
      options,
    );
    const created = data<Pick<CreatedOrder, 'uuid' | 'customerUuid'>>(answer);
    return { uuid: created.uuid, customerUuid: created.customerUuid, idempotencyKey, replayed: answer.headers.get('idempotent-replayed') === 'true' };
  }

  /** The order's status and amounts. */
  async status(uuid: string, options?: CallOptions): Promise<OrderStatus> {
    return data(await this.#get(at(PATHS.orderStatus, uuid), options));
  }

  /** Everything about one order: lines (with the ids refunds name), customer, amounts, events, callbacks. */
  async get(uuid: string, options?: CallOptions): Promise<OrderDetails> {
    return data(await this.#get(at(PATHS.orderDetails, uuid), options));
  }

  /** One page of the merchant's orders (uuid and status), newest first. */
  async list(query: OrderListQuery = {}, options?: CallOptions): Promise<Page<OrderStatusEntry>> {
    return page(await this.#get(PATHS.orderList, options, { ...query }));
  }

  /** Every order of `list`, page after page: `for await (const order of client.orders.listAll()) …`. */
  listAll(query: Omit<OrderListQuery, 'after'> = {}, options?: CallOptions): AsyncGenerator<OrderStatusEntry> {
    return allPages((q, o) => this.list(q, o), query, options);
  }

  /** The invoice number of an invoiced order (400 orderNotInvoicedYet before its invoice run). */
  async invoiceNumber(uuid: string, options?: CallOptions): Promise<OrderInvoiceNumber> {
    return data(await this.#get(at(PATHS.invoiceNumber, uuid), options));
  }

  /** Cancels the order; never repeated after it may have reached the server (see transport.ts). */
  async cancel(uuid: string, cancellationNote: string, options?: CallOptions): Promise<void> {
    await this.#transport.json({ method: 'POST', path: at(PATHS.cancel, uuid), body: { cancellationNote }, replay: 'unprocessed-only' }, options);
  }

  /** Refunds order lines (ids from `get`); never repeated after it may have reached the server: a repeat would refund twice. */
  async refund(uuid: string, refund: RefundOrderRequest, options?: CallOptions): Promise<void> {
    await this.#transport.json({ method: 'POST', path: at(PATHS.refund, uuid), body: refund, replay: 'unprocessed-only' }, options);
  }

  #get(path: string, options?: CallOptions, query?: Request['query']): Promise<JsonAnswer> {
    return this.#transport.json({ method: 'GET', path, query, replay: 'safe' }, options);
  }
}

interface DocumentPaths {
  list: string;
  one: string;
  pdf: string;
  ehf: string;
}

/** Invoices or credit notes: the same five reads on each. */
export class DocumentsApi<T, Q extends { after?: string; limit?: number }> {
  readonly #transport: Transport;
  readonly #paths: DocumentPaths;
  constructor(transport: Transport, paths: DocumentPaths) {
    this.#transport = transport;
    this.#paths = paths;
  }

  /** One page, newest (highest number) first. */
  async list(query: Q = {} as Q, options?: CallOptions): Promise<Page<T>> {
    return page(await this.#transport.json({ method: 'GET', path: this.#paths.list, query: { ...query }, replay: 'safe' }, options));
  }

  /** Every document of `list`, page after page. */
  listAll(query: Omit<Q, 'after'> = {} as Omit<Q, 'after'>, options?: CallOptions): AsyncGenerator<T> {
    return allPages((q, o) => this.list(q as Q, o), query, options);
  }

  /** One document by its number. */
  async get(number: number | string, options?: CallOptions): Promise<T> {
    return data(await this.#transport.json({ method: 'GET', path: at(this.#paths.one, number), replay: 'safe' }, options));
  }

  /** The PDF as the customer received it. Retried while it is still being rendered (409 documentNotReadyYet). */
  pdf(number: number | string, options?: CallOptions): Promise<Uint8Array> {
    return this.#transport.bytes({ method: 'GET', path: at(this.#paths.pdf, number), replay: 'safe' }, options);
  }

  /** The EHF (Peppol BIS Billing 3.0 UBL XML, UTF-8) as bytes. */
  ehf(number: number | string, options?: CallOptions): Promise<Uint8Array> {
    return this.#transport.bytes({ method: 'GET', path: at(this.#paths.ehf, number), replay: 'safe' }, options);
  }
}

export class EfakturaClient {
  readonly orders: OrdersApi;
  readonly invoices: DocumentsApi<Invoice, InvoiceListQuery>;
  readonly creditNotes: DocumentsApi<CreditNote, CreditNoteListQuery>;

  /**
   * `new EfakturaClient({ baseUrl: 'https://efaktura.example.com', token })` — the token is a merchant API
   * token (`efaktura token create --merchant ID`); `retry`, `timeoutMs` and `fetch` are optional.
   */
  constructor(options: EfakturaClientOptions) {
    const transport = new Transport(options);
    this.orders = new OrdersApi(transport);
    this.invoices = new DocumentsApi(transport, { list: PATHS.invoices, one: PATHS.invoice, pdf: PATHS.invoicePdf, ehf: PATHS.invoiceEhf });
    this.creditNotes = new DocumentsApi(transport, { list: PATHS.creditNotes, one: PATHS.creditNote, pdf: PATHS.creditNotePdf, ehf: PATHS.creditNoteEhf });
  }
}
