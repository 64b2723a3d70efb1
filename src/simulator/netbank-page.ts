/**
 * The simulated netbank's one page, rendered on the server: pick a customer, see their eFakturas, pay one
 * (in full or in part), change the consent and block or unblock issuers. Plain forms that POST and are
 * answered with a redirect, so it works without JavaScript. Every value from the database or the URL is
 * escaped with `html`.
 */
import type { Consumer, SimInvoice } from './state.ts';

export function html(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Norwegian money: 123450 → "kr 1 234,50". */
export function kroner(ore: number): string {
  const negative = ore < 0;
  const abs = Math.abs(ore);
  const whole = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${negative ? '−' : ''}kr ${whole},${String(abs % 100).padStart(2, '0')}`;
}

/** 2026-12-15 → 15.12.2026 */
export const norwegianDate = (date: string): string => `${date.slice(8, 10)}.${date.slice(5, 7)}.${date.slice(0, 4)}`;

/** The pay form's amount field, as a Norwegian types it: 123450 → "1234,50" (a point is accepted too). */
const plainAmount = (ore: number): string => `${Math.floor(ore / 100)},${String(ore % 100).padStart(2, '0')}`;

export const NOTICES: Record<string, string> = {
  paid: 'Betalingen er registrert.',
  consent: 'Samtykket er endret.',
  blocked: 'Avsenderen er sperret.',
  unblocked: 'Sperren er opphevet.',
};

export const ERRORS: Record<string, string> = {
  invalid_personal_number: 'Ugyldig fødselsnummer: det må ha 11 sifre og gyldige kontrollsifre.',
  invalid_amount: 'Ugyldig beløp: skriv kroner med høyst to desimaler, større enn 0 (for eksempel 1234.50).',
  invalid_date: 'Ugyldig dato: bruk formatet ÅÅÅÅ-MM-DD.',
  invalid_org_number: 'Ugyldig organisasjonsnummer: det må ha 9 sifre og gyldig kontrollsiffer.',
  invalid_request: 'Ugyldig forespørsel.',
  not_found: 'Fakturaen finnes ikke.',
  invoice_paid: 'Fakturaen er allerede betalt.',
  invoice_cancelled: 'Fakturaen er kansellert av avsenderen.',
};

const DOCUMENT_TYPES: Record<string, string> = { invoice: 'Faktura', reminder: 'Purring', collection_notice: 'Inkassovarsel' };
const STATUSES: Record<string, string> = { unpaid: 'Ubetalt', paid: 'Betalt', cancelled: 'Kansellert' };

const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2733;background:#f3f5f8}
header{background:#0b3d5c;color:#fff;padding:14px 32px;display:flex;align-items:baseline;gap:16px}
header h1{font-size:20px;margin:0}header span{opacity:.75;font-size:13px}
main{max-width:1120px;margin:24px auto;padding:0 24px}
section{background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:18px 22px;margin-bottom:18px}
h2{font-size:16px;margin:0 0 12px}
table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:8px 6px;border-bottom:1px solid #e6e9ee;vertical-align:middle}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#5b6878}
td.amount{white-space:nowrap;text-align:right;font-variant-numeric:tabular-nums}th.amount{text-align:right}
.kid{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
input,select,button{font:inherit;padding:5px 8px;border:1px solid #b9c2cd;border-radius:6px;background:#fff}
input.amount{width:110px;text-align:right}input.date{width:140px}
button{background:#0b6e4f;color:#fff;border-color:#0b6e4f;cursor:pointer}button.secondary{background:#fff;color:#0b3d5c;border-color:#0b3d5c}
form.inline{display:inline-flex;gap:6px;align-items:center;margin:0}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600}
.unpaid{background:#fff3cd;color:#7a5a00}.paid{background:#d9f2e6;color:#0b6e4f}.cancelled{background:#eceff3;color:#5b6878}
.notice{background:#d9f2e6;color:#0b5e43;padding:10px 14px;border-radius:8px;margin-bottom:14px}
.error{background:#fde2e1;color:#8c1d18;padding:10px 14px;border-radius:8px;margin-bottom:14px}
.muted{color:#5b6878;font-size:13px}ul.plain{list-style:none;padding:0;margin:0 0 10px}ul.plain li{padding:4px 0}
.row{display:flex;gap:28px;flex-wrap:wrap}.row>div{flex:1;min-width:300px}
`;

export interface NetbankView {
  personalNumber: string | null;
  /** The personal numbers to pick from. */
  known: readonly string[];
  consumer: Consumer | null;
  invoices: readonly SimInvoice[];
  /** Issuer names by organisation number (for blocked issuers with no invoice shown). */
  issuerNames: ReadonlyMap<string, string>;
  notice: string | null;
  error: string | null;
  today: string;
}

function pickCustomer(v: NetbankView): string {
  const options = v.known.map((pn) => `<option value="${html(pn)}"${pn === v.personalNumber ? ' selected' : ''}>${html(pn)}</option>`).join('');
  return `<section><h2>Velg kunde</h2>
<div class="row"><div><form method="get" action="/" class="inline">
<label for="pn">Fødselsnummer</label>
<input id="pn" name="pn" inputmode="numeric" maxlength="11" size="13" placeholder="11 sifre" value="${html(v.personalNumber ?? '')}">
<button type="submit">Logg inn</button></form></div>
${v.known.length > 0 ? `<div><form method="get" action="/" class="inline"><label for="known">Kjente kunder</label>
<select id="known" name="pn">${options}</select><button type="submit" class="secondary">Vis</button></form></div>` : ''}
</div></section>`;
}

function invoiceRow(i: SimInvoice, pn: string, today: string): string {
  const outstanding = Math.max(0, i.amountOre - i.paidOre);
  const payForm = i.status === 'unpaid'
    ? `<form method="post" action="/netbank/pay" class="inline">
<input type="hidden" name="personalNumber" value="${html(pn)}"><input type="hidden" name="invoiceId" value="${html(i.id)}">
<input class="amount" name="amount" value="${html(plainAmount(outstanding))}" aria-label="Beløp">
<input class="date" type="date" name="date" value="${html(today)}" aria-label="Betalingsdato">
<button type="submit">Betal</button></form>`
    : '';
  const paid = i.paidOre > 0 && i.status !== 'paid' ? `<div class="muted">Betalt ${html(kroner(i.paidOre))}</div>` : '';
  return `<tr>
<td><strong>${html(i.issuerName)}</strong><div class="muted">${html(DOCUMENT_TYPES[i.documentType] ?? i.documentType)} ${html(i.invoiceNumber)} · org.nr. ${html(i.issuerOrgNumber)}</div></td>
<td class="amount">${html(kroner(i.amountOre))}${paid}</td>
<td>${html(norwegianDate(i.dueDate))}</td>
<td class="kid">${html(i.kid)}</td>
<td><a href="${html(i.documentUrl)}" target="_blank" rel="noopener noreferrer">PDF</a></td>
<td><span class="badge ${html(i.status)}">${html(STATUSES[i.status] ?? i.status)}</span></td>
<td>${payForm}</td></tr>`;
}

function invoicesSection(v: NetbankView, pn: string): string {
  const rows = v.invoices.map((i) => invoiceRow(i, pn, v.today)).join('\n');
  return `<section><h2>eFaktura</h2>
${v.invoices.length === 0 ? '<p class="muted">Ingen eFaktura for denne kunden.</p>' : `<table>
<thead><tr><th>Avsender</th><th class="amount">Beløp</th><th>Forfall</th><th>KID</th><th>Faktura</th><th>Status</th><th>Betal</th></tr></thead>
<tbody>${rows}</tbody></table>`}</section>`;
}

function settingsSection(v: NetbankView, pn: string): string {
  const consent = v.consumer?.consent ?? 'none';
  const blocked = v.consumer?.blockedIssuers ?? [];
  const hidden = `<input type="hidden" name="personalNumber" value="${html(pn)}">`;
  const issuerLabel = (org: string) => (v.issuerNames.has(org) ? `${html(v.issuerNames.get(org))} (${html(org)})` : html(org));
  const blockedList = blocked.map((org) => `<li>${issuerLabel(org)}
<form method="post" action="/netbank/unblock" class="inline">${hidden}<input type="hidden" name="issuerOrgNumber" value="${html(org)}">
<button type="submit" class="secondary">Opphev sperre</button></form></li>`).join('');
  const senders = [...new Map(v.invoices.map((i) => [i.issuerOrgNumber, i.issuerName])).entries()].filter(([org]) => !blocked.includes(org));
  return `<section><div class="row"><div><h2>eFaktura-samtykke</h2>
<p>${consent === 'all' ? '<strong>Ja takk til alle</strong>: du mottar eFaktura fra alle avsendere som tilbyr det.' : '<strong>Ikke samtykket</strong>: du mottar ikke eFaktura.'}</p>
<form method="post" action="/netbank/consent" class="inline">${hidden}
<input type="hidden" name="consent" value="${consent === 'all' ? 'none' : 'all'}">
<button type="submit"${consent === 'all' ? ' class="secondary"' : ''}>${consent === 'all' ? 'Trekk tilbake samtykket' : 'Ja takk til alle'}</button></form></div>
<div><h2>Sperrede avsendere</h2>
${blocked.length === 0 ? '<p class="muted">Ingen sperrede avsendere.</p>' : `<ul class="plain">${blockedList}</ul>`}
<form method="post" action="/netbank/block" class="inline">${hidden}
<label for="org">Sperr avsender</label>
<input id="org" name="issuerOrgNumber" list="senders" inputmode="numeric" maxlength="9" size="11" placeholder="org.nr.">
<datalist id="senders">${senders.map(([org, name]) => `<option value="${html(org)}">${html(name)}</option>`).join('')}</datalist>
<button type="submit" class="secondary">Sperr</button></form></div></div></section>`;
}

export function renderNetbank(v: NetbankView): string {
  const pn = v.personalNumber;
  return `<!doctype html>
<html lang="nb"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Nettbank (simulator)</title><style>${CSS}</style></head>
<body><header><h1>Nettbanken</h1><span>eFaktura-simulator for efaktura — ikke en ekte bank</span></header>
<main>
${v.notice ? `<div class="notice" role="status">${html(v.notice)}</div>` : ''}
${v.error ? `<div class="error" role="alert">${html(v.error)}</div>` : ''}
${pickCustomer(v)}
${pn === null ? '' : `${invoicesSection(v, pn)}\n${settingsSection(v, pn)}`}
</main></body></html>`;
}
