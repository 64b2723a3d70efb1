/**
 * The netbank page at the simulator's `/`: it lists a customer's eFakturas (issuer, amount in Norwegian
 * form, due date, KID, the PDF link), escapes what issuers sent, and its forms work without JavaScript:
 * POST, 303 back to the page, and the page shows the outcome.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL } from '../helpers/harness.ts';
import { deliverInvoice, ISSUER, OTHER_ISSUER, register, startTestSimulator, syntheticPersonalNumber, type TestSimulator } from '../helpers/efaktura-simulator.ts';
import { kroner } from '../../src/simulator/netbank-page.ts';

describe(`simulator netbank page (${DB_LABEL})`, () => {
  let sim: TestSimulator;
  const pn = syntheticPersonalNumber(11);

  before(async () => {
    sim = await startTestSimulator();
    await register(sim, pn, 'all');
  });
  after(async () => {
    await sim.close();
  });

  const page = async (query = `?pn=${pn}`) => {
    const res = await fetch(`${sim.url}/${query}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /text\/html; charset=utf-8/);
    return res.text();
  };

  /** Submits a form as a browser without JavaScript does: urlencoded POST, then follows the 303. */
  async function submit(action: string, fields: Record<string, string>): Promise<{ location: string; html: string }> {
    const res = await fetch(`${sim.url}${action}`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields), redirect: 'manual',
    });
    assert.equal(res.status, 303);
    const location = res.headers.get('location')!;
    return { location, html: await page(location.slice(1)) };
  }

  test('amounts are written the Norwegian way', () => {
    assert.equal(kroner(123450), 'kr 1 234,50');
    assert.equal(kroner(5), 'kr 0,05');
    assert.equal(kroner(100000000), 'kr 1 000 000,00');
  });

  test('without a customer the page offers to type or pick one', async () => {
    const html = await page('');
    assert.match(html, /<form method="get" action="\/"/);
    assert.match(html, /name="pn"/);
    assert.match(html, new RegExp(`<option value="${pn}"`));
    assert.match(html, /<html lang="nb">/);
  });

  test('lists the customer\'s eFakturas with issuer, amount, due date, KID and the PDF link', async () => {
    await deliverInvoice(sim, pn, { amount: '1234.50', dueDate: '2026-12-15', kid: '00000010000017', documentUrl: 'http://127.0.0.1:3000/d/abc?x=1&y=2' });
    const html = await page();
    assert.match(html, new RegExp(ISSUER.name));
    assert.match(html, /kr 1 234,50/);
    assert.match(html, /15\.12\.2026/);
    assert.match(html, /00000010000017/);
    assert.match(html, /href="http:\/\/127\.0\.0\.1:3000\/d\/abc\?x=1&amp;y=2"/);
    assert.match(html, /Ubetalt/);
  });

  test('everything an issuer sent is escaped', async () => {
    await deliverInvoice(sim, pn, { amount: '1.00' }, { ...OTHER_ISSUER, name: '<script>alert("x")</script> & Co' });
    const html = await page();
    assert.ok(!html.includes('<script>alert'), 'issuer name not escaped');
    assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; Co/);
  });

  test('the pay form pays in part, then in full, without JavaScript', async () => {
    const { id, invoiceNumber } = await deliverInvoice(sim, pn, { amount: '300.00' });
    const partial = await submit('/netbank/pay', { personalNumber: pn, invoiceId: String(id), amount: '100,50', date: '2026-12-09' });
    assert.equal(partial.location, `/?pn=${pn}&ok=paid`);
    assert.match(partial.html, /Betalingen er registrert/);
    assert.match(partial.html, /Betalt kr 100,50/);
    const full = await submit('/netbank/pay', { personalNumber: pn, invoiceId: String(id), amount: '199.50', date: '2026-12-09' });
    assert.match(full.html, /Betalingen er registrert/);
    const status = await sim.call('GET', `/network/v1/issuers/${ISSUER.orgNumber}/invoices/${invoiceNumber}`);
    assert.deepEqual(status.body, { invoiceNumber, status: 'paid', paidAmount: '300.00' });
    const ocr = await (await fetch(`${sim.url}/simulator/bank/${ISSUER.account}/ocr?date=2026-12-09`)).text();
    assert.equal(ocr.split('\r\n').filter((l) => l.startsWith('NY091030')).length, 2);
  });

  test('a bad amount comes back as a Norwegian message and pays nothing', async () => {
    const { id } = await deliverInvoice(sim, pn, { amount: '50.00' });
    const res = await submit('/netbank/pay', { personalNumber: pn, invoiceId: String(id), amount: '-5', date: '' });
    assert.equal(res.location, `/?pn=${pn}&feil=invalid_amount`);
    assert.match(res.html, /Ugyldig beløp/);
    const list = await sim.call('GET', `/simulator/consumers/${pn}/invoices`);
    assert.equal(list.body.find((i: { id: number }) => i.id === id).paidAmount, '0.00');
  });

  test('consent and blocks change with their forms, and the network sees it', async () => {
    const lookup = async (org: string) => (await sim.call('POST', '/network/v1/recipients/lookup', { socialSecurityNumber: pn, issuerOrgNumber: org })).body.status;
    const blocked = await submit('/netbank/block', { personalNumber: pn, issuerOrgNumber: ISSUER.orgNumber });
    assert.match(blocked.html, /Avsenderen er sperret/);
    assert.match(blocked.html, new RegExp(`${ISSUER.name} \\(${ISSUER.orgNumber}\\)`));
    assert.equal(await lookup(ISSUER.orgNumber), 'blocked');
    await submit('/netbank/unblock', { personalNumber: pn, issuerOrgNumber: ISSUER.orgNumber });
    assert.equal(await lookup(ISSUER.orgNumber), 'reachable');
    const withdrawn = await submit('/netbank/consent', { personalNumber: pn, consent: 'none' });
    assert.match(withdrawn.html, /Ikke samtykket/);
    assert.equal(await lookup(ISSUER.orgNumber), 'no_consent');
    await submit('/netbank/consent', { personalNumber: pn, consent: 'all' });
    assert.equal(await lookup(ISSUER.orgNumber), 'reachable');
    const bad = await submit('/netbank/block', { personalNumber: pn, issuerOrgNumber: '12' });
    assert.match(bad.html, /Ugyldig organisasjonsnummer/);
  });

  test('an invalid personal number is told, and unknown message codes show a generic text, not the code', async () => {
    assert.match(await page('?pn=12345678901'), /Ugyldig fødselsnummer/);
    const html = await page(`?pn=${pn}&feil=<b>x</b>`);
    assert.ok(!html.includes('<b>x</b>'));
    assert.match(html, /Ugyldig forespørsel/);
    const res = await fetch(`${sim.url}/netbank/pay`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'personalNumber=1', redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/?feil=invalid_personal_number');
  });
});
