/**
 * The simulator's control API: consumers' consent and blocks (and what the network's lookup then says),
 * the invoice list, paying, arming faults, and its input checks with clear 4xx JSON errors.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL } from '../helpers/harness.ts';
import { deliverInvoice, ISSUER, OTHER_ISSUER, register, startTestSimulator, syntheticPersonalNumber, type TestSimulator } from '../helpers/efaktura-simulator.ts';

describe(`simulator control API (${DB_LABEL})`, () => {
  let sim: TestSimulator;
  const pn = syntheticPersonalNumber(5);
  const other = syntheticPersonalNumber(25);

  before(async () => {
    sim = await startTestSimulator();
    await register(sim, pn, 'all');
    await register(sim, other, 'all');
  });
  after(async () => {
    await sim.close();
  });

  const lookupStatus = async (issuer = ISSUER.orgNumber) =>
    (await sim.call('POST', '/network/v1/recipients/lookup', { socialSecurityNumber: pn, issuerOrgNumber: issuer })).body.status;
  const assertRefused = (res: { status: number; body: any; text: string }, status: number, error: string, message: RegExp) => {
    assert.equal(res.status, status, res.text);
    assert.equal(res.body.error, error);
    assert.match(res.body.message, message);
  };

  describe('consumers', () => {
    test('PUT sets consent and blocks, and the lookup follows every change', async () => {
      const res = await sim.call('PUT', `/simulator/consumers/${pn}`, { consent: 'all', blockedIssuers: [OTHER_ISSUER.orgNumber, OTHER_ISSUER.orgNumber] });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { personalNumber: pn, consent: 'all', blockedIssuers: [OTHER_ISSUER.orgNumber] });
      assert.equal(await lookupStatus(), 'reachable');
      assert.equal(await lookupStatus(OTHER_ISSUER.orgNumber), 'blocked');
      await register(sim, pn, 'none');
      assert.equal(await lookupStatus(), 'no_consent');
      assert.equal(await lookupStatus(OTHER_ISSUER.orgNumber), 'no_consent');
      await register(sim, pn, 'all');
      assert.equal(await lookupStatus(OTHER_ISSUER.orgNumber), 'reachable', 'a PUT without blockedIssuers clears the blocks');
    });

    test('personal numbers need 11 digits and valid control digits', async () => {
      assertRefused(await sim.call('PUT', '/simulator/consumers/0181901000', { consent: 'all' }), 400, 'invalid_personal_number', /11 digits/);
      assertRefused(await sim.call('PUT', '/simulator/consumers/01819010002', { consent: 'all' }), 400, 'invalid_personal_number', /control digits/);
      assertRefused(await sim.call('GET', '/simulator/consumers/abcdefghijk/invoices'), 400, 'invalid_personal_number', /11 digits/);
      assertRefused(await sim.call('POST', '/simulator/consumers/12345678901/invoices/1/pay', {}), 400, 'invalid_personal_number', /control digits/);
    });

    test('consent and blockedIssuers are checked', async () => {
      assertRefused(await sim.call('PUT', `/simulator/consumers/${pn}`, { consent: 'yes' }), 400, 'invalid_request', /consent must be "all" or "none"/);
      assertRefused(await sim.call('PUT', `/simulator/consumers/${pn}`, {}), 400, 'invalid_request', /consent/);
      assertRefused(await sim.call('PUT', `/simulator/consumers/${pn}`, { consent: 'all', blockedIssuers: '923609016' }), 400, 'invalid_request', /blockedIssuers must be an array/);
      assertRefused(await sim.call('PUT', `/simulator/consumers/${pn}`, { consent: 'all', blockedIssuers: ['923609017'] }), 400, 'invalid_org_number', /blockedIssuers\[0\]/);
      assertRefused(await sim.call('PUT', `/simulator/consumers/${pn}`, [1]), 400, 'invalid_request', /JSON object/);
      const broken = await sim.call('PUT', `/simulator/consumers/${pn}`, undefined);
      assert.equal(broken.status, 400);
      const notJson = await fetch(`${sim.url}/simulator/consumers/${pn}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"consent":' });
      assert.equal(notJson.status, 400);
      assert.equal((await notJson.json()).error, 'invalid_request');
    });

    test('a consumer without invoices has an empty list', async () => {
      const res = await sim.call('GET', `/simulator/consumers/${syntheticPersonalNumber(77)}/invoices`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, []);
    });
  });

  describe('pay', () => {
    test('a full payment records a bank payment with KID, accounts and a unique bank reference', async () => {
      const { id } = await deliverInvoice(sim, pn, { amount: '1234.50', kid: '00000010000017' });
      const res = await sim.call('POST', `/simulator/consumers/${pn}/invoices/${id}/pay`, { date: '2026-12-03' });
      assert.equal(res.status, 201, res.text);
      const p = res.body.payment;
      assert.equal(p.amount, '1234.50');
      assert.equal(p.date, '2026-12-03');
      assert.equal(p.kid, '00000010000017');
      assert.equal(p.toAccount, ISSUER.account);
      assert.match(p.payerAccount, /^9710\d{7}$/);
      assert.match(p.bankReference, /^SIM20261203\d{9}$/);
      assert.equal(res.body.invoice.status, 'paid');
      assertRefused(await sim.call('POST', `/simulator/consumers/${pn}/invoices/${id}/pay`, {}), 409, 'invoice_paid', /already paid/);
    });

    test('partial payments add up; the default amount is what is still owed; the date defaults to today', async () => {
      const { id } = await deliverInvoice(sim, pn, { amount: '100.00' });
      const first = await sim.call('POST', `/simulator/consumers/${pn}/invoices/${id}/pay`, { amount: '30.25' });
      assert.equal(first.body.invoice.status, 'unpaid');
      assert.equal(first.body.invoice.paidAmount, '30.25');
      assert.match(first.body.payment.date, /^\d{4}-\d{2}-\d{2}$/);
      const rest = await sim.call('POST', `/simulator/consumers/${pn}/invoices/${id}/pay`);
      assert.equal(rest.status, 201, rest.text);
      assert.equal(rest.body.payment.amount, '69.75');
      assert.equal(rest.body.invoice.status, 'paid');
      assert.notEqual(rest.body.payment.bankReference, first.body.payment.bankReference);
    });

    test('amounts and dates are checked', async () => {
      const { id } = await deliverInvoice(sim, pn);
      const pay = (body: unknown) => sim.call('POST', `/simulator/consumers/${pn}/invoices/${id}/pay`, body);
      for (const amount of ['0', '0.00', '-1', '1.234', '1,50', '', ' 1', 12.5, '1e3']) {
        assertRefused(await pay({ amount }), 400, 'invalid_amount', /amount/);
      }
      for (const date of ['2026-02-30', '01.12.2026', '2026-1-1', 20261201]) {
        assertRefused(await pay({ date }), 400, 'invalid_date', /date must be an existing date written YYYY-MM-DD/);
      }
      const list = await sim.call('GET', `/simulator/consumers/${pn}/invoices`);
      assert.equal(list.body.find((i: { id: number }) => i.id === id).paidAmount, '0.00', 'refused payments changed nothing');
    });

    test('unknown invoices, other consumers\' invoices and cancelled invoices are refused', async () => {
      const { id, invoiceNumber } = await deliverInvoice(sim, pn);
      assertRefused(await sim.call('POST', `/simulator/consumers/${other}/invoices/${id}/pay`, {}), 404, 'not_found', /no invoice/);
      assertRefused(await sim.call('POST', `/simulator/consumers/${pn}/invoices/999999/pay`, {}), 404, 'not_found', /no invoice/);
      assertRefused(await sim.call('POST', `/simulator/consumers/${pn}/invoices/abc/pay`, {}), 404, 'not_found', /no invoice/);
      await sim.call('POST', `/network/v1/issuers/${ISSUER.orgNumber}/invoices/${invoiceNumber}/cancel`);
      assertRefused(await sim.call('POST', `/simulator/consumers/${pn}/invoices/${id}/pay`, {}), 409, 'invoice_cancelled', /cancelled/);
    });
  });

  describe('faults and bank files', () => {
    test('fault settings are checked', async () => {
      for (const body of [{ failNext: -1, mode: 'http500' }, { failNext: 1.5, mode: 'http500' }, { failNext: '2', mode: 'http500' }, { mode: 'http500' }]) {
        assertRefused(await sim.call('POST', '/simulator/faults', body), 400, 'invalid_request', /failNext/);
      }
      assertRefused(await sim.call('POST', '/simulator/faults', { failNext: 1, mode: 'slow' }), 400, 'invalid_request', /mode must be one of http500, timeout, reject5003/);
    });

    test('bank files need a valid account number and date', async () => {
      assertRefused(await sim.call('GET', '/simulator/bank/15032080118/ocr?date=2026-12-01'), 400, 'invalid_account_number', /11 digits/);
      assertRefused(await sim.call('GET', '/simulator/bank/1503208011/camt054?date=2026-12-01'), 400, 'invalid_account_number', /11 digits/);
      assertRefused(await sim.call('GET', `/simulator/bank/${ISSUER.account}/ocr?date=2026-13-01`), 400, 'invalid_date', /date/);
      assertRefused(await sim.call('GET', `/simulator/bank/${ISSUER.account}/camt054?date=yesterday`), 400, 'invalid_date', /date/);
    });

    test('unknown routes are 404 JSON', async () => {
      const res = await sim.call('GET', '/simulator/nothing');
      assert.equal(res.status, 404);
      assert.equal(res.body.error, 'not_found');
    });
  });
});
