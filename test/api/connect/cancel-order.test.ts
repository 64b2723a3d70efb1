/**
 * POST /api/v1/connect/orders/cancel/{uuid}: the documented 202, the status change written with exactly one
 * event and one callback, every refusal writing nothing, and the 417 / 404 / 401 answers.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_LABEL, call, createMerchant, startTestServer, type TestServer } from '../../helpers/harness.ts';
import {
  CONNECT, assertConflict, assertError, assertOneTransition, assertOrderNotFound, assertValidation, createOrder, setStatus, snapshot,
} from '../../helpers/order-helpers.ts';
import { invoiceAll } from '../../helpers/invoicing.ts';

const path = (uuid: string) => `${CONNECT}/orders/cancel/${uuid}`;
const NOTE = { cancellationNote: 'Customer withdrew the order' };

describe(`cancel order (${DB_LABEL})`, () => {
  let t: TestServer;
  let actor: string;
  before(async () => {
    t = await startTestServer({ runWorker: false });
    actor = `merchant:${t.merchant.merchantId}`;
  });
  after(async () => {
    await t.close();
  });

  test('a SENT order is cancelled with the documented 202 body', async () => {
    const uuid = await createOrder(t);
    const res = await call(t.url, 'POST', path(uuid), { token: t.merchant.token, body: NOTE });
    assert.equal(res.status, 202, res.text);
    assert.equal(res.text, '{"status_code":202,"status_message":"OK","message":"cancelledOrderSuccessfully","is_data":false,"data":null}');
  });

  test('the cancel writes the status, the note, exactly one event and exactly one pending callback', async () => {
    const uuid = await createOrder(t);
    const before = await snapshot(t.db, uuid);
    const res = await call(t.url, 'POST', path(uuid), { token: t.merchant.token, body: { cancellationNote: '  Duplicate order  ' } });
    assert.equal(res.status, 202, res.text);
    const after = await snapshot(t.db, uuid);
    assertOneTransition(before, after, 'SENT', 'CANCELLED', actor);
    assert.equal(after.events.at(-1)!.reason, 'Duplicate order');
    assert.equal(after.order.cancellation_note, 'Duplicate order');
    assert.equal(after.order.refunded_ore, 0);

    const status = await call(t.url, 'GET', `${CONNECT}/orders/status/${uuid}`, { token: t.merchant.token });
    assert.equal(status.body.data.status, 'CANCELLED');
    const details = await call(t.url, 'GET', `${CONNECT}/orders/details/${uuid}`, { token: t.merchant.token });
    assert.equal(details.body.data.cancellationNote, 'Duplicate order');
    assert.deepEqual(details.body.data.events.map((e: { to: string }) => e.to), ['SENT', 'CANCELLED']);
  });

  test('the details list the callback the cancel queued, with its (still empty) attempt log', async () => {
    const uuid = await createOrder(t);
    const before = await call(t.url, 'GET', `${CONNECT}/orders/details/${uuid}`, { token: t.merchant.token });
    assert.deepEqual(before.body.data.callbacks, []);
    await call(t.url, 'POST', path(uuid), { token: t.merchant.token, body: NOTE });
    const details = await call(t.url, 'GET', `${CONNECT}/orders/details/${uuid}`, { token: t.merchant.token });
    const [row] = (await snapshot(t.db, uuid)).callbacks;
    assert.equal(details.body.data.callbacks.length, 1);
    const callback = details.body.data.callbacks[0];
    assert.deepEqual(Object.keys(callback), [
      'eventId', 'status', 'state', 'attempts', 'nextAttemptAt', 'lastError', 'createdAt', 'deliveredAt', 'attemptLog',
    ]);
    assert.equal(callback.eventId, row!.event_id);
    assert.equal(callback.status, 'CANCELLED');
    assert.equal(callback.state, 'pending');
    assert.equal(callback.attempts, 0);
    assert.ok(!Number.isNaN(Date.parse(callback.nextAttemptAt)));
    assert.ok(!Number.isNaN(Date.parse(callback.createdAt)));
    assert.equal(callback.deliveredAt, null);
    assert.equal(callback.lastError, null);
    assert.deepEqual(callback.attemptLog, []);
  });

  // An issued invoice is voided only by a credit note (SPEC §6.3), issued in the cancel's transaction.
  for (const status of ['INVOICED', 'PURRING']) {
    test(`an ${status} order is cancelled with a credit note for its invoice`, async () => {
      const uuid = await createOrder(t);
      await invoiceAll(t.db, t.merchant.merchantId);
      const [row] = await t.db.query<{ invoice_number: string; invoice_id: number }>({ text: 'SELECT invoice_number, invoice_id FROM orders WHERE uuid = $1', values: [uuid] });
      if (status !== 'INVOICED') await setStatus(t.db, uuid, status, row!.invoice_number);
      const before = await snapshot(t.db, uuid);
      const res = await call(t.url, 'POST', path(uuid), { token: t.merchant.token, body: NOTE });
      assert.equal(res.status, 202, res.text);
      const after = await snapshot(t.db, uuid);
      assertOneTransition(before, after, status, 'CANCELLED', actor);
      const creditNotes = await t.db.query<{ number: number; total_ore: number }>({
        text: 'SELECT number, total_ore FROM invoices WHERE credits_invoice_id = $1', values: [row!.invoice_id],
      });
      assert.equal(creditNotes.length, 1);
      assert.equal(creditNotes[0]!.total_ore, 5100);
      assert.equal(after.events.at(-1)!.reason, `${NOTE.cancellationNote} (credit note ${creditNotes[0]!.number})`);
    });
  }

  const refusals: Array<[string, string, string]> = [
    ['PAID', 'orderStatusAlreadyPaid', 'it is already paid'],
    ['CANCELLED', 'orderStatusAlreadyCancelled', 'it is already cancelled'],
    ['REFUNDED', 'orderStatusAlreadyRefunded', 'it has already been refunded'],
    ['PARTIAL REFUNDED', 'orderStatusAlreadyRefunded', 'it has already been refunded'],
    ['INKASSO', 'orderStatusInInkasso', 'it is with debt collection, which settles it from now on'],
  ];
  for (const [status, code, reason] of refusals) {
    test(`a ${status} order is refused with 400 ${code} and nothing changes`, async () => {
      const uuid = await createOrder(t);
      await setStatus(t.db, uuid, status);
      const before = await snapshot(t.db, uuid);
      const res = await call(t.url, 'POST', path(uuid), { token: t.merchant.token, body: NOTE });
      assertConflict(res, code);
      assert.deepEqual(res.body.errors, [`Order ${uuid} cannot be cancelled: ${reason} (status ${status}).`]);
      assert.deepEqual(await snapshot(t.db, uuid), before);
    });
  }

  test('cancelling twice: the second is 400 orderStatusAlreadyCancelled and writes nothing', async () => {
    const uuid = await createOrder(t);
    assert.equal((await call(t.url, 'POST', path(uuid), { token: t.merchant.token, body: NOTE })).status, 202);
    const before = await snapshot(t.db, uuid);
    assertConflict(await call(t.url, 'POST', path(uuid), { token: t.merchant.token, body: { cancellationNote: 'again' } }), 'orderStatusAlreadyCancelled');
    assert.deepEqual(await snapshot(t.db, uuid), before);
  });

  test('concurrent cancels of one order: exactly one succeeds, with one event and one callback', async () => {
    const uuid = await createOrder(t);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => call(t.url, 'POST', path(uuid), { token: t.merchant.token, body: NOTE })),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [202, 400, 400, 400, 400]);
    for (const r of results.filter((x) => x.status === 400)) assert.equal(r.body.message, 'orderStatusAlreadyCancelled');
    const after = await snapshot(t.db, uuid);
    assert.equal(after.events.length, 2);
    assert.equal(after.callbacks.length, 1);
  });

  const invalid: Array<[string, unknown, string]> = [
    ['no body', undefined, 'The cancellation note field is required.'],
    ['an empty object', {}, 'The cancellation note field is required.'],
    ['an empty note', { cancellationNote: '' }, 'The cancellation note field is required.'],
    ['a blank note', { cancellationNote: '   ' }, 'The cancellation note field is required.'],
    ['a null note', { cancellationNote: null }, 'The cancellation note field is required.'],
    ['a number', { cancellationNote: 42 }, 'The cancellation note must be a string.'],
    ['an object', { cancellationNote: { text: 'x' } }, 'The cancellation note must be a string.'],
    ['1001 characters', { cancellationNote: 'x'.repeat(1001) }, 'The cancellation note must not be greater than 1000 characters.'],
    ['a JSON array body', [NOTE], 'The cancellation note field is required.'],
  ];
  for (const [name, body, message] of invalid) {
    test(`${name} is 417 "${message}" and nothing changes`, async () => {
      const uuid = await createOrder(t);
      const before = await snapshot(t.db, uuid);
      const res = await call(t.url, 'POST', path(uuid), { token: t.merchant.token, ...(body === undefined ? {} : { body }) });
      assertValidation(res, [message]);
      assert.deepEqual(res.body.fieldErrors, { cancellationNote: [message] });
      assert.deepEqual(await snapshot(t.db, uuid), before);
    });
  }

  test('a note of exactly 1000 characters is accepted', async () => {
    const uuid = await createOrder(t);
    const res = await call(t.url, 'POST', path(uuid), { token: t.merchant.token, body: { cancellationNote: 'æ'.repeat(1000) } });
    assert.equal(res.status, 202, res.text);
  });

  test('malformed JSON is 417, not a 5xx', async () => {
    const uuid = await createOrder(t);
    const res = await call(t.url, 'POST', path(uuid), { token: t.merchant.token, rawBody: '{"cancellationNote":', headers: { 'content-type': 'application/json' } });
    assertValidation(res, ['The request body is not valid JSON.']);
  });

  test("an unknown uuid and another merchant's order are 404 orderNotFound, and the other merchant's order is untouched", async () => {
    const uuid = await createOrder(t);
    const before = await snapshot(t.db, uuid);
    const other = await createMerchant(t.db, 'Nosy AS');
    assertOrderNotFound(await call(t.url, 'POST', path(uuid), { token: other.token, body: NOTE }));
    assert.deepEqual(await snapshot(t.db, uuid), before);
    for (const unknown of ['ODR0000000000', 'nonsense']) {
      assertOrderNotFound(await call(t.url, 'POST', path(unknown), { token: t.merchant.token, body: NOTE }));
    }
  });

  test('no token or a wrong token is 401 and nothing changes', async () => {
    const uuid = await createOrder(t);
    const before = await snapshot(t.db, uuid);
    assertError(await call(t.url, 'POST', path(uuid), { body: NOTE }), 401, 'unauthenticated');
    assertError(await call(t.url, 'POST', path(uuid), { token: 'efk_live_wrong', body: NOTE }), 401, 'unauthenticated');
    assert.deepEqual(await snapshot(t.db, uuid), before);
  });

  test('the OpenAPI document describes the cancel body from its rules', async () => {
    const doc = await call(t.url, 'GET', '/openapi.json');
    const op = doc.body.paths['/api/v1/connect/orders/cancel/{uuid}'].post;
    const schema = op.requestBody.content['application/json'].schema;
    assert.deepEqual(schema.required, ['cancellationNote']);
    assert.equal(schema.properties.cancellationNote.maxLength, 1000);
    for (const code of ['202', '400', '401', '404', '417']) assert.ok(op.responses[code], code);
  });
});
