/**
 * Invoices and credit notes (SPEC §9): the lists (keyset pages, newest first) and one document with its
 * PDF shown in the page, the EHF to download, its deliveries (and a retry when undelivered), reminders and
 * payments. The PDF and EHF are streamed from the stored bytes, same-origin and session-checked.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../app/errors.ts';
import { retryDeliveries } from '../app/delivery/retry-deliveries.ts';
import { settlement } from '../app/invoicing/invoice-view.ts';
import { allLines } from '../domain/documents/invoice-document.ts';
import { listDocuments } from '../store/dashboard.ts';
import { findInvoice, findInvoiceDocument, type InvoiceRow } from '../store/invoices.ts';
import { formatCalendarDate, formatInstant, formatMoney } from './format.ts';
import { html } from './html.ts';
import { actionForm, badge, table } from './layout.ts';
import { documentHref } from './links.ts';
import { idParam } from './request.ts';
import type { Web } from './web.ts';

const PAGE_SIZE = 50;
type Kind = 'invoice' | 'credit_note';
const KINDS: ReadonlyArray<{ kind: Kind; path: string }> = [
  { kind: 'invoice', path: '/invoices' },
  { kind: 'credit_note', path: '/credit-notes' },
];

export function registerInvoices(scope: FastifyInstance, web: Web): void {
  const { db, clock } = web.deps;

  for (const { kind, path } of KINDS) {
    /** The document a request may see; numbers are per merchant, so an operator needs a merchant (`?m=` or the switcher). */
    async function visibleDocument(request: FastifyRequest, raw: string): Promise<InvoiceRow> {
      const merchantId = web.scope(request);
      const number = idParam(raw);
      const row = merchantId === null || number === null ? null : await findInvoice(db, merchantId, kind, number);
      if (row === null) throw new ApiError('invoiceNotFound');
      return row;
    }

    scope.get<{ Querystring: { after?: string } }>(path, async (request, reply) => {
      const { t, lang } = web.context(request);
      const merchantId = web.scope(request);
      const afterId = idParam(request.query.after);
      const page = await listDocuments(db, { merchantId, kind, afterId, limit: PAGE_SIZE });
      const title = kind === 'invoice' ? t.invoicesTitle : t.creditNotesTitle;
      const rows = page.documents.map((d) => {
        const s = settlement(d);
        return html`<tr>
          <td><a href="${documentHref(kind, d.number, merchantId === null ? d.merchant_id : null)}">${d.number}</a></td>
          ${merchantId === null ? html`<td class="num">${d.merchant_id}</td>` : null}
          <td>${d.customer_name}</td>
          <td>${formatCalendarDate(d.issue_date, lang)}</td>
          ${kind === 'invoice' ? html`<td>${formatCalendarDate(d.due_date, lang)}</td>` : null}
          <td class="num">${formatMoney(d.total_ore, lang)}</td>
          ${kind === 'invoice' ? html`<td class="num">${formatMoney(s.outstandingOre, lang)}</td><td>${badge(s.status)}</td>` : null}
          <td>${d.delivery !== null ? badge(d.delivery) : '—'}</td>
        </tr>`;
      });
      const head = [
        t.number, ...(merchantId === null ? [t.merchantLabel] : []), t.customer, t.invoiceDate,
        ...(kind === 'invoice' ? [t.dueDate] : []), t.total, ...(kind === 'invoice' ? [t.outstanding, t.status] : []), t.delivery,
      ];
      const numeric = merchantId === null ? [1, kind === 'invoice' ? 5 : 4, 6] : [kind === 'invoice' ? 4 : 3, 5];
      const body = html`<h1>${title}</h1>
        ${table(null, head, rows, t.noDocuments, numeric)}
        <nav class="pager" aria-label="${title}">
          ${afterId !== null ? html`<a href="/app${path}">${t.firstPage}</a>` : null}
          ${page.next !== null ? html`<a href="/app${path}?after=${page.next}" rel="next">${t.olderPage}</a>` : null}
        </nav>`;
      return web.send(reply, request, { title, section: kind === 'invoice' ? 'invoices' : 'credit-notes' }, body);
    });

    scope.get<{ Params: { number: string }; Querystring: { done?: string } }>(`${path}/:number`, async (request, reply) => {
      const { t, lang, viewer } = web.context(request);
      const row = await visibleDocument(request, request.params.number);
      const m = viewer.session.operator ? row.merchant_id : null;
      const s = settlement(row);
      const d = row.content;
      const title = `${kind === 'invoice' ? t.invoiceTitle : t.creditNoteTitle} ${row.number}`;
      const facts = html`<dl class="facts">
        ${kind === 'invoice' ? html`<dt>${t.status}</dt><dd>${badge(s.status)}</dd>` : html`<dt>${t.credits}</dt><dd>${row.credits_invoice_number !== null ? html`<a href="${documentHref('invoice', row.credits_invoice_number, m)}">${t.invoice} ${row.credits_invoice_number}</a>` : '—'}</dd>`}
        <dt>${t.customer}</dt><dd>${d.buyer.name}</dd>
        <dt>${t.invoiceDate}</dt><dd>${formatCalendarDate(row.issue_date, lang)}</dd>
        ${kind === 'invoice' ? html`<dt>${t.dueDate}</dt><dd>${formatCalendarDate(row.due_date, lang)}</dd><dt>${t.kid}</dt><dd class="mono">${row.kid}</dd>` : null}
        <dt>${t.total}</dt><dd>${formatMoney(row.total_ore, lang)}</dd>
        ${kind === 'invoice' ? html`<dt>${t.paid}</dt><dd>${formatMoney(row.paid_ore, lang)}</dd><dt>${t.outstanding}</dt><dd>${formatMoney(s.outstandingOre, lang)}</dd>` : null}
        <dt>${t.orders}</dt><dd>${row.order_uuids.map((u, i) => html`${i > 0 ? ', ' : ''}<a href="/app/orders/${u}">${u}</a>`)}</dd>
        ${row.credit_note_numbers.length > 0 ? html`<dt>${t.creditNotes}</dt><dd>${row.credit_note_numbers.map((n, i) => html`${i > 0 ? ', ' : ''}<a href="${documentHref('credit_note', n, m)}">${n}</a>`)}</dd>` : null}
        <dt>${t.delivery}</dt><dd>${badge(row.delivery?.status ?? 'pending')}${row.delivery?.channel ? html` · ${row.delivery.channel}` : null}</dd>
      </dl>`;
      const hasPdf = row.documents.includes('pdf');
      const files = html`<p class="files">
        ${hasPdf ? html`<a href="${documentHref(kind, row.number, m, '/pdf')}" download="${kind === 'invoice' ? 'invoice' : 'credit-note'}-${row.number}.pdf">${t.downloadPdf}</a>` : null}
        ${row.documents.includes('ehf') ? html`<a href="${documentHref(kind, row.number, m, '/ehf')}" download="${kind === 'invoice' ? 'invoice' : 'credit-note'}-${row.number}.xml">${t.downloadEhf}</a>` : null}
      </p>`;
      const pdf = hasPdf
        // The fragment asks Chromium's and Firefox's viewers for the page width and no thumbnail pane.
        ? html`<iframe class="pdf" src="${documentHref(kind, row.number, m, '/pdf')}#view=FitH&amp;navpanes=0" title="${t.pdfFrameTitle}"></iframe>`
        : html`<p class="notice">${t.pdfNotReady}</p>`;
      const lineRows = allLines(d).map(
        (l) => html`<tr><td>${l.description}</td><td class="num">${l.quantity}</td><td class="num">${formatMoney(l.unitPriceOre, lang)}</td><td class="num">${formatMoney(l.discountOre, lang)}</td><td class="num">${l.vatRate} %</td><td class="num">${formatMoney(l.amountOre, lang)}</td></tr>`,
      );
      const vatRows = d.vatSummary.map(
        (v) => html`<tr><td class="num">${v.rate} %</td><td class="num">${formatMoney(v.netOre, lang)}</td><td class="num">${formatMoney(v.vatOre, lang)}</td><td class="num">${formatMoney(v.grossOre, lang)}</td></tr>`,
      );
      const attemptRows = (row.delivery?.attempts ?? []).map(
        (a) => html`<tr><td>${formatInstant(new Date(a.at), lang)}</td><td>${a.channel}</td><td>${badge(a.outcome)}</td><td>${a.error ?? ''}</td></tr>`,
      );
      const reminderRows = row.reminders.map(
        (r) => html`<tr><td>${r.kind}</td><td>${formatCalendarDate(r.date, lang)}</td><td class="num">${formatMoney(r.fee_ore, lang)}</td><td class="num">${formatMoney(r.interest_ore, lang)}</td><td>${formatCalendarDate(r.due_date, lang)}</td><td class="num">${formatMoney(r.total_ore, lang)}</td><td>${r.delivery !== null ? badge(r.delivery) : '—'}</td></tr>`,
      );
      const paymentRows = row.payments.map(
        (p) => html`<tr><td>${formatCalendarDate(p.date, lang)}</td><td>${p.kind}</td><td class="num">${formatMoney(Number(p.amount_ore), lang)}</td><td class="mono">${p.kid ?? ''}</td><td>${p.bank_reference ?? ''}</td><td>${badge(p.state)}</td></tr>`,
      );
      const notice = request.query.done === 'retried' ? { kind: 'ok' as const, text: t.deliveryRetried } : null;
      const body = html`<h1>${title}</h1>
        <div class="document">
          <div>${facts}${files}
            ${row.delivery?.status === 'undelivered' ? actionForm(viewer, documentHref(kind, row.number, m, '/retry-delivery'), t.retryDelivery) : null}
          </div>
          ${pdf}
        </div>
        <section aria-labelledby="doc-lines"><h2 id="doc-lines">${t.lines}</h2>
          ${table(null, [t.product, t.quantity, t.unitPrice, t.discount, t.vatRate, t.amount], lineRows, t.none, [1, 2, 3, 4, 5])}
          ${table(null, [t.vatRate, t.net, t.vat, t.gross], vatRows, t.none, [0, 1, 2, 3])}</section>
        <section aria-labelledby="doc-deliveries"><h2 id="doc-deliveries">${t.deliveries}</h2>
          ${table(null, [t.time, t.channel, t.outcome, t.error], attemptRows, t.none)}</section>
        ${kind === 'invoice' ? html`<section aria-labelledby="doc-reminders"><h2 id="doc-reminders">${t.reminders}</h2>
          ${table(null, [t.kind, t.date, t.fee, t.interest, t.dueDate, t.total, t.delivery], reminderRows, t.none, [2, 3, 5])}</section>
        <section aria-labelledby="doc-payments"><h2 id="doc-payments">${t.payments}</h2>
          ${table(null, [t.date, t.kind, t.amount, t.kid, t.bankReference, t.state], paymentRows, t.none, [2])}</section>` : null}`;
      return web.send(reply, request, { title, section: kind === 'invoice' ? 'invoices' : 'credit-notes', notice }, body);
    });

    for (const format of ['pdf', 'ehf'] as const) {
      scope.get<{ Params: { number: string } }>(`${path}/:number/${format}`, async (request, reply) => {
        const row = await visibleDocument(request, request.params.number);
        const file = await findInvoiceDocument(db, row.id, format);
        if (file === null) throw new ApiError('documentNotReadyYet', { headers: { 'retry-after': '1' } });
        const name = `${kind === 'invoice' ? 'invoice' : 'credit-note'}-${row.number}.${format === 'pdf' ? 'pdf' : 'xml'}`;
        // The PDF is shown in the page's frame (same origin only); the EHF is a download.
        return reply
          .header('content-security-policy', "default-src 'none'; frame-ancestors 'self'")
          .header('content-type', format === 'pdf' ? 'application/pdf' : 'application/xml; charset=utf-8')
          .header('content-disposition', `${format === 'pdf' ? 'inline' : 'attachment'}; filename="${name}"`)
          .header('cache-control', 'private, no-store')
          .send(file.content);
      });
    }

    scope.post<{ Params: { number: string } }>(`${path}/:number/retry-delivery`, async (request, reply) => {
      const row = await visibleDocument(request, request.params.number);
      const result = await retryDeliveries(db, clock, { number: row.number, merchantId: row.merchant_id });
      if (!result.ok) throw new ApiError('notFound', { errors: [result.problem] });
      web.deps.wakeWorker?.();
      const m = request.viewer!.session.operator ? row.merchant_id : null;
      return reply.redirect(`${documentHref(kind, row.number, m)}${m !== null ? '&' : '?'}done=retried`, 303);
    });
  }
}
