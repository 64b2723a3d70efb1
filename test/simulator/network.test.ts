/**
 * The simulator's network API (docs/efaktura-network.md), over real HTTP: recipient lookup by consent and
 * blocks, consignments (accepted, rejected per invoice, idempotent by id with 209), consignment and
 * invoice status, and cancellation with 5004/5005/5006.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL } from '../helpers/harness.ts';
import {
  consignment, deliverInvoice, ISSUER, networkInvoice, OTHER_ISSUER, register, startTestSimulator, syntheticPersonalNumber,
  type TestSimulator,
} from '../helpers/efaktura-simulator.ts';

describe(`simulator network API (${DB_LABEL})`, () => {
  let sim: TestSimulator;
  const consenting = syntheticPersonalNumber(1);
  const refusing = syntheticPersonalNumber(20);
  const blocking = syntheticPersonalNumber(40);
  const unknown = syntheticPersonalNumber(60);

  before(async () => {
    sim = await startTestSimulator();
    await register(sim, consenting, 'all');
    await register(sim, refusing, 'none');
    await register(sim, blocking, 'all', [OTHER_ISSUER.orgNumber]);
  });
  after(async () => {
    await sim.close();
  });

  const lookup = (socialSecurityNumber: unknown, issuerOrgNumber: unknown = ISSUER.orgNumber) =>
    sim.call('POST', '/network/v1/recipients/lookup', { socialSecurityNumber, issuerOrgNumber });
  const send = (body: unknown) => sim.call('POST', '/network/v1/consignments', body);

  describe('recipient lookup', () => {
    test('a consumer with "Ja takk til alle" is reachable and has a stable eFaktura identifier', async () => {
      const first = await lookup(consenting);
      assert.equal(first.status, 200);
      assert.equal(first.body.status, 'reachable');
      assert.match(first.body.efakturaIdentifier, /^EFA[0-9A-F]{17}$/);
      assert.equal((await lookup(consenting, OTHER_ISSUER.orgNumber)).body.efakturaIdentifier, first.body.efakturaIdentifier);
    });

    test('consent "none" and consumers the network never heard of are no_consent, without an identifier', async () => {
      for (const pn of [refusing, unknown, '12345678901']) {
        const res = await lookup(pn);
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, { status: 'no_consent', efakturaIdentifier: null });
      }
    });

    test('a blocked issuer sees blocked; other issuers still reach the consumer', async () => {
      assert.deepEqual((await lookup(blocking, OTHER_ISSUER.orgNumber)).body, { status: 'blocked', efakturaIdentifier: null });
      assert.equal((await lookup(blocking, ISSUER.orgNumber)).body.status, 'reachable');
    });

    test('a malformed personal number is 400, an invalid issuer org number 403/5008', async () => {
      const bad = await lookup('0101701234');
      assert.equal(bad.status, 400);
      assert.equal(bad.body.errorCode, 400);
      assert.match(bad.body.message, /socialSecurityNumber/);
      const org = await lookup(consenting, '923609017');
      assert.equal(org.status, 403);
      assert.equal(org.body.errorCode, 5008);
    });
  });

  describe('consignments', () => {
    test('accepted invoices appear in the consumer\'s netbank with their fields', async () => {
      const invoice = networkInvoice(consenting, { amount: '99.90', kid: '12345678903', dueDate: '2026-12-24' });
      const body = consignment([invoice]);
      const res = await send(body);
      assert.equal(res.status, 201);
      assert.deepEqual(res.body, { consignmentId: body.consignmentId, status: 'processed', invoices: [{ invoiceNumber: invoice.invoiceNumber, status: 'accepted' }] });
      const list = await sim.call('GET', `/simulator/consumers/${consenting}/invoices`);
      const shown = list.body.find((i: { invoiceNumber: string }) => i.invoiceNumber === invoice.invoiceNumber);
      assert.deepEqual(
        { ...shown, id: typeof shown.id },
        {
          id: 'number', issuerOrgNumber: ISSUER.orgNumber, issuerName: ISSUER.name, invoiceNumber: invoice.invoiceNumber, documentType: 'invoice',
          kid: '12345678903', amount: '99.90', paidAmount: '0.00', dueDate: '2026-12-24', accountNumber: ISSUER.account, status: 'unpaid',
          documentUrl: invoice.documentUrl,
        },
      );
    });

    test('a consignment id seen before is 409/209 and changes nothing; its status is the first answer', async () => {
      const body = consignment([networkInvoice(consenting)]);
      const first = await send(body);
      assert.equal(first.status, 201);
      const again = await send({ ...body, invoices: [networkInvoice(consenting)] });
      assert.equal(again.status, 409);
      assert.equal(again.body.errorCode, 209);
      const status = await sim.call('GET', `/network/v1/consignments/${encodeURIComponent(body.consignmentId)}`);
      assert.equal(status.status, 200);
      assert.deepEqual(status.body, first.body);
      const list = await sim.call('GET', `/simulator/consumers/${consenting}/invoices`);
      assert.equal(list.body.filter((i: { invoiceNumber: string }) => i.invoiceNumber === body.invoices[0]!.invoiceNumber).length, 1);
    });

    test('concurrent sends of one consignment: one 201, the rest 209', async () => {
      const body = consignment([networkInvoice(consenting)]);
      const answers = await Promise.all(Array.from({ length: 5 }, () => send(body)));
      assert.deepEqual(answers.map((a) => a.status).sort(), [201, 409, 409, 409, 409]);
    });

    test('an invoice number the issuer already used for that document type is rejected with 209 inside the consignment', async () => {
      const { invoiceNumber } = await deliverInvoice(sim, consenting);
      const res = await send(consignment([
        networkInvoice(consenting, { invoiceNumber }),
        networkInvoice(consenting, { invoiceNumber, documentType: 'reminder' }),
      ]));
      assert.equal(res.status, 201);
      assert.equal(res.body.invoices[0].status, 'rejected');
      assert.equal(res.body.invoices[0].errorCode, 209);
      assert.equal(res.body.invoices[1].status, 'accepted');
      // Another issuer may use the same number.
      const other = await send(consignment([networkInvoice(consenting, { invoiceNumber, accountNumber: OTHER_ISSUER.account })], OTHER_ISSUER));
      assert.equal(other.body.invoices[0].status, 'accepted');
    });

    test('a missing or invalid personal number, no consent or a block rejects that invoice with 5003', async () => {
      const res = await send(consignment([
        networkInvoice(consenting),
        networkInvoice(undefined as unknown as string),
        networkInvoice('01819010002'),
        networkInvoice(refusing),
        networkInvoice(unknown),
      ]));
      assert.equal(res.status, 201);
      assert.deepEqual(res.body.invoices.map((i: { status: string; errorCode?: number }) => [i.status, i.errorCode]), [
        ['accepted', undefined], ['rejected', 5003], ['rejected', 5003], ['rejected', 5003], ['rejected', 5003],
      ]);
      const blocked = await send(consignment([networkInvoice(blocking, { accountNumber: OTHER_ISSUER.account })], OTHER_ISSUER));
      assert.equal(blocked.body.invoices[0].errorCode, 5003);
      assert.match(blocked.body.invoices[0].message, /consent|block/);
    });

    test('malformed consignments are 400 naming the field; an invalid issuer is 403/5008', async () => {
      const cases: [unknown, RegExp][] = [
        [{ ...consignment([networkInvoice(consenting)]), consignmentId: '' }, /consignmentId/],
        [{ ...consignment([networkInvoice(consenting)]), issuerName: undefined }, /issuerName/],
        [consignment([]), /invoices/],
        [consignment(Array.from({ length: 1001 }, () => networkInvoice(consenting))), /1–1000/],
        [consignment([networkInvoice(consenting, { amount: '12.345' })]), /invoices\[0\]\.amount/],
        [consignment([networkInvoice(consenting, { amount: '0' })]), /invoices\[0\]\.amount/],
        [consignment([networkInvoice(consenting), networkInvoice(consenting, { dueDate: '2026-02-30' })]), /invoices\[1\]\.dueDate/],
        [consignment([networkInvoice(consenting, { accountNumber: '15032080118' })]), /accountNumber/],
        [consignment([networkInvoice(consenting, { kid: 'ABC' })]), /kid/],
        [consignment([networkInvoice(consenting, { documentType: 'letter' })]), /documentType/],
        [consignment([networkInvoice(consenting, { documentUrl: 'javascript:alert(1)' })]), /documentUrl/],
      ];
      for (const [body, message] of cases) {
        const res = await send(body);
        assert.equal(res.status, 400, `${message}: ${res.text}`);
        assert.equal(res.body.errorCode, 400);
        assert.match(res.body.message, message);
      }
      const org = await send({ ...consignment([networkInvoice(consenting)]), issuerOrgNumber: '12345678' });
      assert.equal(org.status, 403);
      assert.equal(org.body.errorCode, 5008);
      const notJson = await sim.call('POST', '/network/v1/consignments');
      assert.equal(notJson.status, 400);
    });

    test('an unknown consignment is 404/201', async () => {
      const res = await sim.call('GET', '/network/v1/consignments/never-sent');
      assert.equal(res.status, 404);
      assert.equal(res.body.errorCode, 201);
    });
  });

  describe('invoice status and cancellation', () => {
    const statusPath = (n: string) => `/network/v1/issuers/${ISSUER.orgNumber}/invoices/${n}`;

    test('status follows payment: unpaid, then paid with the paid amount', async () => {
      const { id, invoiceNumber } = await deliverInvoice(sim, consenting, { amount: '100.00' });
      assert.deepEqual((await sim.call('GET', statusPath(invoiceNumber))).body, { invoiceNumber, status: 'unpaid', paidAmount: '0.00' });
      await sim.call('POST', `/simulator/consumers/${consenting}/invoices/${id}/pay`, { amount: '40.00', date: '2026-12-01' });
      assert.deepEqual((await sim.call('GET', statusPath(invoiceNumber))).body, { invoiceNumber, status: 'unpaid', paidAmount: '40.00' });
      await sim.call('POST', `/simulator/consumers/${consenting}/invoices/${id}/pay`, { date: '2026-12-02' });
      assert.deepEqual((await sim.call('GET', statusPath(invoiceNumber))).body, { invoiceNumber, status: 'paid', paidAmount: '100.00' });
    });

    test('an unknown invoice is 404/5004 for status and cancel', async () => {
      const status = await sim.call('GET', statusPath('no-such-invoice'));
      assert.equal(status.status, 404);
      assert.equal(status.body.errorCode, 5004);
      const cancel = await sim.call('POST', `${statusPath('no-such-invoice')}/cancel`);
      assert.equal(cancel.status, 404);
      assert.equal(cancel.body.errorCode, 5004);
    });

    test('cancelling an unpaid invoice cancels it; again is 409/5006', async () => {
      const { invoiceNumber } = await deliverInvoice(sim, consenting);
      const res = await sim.call('POST', `${statusPath(invoiceNumber)}/cancel`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { status: 'cancelled' });
      assert.equal((await sim.call('GET', statusPath(invoiceNumber))).body.status, 'cancelled');
      const again = await sim.call('POST', `${statusPath(invoiceNumber)}/cancel`, {});
      assert.equal(again.status, 409);
      assert.equal(again.body.errorCode, 5006);
    });

    test('cancelling a paid invoice is 409/5005 and it stays paid', async () => {
      const { id, invoiceNumber } = await deliverInvoice(sim, consenting);
      await sim.call('POST', `/simulator/consumers/${consenting}/invoices/${id}/pay`, {});
      const res = await sim.call('POST', `${statusPath(invoiceNumber)}/cancel`);
      assert.equal(res.status, 409);
      assert.equal(res.body.errorCode, 5005);
      assert.equal((await sim.call('GET', statusPath(invoiceNumber))).body.status, 'paid');
    });

    test('documentType selects the reminder with the same invoice number', async () => {
      const { invoiceNumber } = await deliverInvoice(sim, consenting);
      await deliverInvoice(sim, consenting, { invoiceNumber, documentType: 'reminder', amount: '1269.50' });
      const res = await sim.call('POST', `${statusPath(invoiceNumber)}/cancel?documentType=reminder`);
      assert.equal(res.status, 200);
      assert.equal((await sim.call('GET', `${statusPath(invoiceNumber)}?documentType=reminder`)).body.status, 'cancelled');
      assert.equal((await sim.call('GET', statusPath(invoiceNumber))).body.status, 'unpaid');
      const bad = await sim.call('GET', `${statusPath(invoiceNumber)}?documentType=letter`);
      assert.equal(bad.status, 400);
    });

    test('an invalid issuer org number in the path is 403/5008', async () => {
      const res = await sim.call('GET', '/network/v1/issuers/123/invoices/1');
      assert.equal(res.status, 403);
      assert.equal(res.body.errorCode, 5008);
    });
  });
});
