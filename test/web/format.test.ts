/** The dashboard's formatting and escaping: money in øre as people write it, Oslo time, and no markup from data. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCalendarDate, formatInstant, formatMoney } from '../../src/web/format.ts';
import { html } from '../../src/web/html.ts';
import { pickLanguage } from '../../src/web/i18n.ts';
import { safeBack } from '../../src/web/request.ts';
import { prefixQuery } from '../../src/store/dashboard.ts';

const NBSP = '\u00a0';

describe('dashboard formatting', () => {
  test('øre become "kr 1 234,50" in Norwegian and "NOK 1,234.50" in English, with integers only', () => {
    assert.equal(formatMoney(123450, 'no'), `kr${NBSP}1${NBSP}234,50`);
    assert.equal(formatMoney(123450, 'en'), `NOK${NBSP}1,234.50`);
    assert.equal(formatMoney(5, 'no'), `kr${NBSP}0,05`);
    assert.equal(formatMoney(0, 'no'), `kr${NBSP}0,00`);
    assert.equal(formatMoney(-5100, 'no'), `−kr${NBSP}51,00`);
    assert.equal(formatMoney(100_000_000_000, 'no'), `kr${NBSP}1${NBSP}000${NBSP}000${NBSP}000,00`);
    assert.equal(formatMoney(Number.MAX_SAFE_INTEGER, 'en'), `NOK${NBSP}90,071,992,547,409.91`);
    assert.throws(() => formatMoney(0.5, 'no'), RangeError);
  });

  test('instants are shown in Europe/Oslo, summer and winter', () => {
    assert.match(formatInstant(new Date('2026-12-01T07:15:02Z'), 'no'), /01\.12\.2026.*08:15:02/);
    assert.match(formatInstant(new Date('2026-07-01T22:30:00Z'), 'no'), /02\.07\.2026.*00:30:00/);
    assert.match(formatInstant(new Date('2026-12-01T07:15:02Z'), 'en'), /1 Dec 2026.*08:15:02/);
    assert.equal(formatCalendarDate('2026-12-11', 'no'), '11.12.2026');
    assert.equal(formatCalendarDate('2026-12-11', 'en'), '11 Dec 2026');
    assert.equal(formatCalendarDate(null, 'en'), '—');
  });

  test('the html template escapes every interpolated value; only html results nest unescaped', () => {
    const name = `<script>alert("x")</script> & 'quotes'`;
    const out = html`<td title="${name}">${name}${html`<b>${'<i>'}</b>`}${[1, null, undefined, false, 'a']}</td>`.value;
    assert.equal(out, `<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;<b>&lt;i&gt;</b>1a</td>`);
  });

  test('the language: the cookie first, then Accept-Language by weight, else Norwegian', () => {
    assert.equal(pickLanguage('en', 'nb-NO'), 'en');
    assert.equal(pickLanguage(undefined, 'en-GB,en;q=0.9'), 'en');
    assert.equal(pickLanguage(undefined, 'de-DE,nn;q=0.8,en;q=0.5'), 'no');
    assert.equal(pickLanguage(undefined, 'fr;q=1,en;q=0'), 'no');
    assert.equal(pickLanguage(undefined, undefined), 'no');
    assert.equal(pickLanguage('xx', 'sv'), 'no');
  });

  test('a way back stays inside the dashboard', () => {
    assert.equal(safeBack('/app/orders?status=PAID'), '/app/orders?status=PAID');
    assert.equal(safeBack('/app'), '/app');
    for (const bad of ['//evil.example/app', 'https://evil.example/app', '/application', '/app\\..\\x', '/app/ x', null, 42]) {
      assert.equal(safeBack(bad), '/app', String(bad));
    }
  });
});

describe('dashboard search', () => {
  test('typed words become a prefix query of plain words, never tsquery syntax', () => {
    assert.equal(prefixQuery('Kari Nord'), "'kari':* & 'nord':*");
    assert.equal(prefixQuery("kari@example.no & !(x) 'y' :*"), "'kari@example.no':* & 'x':* & 'y':*");
    assert.equal(prefixQuery('Ærlig Østby'), "'ærlig':* & 'østby':*");
    assert.equal(prefixQuery(" ' & | ! "), null);
  });
});
