/**
 * The SDK's request and answer types, picked out of the generated types of the OpenAPI document
 * (generated/connect-api.ts), so a change of the API shows up here when the types are regenerated.
 */
import type { paths } from './generated/connect-api.ts';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type BodyOf<P extends keyof paths> = paths[P] extends { post: { requestBody: infer R } } ? Json<R> : never;
type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } } ? NonNullable<Q> : never;
type DataOf<P extends keyof paths, M extends 'get' | 'post', S extends number> =
  paths[P] extends Record<M, { responses: Record<S, infer R> }> ? (Json<R> extends { data: infer D } ? D : never) : never;

/** Send E-Faktura: an order for a private customer (personal number). */
export type SendEFakturaRequest = BodyOf<'/api/v1/connect/orders/faktura/create'>;
/** Send EHF Invoice: an order for a business customer (organisation number), invoiced as a Peppol EHF. */
export type SendEhfInvoiceRequest = BodyOf<'/api/v1/connect/orders/ehf/create'>;
export type RefundOrderRequest = BodyOf<'/api/v1/connect/orders/refund/{uuid}'>;

export type CreatedOrder = DataOf<'/api/v1/connect/orders/faktura/create', 'post', 201> & {
  /** The Idempotency-Key the order was created with: yours, or the one the SDK made up. */
  idempotencyKey: string;
  /** True when the server answered from an earlier request with the same key (nothing new was created). */
  replayed: boolean;
};
export type OrderStatus = DataOf<'/api/v1/connect/orders/status/{uuid}', 'get', 200>;
export type OrderDetails = DataOf<'/api/v1/connect/orders/details/{uuid}', 'get', 200>;
export type OrderStatusEntry = DataOf<'/api/v1/connect/orders/status', 'get', 200>[number];
export type OrderInvoiceNumber = DataOf<'/api/v1/connect/orders/invoice-number/{uuid}', 'get', 200>;
export type Invoice = DataOf<'/api/v1/connect/invoices/{number}', 'get', 200>;
export type CreditNote = DataOf<'/api/v1/connect/credit-notes/{number}', 'get', 200>;

export interface OrderListQuery {
  /** Only orders in this status (case-insensitive on the server). */
  type?: NonNullable<QueryOf<'/api/v1/connect/orders/status'>['type']>;
  /** Orders per page: 1–1000, default 100. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  after?: string;
}

export interface InvoiceListQuery {
  status?: NonNullable<QueryOf<'/api/v1/connect/invoices'>['status']>;
  /** Documents per page: 1–100, default 100. */
  limit?: number;
  /** The `nextCursor` of the previous page (the last number seen). */
  after?: string;
}

export type CreditNoteListQuery = Omit<InvoiceListQuery, 'status'>;

/** One page of a list, newest first; `nextCursor` is the `after` of the next page, null on the last. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
