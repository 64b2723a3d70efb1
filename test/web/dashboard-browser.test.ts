/**
 * The dashboard in real Chromium (SPEC §9), against a real server with its worker and the eFaktura
 * simulator: a merchant signs in with the keyboard only, finds its order in the list, follows it to its
 * invoice and the PDF, redelivers a failed callback; an operator uploads the bank's OCR file and sees the
 * order PAID; another merchant's token cannot open the order by URL. Every main page passes axe-core with
 * no serious or critical violation, logs no console error, and is saved as a screenshot artefact.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CREATE_PATH, DB_LABEL, call, startTestServer, type TestServer } from '../helpers/harness.ts';
import { insertMerchant } from '../../src/store/merchants.ts';
import { createApiToken } from '../../src/store/tokens.ts';
import { orderBody, setSettings } from '../helpers/invoicing.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { syntheticPersonalNumber } from '../helpers/efaktura-simulator.ts';
import { deliveredDocument, invoiceNumberOf, waitFor } from '../delivery/helpers.ts';
import { assertAccessible, chromiumMissing, launchBrowser, screenshot, watchConsole } from './browser.ts';

const ADMIN = 'o'.repeat(40);
const ACCOUNT = '15032080119';

describe(`the dashboard in Chromium (${DB_LABEL})`, { skip: chromiumMissing() }, () => {
  let t: TestServer;
  let receiver: Receiver;
  let browser: Browser;
  let other: { merchantId: number; token: string };
  let uuid: string;
  let invoiceNumber: number;
  let pn: string;
  const consoleErrors: string[] = [];
  let failing = true;

  before(async () => {
    receiver = await startReceiver(() => (failing ? 500 : 200));
    t = await startTestServer({
      runWorker: true, simulatorEnabled: true, simulatorPort: 0, adminToken: ADMIN,
      deliveryRetrySchedule: [0.05, 0.1], callbackRetrySchedule: [0, 0.1, 0.2],
    });
    await setSettings(t.db, t.merchant.merchantId, { street: 'Storgata 1', zip: '0155', city: 'Oslo', invoiceEmail: 'regnskap@merchant.example' });
    // Another merchant with an account of its own (a bank file's account must name one merchant).
    const m = await insertMerchant(t.db, { name: 'Other Merchant AS', orgNumber: '987654309', accountNumber: '12050000018' });
    other = { merchantId: m.id, token: (await createApiToken(t.db, m.id)).token };
    pn = syntheticPersonalNumber(901);
    const consent = await call(t.server.simulator!.url, 'PUT', `/simulator/consumers/${pn}`, { body: { consent: 'all' } });
    assert.equal(consent.status, 200, consent.text);
    const created = await call(t.url, 'POST', CREATE_PATH, {
      token: t.merchant.token,
      body: orderBody({ personalNumber: pn, fee: false, lines: [['Hair Wash', '1', '1234.50', '0', '25']], callbackUrl: `${receiver.url}/cb` }),
    });
    assert.equal(created.status, 201, created.text);
    uuid = created.body.data.uuid;
    invoiceNumber = await invoiceNumberOf(t.db, uuid);
    await deliveredDocument(t.url, t.merchant.token, invoiceNumber);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await receiver?.close();
    if (t) fs.rmSync(t.config.outboxDir, { recursive: true, force: true });
  });

  async function openContext(locale: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    consoleErrors.push(...[]); // errors are collected live below
    const errors = watchConsole(page);
    page.on('close', () => consoleErrors.push(...errors));
    return { context, page };
  }

  /** Presses Tab until the focused element matches, as a keyboard user would; fails after `max` presses. */
  async function tabTo(page: Page, selector: string, max = 40): Promise<void> {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    }
    assert.fail(`Tab never reached ${selector}`);
  }

  test('a merchant signs in and walks the orders list with the keyboard, follows the order to its invoice and PDF, and redelivers a failed callback', async () => {
    const { context, page } = await openContext('nb-NO');
    await page.goto(`${t.url}/app`);
    assert.match(page.url(), /\/app\/sign-in\?next=/);
    await assertAccessible(page, 'sign-in');
    await screenshot(page, 'sign-in');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'token', 'the token field has the focus');
    await page.keyboard.type(t.merchant.token);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${t.url}/app`);
    assert.equal(await page.textContent('h1'), 'Oversikt');
    assert.match((await page.textContent('main'))!, /kr\u00a01\u00a0234,50/, 'amounts as Norwegians write them');
    await assertAccessible(page, 'overview');
    await screenshot(page, 'overview');

    await tabTo(page, 'nav a[href="/app/orders"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${t.url}/app/orders`);
    assert.ok((await page.textContent('main'))!.includes(uuid), 'the order is in the list');
    await tabTo(page, '#q');
    await page.keyboard.type(String(invoiceNumber));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/app\/orders\?q=/);
    await tabTo(page, `main a[href="/app/orders/${uuid}"]`);
    await assertAccessible(page, 'orders');
    await screenshot(page, 'orders');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${t.url}/app/orders/${uuid}`);
    assert.match((await page.textContent('h1'))!, new RegExp(uuid));

    // The callback failed three times (the receiver answers 500): it is failed for good, with every attempt shown.
    await waitFor('the callback to fail for good', async () =>
      (await t.db.query<{ state: string }>({ text: `SELECT e.state FROM callback_events e JOIN orders o ON o.id = e.order_id WHERE o.uuid = $1`, values: [uuid] }))[0]?.state === 'failed');
    await page.reload();
    const timeline = (await page.textContent('.timeline'))!;
    assert.match(timeline, /SENT/);
    assert.match(timeline, /INVOICED/);
    assert.match(timeline, /Faktura utstedt/);
    assert.match(timeline, /Leveringsforsøk/);
    assert.match(timeline, /HTTP 500/);
    await assertAccessible(page, 'order');
    await screenshot(page, 'order');

    failing = false;
    await page.getByRole('button', { name: 'Send på nytt', exact: true }).click();
    await page.locator('.notice.ok').waitFor();
    assert.match((await page.textContent('.notice'))!, /lagt i kø på nytt/);
    assert.ok(!page.url().includes('done='), 'the confirmation is not shown again on reload');
    await receiver.waitFor((r) => r.some((x) => x.answered === 200 && new URLSearchParams(x.url.split('?')[1]).get('orderUuid') === uuid));
    await waitFor('the callback to be delivered', async () =>
      (await t.db.query<{ state: string }>({ text: `SELECT e.state FROM callback_events e JOIN orders o ON o.id = e.order_id WHERE o.uuid = $1`, values: [uuid] }))[0]?.state === 'delivered');
    await page.reload();
    assert.match((await page.textContent('#callbacks + .table-wrap, section:has(#callbacks)'))!, /delivered/);

    await page.click(`.facts a[href="/app/invoices/${invoiceNumber}"]`);
    await page.waitForURL(`${t.url}/app/invoices/${invoiceNumber}`);
    const frame = page.locator('iframe.pdf');
    assert.equal((await frame.getAttribute('src'))?.split('#')[0], `/app/invoices/${invoiceNumber}/pdf`);
    const pdf = await page.request.get(`${t.url}/app/invoices/${invoiceNumber}/pdf`);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    assert.equal((await pdf.body()).subarray(0, 5).toString('latin1'), '%PDF-');
    const ehf = await page.request.get(`${t.url}/app/invoices/${invoiceNumber}/ehf`);
    assert.match((await ehf.text()).slice(0, 200), /<\?xml|<Invoice/);
    await assertAccessible(page, 'invoice');
    await screenshot(page, 'invoice');

    for (const [name, href] of [['invoices', '/app/invoices'], ['credit-notes', '/app/credit-notes'], ['payments', '/app/payments'], ['runs', '/app/runs']] as const) {
      await page.goto(`${t.url}${href}`);
      await assertAccessible(page, name);
      await screenshot(page, `merchant-${name}`);
    }
    await page.goto(`${t.url}/app/lang/en?back=/app/orders`);
    assert.equal(await page.textContent('h1'), 'Orders');
    await page.close();
    await context.close();
  });

  test('an operator uploads the bank\'s OCR file with the file picker and the order becomes PAID', async () => {
    const sim = t.server.simulator!.url;
    const list = await call(sim, 'GET', `/simulator/consumers/${pn}/invoices`);
    const shown = list.body.find((i: { invoiceNumber: string }) => i.invoiceNumber === String(invoiceNumber));
    assert.ok(shown, 'the invoice reached the netbank');
    const paid = await call(sim, 'POST', `/simulator/consumers/${pn}/invoices/${shown.id}/pay`, { body: {} });
    assert.equal(paid.status, 201, paid.text);
    const ocr = await fetch(`${sim}/simulator/bank/${ACCOUNT}/ocr?date=${paid.body.payment.date}`);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'efk-ocr-')), 'OCR.D011226.txt');
    fs.writeFileSync(file, Buffer.from(await ocr.arrayBuffer()));

    const { context, page } = await openContext('en-GB');
    await page.goto(`${t.url}/app/sign-in`);
    await page.fill('#token', ADMIN);
    await page.click('button[type=submit]');
    await page.waitForURL(`${t.url}/app`);
    assert.equal(await page.textContent('h1'), 'Overview');
    await page.goto(`${t.url}/app/payments`);
    await page.setInputFiles('#bank-file', file);
    await page.click('#import button[type=submit]');
    await page.locator('.notice.ok').waitFor({ timeout: 10_000 }).catch(async (e) => {
      assert.fail(`no import result: ${await page.textContent('#upload-status')} ${e}`);
    });
    assert.match((await page.textContent('.notice'))!, /Matched: 1/);
    await assertAccessible(page, 'payments (operator)');
    await screenshot(page, 'payments');

    await page.goto(`${t.url}/app/orders/${uuid}`);
    assert.match((await page.textContent('.facts'))!, /PAID/);
    assert.match((await page.textContent('.timeline'))!, /Payment.*matched/s);
    // The merchant switcher narrows every page to one merchant.
    await page.selectOption('#merchant-switch', String(other.merchantId));
    await page.click('.switcher button');
    await page.waitForURL(`${t.url}/app/orders`);
    assert.ok(!(await page.textContent('main'))!.includes(uuid), 'another merchant\'s list does not hold the order');
    await page.goto(`${t.url}/app/runs`);
    await screenshot(page, 'runs');
    await page.close();
    await context.close();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  test('another merchant\'s token cannot open the order, its invoice or its PDF by URL', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${t.url}/app/sign-in`);
    await page.fill('#token', other.token);
    await page.click('button[type=submit]');
    await page.waitForURL(`${t.url}/app`);
    for (const url of [`/app/orders/${uuid}`, `/app/invoices/${invoiceNumber}`, `/app/invoices/${invoiceNumber}/pdf`, `/app/invoices/${invoiceNumber}/ehf`]) {
      const response = await page.goto(`${t.url}${url}`);
      assert.equal(response?.status(), 404, url);
      assert.ok(!(await page.content()).includes('1\u00a0234'), `${url} shows nothing of the order`);
    }
    await page.goto(`${t.url}/app/orders?q=${uuid}`);
    assert.ok(!(await page.textContent('main'))!.includes(`/app/orders/${uuid}`));
    await context.close();
  });

  test('no page logged a console error', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
