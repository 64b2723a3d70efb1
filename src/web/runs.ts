/**
 * Runs (SPEC §9): invoice runs with their counts, dunning per day (reminders, notices, collection), and
 * "run now" for both — the use cases `efaktura invoice-run` / `dunning-run` and the admin API call, for
 * the merchant the session sees (an operator looking at all merchants runs them for all).
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../app/errors.ts';
import { runDunning } from '../app/dunning/run-dunning.ts';
import { checkRunDate } from '../app/invoicing/run-date.ts';
import { runInvoicesByHand } from '../app/invoicing/run-invoices.ts';
import { osloDate } from '../domain/time/oslo.ts';
import { dunningDays } from '../store/dashboard.ts';
import { listInvoiceRuns } from '../store/invoice-runs.ts';
import { formatCalendarDate, formatInstant } from './format.ts';
import { html } from './html.ts';
import { table } from './layout.ts';
import type { Web } from './web.ts';

export function registerRuns(scope: FastifyInstance, web: Web): void {
  const { db, clock, config } = web.deps;

  scope.get<{ Querystring: { done?: string; n?: string } }>('/runs', async (request, reply) => {
    const { t, lang, viewer } = web.context(request);
    const merchantId = web.scope(request);
    const [runs, days] = await Promise.all([
      listInvoiceRuns(db, { ...(merchantId !== null ? { merchantId } : {}), limit: 50 }),
      dunningDays(db, merchantId, 30),
    ]);
    const today = osloDate(clock.now());
    const m = viewer.session.operator && merchantId !== null ? `?m=${merchantId}` : '';
    const runForm = (action: string, label: string) => html`<form method="post" action="${action}${m}" class="inline run">
      <input type="hidden" name="_csrf" value="${viewer.session.csrfToken}">
      <label for="${action.replace(/\W/g, '-')}-date">${t.date}</label>
      <input id="${action.replace(/\W/g, '-')}-date" name="asOf" type="date" value="${today}"${config.allowFutureRuns ? null : html` max="${today}"`}>
      <button type="submit">${label}</button>
    </form>`;
    const runRows = runs.map((r) => html`<tr>
      ${merchantId === null ? html`<td class="num">${r.merchant_id}</td>` : null}
      <td class="num">${r.invoice_interval}</td><td>${r.period}</td><td>${formatCalendarDate(r.invoice_date, lang)}</td>
      <td>${formatInstant(r.started_at, lang)}</td><td>${r.finished_at !== null ? formatInstant(r.finished_at, lang) : '…'}</td>
      <td class="num">${r.orders_invoiced}</td><td class="num">${r.invoices_created}</td></tr>`);
    const dayRows = days.map((d) => html`<tr><td>${formatCalendarDate(d.date, lang)}</td><td class="num">${d.reminders}</td><td class="num">${d.notices}</td><td class="num">${d.collections}</td></tr>`);
    const n = (request.query.n ?? '').split('.').filter((v) => /^\d{1,12}$/.test(v));
    const notice = request.query.done === 'invoicing' ? { kind: 'ok' as const, text: `${t.invoiceRunDone} ${t.orders}: ${n[0] ?? 0} · ${t.invoices}: ${n[1] ?? 0}` }
      : request.query.done === 'dunning' ? { kind: 'ok' as const, text: `${t.dunningRunDone} ${t.reminders}: ${n[0] ?? 0} · ${t.notices}: ${n[1] ?? 0} · ${t.collections}: ${n[2] ?? 0}` }
      : null;
    const body = html`<h1>${t.runsTitle}</h1>
      <section aria-labelledby="invoice-runs"><h2 id="invoice-runs">${t.invoiceRuns}</h2>
        ${runForm('/app/runs/invoice', t.runInvoicingNow)}
        ${table(null, [...(merchantId === null ? [t.merchantLabel] : []), t.interval, t.period, t.invoiceDate, t.started, t.finished, t.orders, t.invoices], runRows, t.none, merchantId === null ? [0, 1, 6, 7] : [0, 5, 6])}</section>
      <section aria-labelledby="dunning-runs"><h2 id="dunning-runs">${t.dunningRuns}</h2>
        ${runForm('/app/runs/dunning', t.runDunningNow)}
        ${table(null, [t.date, t.reminders, t.notices, t.collections], dayRows, t.none, [1, 2, 3])}</section>`;
    return web.send(reply, request, { title: t.runsTitle, section: 'runs', notice }, body);
  });

  function runDate(raw: unknown): string {
    const date = checkRunDate(raw === '' || raw === undefined ? undefined : raw, clock, config.allowFutureRuns);
    if (!date.ok) throw new ApiError('payloadValidationErrors', { errors: [`The date ${date.problem}`] });
    return date.asOf;
  }
  const back = (request: { viewer: { session: { operator: boolean } } | null }, merchantId: number | null) =>
    request.viewer?.session.operator && merchantId !== null ? `&m=${merchantId}` : '';

  scope.post<{ Body: { asOf?: string } }>('/runs/invoice', async (request, reply) => {
    const asOf = runDate(request.body?.asOf);
    const merchantId = web.scope(request);
    const result = await runInvoicesByHand(db, clock, {
      asOf, ...(merchantId !== null ? { merchantId } : {}), runHour: config.invoiceRunHour, batchSize: config.invoiceBatchSize,
    });
    web.deps.wakeWorker?.();
    const orders = result.immediate.orders + result.runs.reduce((s, r) => s + r.orders_invoiced, 0);
    const invoices = result.immediate.invoices + result.runs.reduce((s, r) => s + r.invoices_created, 0);
    return reply.redirect(`/app/runs?done=invoicing&n=${orders}.${invoices}${back(request, merchantId)}`, 303);
  });

  scope.post<{ Body: { asOf?: string } }>('/runs/dunning', async (request, reply) => {
    const asOf = runDate(request.body?.asOf);
    const merchantId = web.scope(request);
    const s = await runDunning(db, { asOf, ...(merchantId !== null ? { merchantId } : {}), actor: request.viewer!.session.operator ? 'dashboard operator' : `dashboard merchant:${merchantId}` });
    web.deps.wakeWorker?.();
    return reply.redirect(`/app/runs?done=dunning&n=${s.reminders}.${s.notices}.${s.collections}${back(request, merchantId)}`, 303);
  });
}
