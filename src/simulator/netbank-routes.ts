/**
 * The netbank's routes: GET / shows the page for `?pn=`; the forms POST to /netbank/… and are answered
 * 303 See Other back to the page, with `ok=` or `feil=` naming a fixed message (never text from the
 * request, so nothing a link carries is echoed as a message).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Db } from '../store/db/db.ts';
import type { Clock } from '../clock.ts';
import { osloDate } from '../domain/time/oslo.ts';
import { payInvoice } from './bank.ts';
import { checkAmount, checkConsent, checkDate, checkId, checkOrgNumber, checkPersonalNumber, SimError } from './checks.ts';
import { ERRORS, NOTICES, renderNetbank } from './netbank-page.ts';
import { consumerInvoices, getConsumer, issuerNames, knownPersonalNumbers, saveConsumer } from './state.ts';

export interface NetbankOptions {
  db: Db;
  clock: Clock;
}

type Form = Record<string, string | undefined>;

function back(reply: FastifyReply, personalNumber: string | null, outcome: { ok: string } | { feil: string }): FastifyReply {
  const query = new URLSearchParams();
  if (personalNumber !== null) query.set('pn', personalNumber);
  for (const [k, v] of Object.entries(outcome)) query.set(k, v);
  return reply.code(303).header('location', `/?${query}`).send();
}

export function registerNetbankRoutes(app: FastifyInstance, { db, clock }: NetbankOptions): void {
  app.get<{ Querystring: Form }>('/', async (request, reply) => {
    const { pn, ok, feil } = request.query;
    let personalNumber: string | null = null;
    let error = feil !== undefined ? (ERRORS[feil] ?? ERRORS.invalid_request!) : null;
    if (pn !== undefined && pn !== '') {
      try {
        personalNumber = checkPersonalNumber(pn.trim());
      } catch (e) {
        if (!(e instanceof SimError)) throw e;
        error = ERRORS[e.code]!;
      }
    }
    const consumer = personalNumber === null ? null : await getConsumer(db, personalNumber);
    const invoices = personalNumber === null ? [] : await consumerInvoices(db, personalNumber);
    const page = renderNetbank({
      personalNumber,
      known: await knownPersonalNumbers(db),
      consumer,
      invoices,
      issuerNames: await issuerNames(db, consumer?.blockedIssuers ?? []),
      notice: ok !== undefined ? (NOTICES[ok] ?? null) : null,
      error,
      today: osloDate(clock.now()),
    });
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page);
  });

  /** Runs one form's action; a refusal goes back to the page as its Norwegian message. */
  const action = (path: string, run: (form: Form, personalNumber: string) => Promise<string>) => {
    app.post<{ Body: Form }>(path, async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      let personalNumber: string | null = null;
      try {
        personalNumber = checkPersonalNumber(form.personalNumber);
        return back(reply, personalNumber, { ok: await run(form, personalNumber) });
      } catch (e) {
        if (!(e instanceof SimError)) throw e;
        return back(reply, personalNumber, { feil: e.code });
      }
    });
  };

  action('/netbank/pay', async (form, personalNumber) => {
    await payInvoice(db, clock, {
      personalNumber,
      invoiceId: checkId(form.invoiceId),
      amountOre: form.amount === undefined || form.amount.trim() === '' ? undefined : checkAmount(form.amount.trim().replace(',', '.')),
      date: form.date === undefined || form.date === '' ? undefined : checkDate(form.date),
    });
    return 'paid';
  });

  action('/netbank/consent', async (form, personalNumber) => {
    const consent = checkConsent(form.consent);
    const existing = await getConsumer(db, personalNumber);
    await saveConsumer(db, { personalNumber, consent, blockedIssuers: existing?.blockedIssuers ?? [] });
    return 'consent';
  });

  action('/netbank/block', async (form, personalNumber) => {
    const org = checkOrgNumber(form.issuerOrgNumber?.trim());
    const existing = await getConsumer(db, personalNumber);
    const blocked = existing?.blockedIssuers ?? [];
    await saveConsumer(db, { personalNumber, consent: existing?.consent ?? 'none', blockedIssuers: blocked.includes(org) ? blocked : [...blocked, org] });
    return 'blocked';
  });

  action('/netbank/unblock', async (form, personalNumber) => {
    const org = checkOrgNumber(form.issuerOrgNumber);
    const existing = await getConsumer(db, personalNumber);
    await saveConsumer(db, {
      personalNumber,
      consent: existing?.consent ?? 'none',
      blockedIssuers: (existing?.blockedIssuers ?? []).filter((o) => o !== org),
    });
    return 'unblocked';
  });
}
