/**
 * The control API for tests and demos (issue #8): register a consumer's consent and blocks, list and pay
 * a consumer's eFakturas, arm faults, and fetch the bank's daily payment files. Refusals are
 * `{error, message}` (see checks.ts) with a 4xx status.
 */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../store/db/db.ts';
import type { Clock } from '../clock.ts';
import { formatOre } from '../domain/money/money.ts';
import { osloDate } from '../domain/time/oslo.ts';
import { camt054File, ocrFile, payInvoice } from './bank.ts';
import {
  checkAccountNumber, checkAmount, checkConsent, checkDate, checkId, checkObject, checkOrgNumber, checkPersonalNumber, SimError,
} from './checks.ts';
import { consumerInvoices, saveConsumer, setFault, type FaultMode, type SimInvoice } from './state.ts';

const FAULT_MODES: readonly FaultMode[] = ['http500', 'timeout', 'reject5003'];
const MAX_FAULT_CALLS = 10_000;

/** An invoice as the control API shows it. */
export function invoiceView(i: SimInvoice) {
  return {
    id: i.id,
    issuerOrgNumber: i.issuerOrgNumber,
    issuerName: i.issuerName,
    invoiceNumber: i.invoiceNumber,
    documentType: i.documentType,
    kid: i.kid,
    amount: formatOre(i.amountOre),
    paidAmount: formatOre(i.paidOre),
    dueDate: i.dueDate,
    accountNumber: i.accountNumber,
    status: i.status,
    documentUrl: i.documentUrl,
  };
}

export interface ControlOptions {
  db: Db;
  clock: Clock;
}

export function registerControlRoutes(app: FastifyInstance, { db, clock }: ControlOptions): void {
  app.put<{ Params: { personalNumber: string } }>('/simulator/consumers/:personalNumber', async (request) => {
    const personalNumber = checkPersonalNumber(request.params.personalNumber);
    const body = checkObject(request.body);
    const consent = checkConsent(body.consent);
    const blocked = body.blockedIssuers ?? [];
    if (!Array.isArray(blocked)) throw new SimError('invalid_request', 'blockedIssuers must be an array of organisation numbers');
    const blockedIssuers = [...new Set(blocked.map((org, i) => checkOrgNumber(org, `blockedIssuers[${i}]`)))];
    await saveConsumer(db, { personalNumber, consent, blockedIssuers });
    return { personalNumber, consent, blockedIssuers };
  });

  app.get<{ Params: { personalNumber: string } }>('/simulator/consumers/:personalNumber/invoices', async (request) => {
    const personalNumber = checkPersonalNumber(request.params.personalNumber);
    return (await consumerInvoices(db, personalNumber)).map(invoiceView);
  });

  app.post<{ Params: { personalNumber: string; id: string } }>('/simulator/consumers/:personalNumber/invoices/:id/pay', async (request, reply) => {
    const personalNumber = checkPersonalNumber(request.params.personalNumber);
    const invoiceId = checkId(request.params.id);
    const body = request.body === undefined || request.body === null ? {} : checkObject(request.body);
    const { payment, invoice } = await payInvoice(db, clock, {
      personalNumber,
      invoiceId,
      amountOre: body.amount === undefined ? undefined : checkAmount(body.amount),
      date: body.date === undefined ? undefined : checkDate(body.date),
    });
    return reply.code(201).send({
      payment: {
        id: payment.id,
        invoiceId: payment.invoiceId,
        amount: formatOre(payment.amountOre),
        date: payment.date,
        kid: payment.kid,
        toAccount: payment.toAccount,
        payerAccount: payment.payerAccount,
        bankReference: payment.bankReference,
      },
      invoice: invoiceView(invoice),
    });
  });

  app.post('/simulator/faults', async (request) => {
    const body = checkObject(request.body);
    const { failNext, mode } = body;
    if (typeof failNext !== 'number' || !Number.isSafeInteger(failNext) || failNext < 0 || failNext > MAX_FAULT_CALLS) {
      throw new SimError('invalid_request', `failNext must be a whole number from 0 to ${MAX_FAULT_CALLS}`);
    }
    if (!FAULT_MODES.includes(mode as FaultMode)) throw new SimError('invalid_request', `mode must be one of ${FAULT_MODES.join(', ')}`);
    await setFault(db, mode as FaultMode, failNext);
    return { failNext, mode };
  });

  const dayOf = (query: unknown): string => {
    const date = (query as Record<string, unknown>).date;
    return date === undefined ? osloDate(clock.now()) : checkDate(date);
  };

  app.get<{ Params: { account: string } }>('/simulator/bank/:account/ocr', async (request, reply) => {
    const account = checkAccountNumber(request.params.account);
    const date = dayOf(request.query);
    const text = await ocrFile(db, account, date);
    return reply
      .type('text/plain; charset=ISO-8859-1')
      .header('content-disposition', `attachment; filename="OCR.${account}.${date}.txt"`)
      .send(Buffer.from(text, 'latin1'));
  });

  app.get<{ Params: { account: string } }>('/simulator/bank/:account/camt054', async (request, reply) => {
    const account = checkAccountNumber(request.params.account);
    const date = dayOf(request.query);
    const xml = await camt054File(db, clock, account, date);
    return reply
      .type('application/xml; charset=utf-8')
      .header('content-disposition', `attachment; filename="camt054.${account}.${date}.xml"`)
      .send(xml);
  });
}
