/**
 * Payments (SPEC §9): import a bank file (OCR giro or camt.054) with upload progress, the import history,
 * the unmatched payments with matching by hand, and the latest payments. The import is the use case the
 * CLI and the admin API call (app/payments/import-payments.ts); only an operator may import, since one
 * bank file can carry several merchants' payments. A merchant sees and matches its own payments.
 *
 * Upload: with JavaScript, the file goes as the raw request body (application/octet-stream) by
 * XMLHttpRequest, which reports upload progress; the answer is JSON. Without JavaScript, the form posts the
 * file's text pasted into a text area (multipart parsing is not part of the server).
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../app/errors.ts';
import { importPaymentFile, type ImportSummary } from '../app/payments/import-payments.ts';
import { listPaymentViews, matchPaymentByHand } from '../app/payments/payments.ts';
import { bufferSource } from '../app/payments/read-payment-file.ts';
import { listPaymentFiles } from '../store/dashboard.ts';
import type { Dictionary } from './i18n.ts';
import { formatCalendarDate, formatInstant, formatMoney } from './format.ts';
import { html } from './html.ts';
import { badge, table } from './layout.ts';
import { documentHref } from './links.ts';
import { idParam } from './request.ts';
import type { Web } from './web.ts';
import { parseOre } from '../domain/money/money.ts';

const SUMMARY_FIELDS = ['transactions', 'imported', 'duplicates', 'matched', 'partial', 'overpaid', 'unmatched', 'reversed'] as const;

export function registerPayments(scope: FastifyInstance, web: Web): void {
  const { db, config } = web.deps;

  async function runImport(content: Buffer, name: string | null): Promise<ImportSummary> {
    const summary = await importPaymentFile(db, bufferSource(content), { name, maxXmlBytes: config.importBodyLimitBytes });
    web.deps.wakeWorker?.();
    return summary;
  }
  const resultUrl = (s: ImportSummary) => `/app/payments?done=imported&n=${SUMMARY_FIELDS.map((f) => s[f]).join('.')}`;

  // Its own scope: the raw-body parser and the larger body limit apply to the upload only.
  void scope.register(async (upload) => {
    upload.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: config.importBodyLimitBytes }, (_request, body, done) => done(null, body));
    upload.post<{ Body: Buffer | { content?: string; _csrf?: string }; Querystring: { name?: string } }>(
      '/payments/import',
      { bodyLimit: config.importBodyLimitBytes },
      async (request, reply) => {
        const { t } = web.context(request);
        if (!request.viewer!.session.operator) {
          return reply.code(403).type('text/html; charset=utf-8').send(t.importOperatorOnly);
        }
        const body = request.body;
        if (Buffer.isBuffer(body)) {
          const name = typeof request.query.name === 'string' ? request.query.name.slice(0, 255) : null;
          try {
            const summary = await runImport(body, name);
            return reply.send({ redirect: resultUrl(summary) });
          } catch (error) {
            if (error instanceof ApiError && error.statusCode < 500) return reply.code(error.statusCode).send({ error: (error.errors as string[]).join(' ') });
            throw error;
          }
        }
        const text = typeof body?.content === 'string' ? body.content : '';
        // camt.054 is UTF-8 XML; an OCR giro file is ISO-8859-1 text.
        const content = Buffer.from(text.replace(/\r?\n/g, '\r\n'), text.trimStart().startsWith('<') ? 'utf8' : 'latin1');
        const summary = await runImport(content, null);
        return reply.redirect(resultUrl(summary), 303);
      },
    );
  });

  scope.get<{ Querystring: { done?: string; n?: string } }>('/payments', async (request, reply) => {
    const { t, lang, viewer } = web.context(request);
    const merchantId = web.scope(request);
    const filter = merchantId !== null ? { merchantId } : {};
    const [files, unmatched, latest] = await Promise.all([
      listPaymentFiles(db, merchantId, 20),
      listPaymentViews(db, { ...filter, unmatched: true, limit: 100 }),
      listPaymentViews(db, { ...filter, limit: 20 }),
    ]);
    const operator = viewer.session.operator;
    const importForm = operator
      ? html`<form id="import" method="post" action="/app/payments/import" class="import">
          <input type="hidden" name="_csrf" value="${viewer.session.csrfToken}">
          <p>${t.importHelp}</p>
          <p class="js-only"><label for="bank-file">${t.fileLabel}</label> <input id="bank-file" name="file" type="file" accept=".txt,.ocr,.xml,.dat,text/plain,application/xml"></p>
          <details class="no-js-open"><summary>${t.pasteLabel}</summary>
            <label for="bank-text" class="visually-hidden">${t.pasteLabel}</label>
            <textarea id="bank-text" name="content" rows="6" cols="82" spellcheck="false"></textarea>
          </details>
          <p><button type="submit">${t.importButton}</button>
          <progress id="upload-progress" max="100" value="0" hidden aria-label="${t.uploading}"></progress>
          <output id="upload-status" aria-live="polite" data-uploading="${t.uploading}" data-importing="${t.importing}"></output></p>
        </form>`
      : html`<p class="muted">${t.importOperatorOnly}</p>`;
    const fileRows = files.map((f) => {
      const s = (f.summary ?? {}) as Record<string, number>;
      return html`<tr><td class="num">${f.id}</td><td>${f.format}</td><td>${f.name ?? ''}</td><td>${formatInstant(f.started_at, lang)}</td>
        <td class="num">${f.transactions}</td><td class="num">${s.matched ?? ''}</td><td class="num">${s.partial ?? ''}</td><td class="num">${s.unmatched ?? ''}</td><td class="num">${s.duplicates ?? ''}</td></tr>`;
    });
    const matchRows = unmatched.map((p) => html`<tr>
      <td class="num">${p.id as number}</td>${merchantId === null ? html`<td class="num">${p.merchantId as number}</td>` : null}
      <td>${formatCalendarDate(p.date as string, lang)}</td><td class="num">${money(p.amount, lang)}</td>
      <td class="mono">${(p.kid as string | null) ?? ''}</td><td>${(p.text as string | null) ?? ''}</td>
      <td>${p.kind === 'payment' ? html`<form method="post" action="/app/payments/${p.id as number}/match" class="inline match">
        <input type="hidden" name="_csrf" value="${viewer.session.csrfToken}">
        <label for="inv-${p.id as number}">${t.invoiceNumberLabel}</label>
        <input id="inv-${p.id as number}" name="invoiceNumber" inputmode="numeric" pattern="[0-9]+" size="8" required>
        <button type="submit">${t.matchByHand}</button></form>` : null}</td>
    </tr>`);
    const latestRows = latest.map((p) => html`<tr>
      <td class="num">${p.id as number}</td>${merchantId === null ? html`<td class="num">${p.merchantId as number}</td>` : null}
      <td>${formatCalendarDate(p.date as string, lang)}</td><td class="num">${money(p.amount, lang)}</td><td class="mono">${(p.kid as string | null) ?? ''}</td>
      <td>${badge(p.state as string)}</td>
      <td>${p.invoiceNumber !== null ? html`<a href="${documentHref('invoice', p.invoiceNumber as number, merchantId === null ? (p.merchantId as number) : null)}">${p.invoiceNumber as number}</a>` : '—'}</td>
    </tr>`);
    const m = merchantId === null ? [t.merchantLabel] : [];
    const body = html`<h1>${t.paymentsTitle}</h1>
      <section aria-labelledby="import-title"><h2 id="import-title">${t.importTitle}</h2>${importForm}</section>
      <section aria-labelledby="unmatched"><h2 id="unmatched">${t.unmatchedTitle}</h2>
        ${table(null, ['#', ...m, t.date, t.amount, t.kid, t.details, ''], matchRows, t.none, [0, ...(merchantId === null ? [1, 3] : [2])])}</section>
      <section aria-labelledby="history"><h2 id="history">${t.importHistory}</h2>
        ${table(null, ['#', t.format, t.file, t.started, t.transactions, t.matched, t.partial, t.unmatched, t.duplicates], fileRows, t.none, [0, 4, 5, 6, 7, 8])}</section>
      <section aria-labelledby="latest"><h2 id="latest">${t.latestPayments}</h2>
        ${table(null, ['#', ...m, t.date, t.amount, t.kid, t.state, t.invoice], latestRows, t.none, [0, ...(merchantId === null ? [1, 3] : [2])])}</section>`;
    return web.send(reply, request, { title: t.paymentsTitle, section: 'payments', notice: noticeOf(t, request.query) }, body);
  });

  scope.post<{ Params: { id: string }; Body: { invoiceNumber?: string } }>('/payments/:id/match', async (request, reply) => {
    const viewer = request.viewer!;
    const id = idParam(request.params.id);
    const number = idParam(request.body?.invoiceNumber?.trim());
    if (id === null) throw new ApiError('paymentNotFound');
    if (number === null) throw new ApiError('invoiceNotFound', { errors: [`"${request.body?.invoiceNumber ?? ''}" is not an invoice number.`] });
    // A merchant may match only its own payments (to its own invoices: the use case looks the number up at the payment's merchant).
    await matchPaymentByHand(db, id, number, viewer.session.operator ? undefined : viewer.session.merchantId!);
    web.deps.wakeWorker?.();
    return reply.redirect('/app/payments?done=matched', 303);
  });
}

function money(amount: unknown, lang: 'no' | 'en'): string {
  const ore = parseOre(amount);
  return ore === null ? String(amount) : formatMoney(ore, lang);
}

function noticeOf(t: Dictionary, query: { done?: string; n?: string }): { kind: 'ok'; text: string } | null {
  if (query.done === 'matched') return { kind: 'ok', text: t.matchedByHand };
  if (query.done !== 'imported') return null;
  const numbers = (query.n ?? '').split('.').map((v) => (/^\d{1,12}$/.test(v) ? Number(v) : null));
  if (numbers.length !== SUMMARY_FIELDS.length || numbers.some((n) => n === null)) return { kind: 'ok', text: t.imported };
  const label: Record<(typeof SUMMARY_FIELDS)[number], string> = {
    transactions: t.transactions, imported: t.storedCount, duplicates: t.duplicates, matched: t.matched, partial: t.partial,
    overpaid: t.overpaid, unmatched: t.unmatched, reversed: t.reversed,
  };
  return { kind: 'ok', text: `${t.imported} ${SUMMARY_FIELDS.map((f, i) => `${label[f]}: ${numbers[i]}`).join(' · ')}` };
}
