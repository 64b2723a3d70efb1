/**
 * The network API (docs/efaktura-network.md): what efaktura's eFaktura adapter calls, modelled on the
 * issuer services of the real network (reference note §1.3–§1.5). Every refusal is
 * `{errorCode, message}` with the status the protocol's table gives it.
 *
 * Faults armed with POST /simulator/faults are taken here, one per call: `http500` answers 500 before
 * anything is done; `timeout` does the work and then withholds the answer (until the client gives up
 * or the hold ends), which is the case that makes a retry meet error 209; `reject5003` rejects every
 * invoice of the next consignments.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db, Queryable } from '../store/db/db.ts';
import { formatOre } from '../domain/money/money.ts';
import { isValidPersonalNumber } from '../domain/norway/personal-number.ts';
import { checkAccountNumber, checkAmount, checkDate, SimError } from './checks.ts';
import { isValidOrgNumber } from '../domain/norway/norwegian-numbers.ts';
import {
  claimConsignment, findIssuerInvoice, getConsignmentResponse, getConsumer, getConsumers, insertInvoice, saveConsignmentResponse,
  setInvoiceStatus, takeFault, type Consumer, type DocumentType, type FaultMode,
} from './state.ts';

export const NETWORK_PREFIX = '/network/v1';
const MAX_INVOICES = 1000;
const DOCUMENT_TYPES: readonly DocumentType[] = ['invoice', 'reminder', 'collection_notice'];

/** The protocol's error codes and their HTTP status. */
const HTTP_STATUS: Record<number, number> = { 400: 400, 201: 404, 209: 409, 5003: 422, 5004: 404, 5005: 409, 5006: 409, 5008: 403 };

class NetworkError extends Error {
  readonly errorCode: number;
  constructor(errorCode: number, message: string) {
    super(message);
    this.errorCode = errorCode;
  }
}

function send(reply: FastifyReply, errorCode: number, message: string): FastifyReply {
  return reply.code(HTTP_STATUS[errorCode] ?? 400).send({ errorCode, message });
}

export type Reachability = 'reachable' | 'no_consent' | 'blocked';

/** "Ja takk til alle" and no block of this issuer (reference note §1.2); unknown consumers have no consent. */
export function reachability(consumer: Consumer | null, issuerOrgNumber: string): Reachability {
  if (consumer === null || consumer.consent !== 'all') return 'no_consent';
  return consumer.blockedIssuers.includes(issuerOrgNumber) ? 'blocked' : 'reachable';
}

/** The consumer's eFaktura address: stable per person and valid towards every issuer (§1.3). */
export function efakturaIdentifier(personalNumber: string): string {
  return `EFA${createHash('sha256').update(`efaktura-simulator:${personalNumber}`).digest('hex').slice(0, 17).toUpperCase()}`;
}

const issuerOrg = (value: unknown): string => {
  if (typeof value !== 'string' || !isValidOrgNumber(value)) throw new NetworkError(5008, 'Authorization failed: issuerOrgNumber is not a valid organisation number');
  return value;
};

const text = (value: unknown, field: string, max: number): string => {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) throw new NetworkError(400, `${field} must be a string of 1–${max} characters`);
  return value;
};

/** The network's own checks of an invoice's fields, named as the protocol names them. */
function malformed(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    if (error instanceof SimError) throw new NetworkError(400, error.message);
    throw error;
  }
}

interface InvoiceIn {
  invoiceNumber: string;
  socialSecurityNumber: unknown;
  documentType: DocumentType;
  kid: string;
  amountOre: number;
  dueDate: string;
  accountNumber: string;
  documentUrl: string;
}

function readInvoice(value: unknown, i: number): InvoiceIn {
  const at = `invoices[${i}]`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new NetworkError(400, `${at} must be an object`);
  const v = value as Record<string, unknown>;
  const documentType = v.documentType ?? 'invoice';
  if (!DOCUMENT_TYPES.includes(documentType as DocumentType)) throw new NetworkError(400, `${at}.documentType must be one of ${DOCUMENT_TYPES.join(', ')}`);
  if (typeof v.kid !== 'string' || !/^\d{1,24}[\d-]$/.test(v.kid)) throw new NetworkError(400, `${at}.kid must be 2–25 digits`);
  let amountOre = 0;
  let dueDate = '';
  let accountNumber = '';
  malformed(() => {
    amountOre = checkAmount(v.amount, `${at}.amount`);
    dueDate = checkDate(v.dueDate, `${at}.dueDate`);
    accountNumber = checkAccountNumber(v.accountNumber, `${at}.accountNumber`);
  });
  const documentUrl = text(v.documentUrl, `${at}.documentUrl`, 2000);
  if (!/^https?:\/\//.test(documentUrl)) throw new NetworkError(400, `${at}.documentUrl must be an http(s) URL`);
  return {
    invoiceNumber: text(v.invoiceNumber, `${at}.invoiceNumber`, 100),
    socialSecurityNumber: v.socialSecurityNumber,
    documentType: documentType as DocumentType,
    kid: v.kid,
    amountOre,
    dueDate,
    accountNumber,
    documentUrl,
  };
}

interface InvoiceResult {
  invoiceNumber: string;
  status: 'accepted' | 'rejected';
  errorCode?: number;
  message?: string;
}

async function receiveConsignment(db: Db, body: unknown, fault: FaultMode | null): Promise<{ status: number; body: unknown }> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new NetworkError(400, 'the body must be a JSON object');
  const b = body as Record<string, unknown>;
  const consignmentId = text(b.consignmentId, 'consignmentId', 200);
  const issuerOrgNumber = issuerOrg(b.issuerOrgNumber);
  const issuerName = text(b.issuerName, 'issuerName', 200);
  if (!Array.isArray(b.invoices) || b.invoices.length < 1 || b.invoices.length > MAX_INVOICES) {
    throw new NetworkError(400, `invoices must be an array of 1–${MAX_INVOICES} invoices`);
  }
  const invoices = b.invoices.map(readInvoice);

  return db.transaction(async (tx) => {
    if (!(await claimConsignment(tx, consignmentId, issuerOrgNumber))) {
      return { status: 409, body: { errorCode: 209, message: `Duplicate consignmentId "${consignmentId}"` } };
    }
    const numbers = invoices.map((inv) => inv.socialSecurityNumber).filter((s): s is string => typeof s === 'string');
    const consumers = new Map((await getConsumers(tx, numbers)).map((c) => [c.personalNumber, c]));
    const results: InvoiceResult[] = [];
    for (const inv of invoices) {
      const reject = (errorCode: number, message: string) => results.push({ invoiceNumber: inv.invoiceNumber, status: 'rejected', errorCode, message });
      const ssn = inv.socialSecurityNumber;
      if (fault === 'reject5003') {
        reject(5003, 'One of efakturaReference, efakturaIdentifier or socialSecurityNumber is required (simulated fault)');
      } else if (typeof ssn !== 'string' || !isValidPersonalNumber(ssn)) {
        reject(5003, 'One of efakturaReference, efakturaIdentifier or socialSecurityNumber is required: socialSecurityNumber is missing or invalid');
      } else if (reachability(consumers.get(ssn) ?? null, issuerOrgNumber) !== 'reachable') {
        reject(5003, 'No eFaktura recipient for this socialSecurityNumber: the consumer has no consent or blocks this issuer');
      } else {
        const id = await insertInvoice(tx, { ...inv, personalNumber: ssn, consignmentId, issuerOrgNumber, issuerName });
        if (id === null) reject(209, `Invoice number "${inv.invoiceNumber}" (${inv.documentType}) was already received from this issuer`);
        else results.push({ invoiceNumber: inv.invoiceNumber, status: 'accepted' });
      }
    }
    const response = { consignmentId, status: 'processed', invoices: results };
    await saveConsignmentResponse(tx, consignmentId, response);
    return { status: 201, body: response };
  });
}

function documentTypeOf(request: FastifyRequest): DocumentType {
  const value = (request.query as Record<string, unknown>).documentType ?? 'invoice';
  if (!DOCUMENT_TYPES.includes(value as DocumentType)) throw new NetworkError(400, `documentType must be one of ${DOCUMENT_TYPES.join(', ')}`);
  return value as DocumentType;
}

async function cancelInvoice(db: Db, org: string, invoiceNumber: string, documentType: DocumentType): Promise<void> {
  await db.transaction(async (tx: Queryable) => {
    const invoice = await findIssuerInvoice(tx, org, invoiceNumber, documentType, true);
    if (invoice === null) throw new NetworkError(5004, `Invoice "${invoiceNumber}" not found`);
    if (invoice.status === 'paid') throw new NetworkError(5005, `Invoice "${invoiceNumber}" is paid and cannot be cancelled`);
    if (invoice.status === 'cancelled') throw new NetworkError(5006, `Invoice "${invoiceNumber}" is already cancelled`);
    await setInvoiceStatus(tx, invoice.id, 'cancelled');
  });
}

export interface NetworkOptions {
  db: Db;
  /** How long a `timeout` fault withholds an answer (the client normally gives up first). */
  faultHoldMs: number;
  /** Aborted when the simulator closes, so a withheld answer never holds up a shutdown. */
  closing: AbortSignal;
}

export function registerNetworkRoutes(app: FastifyInstance, { db, faultHoldMs, closing }: NetworkOptions): void {
  const faults = new WeakMap<FastifyRequest, FaultMode>();

  app.register(async (network) => {
    network.setErrorHandler(async (error, request, reply) => {
      if (error instanceof NetworkError) return send(reply, error.errorCode, error.message);
      const e = error as { statusCode?: number; message?: string };
      if (typeof e.statusCode === 'number' && e.statusCode < 500) return send(reply, 400, `Malformed request: ${e.message ?? 'unreadable body'}`);
      request.log.error({ err: error }, 'simulator network request failed');
      return reply.code(500).send({ errorCode: 500, message: 'internal error' });
    });

    network.addHook('preHandler', async (request, reply) => {
      const isSend = request.method === 'POST' && request.routeOptions.url === `${NETWORK_PREFIX}/consignments`;
      const mode = await takeFault(db, isSend);
      if (mode === null) return;
      request.log.info({ fault: mode, url: request.url }, 'simulator: injected fault');
      if (mode === 'http500') return reply.code(500).send({ errorCode: 500, message: 'Simulated fault: internal server error' });
      faults.set(request, mode);
    });

    network.addHook('onSend', async (request, _reply, payload) => {
      if (faults.get(request) !== 'timeout') return payload;
      await holdUntilGone(request, faultHoldMs, closing);
      return payload;
    });

    network.post(`${NETWORK_PREFIX}/recipients/lookup`, async (request) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const ssn = body.socialSecurityNumber;
      if (typeof ssn !== 'string' || !/^\d{11}$/.test(ssn)) throw new NetworkError(400, 'socialSecurityNumber must be 11 digits');
      const org = issuerOrg(body.issuerOrgNumber);
      // A number with wrong control digits belongs to nobody the network knows.
      const status = reachability(isValidPersonalNumber(ssn) ? await getConsumer(db, ssn) : null, org);
      return { status, efakturaIdentifier: status === 'reachable' ? efakturaIdentifier(ssn) : null };
    });

    network.post(`${NETWORK_PREFIX}/consignments`, async (request, reply) => {
      const result = await receiveConsignment(db, request.body, faults.get(request) ?? null);
      return reply.code(result.status).send(result.body);
    });

    network.get<{ Params: { consignmentId: string } }>(`${NETWORK_PREFIX}/consignments/:consignmentId`, async (request) => {
      const response = await getConsignmentResponse(db, request.params.consignmentId);
      if (response === null) throw new NetworkError(201, `Consignment "${request.params.consignmentId}" not found`);
      return response;
    });

    network.get<{ Params: { org: string; invoiceNumber: string } }>(`${NETWORK_PREFIX}/issuers/:org/invoices/:invoiceNumber`, async (request) => {
      const org = issuerOrg(request.params.org);
      const invoice = await findIssuerInvoice(db, org, request.params.invoiceNumber, documentTypeOf(request));
      if (invoice === null) throw new NetworkError(5004, `Invoice "${request.params.invoiceNumber}" not found`);
      return { invoiceNumber: invoice.invoiceNumber, status: invoice.status, paidAmount: formatOre(invoice.paidOre) };
    });

    network.post<{ Params: { org: string; invoiceNumber: string } }>(`${NETWORK_PREFIX}/issuers/:org/invoices/:invoiceNumber/cancel`, async (request) => {
      const org = issuerOrg(request.params.org);
      await cancelInvoice(db, org, request.params.invoiceNumber, documentTypeOf(request));
      return { status: 'cancelled' };
    });
  });
}

/** Waits `ms`, or until the client hangs up, or until the simulator closes, whichever is first. */
function holdUntilGone(request: FastifyRequest, ms: number, closing: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const socket = request.raw.socket;
    const done = () => {
      clearTimeout(timer);
      socket.off('close', done);
      closing.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    socket.once('close', done);
    closing.addEventListener('abort', done);
    if (socket.destroyed || closing.aborted) done();
  });
}
