/**
 * The simulator's bank files (SPEC §7; reference note §3): after payments in the netbank, the day's OCR
 * giro file for the payee's account holds one transaction per payment, record by record in the Nets
 * layout (80 characters, ISO-8859-1, CRLF, counts and sums in the end records), and the camt.054 holds
 * one entry per payment with the KID and the bank reference.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { DB_LABEL } from '../helpers/harness.ts';
import { deliverInvoice, ISSUER, OTHER_ISSUER, register, startTestSimulator, syntheticPersonalNumber, type TestSimulator } from '../helpers/efaktura-simulator.ts';

describe(`simulator bank files (${DB_LABEL})`, () => {
  let sim: TestSimulator;
  const pn = syntheticPersonalNumber(9);
  const DAY = '2026-12-07';
  const payments: { amount: string; kid: string; bankReference: string; payerAccount: string }[] = [];

  before(async () => {
    sim = await startTestSimulator();
    await register(sim, pn, 'all');
    // A full payment, a partial one, a payment on another day and one to another issuer's account.
    const full = await deliverInvoice(sim, pn, { amount: '1234.50', kid: '00000010000017' });
    const partial = await deliverInvoice(sim, pn, { amount: '2000.00', kid: '00000020000015' });
    const otherDay = await deliverInvoice(sim, pn, { amount: '10.00', kid: '00000030000013' });
    const otherAccount = await deliverInvoice(sim, pn, { amount: '20.00', kid: '1234567890123456789012345', accountNumber: OTHER_ISSUER.account }, OTHER_ISSUER);
    for (const [id, body] of [
      [full.id, { date: DAY }], [partial.id, { amount: '500.05', date: DAY }], [otherDay.id, { date: '2026-12-08' }], [otherAccount.id, { date: DAY }],
    ] as const) {
      const res = await sim.call('POST', `/simulator/consumers/${pn}/invoices/${id}/pay`, body);
      assert.equal(res.status, 201, res.text);
      if (id !== otherDay.id && id !== otherAccount.id) payments.push(res.body.payment);
    }
  });
  after(async () => {
    await sim.close();
  });

  const ddmmyy = (date: string) => `${date.slice(8, 10)}${date.slice(5, 7)}${date.slice(2, 4)}`;

  async function ocr(account: string, date: string): Promise<{ res: Response; lines: string[]; raw: string }> {
    const res = await fetch(`${sim.url}/simulator/bank/${account}/ocr?date=${date}`);
    const raw = Buffer.from(await res.arrayBuffer()).toString('latin1');
    return { res, raw, lines: raw.split('\r\n').slice(0, -1) };
  }

  test('the OCR giro file has the Nets records in order, each 80 characters, CRLF, ISO-8859-1', async () => {
    const { res, raw, lines } = await ocr(ISSUER.account, DAY);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /text\/plain; charset=ISO-8859-1/i);
    assert.ok(raw.endsWith('\r\n'));
    assert.ok(!raw.replaceAll('\r\n', '').includes('\n'), 'no bare LF');
    assert.deepEqual(lines.map((l) => l.length), Array(lines.length).fill(80));
    assert.deepEqual(lines.map((l) => l.slice(0, 8)), ['NY000010', 'NY090020', 'NY091030', 'NY091031', 'NY091030', 'NY091031', 'NY090088', 'NY000089']);
    assert.equal(lines[0]!.slice(8, 16), '00008080', 'data transmitter: Nets');
    assert.equal(lines[1]!.slice(24, 35), ISSUER.account, 'assignment account');
  });

  test('each payment is a type 10 transaction with its amount in øre, KID, dates, archive reference and payer account', async () => {
    const { lines } = await ocr(ISSUER.account, DAY);
    const expected = [{ ore: '123450', kid: '00000010000017' }, { ore: '50005', kid: '00000020000015' }];
    expected.forEach((e, i) => {
      const item1 = lines[2 + 2 * i]!;
      const item2 = lines[3 + 2 * i]!;
      const number = String(i + 1).padStart(7, '0');
      assert.equal(item1.slice(4, 6), '10', 'transaction type');
      assert.equal(item1.slice(8, 15), number, 'transaction number');
      assert.equal(item1.slice(15, 21), ddmmyy(DAY), 'Nets date');
      assert.equal(item1.slice(23, 25), DAY.slice(8, 10), 'day code');
      assert.equal(item1.slice(32, 49), e.ore.padStart(17, '0'), 'amount');
      assert.equal(item1.slice(49, 74), e.kid.padStart(25, ' '), 'KID right-aligned, blank-filled');
      assert.equal(item2.slice(8, 15), number, 'item 2 repeats the transaction number');
      assert.match(item2.slice(25, 34), /^\d{9}$/, 'archive reference');
      assert.equal(item2.slice(41, 47), ddmmyy(DAY), 'bank date');
      assert.equal(item2.slice(47, 58), payments[i]!.payerAccount, 'debit account');
    });
  });

  test('the end records count transactions and records and sum the amounts', async () => {
    const { lines } = await ocr(ISSUER.account, DAY);
    const endAssignment = lines[6]!;
    assert.equal(endAssignment.slice(8, 16), '00000002', 'transactions');
    assert.equal(endAssignment.slice(16, 24), '00000006', 'records in the assignment, start and end included');
    assert.equal(endAssignment.slice(24, 41), '00000000000173455', '1234.50 + 500.05');
    assert.equal(endAssignment.slice(47, 53), ddmmyy(DAY), 'earliest');
    assert.equal(endAssignment.slice(53, 59), ddmmyy(DAY), 'latest');
    const endTransmission = lines[7]!;
    assert.equal(endTransmission.slice(8, 16), '00000002');
    assert.equal(endTransmission.slice(16, 24), '00000008', 'all records');
    assert.equal(endTransmission.slice(24, 41), '00000000000173455');
  });

  test('the same day fetched again is the same file; a 25-digit KID fills its field; a day without payments has none', async () => {
    assert.equal((await ocr(ISSUER.account, DAY)).raw, (await ocr(ISSUER.account, DAY)).raw);
    const other = await ocr(OTHER_ISSUER.account, DAY);
    assert.equal(other.lines[2]!.slice(49, 74), '1234567890123456789012345');
    const empty = await ocr(ISSUER.account, '2026-12-06');
    assert.deepEqual(empty.lines.map((l) => l.slice(0, 8)), ['NY000010', 'NY090020', 'NY090088', 'NY000089']);
    assert.equal(empty.lines[3]!.slice(8, 41), `${'0'.repeat(8)}${'4'.padStart(8, '0')}${'0'.repeat(17)}`);
  });

  test('the camt.054 holds one booked credit entry per payment with KID and bank reference', async () => {
    const res = await fetch(`${sim.url}/simulator/bank/${ISSUER.account}/camt054?date=${DAY}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /application\/xml/);
    const doc = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === 'Ntry' }).parse(await res.text());
    assert.equal(doc.Document['@_xmlns'], 'urn:iso:std:iso:20022:tech:xsd:camt.054.001.08');
    const n = doc.Document.BkToCstmrDbtCdtNtfctn.Ntfctn;
    assert.equal(n.Acct.Id.Othr.Id, ISSUER.account);
    assert.equal(n.Ntry.length, 2);
    n.Ntry.forEach((entry: any, i: number) => {
      assert.equal(entry.Amt['#text'], payments[i]!.amount);
      assert.equal(entry.Amt['@_Ccy'], 'NOK');
      assert.equal(entry.CdtDbtInd, 'CRDT');
      assert.equal(entry.Sts.Cd, 'BOOK');
      assert.equal(entry.BookgDt.Dt, DAY);
      assert.equal(entry.AcctSvcrRef, payments[i]!.bankReference);
      assert.equal(entry.NtryDtls.TxDtls.RmtInf.Strd.CdtrRefInf.Ref, payments[i]!.kid);
      assert.equal(entry.NtryDtls.TxDtls.RltdPties.DbtrAcct.Id.Othr.Id, payments[i]!.payerAccount);
    });
    const empty = new XMLParser().parse(await (await fetch(`${sim.url}/simulator/bank/${ISSUER.account}/camt054?date=2026-12-06`)).text());
    assert.equal(empty.Document.BkToCstmrDbtCdtNtfctn.Ntfctn.Ntry, undefined);
  });
});
