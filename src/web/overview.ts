/**
 * The overview (SPEC §9): orders and amounts per status, today's runs, what needs a person — failing
 * callbacks and deliveries, unmatched payments — and, on a demo server, the way through the whole loop.
 */
import type { FastifyInstance } from 'fastify';
import { osloDate } from '../domain/time/oslo.ts';
import { overview } from '../store/dashboard.ts';
import { listCallbackEvents } from '../store/callback-outbox.ts';
import { deliveryList } from '../app/delivery/retry-deliveries.ts';
import { formatInstant, formatMoney } from './format.ts';
import { html } from './html.ts';
import { actionForm, badge, table } from './layout.ts';
import { documentHref } from './links.ts';
import type { Web } from './web.ts';

const STATUS_ORDER = ['SENT', 'INVOICED', 'PURRING', 'INKASSO', 'PAID', 'PARTIAL REFUNDED', 'REFUNDED', 'CANCELLED'];

export function registerOverview(scope: FastifyInstance, web: Web): void {
  const { db, clock, demo } = web.deps;

  scope.get('/', async (request, reply) => {
    const { t, lang, viewer } = web.context(request);
    const merchantId = web.scope(request);
    const [o, failed, undelivered] = await Promise.all([
      overview(db, merchantId, osloDate(clock.now())),
      listCallbackEvents(db, { state: 'failed', ...(merchantId !== null ? { merchantId } : {}), limit: 5 }),
      deliveryList(db, { status: 'undelivered', ...(merchantId !== null ? { merchantId } : {}), limit: 5 }),
    ]);
    const statuses = [...o.statuses].sort((a, b) => rank(a.status) - rank(b.status));
    const totalOrders = statuses.reduce((n, s) => n + s.orders, 0);
    const totalOre = statuses.reduce((n, s) => n + s.amountOre, 0);
    const statusRows = statuses.map(
      (s) => html`<tr><td><a href="/app/orders?status=${encodeURIComponent(s.status)}">${badge(s.status)}</a></td><td class="num">${s.orders.toLocaleString(lang === 'no' ? 'nb-NO' : 'en-GB')}</td><td class="num">${formatMoney(s.amountOre, lang)}</td></tr>`,
    );
    if (statusRows.length > 0) {
      statusRows.push(html`<tr class="sum"><th scope="row">${t.total}</th><td class="num">${totalOrders.toLocaleString(lang === 'no' ? 'nb-NO' : 'en-GB')}</td><td class="num">${formatMoney(totalOre, lang)}</td></tr>`);
    }
    const cards = html`<ul class="cards">
      <li class="${o.failedCallbacks > 0 ? 'warn' : ''}"><span class="big">${o.failedCallbacks}</span> ${t.failedCallbacks}</li>
      <li><span class="big">${o.retryingCallbacks}</span> ${t.retryingCallbacks}</li>
      <li class="${o.undeliveredDocuments > 0 ? 'warn' : ''}"><span class="big">${o.undeliveredDocuments}</span> ${t.undeliveredDocuments}</li>
      <li class="${o.unmatchedPayments > 0 ? 'warn' : ''}"><a href="/app/payments#unmatched"><span class="big">${o.unmatchedPayments}</span> ${t.unmatchedPayments}</a>
        ${o.unmatchedPayments > 0 ? html`<br><span class="muted">${formatMoney(o.unmatchedOre, lang)}</span>` : null}</li>
      <li><a href="/app/runs"><span class="big">${o.invoiceRunsToday}</span> ${t.invoiceRunsToday}</a></li>
      <li><a href="/app/runs"><span class="big">${o.dunningStepsToday.reduce((n, s) => n + s.count, 0)}</span> ${t.dunningToday}</a></li>
    </ul>`;
    const failing = [
      ...failed.map((c) => html`<li>${badge(c.state)} <a href="/app/orders/${c.orderUuid}">${c.orderUuid}</a> · ${c.status} · ${formatInstant(c.createdAt, lang)}${c.lastError ? html` · <span class="muted">${c.lastError}</span>` : null}</li>`),
      ...undelivered.map((d) => html`<li>${badge(d.status)} <a href="${documentHref(d.kind, d.invoiceNumber, merchantId === null ? d.merchantId : null)}">${d.kind === 'invoice' ? t.invoice : t.creditNoteTitle} ${d.invoiceNumber}</a>${d.lastError ? html` · <span class="muted">${d.lastError}</span>` : null}</li>`),
    ];
    const netbank = demo?.netbankUrl() ?? null;
    const demoBox = demo && merchantId !== null
      ? html`<section class="demo" aria-labelledby="demo-title">
          <h2 id="demo-title">${t.demoTitle}</h2>
          <ol>
            ${netbank !== null ? html`<li>${t.demoStep1} <a href="${netbank}" target="_blank" rel="noopener">${t.openNetbank}</a></li>` : null}
            <li>${t.demoStep2} ${actionForm(viewer, viewer.session.operator ? `/app/demo-order?m=${merchantId}` : '/app/demo-order', t.sendDemoOrder)}</li>
            ${netbank !== null ? html`<li>${t.demoStep3}</li>` : null}
          </ol>
        </section>`
      : null;
    const body = html`<h1>${t.overviewTitle}</h1>
      ${demoBox}
      <div class="grid">
        <section aria-labelledby="by-status"><h2 id="by-status">${t.ordersByStatus}</h2>
          ${table(null, [t.status, t.count, t.amount], statusRows, t.noOrdersYet, [1, 2])}</section>
        <section aria-labelledby="attention"><h2 id="attention">${t.needsAttention}</h2>${cards}
          ${failing.length > 0 ? html`<ul class="failing">${failing}</ul>` : null}</section>
      </div>`;
    return web.send(reply, request, { title: t.overviewTitle, section: 'overview' }, body);
  });

  if (demo) {
    scope.post('/demo-order', async (request, reply) => {
      const merchantId = web.scope(request);
      if (merchantId === null) return reply.redirect('/app', 303);
      const uuid = await demo.sendDemoOrder(merchantId);
      web.deps.wakeWorker?.();
      return reply.redirect(`/app/orders/${uuid}?done=demo`, 303);
    });
  }
}

const rank = (status: string): number => {
  const i = STATUS_ORDER.indexOf(status);
  return i === -1 ? STATUS_ORDER.length : i;
};
