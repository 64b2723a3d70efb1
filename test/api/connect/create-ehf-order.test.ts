/**
 * The create paths real FPGO clients call (issue 11): the older Send E-Faktura path answers exactly as the
 * current one, and Send EHF Invoice (and its older path) creates orders for business customers — the
 * create-order rules with `customerDetails.organizationId` (9 digits, MOD11) in place of `personalNumber`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exampleOrder, type JsonObject } from '../../fixtures/example-order.ts';
import { CREATE_PATH, DB_LABEL, call, createMerchant, startTestServer, type ApiResponse, type TestServer } from '../../helpers/harness.ts';
import { CONNECT, assertError, assertValidation } from '../../helpers/order-helpers.ts';
import { DOCUMENTED_EXAMPLE, DOCUMENTED_EHF_EXAMPLE } from '../../../src/domain/orders/documented-example.ts';

const OLD_FAKTURA_PATH = `${CONNECT}/orders/invoice/create/faktura`;
const EHF_PATH = `${CONNECT}/orders/ehf/create`;
const OLD_EHF_PATH = `${CONNECT}/orders/invoice/create/ehf`;

const ORG_ID_REQUIRED = 'The customer details.organization id field is required.';
const PERSONAL_NUMBER_PROHIBITED = 'The customer details.personal number field is prohibited.';
const ORG_ID_DIGITS = 'The customer details.organization id must be 9 digits.';
const ORG_ID_CHECK_DIGIT =
  'The customer details.organization id must be a valid Norwegian organisation number (its last digit is a MOD11 check digit).';

/** The documented order for a business: organizationId in place of personalNumber. */
function businessOrder(organizationId: unknown = '987654325'): JsonObject {
  const body = exampleOrder({ productsAs: 'array' });
  delete body.customerDetails.personalNumber;
  body.customerDetails.name = 'Nordmann Consulting AS';
  body.customerDetails.organizationId = organizationId;
  return body;
}

/** The response text with the generated order id replaced, everything else as sent. */
const withoutOrderUuid = (res: ApiResponse): string => res.text.replace(/"ODR\d{10}"/g, '"ODR…"');

describe(`older Send E-Faktura path and Send EHF Invoice (${DB_LABEL})`, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}, token: string = t.merchant.token) =>
    call(t.url, 'POST', path, { token, body, headers });

  describe('the older path /orders/invoice/create/faktura', () => {
    test('answers the documented example byte for byte as /orders/faktura/create (the order id aside)', async () => {
      const m = await createMerchant(t.db, 'Alias AS');
      const current = await post(CREATE_PATH, DOCUMENTED_EXAMPLE, {}, m.token);
      const older = await post(OLD_FAKTURA_PATH, DOCUMENTED_EXAMPLE, {}, m.token);
      assert.equal(current.status, 201, current.text);
      assert.equal(older.status, current.status);
      assert.equal(older.headers.get('content-type'), current.headers.get('content-type'));
      // Same merchant and personal number: the same customerUuid, so only the new order's id differs.
      assert.equal(withoutOrderUuid(older), withoutOrderUuid(current));
      assert.notEqual(older.body.data.uuid, current.body.data.uuid);
    });

    test('with one Idempotency-Key the two paths are one endpoint: the second answer is the first, byte for byte', async () => {
      const headers = { 'idempotency-key': 'alias-key-1' };
      const first = await post(CREATE_PATH, DOCUMENTED_EXAMPLE, headers);
      const again = await post(OLD_FAKTURA_PATH, DOCUMENTED_EXAMPLE, headers);
      assert.equal(first.status, 201);
      assert.equal(again.status, 201);
      assert.equal(again.text, first.text);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
    });

    test('refuses a bad body with the same 417, byte for byte (same x-request-id)', async () => {
      const body = exampleOrder();
      body.customerDetails.personalNumber = '123';
      delete body.products['0'].rate;
      const headers = { 'x-request-id': 'same-request-id' };
      const current = await post(CREATE_PATH, body, headers);
      const older = await post(OLD_FAKTURA_PATH, body, headers);
      assert.equal(current.status, 417);
      assert.equal(older.status, 417);
      assert.equal(older.text, current.text);
    });

    test('a business order (no personal number) on either Send E-Faktura path is the usual 417 for the missing personal number', async () => {
      for (const path of [CREATE_PATH, OLD_FAKTURA_PATH]) {
        assertValidation(await post(path, businessOrder()), ['The customer details.personal number field is required.']);
      }
    });

    test('needs a token like every other path', async () => {
      const res = await call(t.url, 'POST', OLD_FAKTURA_PATH, { body: DOCUMENTED_EXAMPLE });
      assertError(res, 401, 'unauthenticated');
    });
  });

  describe('Send EHF Invoice', () => {
    test('the documented example (with a valid organisation number) is 201 orderAddedSuccessfully {uuid, customerUuid}', async () => {
      const res = await post(EHF_PATH, DOCUMENTED_EHF_EXAMPLE);
      assert.equal(res.status, 201, res.text);
      assert.deepEqual(Object.keys(res.body), ['status_code', 'status_message', 'message', 'is_data', 'data']);
      assert.equal(res.body.status_code, 201);
      assert.equal(res.body.status_message, 'OK');
      assert.equal(res.body.message, 'orderAddedSuccessfully');
      assert.equal(res.body.is_data, false);
      assert.match(res.body.data.uuid, /^ODR\d{10}$/);
      assert.match(res.body.data.customerUuid, /^CSRT\d{10}$/);
    });

    test('the older path /orders/invoice/create/ehf is the same endpoint', async () => {
      const m = await createMerchant(t.db, 'Old EHF AS');
      const current = await post(EHF_PATH, businessOrder(), {}, m.token);
      const older = await post(OLD_EHF_PATH, businessOrder(), {}, m.token);
      assert.equal(current.status, 201, current.text);
      assert.equal(withoutOrderUuid(older), withoutOrderUuid(current));
      const headers = { 'x-request-id': 'ehf-same-id' };
      const bad = businessOrder('12345678');
      assert.equal((await post(OLD_EHF_PATH, bad, headers, m.token)).text, (await post(EHF_PATH, bad, headers, m.token)).text);
    });

    test('one customer per merchant and organisation number, apart from private customers and other merchants', async () => {
      const m = await createMerchant(t.db, 'Customers AS');
      const other = await createMerchant(t.db, 'Other AS');
      const a1 = await post(EHF_PATH, businessOrder('923609016'), {}, m.token);
      const a2 = await post(OLD_EHF_PATH, businessOrder(923609016), {}, m.token); // a JSON integer is the same number
      const b = await post(EHF_PATH, businessOrder('987654325'), {}, m.token);
      const person = await post(CREATE_PATH, exampleOrder(), {}, m.token);
      const elsewhere = await post(EHF_PATH, businessOrder('923609016'), {}, other.token);
      for (const res of [a1, a2, b, person, elsewhere]) assert.equal(res.status, 201, res.text);
      assert.equal(a2.body.data.customerUuid, a1.body.data.customerUuid);
      const distinct = new Set([a1, b, person, elsewhere].map((r) => r.body.data.customerUuid));
      assert.equal(distinct.size, 4);
      const rows = await t.db.query<{ personal_number: string | null; organization_number: string | null }>({
        text: 'SELECT personal_number, organization_number FROM customers WHERE merchant_id = $1 ORDER BY id',
        values: [m.merchantId],
      });
      assert.deepEqual(rows, [
        { personal_number: null, organization_number: '923609016' },
        { personal_number: null, organization_number: '987654325' },
        { personal_number: '12345678901', organization_number: null },
      ]);
    });

    test('the order details show a corporate customer with its organizationId; status reads work alike', async () => {
      const created = await post(EHF_PATH, businessOrder());
      const uuid = created.body.data.uuid;
      const details = await call(t.url, 'GET', `${CONNECT}/orders/details/${uuid}`, { token: t.merchant.token });
      assert.equal(details.status, 200, details.text);
      const d = details.body.data;
      assert.equal(d.type, 'corporate');
      assert.equal(d.status, 'SENT');
      assert.equal(d.customerDetails.type, 'corporate');
      assert.equal(d.customerDetails.organizationId, '987654325');
      assert.equal(d.customerDetails.uuid, created.body.data.customerUuid);
      assert.equal(d.customerDetails.name, 'Nordmann Consulting AS');
      assert.ok(!('personalNumber' in d.customerDetails));
      const status = await call(t.url, 'GET', `${CONNECT}/orders/status/${uuid}`, { token: t.merchant.token });
      assert.deepEqual(status.body.data, { uuid, status: 'SENT', orderAmount: 51, refundedAmount: 0 });
      const list = await call(t.url, 'GET', `${CONNECT}/orders/status?type=sent`, { token: t.merchant.token });
      assert.ok(list.body.data.some((o: { uuid: string }) => o.uuid === uuid));
      // A private customer's details are as before.
      const person = await post(CREATE_PATH, exampleOrder());
      const pd = (await call(t.url, 'GET', `${CONNECT}/orders/details/${person.body.data.uuid}`, { token: t.merchant.token })).body.data;
      assert.equal(pd.type, 'private');
      assert.equal(pd.customerDetails.organizationId, null);
      assert.equal(pd.customerDetails.personalNumber, '12345678901');
    });

    describe('customerDetails.organizationId and personalNumber, each rule with its message', () => {
      const cases: Array<[string, (body: JsonObject) => unknown, string[]]> = [
        ['neither an organizationId nor a personalNumber', (b) => delete b.customerDetails.organizationId, [ORG_ID_REQUIRED]],
        ['only a personalNumber', (b) => {
          delete b.customerDetails.organizationId;
          b.customerDetails.personalNumber = '12345678901';
        }, [ORG_ID_REQUIRED, PERSONAL_NUMBER_PROHIBITED]],
        ['an empty organizationId', (b) => void (b.customerDetails.organizationId = '  '), [ORG_ID_REQUIRED]],
        ['a null organizationId', (b) => void (b.customerDetails.organizationId = null), [ORG_ID_REQUIRED]],
        ['a wrong check digit', (b) => void (b.customerDetails.organizationId = '987654321'), [ORG_ID_CHECK_DIGIT]],
        ['the docs\' placeholder 123456789 (wrong check digit)', (b) => void (b.customerDetails.organizationId = '123456789'), [ORG_ID_CHECK_DIGIT]],
        ['letters', (b) => void (b.customerDetails.organizationId = '98765432A'), [ORG_ID_DIGITS]],
        ['only letters', (b) => void (b.customerDetails.organizationId = 'ABCDEFGHI'), [ORG_ID_DIGITS]],
        ['8 digits', (b) => void (b.customerDetails.organizationId = '98765432'), [ORG_ID_DIGITS]],
        ['10 digits', (b) => void (b.customerDetails.organizationId = '9876543250'), [ORG_ID_DIGITS]],
        ['spaces inside', (b) => void (b.customerDetails.organizationId = '987 654 325'), [ORG_ID_DIGITS]],
        ['the NO…MVA form', (b) => void (b.customerDetails.organizationId = 'NO987654325MVA'), [ORG_ID_DIGITS]],
        ['a negative number', (b) => void (b.customerDetails.organizationId = -987654325), [ORG_ID_DIGITS]],
        ['a boolean', (b) => void (b.customerDetails.organizationId = true), [ORG_ID_DIGITS]],
      ];
      for (const [name, change, errors] of cases) {
        test(`${name} → 417 ${JSON.stringify(errors)}`, async () => {
          const body = businessOrder();
          change(body);
          const res = await post(EHF_PATH, body);
          assertValidation(res, errors);
          for (const error of errors) {
            const field = error.includes('personal number') ? 'customerDetails.personalNumber' : 'customerDetails.organizationId';
            assert.ok(res.body.fieldErrors[field]?.includes(error), JSON.stringify(res.body.fieldErrors));
          }
        });
      }

      test('both a personalNumber and an organizationId → 417 prohibited', async () => {
        const body = businessOrder();
        body.customerDetails.personalNumber = '12345678901';
        assertValidation(await post(EHF_PATH, body), [PERSONAL_NUMBER_PROHIBITED]);
      });

      test('a personalNumber of "" or null is as absent', async () => {
        for (const personalNumber of ['', null]) {
          const body = businessOrder();
          body.customerDetails.personalNumber = personalNumber;
          assert.equal((await post(EHF_PATH, body)).status, 201);
        }
      });

      test('every problem at once: letters in the number, a personal number, and the other fields', async () => {
        const body = businessOrder('98765432X');
        body.customerDetails.personalNumber = '12345678901';
        body.customerDetails.email = 'not-an-email';
        delete body.products[0].rate;
        const res = await post(EHF_PATH, body);
        assertValidation(res, [
          'The products.0.rate field is required.',
          'The customer details.email must be a valid email address.',
          ORG_ID_DIGITS,
          PERSONAL_NUMBER_PROHIBITED,
        ]);
        assert.equal((await post(OLD_EHF_PATH, body)).text.replace(/"requestId":"[^"]*"/, ''), res.text.replace(/"requestId":"[^"]*"/, ''));
      });

      test('a valid number as a JSON integer is accepted and stored as text', async () => {
        const res = await post(EHF_PATH, businessOrder(987654325));
        assert.equal(res.status, 201, res.text);
        const d = (await call(t.url, 'GET', `${CONNECT}/orders/details/${res.body.data.uuid}`, { token: t.merchant.token })).body.data;
        assert.equal(d.customerDetails.organizationId, '987654325');
      });
    });

    test('every other create-order rule answers as on Send E-Faktura, message for message', async () => {
      const breakages: Array<(b: JsonObject) => unknown> = [
        (b) => delete b.products,
        (b) => void (b.products[0].tax = '7'),
        (b) => void (b.products[0].amount = '50.00'),
        (b) => void (b.orderSummary.grandTotal = '1.00'),
        (b) => void (b.orderDate = 'yesterday'),
        (b) => void (b.customerDetails.countryCode = '47'),
        (b) => void (b.customerDetails.msisdn = '12'),
        (b) => delete b.customerDetails.name,
        (b) => void (b.customerDetails.preferredLanguage = 'fr'),
        (b) => void (b.customerDetails.address.country = 'XX'),
        (b) => delete b.customerDetails.address,
        (b) => void (b.invoiceInterval = 3),
        (b) => void (b.invoiceMaturity = 11),
        (b) => delete b.invoiceFeeApplicable,
        (b) => void (b.separateInvoices = 'maybe'),
        (b) => void (b.referenceNo = 'x'.repeat(256)),
        (b) => void (b.callback.callbackUrl = 'ftp://example.com/'),
        (b) => void (b.callback.callbackUrl = 'https://example.com/?checksum=1'),
      ];
      for (const [i, breakIt] of breakages.entries()) {
        const person = exampleOrder({ productsAs: 'array' });
        const business = businessOrder();
        breakIt(person);
        breakIt(business);
        const a = await post(CREATE_PATH, person);
        const b = await post(EHF_PATH, business);
        assert.equal(a.status, 417, `${i}: ${a.text}`);
        assert.equal(b.status, 417, `${i}: ${b.text}`);
        assert.deepEqual(b.body.errors, a.body.errors, `breakage ${i}`);
      }
    });

    test('Idempotency-Key: a retry replays; the same key and body on Send E-Faktura is a reuse, never the other kind of order', async () => {
      const m = await createMerchant(t.db, 'Idempotent AS');
      const headers = { 'idempotency-key': 'ehf-key-1' };
      const first = await post(EHF_PATH, businessOrder(), headers, m.token);
      const retry = await post(OLD_EHF_PATH, businessOrder(), headers, m.token);
      assert.equal(first.status, 201);
      assert.equal(retry.text, first.text);
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assertError(await post(EHF_PATH, businessOrder('923609016'), headers, m.token), 422, 'idempotencyKeyReused');

      // A body valid on both endpoints (Send E-Faktura ignores an unknown organizationId).
      const both = exampleOrder({ productsAs: 'array' });
      both.customerDetails.organizationId = '987654325';
      delete both.customerDetails.personalNumber;
      const ehfFirst = await post(EHF_PATH, both, { 'idempotency-key': 'ehf-key-2' }, m.token);
      assert.equal(ehfFirst.status, 201);
      both.customerDetails.personalNumber = '12345678901';
      delete both.customerDetails.organizationId;
      const fakturaFirst = await post(CREATE_PATH, both, { 'idempotency-key': 'ehf-key-3' }, m.token);
      assert.equal(fakturaFirst.status, 201);
      both.customerDetails.organizationId = '987654325';
      // The key of a private order sent to Send EHF Invoice with the same body: 422, not the private order.
      const crossed = await post(CREATE_PATH, both, { 'idempotency-key': 'ehf-key-4' }, m.token);
      assert.equal(crossed.status, 201);
      assertError(await post(EHF_PATH, both, { 'idempotency-key': 'ehf-key-4' }, m.token), 422, 'idempotencyKeyReused');
      const [{ n }] = (await t.db.query<{ n: number }>({ text: 'SELECT count(*)::int AS n FROM orders WHERE merchant_id = $1', values: [m.merchantId] })) as [{ n: number }];
      assert.equal(n, 4);
    });

    test('the OpenAPI document lists both endpoints and both older paths, the older ones deprecated', async () => {
      const doc = (await call(t.url, 'GET', '/openapi.json')).body;
      const op = (path: string) => doc.paths[`/api/v1/connect${path}`]?.post;
      for (const [path, deprecated] of [
        ['/orders/faktura/create', false], ['/orders/invoice/create/faktura', true],
        ['/orders/ehf/create', false], ['/orders/invoice/create/ehf', true],
      ] as const) {
        assert.ok(op(path), path);
        assert.equal(op(path).deprecated === true, deprecated, path);
        for (const code of ['201', '401', '417']) assert.ok(op(path).responses[code], `${path} ${code}`);
      }
      const ehfBody = op('/orders/ehf/create').requestBody.content['application/json'].schema;
      const customer = ehfBody.properties.customerDetails;
      assert.ok(customer.required.includes('organizationId'));
      assert.ok(!customer.required.includes('personalNumber'));
      const fakturaBody = op('/orders/invoice/create/faktura').requestBody.content['application/json'].schema;
      assert.ok(fakturaBody.properties.customerDetails.required.includes('personalNumber'));
    });
  });
});
