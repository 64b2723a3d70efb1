/** The page frame every dashboard page shares: header, navigation, merchant switcher, language switch. */
import { html, type SafeHtml } from './html.ts';
import type { Dictionary, Language, TextKey } from './i18n.ts';
import type { Viewer } from './context.ts';

export type Section = 'overview' | 'orders' | 'invoices' | 'credit-notes' | 'payments' | 'runs';

const NAV: ReadonlyArray<{ section: Section; href: string; label: TextKey }> = [
  { section: 'overview', href: '/app', label: 'navOverview' },
  { section: 'orders', href: '/app/orders', label: 'navOrders' },
  { section: 'invoices', href: '/app/invoices', label: 'navInvoices' },
  { section: 'credit-notes', href: '/app/credit-notes', label: 'navCreditNotes' },
  { section: 'payments', href: '/app/payments', label: 'navPayments' },
  { section: 'runs', href: '/app/runs', label: 'navRuns' },
];

export interface Frame {
  lang: Language;
  t: Dictionary;
  title: string;
  path: string;
  viewer?: Viewer | null;
  section?: Section;
  /** The merchants an operator can switch between. */
  merchants?: ReadonlyArray<{ id: number; name: string }>;
  /** A confirmation or a problem to show above the page. */
  notice?: { kind: 'ok' | 'error'; text: string } | null;
}

export function page(frame: Frame, body: SafeHtml): string {
  const { t, lang, viewer } = frame;
  return `<!doctype html>\n${html`<html lang="${lang === 'no' ? 'nb' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${frame.title} · efaktura</title>
<link rel="stylesheet" href="/app/static/app.css">
<link rel="icon" href="data:,">
<script src="/app/static/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">${t.skipToContent}</a>
<header class="top">
  <a class="brand" href="/app">efaktura</a>
  ${viewer ? navigation(frame, viewer) : null}
  <div class="tools">
    ${viewer ? whoAmI(frame, viewer) : null}
    ${languageSwitch(frame)}
  </div>
</header>
<main id="main" tabindex="-1">
${frame.notice ? html`<p class="notice ${frame.notice.kind}" role="${frame.notice.kind === 'error' ? 'alert' : 'status'}">${frame.notice.text}</p>` : null}
${body}
</main>
</body>
</html>`}`;
}

function navigation(frame: Frame, _viewer: Viewer): SafeHtml {
  return html`<nav aria-label="${frame.t.mainNavigation}"><ul>${NAV.map(
    (n) => html`<li><a href="${n.href}"${n.section === frame.section ? html` aria-current="page"` : null}>${frame.t[n.label]}</a></li>`,
  )}</ul></nav>`;
}

function whoAmI(frame: Frame, viewer: Viewer): SafeHtml {
  const { t } = frame;
  const switcher = viewer.session.operator
    ? html`<form method="post" action="/app/merchant" class="switcher">
        <input type="hidden" name="_csrf" value="${viewer.session.csrfToken}">
        <input type="hidden" name="back" value="${frame.path}">
        <label for="merchant-switch">${t.merchantLabel}</label>
        <select id="merchant-switch" name="merchant">
          <option value="">${t.allMerchants}</option>
          ${(frame.merchants ?? []).map((m) => html`<option value="${m.id}"${m.id === viewer.merchantId ? html` selected` : null}>${m.id} · ${m.name}</option>`)}
        </select>
        <button type="submit">${t.switchMerchant}</button>
      </form>`
    : html`<span class="who">${t.signedInAsMerchant}: <strong>${viewer.merchantName}</strong></span>`;
  return html`${viewer.session.operator ? html`<span class="who badge">${t.signedInAsOperator}</span>` : null}
    ${switcher}
    <form method="post" action="/app/sign-out" class="inline">
      <input type="hidden" name="_csrf" value="${viewer.session.csrfToken}">
      <button type="submit">${t.signOut}</button>
    </form>`;
}

function languageSwitch(frame: Frame): SafeHtml {
  const other: Language = frame.lang === 'no' ? 'en' : 'no';
  const label = other === 'no' ? 'Norsk' : 'English';
  return html`<a class="lang" href="/app/lang/${other}?back=${encodeURIComponent(frame.path)}" lang="${other === 'no' ? 'nb' : 'en'}" hreflang="${other === 'no' ? 'nb' : 'en'}">${label}</a>`;
}

/** A table, or the "none" sentence when there are no rows. */
export function table(caption: string | null, head: readonly string[], rows: readonly SafeHtml[], empty: string, numeric: readonly number[] = []): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<div class="table-wrap"><table>
    ${caption !== null ? html`<caption>${caption}</caption>` : null}
    <thead><tr>${head.map((h, i) => html`<th scope="col"${numeric.includes(i) ? html` class="num"` : null}>${h}</th>`)}</tr></thead>
    <tbody>${rows}</tbody>
  </table></div>`;
}

/** A status as a coloured label (order status, delivery status, callback state). */
export function badge(value: string): SafeHtml {
  return html`<span class="status s-${value.toLowerCase().replace(/[^a-z]+/g, '-')}">${value}</span>`;
}

/** A form that posts one action with the session's CSRF token. */
export function actionForm(viewer: Viewer, action: string, label: string, hidden: Record<string, string> = {}, className = ''): SafeHtml {
  return html`<form method="post" action="${action}" class="inline ${className}">
    <input type="hidden" name="_csrf" value="${viewer.session.csrfToken}">
    ${Object.entries(hidden).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
    <button type="submit">${label}</button>
  </form>`;
}
