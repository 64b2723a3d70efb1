/**
 * A small stand-in for the eFaktura simulator's network API (docs/efaktura-network.md) on a loopback
 * port: the routes the adapter uses (lookup, consignments, consignment status, cancel), a consumer
 * registry, and fault switches, so the delivery tests need neither the simulator nor a network.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultMode = 'http500' | 'timeout' | 'reject5003';

interface StoredInvoice {
  issuerOrgNumber: string;
  invoiceNumber: string;
  socialSecurityNumber: string;
  kid: string;
  amount: string;
  dueDate: string;
  accountNumber: string;
  documentUrl: string;
  status: 'unpaid' | 'paid' | 'cancelled';
}

export interface NetworkStub {
  url: string;
  consumers: Map<string, { consent: 'all' | 'none'; blockedIssuers: string[] }>;
  /** Every consignment stored, by id (a duplicate id is not stored again). */
  consignments: Map<string, Record<string, unknown>>;
  /** Invoices the network shows, by `<issuer>:<number>`. */
  invoices: Map<string, StoredInvoice>;
  /** Every request received, as "METHOD path". */
  requests: string[];
  /** The next `n` requests fail in `mode` (reject5003 only hits consignment sends). */
  fail(n: number, mode: FaultMode): void;
  close(): Promise<void>;
}

export async function startNetworkStub(): Promise<NetworkStub> {
  const consumers = new Map<string, { consent: 'all' | 'none'; blockedIssuers: string[] }>();
  const consignments = new Map<string, Record<string, unknown>>();
  const invoices = new Map<string, StoredInvoice>();
  const requests: string[] = [];
  const fault = { n: 0, mode: 'http500' as FaultMode };
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {};
    const path = (req.url ?? '').split('?')[0]!;
    requests.push(`${req.method} ${path}`);
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    const isSend = req.method === 'POST' && path === '/network/v1/consignments';
    if (fault.n > 0 && (fault.mode !== 'reject5003' || isSend)) {
      fault.n--;
      if (fault.mode === 'http500') return send(500, { message: 'injected' });
      if (fault.mode === 'timeout') {
        hanging.add(res); // never answered; the adapter's timeout gives up
        return;
      }
      return send(422, { errorCode: 5003, message: 'socialSecurityNumber missing or invalid' });
    }

    if (req.method === 'POST' && path === '/network/v1/recipients/lookup') {
      const c = consumers.get(body.socialSecurityNumber);
      const status = !c || c.consent !== 'all' ? 'no_consent' : c.blockedIssuers.includes(body.issuerOrgNumber) ? 'blocked' : 'reachable';
      return send(200, { status, efakturaIdentifier: status === 'reachable' ? `EF${body.socialSecurityNumber}` : null });
    }
    if (isSend) {
      if (consignments.has(body.consignmentId)) return send(409, { errorCode: 209, message: 'Duplicate consignmentId' });
      const results = (body.invoices as StoredInvoice[]).map((inv) => {
        const key = `${body.issuerOrgNumber}:${inv.invoiceNumber}`;
        if (invoices.has(key)) return { invoiceNumber: inv.invoiceNumber, status: 'rejected', errorCode: 209, message: 'invoice number exists' };
        invoices.set(key, { ...inv, issuerOrgNumber: body.issuerOrgNumber, status: 'unpaid' });
        return { invoiceNumber: inv.invoiceNumber, status: 'accepted' };
      });
      const answer = { consignmentId: body.consignmentId, status: 'processed', invoices: results };
      consignments.set(body.consignmentId, { ...answer, request: body });
      return send(201, answer);
    }
    let m = /^\/network\/v1\/consignments\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && m) {
      const c = consignments.get(decodeURIComponent(m[1]!));
      if (!c) return send(404, { errorCode: 201, message: 'Consignment not found' });
      const { request: _request, ...answer } = c;
      return send(200, answer);
    }
    m = /^\/network\/v1\/issuers\/(\d+)\/invoices\/([^/]+)\/cancel$/.exec(path);
    if (req.method === 'POST' && m) {
      const inv = invoices.get(`${m[1]}:${decodeURIComponent(m[2]!)}`);
      if (!inv) return send(404, { errorCode: 5004, message: 'Invoice not found' });
      if (inv.status === 'paid') return send(409, { errorCode: 5005, message: 'Invoice is paid' });
      if (inv.status === 'cancelled') return send(409, { errorCode: 5006, message: 'Invoice already cancelled' });
      inv.status = 'cancelled';
      return send(200, { status: 'cancelled' });
    }
    send(404, { errorCode: 400, message: `no route ${path}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    consumers,
    consignments,
    invoices,
    requests,
    fail(n, mode) {
      fault.n = n;
      fault.mode = mode;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
