/**
 * The eFaktura network adapter that speaks the JSON protocol of docs/efaktura-network.md (the simulator
 * that ships with efaktura; EFAKTURA_EFAKTURA_ADAPTER=simulator). A 5xx, a timeout or no answer is
 * NetworkUnavailableError (the caller retries); a 4xx is NetworkRefusalError with the network's code.
 *
 * Plain fetch, not the SSRF-guarded sender of http-out: the address is the operator's configuration,
 * never a merchant's input.
 */
import {
  NetworkRefusalError,
  NetworkUnavailableError,
  type Consignment,
  type ConsignmentResult,
  type EfakturaNetwork,
  type RecipientStatus,
} from '../../app/delivery/ports.ts';

export interface SimulatorNetworkOptions {
  /** e.g. http://127.0.0.1:3001 */
  baseUrl: string;
  timeoutMs: number;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const RECIPIENT_STATUSES: readonly RecipientStatus[] = ['reachable', 'no_consent', 'blocked'];

export function createSimulatorNetwork(options: SimulatorNetworkOptions): EfakturaNetwork {
  const base = options.baseUrl.replace(/\/+$/, '');

  async function request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      text = await res.text();
    } catch (error) {
      const e = error as Error;
      const why = e.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : (e.cause as Error)?.message ?? e.message;
      throw new NetworkUnavailableError(`eFaktura network ${method} ${path}: ${why}`);
    }
    if (res.status >= 500) throw new NetworkUnavailableError(`eFaktura network ${method} ${path}: HTTP ${res.status}`);
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new NetworkUnavailableError(`eFaktura network ${method} ${path}: HTTP ${res.status} with a body that is not JSON`);
    }
    return { status: res.status, body: (parsed ?? {}) as Record<string, unknown> };
  }

  function refusal(path: string, a: Answer): NetworkRefusalError {
    const code = typeof a.body.errorCode === 'number' ? a.body.errorCode : a.status;
    const message = typeof a.body.message === 'string' ? a.body.message : `HTTP ${a.status}`;
    return new NetworkRefusalError(code, a.status, `eFaktura network ${path}: error ${code}: ${message}`);
  }

  function consignmentResult(a: Answer, duplicate: boolean): ConsignmentResult {
    const invoices = Array.isArray(a.body.invoices) ? (a.body.invoices as ConsignmentResult['invoices']) : [];
    return { consignmentId: String(a.body.consignmentId ?? ''), duplicate, invoices };
  }

  async function consignmentStatus(consignmentId: string): Promise<ConsignmentResult | null> {
    const path = `/network/v1/consignments/${encodeURIComponent(consignmentId)}`;
    const a = await request('GET', path);
    if (a.status === 404) return null;
    if (a.status !== 200) throw refusal(path, a);
    return consignmentResult(a, true);
  }

  return {
    async lookupRecipient(personalNumber, issuerOrgNumber) {
      const path = '/network/v1/recipients/lookup';
      const a = await request('POST', path, { socialSecurityNumber: personalNumber, issuerOrgNumber });
      if (a.status !== 200) throw refusal(path, a);
      const status = a.body.status as RecipientStatus;
      if (!RECIPIENT_STATUSES.includes(status)) throw new NetworkUnavailableError(`eFaktura network ${path}: unknown status "${String(status)}"`);
      return status;
    },

    async sendInvoices(consignment: Consignment) {
      const path = '/network/v1/consignments';
      const a = await request('POST', path, consignment);
      if (a.status === 200 || a.status === 201) return consignmentResult(a, false);
      if (a.status === 409 && a.body.errorCode === 209) {
        // Sent before (a retry after a lost answer, or a crash before the result was recorded): the
        // earlier send arrived, and its stored result is the answer.
        const earlier = await consignmentStatus(consignment.consignmentId);
        if (earlier === null) throw new NetworkUnavailableError(`eFaktura network: consignment ${consignment.consignmentId} is a duplicate (209) but unknown`);
        return earlier;
      }
      throw refusal(path, a);
    },

    consignmentStatus,

    async cancelInvoice(issuerOrgNumber, invoiceNumber) {
      const path = `/network/v1/issuers/${encodeURIComponent(issuerOrgNumber)}/invoices/${encodeURIComponent(invoiceNumber)}/cancel`;
      const a = await request('POST', path, {});
      if (a.status !== 200) throw refusal(path, a);
    },
  };
}
