/**
 * Orders (SPEC §9): the list with search and status filter (keyset pages, newest first), and one order
 * with its timeline — status changes, its invoice, deliveries, payments, reminders and every callback
 * attempt — and a redeliver button per callback. A merchant session sees only its merchant's orders:
 * another merchant's order answers 404 exactly like a missing one.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../app/errors.ts';
import { findMerchantOrder } from '../app/orders/lock-order.ts';
import { ORDER_UUID_PATTERN } from '../domain/orders/ids.ts';
import { callbackHistory, redeliverCallbacks } from '../store/callback-outbox.ts';
import { invoiceHistory, merchantOfOrder, searchOrders } from '../store/dashboard.ts';
import { findInvoice, type InvoiceRow } from '../store/invoices.ts';
import { findOrderEvents, findOrderLines, type OrderRow } from '../store/orders.ts';
import type { Dictionary, Language } from './i18n.ts';
import { formatCalendarDate, formatInstant, formatMoney } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { actionForm, badge, table } from './layout.ts';
import { documentHref } from './links.ts';
import type { Web } from './web.ts';

const PAGE_SIZE = 50;
export const ORDER_STATUSES = ['SENT', 'INVOICED', 'PURRING', 'INKASSO', 'PAID', 'PARTIAL REFUNDED', 'REFUNDED', 'CANCELLED'] as const;

export function registerOrders(scope: FastifyInstance, web: Web): void {
  const { db } = web.deps;

  /** The order a request may see, or a 404 (another merchant's order is not found). */
  async function visibleOrder(request: FastifyRequest, uuid: string): Promise<OrderRow> {
    if (!ORDER_UUID_PATTERN.test(uuid)) throw new ApiError('orderNotFound');
    const merchantId = web.scope(request) ?? (await merchantOfOrder(db, uuid));
    if (merchantId === null) throw new ApiError('orderNotFound');
    return findMerchantOrder(db, merchantId, uuid);
  }

  scope.get<{ Querystring: { q?: string; status?: string; after?: string } }>('/orders', async (request, reply) => {
    const { t, lang } = web.context(request);
    const merchantId = web.scope(request);
    const q = typeof request.query.q === 'string' ? request.query.q.slice(0, 100) : '';
    const status = (ORDER_STATUSES as readonly string[]).includes(request.query.status ?? '') ? request.query.status! : null;
    const after = typeof request.query.after === 'string' && ORDER_UUID_PATTERN.test(request.query.after) ? request.query.after : null;
    const page = await searchOrders(db, { merchantId, status, text: q === '' ? null : q, after, limit: PAGE_SIZE });
    const rows = page.orders.map(
      (o) => html`<tr>
        <td><a href="/app/orders/${o.uuid}">${o.uuid}</a></td>
        ${merchantId === null ? html`<td class="num">${o.merchant_id}</td>` : null}
        <td>${badge(o.status)}</td>
        <td>${o.customer_name}</td>
        <td class="num">${formatMoney(o.grand_total_ore, lang)}</td>
        <td class="num">${o.invoice_number !== null ? html`<a href="${documentHref('invoice', Number(o.invoice_number), merchantId === null ? o.merchant_id : null)}">${o.invoice_number}</a>` : '—'}</td>
        <td>${formatInstant(o.created_at, lang)}</td>
      </tr>`,
    );
    const head = [t.order, ...(merchantId === null ? [t.merchantLabel] : []), t.status, t.customer, t.amount, t.invoice, t.created];
    const keep = (extra: Record<string, string>) => new URLSearchParams({ ...(q ? { q } : {}), ...(status ? { status } : {}), ...extra }).toString();
    const body = html`<h1>${t.ordersTitle}</h1>
      <form method="get" action="/app/orders" class="filters" role="search">
        <label for="q">${t.searchLabel}</label>
        <input id="q" name="q" type="search" value="${q}" maxlength="100">
        <label for="status">${t.status}</label>
        <select id="status" name="status">
          <option value="">${t.allStatuses}</option>
          ${ORDER_STATUSES.map((s) => html`<option value="${s}"${s === status ? html` selected` : null}>${s}</option>`)}
        </select>
        <button type="submit">${t.search}</button>
      </form>
      ${table(null, head, rows, t.noMatches, merchantId === null ? [1, 4, 5] : [3, 4])}
      <nav class="pager" aria-label="${t.ordersTitle}">
        ${after !== null ? html`<a href="/app/orders?${keep({})}">${t.firstPage}</a>` : null}
        ${page.next !== null ? html`<a href="/app/orders?${keep({ after: page.next })}" rel="next">${t.olderPage}</a>` : null}
      </nav>`;
    return web.send(reply, request, { title: t.ordersTitle, section: 'orders' }, body);
  });

  scope.get<{ Params: { uuid: string }; Querystring: { done?: string } }>('/orders/:uuid', async (request, reply) => {
    const { t, lang, viewer } = web.context(request);
    const order = await visibleOrder(request, request.params.uuid);
    const [lines, events, callbacks] = await Promise.all([findOrderLines(db, order.id), findOrderEvents(db, order.id), callbackHistory(db, order.id)]);
    const invoice = order.invoice_number === null ? null : await findInvoice(db, order.merchant_id, 'invoice', Number(order.invoice_number));
    const history = invoice === null ? null : await invoiceHistory(db, invoice.id);
    const customer = order.customer_snapshot as { name?: string; email?: string };
    const m = viewer.session.operator ? order.merchant_id : null;
    const redeliverAction = `/app/orders/${order.uuid}/redeliver${m !== null ? `?m=${m}` : ''}`;

    const facts = html`<dl class="facts">
      <dt>${t.status}</dt><dd>${badge(order.status)}</dd>
      <dt>${t.amount}</dt><dd>${formatMoney(order.grand_total_ore, lang)}</dd>
      <dt>${t.paid}</dt><dd>${formatMoney(order.paid_ore, lang)}</dd>
      <dt>${t.customer}</dt><dd>${customer.name} · ${customer.email}</dd>
      <dt>${t.created}</dt><dd>${formatInstant(order.created_at, lang)}</dd>
      <dt>${t.invoice}</dt><dd>${invoice !== null ? html`<a href="${documentHref('invoice', invoice.number, m)}">${invoice.number}</a>` : '—'}</dd>
      <dt>${t.kid}</dt><dd>${order.kid ?? '—'}</dd>
      <dt>${t.dueDate}</dt><dd>${formatCalendarDate(order.due_date, lang)}</dd>
      ${viewer.session.operator ? html`<dt>${t.merchantLabel}</dt><dd>${order.merchant_id}</dd>` : null}
    </dl>`;
    const lineRows = lines.map(
      (l) => html`<tr><td>${l.name}</td><td class="num">${l.quantity}</td><td class="num">${formatMoney(l.rate_ore, lang)}</td><td class="num">${formatMoney(l.discount_ore, lang)}</td><td class="num">${l.tax_rate} %</td><td class="num">${formatMoney(l.amount_ore, lang)}</td></tr>`,
    );
    const callbackRows = callbacks.map(
      (c) => html`<tr>
        <td>${formatInstant(c.createdAt, lang)}</td><td>${c.status}</td><td>${badge(c.state)}</td><td class="num">${c.attempts}</td>
        <td>${c.attemptLog.length > 0 ? html`<ol class="attempts">${c.attemptLog.map((a) => html`<li>${formatInstant(a.attemptedAt, lang)} · ${a.outcome}${a.httpStatus !== null ? html` · HTTP ${a.httpStatus}` : null} · ${a.latencyMs} ms${errorText(a.error, a.httpStatus)}</li>`)}</ol>` : '—'}</td>
        <td>${c.state !== 'pending' ? actionForm(viewer, redeliverAction, t.redeliver, { eventId: c.eventId }) : null}</td>
      </tr>`,
    );
    const notice = request.query.done === 'redelivered' ? { kind: 'ok' as const, text: t.redelivered }
      : request.query.done === 'nothing' ? { kind: 'ok' as const, text: t.nothingToRedeliver }
      : request.query.done === 'demo' ? { kind: 'ok' as const, text: t.demoOrderSent } : null;
    const body = html`<h1>${t.orderTitle} <span class="mono">${order.uuid}</span></h1>
      ${facts}
      <section aria-labelledby="timeline"><h2 id="timeline">${t.timeline}</h2>${timeline(t, lang, events, invoice, history, callbacks, m)}</section>
      <section aria-labelledby="callbacks"><h2 id="callbacks">${t.callbacks}</h2>
        ${table(null, [t.created, t.status, t.state, t.attempts, t.details, ''], callbackRows, t.noCallbacks, [3])}
        ${callbacks.some((c) => c.state !== 'pending') ? actionForm(viewer, redeliverAction, t.redeliverAll) : null}
      </section>
      <section aria-labelledby="lines"><h2 id="lines">${t.lines}</h2>
        ${table(null, [t.product, t.quantity, t.unitPrice, t.discount, t.vatRate, t.amount], lineRows, t.none, [1, 2, 3, 4, 5])}</section>`;
    return web.send(reply, request, { title: `${t.orderTitle} ${order.uuid}`, section: 'orders', notice }, body);
  });

  scope.post<{ Params: { uuid: string }; Body: { eventId?: string } }>('/orders/:uuid/redeliver', async (request, reply) => {
    const order = await visibleOrder(request, request.params.uuid);
    const eventId = request.body?.eventId;
    let redelivered: string[];
    if (typeof eventId === 'string' && eventId !== '') {
      // Only an event of this order: the id comes from the form, the order from the session's scope.
      const ofOrder = (await callbackHistory(db, order.id)).some((c) => c.eventId === eventId.toLowerCase());
      if (!ofOrder) throw new ApiError('notFound');
      redelivered = await redeliverCallbacks(db, { eventId: eventId.toLowerCase() });
    } else {
      redelivered = await redeliverCallbacks(db, { orderUuid: order.uuid });
    }
    if (redelivered.length > 0) web.deps.wakeWorker?.();
    const m = request.viewer!.session.operator ? `&m=${order.merchant_id}` : '';
    return reply.redirect(`/app/orders/${order.uuid}?done=${redelivered.length > 0 ? 'redelivered' : 'nothing'}${m}`, 303);
  });
}

interface Entry {
  at: Date;
  what: string;
  detail: SafeHtml | string;
}

/** Everything that happened to the order, oldest first. */
function timeline(
  t: Dictionary,
  lang: Language,
  events: Awaited<ReturnType<typeof findOrderEvents>>,
  invoice: InvoiceRow | null,
  history: Awaited<ReturnType<typeof invoiceHistory>> | null,
  callbacks: Awaited<ReturnType<typeof callbackHistory>>,
  m: number | null,
): SafeHtml {
  const entries: Entry[] = events.map((e) => ({
    at: e.created_at,
    what: t.eventStatus,
    detail: html`${e.from_status !== null ? html`${badge(e.from_status)} → ` : null}${badge(e.to_status)} <span class="muted">${e.reason ?? ''} · ${e.actor}</span>`,
  }));
  if (invoice !== null) {
    entries.push({ at: invoice.created_at, what: t.eventInvoice, detail: html`<a href="${documentHref('invoice', invoice.number, m)}">${t.invoice} ${invoice.number}</a> · ${t.kid} ${invoice.kid} · ${formatMoney(invoice.total_ore, lang)}` });
    for (const a of invoice.delivery?.attempts ?? []) {
      entries.push({ at: new Date(a.at), what: t.eventDelivery, detail: html`${a.channel} · ${badge(a.outcome)}${a.error ? html` · <span class="muted">${a.error}</span>` : null}` });
    }
    // When each was recorded; the payment's own date (the bank's) is in the text.
    for (const p of history?.payments ?? []) {
      entries.push({ at: p.at, what: t.eventPayment, detail: html`${formatCalendarDate(p.date, lang)} · ${formatMoney(Number(p.amount_ore), lang)} · ${p.kind} · ${badge(p.state)}` });
    }
    for (const r of history?.steps ?? []) {
      entries.push({ at: r.at, what: t.eventReminder, detail: html`${r.kind} · ${formatCalendarDate(r.date, lang)} · ${formatMoney(r.total_ore, lang)}${r.due_date !== null ? html` · ${t.dueDate} ${formatCalendarDate(r.due_date, lang)}` : null}` });
    }
  }
  for (const c of callbacks) {
    for (const a of c.attemptLog) {
      entries.push({ at: a.attemptedAt, what: t.eventCallback, detail: html`${c.status} · ${a.outcome}${a.httpStatus !== null ? html` · HTTP ${a.httpStatus}` : null}${errorText(a.error, a.httpStatus)}` });
    }
  }
  entries.sort((a, b) => a.at.getTime() - b.at.getTime());
  return html`<ol class="timeline">${entries.map((e) => html`<li><time datetime="${e.at.toISOString()}">${formatInstant(e.at, lang)}</time> <strong>${e.what}</strong> ${e.detail}</li>`)}</ol>`;
}

/** A callback attempt's error, unless it only repeats the HTTP status shown beside it. */
function errorText(error: string | null, httpStatus: number | null): SafeHtml | null {
  if (error === null || error === '' || (httpStatus !== null && error.startsWith(`HTTP ${httpStatus}`))) return null;
  return html` · <span class="muted">${error}</span>`;
}
