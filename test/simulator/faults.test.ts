/**
 * Fault injection (POST /simulator/faults): `http500` fails the next N network calls before doing
 * anything; `timeout` does the work but withholds the answer until the client gives up, so the retry
 * meets 209 and the consignment status tells what happened; `reject5003` rejects the invoices of the next
 * N consignments. Faults never touch the control API.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL } from '../helpers/harness.ts';
import { consignment, networkInvoice, register, startTestSimulator, syntheticPersonalNumber, type TestSimulator } from '../helpers/efaktura-simulator.ts';

describe(`simulator fault injection (${DB_LABEL})`, () => {
  let sim: TestSimulator;
  const pn = syntheticPersonalNumber(3);

  before(async () => {
    sim = await startTestSimulator();
    await register(sim, pn, 'all');
  });
  after(async () => {
    await sim.call('POST', '/simulator/faults', { failNext: 0, mode: 'http500' });
    await sim.close();
  });

  const fault = async (failNext: number, mode: string) => {
    const res = await sim.call('POST', '/simulator/faults', { failNext, mode });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { failNext, mode });
  };
  const lookup = () => sim.call('POST', '/network/v1/recipients/lookup', { socialSecurityNumber: pn, issuerOrgNumber: '923609016' });
  const invoicesOf = async () => (await sim.call('GET', `/simulator/consumers/${pn}/invoices`)).body as { invoiceNumber: string }[];

  test('http500 fails exactly the next N network calls, does nothing, and spares the control API', async () => {
    await fault(2, 'http500');
    const body = consignment([networkInvoice(pn)]);
    const first = await sim.call('POST', '/network/v1/consignments', body);
    assert.equal(first.status, 500);
    assert.equal((await sim.call('GET', `/simulator/consumers/${pn}/invoices`)).status, 200);
    assert.equal((await lookup()).status, 500);
    assert.equal((await lookup()).status, 200);
    // The failed send did not arrive: sending it again is its first arrival.
    assert.ok(!(await invoicesOf()).some((i) => i.invoiceNumber === body.invoices[0]!.invoiceNumber));
    assert.equal((await sim.call('POST', '/network/v1/consignments', body)).status, 201);
  });

  test('timeout holds the answer past the client\'s timeout; the send arrived, so the retry gets 209', async () => {
    await fault(1, 'timeout');
    const body = consignment([networkInvoice(pn)]);
    const started = Date.now();
    await assert.rejects(
      fetch(`${sim.url}/network/v1/consignments`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(500),
      }),
      /timeout|abort/i,
    );
    assert.ok(Date.now() - started >= 450);
    const retry = await sim.call('POST', '/network/v1/consignments', body);
    assert.equal(retry.status, 409);
    assert.equal(retry.body.errorCode, 209);
    const status = await sim.call('GET', `/network/v1/consignments/${body.consignmentId}`);
    assert.equal(status.body.invoices[0].status, 'accepted');
    assert.equal((await invoicesOf()).filter((i) => i.invoiceNumber === body.invoices[0]!.invoiceNumber).length, 1);
  });

  test('reject5003 rejects every invoice of the next N consignments and is not used up by lookups', async () => {
    await fault(1, 'reject5003');
    assert.equal((await lookup()).body.status, 'reachable');
    const rejected = await sim.call('POST', '/network/v1/consignments', consignment([networkInvoice(pn), networkInvoice(pn)]));
    assert.equal(rejected.status, 201);
    assert.deepEqual(rejected.body.invoices.map((i: { errorCode: number }) => i.errorCode), [5003, 5003]);
    const next = await sim.call('POST', '/network/v1/consignments', consignment([networkInvoice(pn)]));
    assert.equal(next.body.invoices[0].status, 'accepted');
  });

  test('failNext 0 clears an armed fault', async () => {
    await fault(5, 'http500');
    await fault(0, 'http500');
    assert.equal((await lookup()).status, 200);
  });

  test('a held answer does not hold up closing the simulator', async () => {
    const own = await startTestSimulator();
    try {
      await own.call('POST', '/simulator/faults', { failNext: 1, mode: 'timeout' });
      const pending = fetch(`${own.url}/network/v1/recipients/lookup`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ socialSecurityNumber: pn, issuerOrgNumber: '923609016' }),
      }).then((r) => r.status, () => 'closed');
      await new Promise((r) => setTimeout(r, 200));
      const started = Date.now();
      await own.simulator.close();
      assert.ok(Date.now() - started < 5000, 'close waited for the 30 s hold');
      await pending;
    } finally {
      await own.close();
    }
  });
});
