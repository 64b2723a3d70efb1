import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { readCamt054, parseCamtAmount } from '../../../src/domain/payments/camt054.ts';
import { PaymentFileError } from '../../../src/domain/payments/bank-transaction.ts';
import { bufferSource, parseXml, readPaymentFile } from '../../../src/app/payments/read-payment-file.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/payments/${name}`, import.meta.url), 'utf8');
const REFERENCE = fixture('reference-note.camt054.xml');
const BATCH = fixture('batch-v02.camt054.xml');

function read(xml: string) {
  const { tree, namespace } = parseXml(Buffer.from(xml));
  return readCamt054(tree, namespace);
}

function refusal(xml: string): PaymentFileError {
  try {
    read(xml);
  } catch (error) {
    assert.ok(error instanceof PaymentFileError, `expected a PaymentFileError, got ${String(error)}`);
    return error;
  }
  assert.fail('the file was accepted');
}

describe('camt.054: the reference note sample and versions', () => {
  test('the sample (camt.054.001.12) is one payment of 1 250.00 on KID 01234500010016 to 12345678903', () => {
    const file = read(REFERENCE);
    assert.deepEqual(file.header, { format: 'camt054', identity: 'TEST-20250115-0001', version: 12 });
    assert.deepEqual(file.transactions, [{
      position: 1, location: 'Ntfctn[1]/Ntry[1]/NtryDtls[1]/TxDtls[1]', kind: 'payment', amountOre: 125000, date: '2025-01-15',
      kid: '01234500010016', bankReference: 'TX-0001', payerAccount: '98765432109', toAccount: '12345678903',
      transactionType: 'PMNT/RCDT/DMCT', text: null,
    }]);
  });
  test('every version .001.02 to .001.12 is read; .001.01 and .001.13 are not', () => {
    for (let v = 2; v <= 12; v++) assert.equal(read(REFERENCE.replace('camt.054.001.12', `camt.054.001.${String(v).padStart(2, '0')}`)).header.version, v);
    assert.match(refusal(REFERENCE.replace('camt.054.001.12', 'camt.054.001.01')).message, /not supported/);
    assert.match(refusal(REFERENCE.replace('camt.054.001.12', 'camt.054.001.13')).message, /not supported/);
  });
  test('.001.02 batch: amounts from AmtDtls/TxAmt/Amt, IBAN to BBAN, numbered batch references, a DBIT reversal; money out and pending entries skipped', () => {
    const file = read(BATCH);
    assert.equal(file.header.identity, 'BATCH-02');
    assert.deepEqual(file.transactions.map((t) => [t.kind, t.amountOre, t.kid, t.bankReference, t.toAccount, t.date, t.text]), [
      ['payment', 10025, '1000005-', 'BATCH-REF/1', '86011117947', '2026-12-02', null],
      ['payment', 20025, null, 'BATCH-REF/2', '86011117947', '2026-12-02', 'Faktura 12'],
      ['reversal', 10025, '1000005-', 'RVSL-1', '86011117947', '2026-12-03', null],
    ]);
    assert.equal(file.skipped, 2);
  });
  test('an entry without details is one transaction with the entry amount and reference', () => {
    const xml = REFERENCE.replace(/<NtryDtls>[\s\S]*<\/NtryDtls>/, '');
    assert.deepEqual(read(xml).transactions.map((t) => [t.amountOre, t.bankReference, t.kid]), [[125000, 'REF-0001', null]]);
  });
  test('amounts are read from their digits', () => {
    assert.equal(parseCamtAmount('1250.00'), 125000);
    assert.equal(parseCamtAmount('0.1'), 10);
    assert.equal(parseCamtAmount('7'), 700);
    assert.equal(parseCamtAmount('1.005'), null);
    assert.equal(parseCamtAmount('1.00000'), 100);
    assert.equal(parseCamtAmount('-1.00'), null);
    assert.equal(parseCamtAmount('1e3'), null);
  });
});

describe('camt.054: bad files are refused with the element and the reason', () => {
  test('not XML, not well-formed, a DOCTYPE', () => {
    assert.throws(() => read('<Document><a></Document>'), (e: unknown) => e instanceof PaymentFileError && /not well-formed XML/.test(e.message));
    assert.throws(() => read('<!DOCTYPE x [<!ENTITY a "b">]><Document/>'), /DOCTYPE/);
  });
  test('another message type (camt.053) or not ISO 20022', () => {
    assert.match(refusal(REFERENCE.replace('camt.054.001.12', 'camt.053.001.08')).message, /not a camt\.054 notification/);
    assert.match(refusal('<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>').message, /root element is not Document/);
  });
  test('transactions that do not add up to their entry', () => {
    const xml = BATCH.replace('200.25', '200.26');
    assert.match(refusal(xml).message, /^Ntfctn\[1\]\/Ntry\[1\]\/Amt: the entry's amount is 30050 øre; its transactions sum to 30051 øre/);
  });
  test('a bad amount, another currency, a missing direction or date, no account', () => {
    assert.match(refusal(REFERENCE.replace('<Amt Ccy="NOK">1250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>\n    <RltdPties>', '<Amt Ccy="NOK">12,50</Amt><CdtDbtInd>CRDT</CdtDbtInd>\n    <RltdPties>')).message, /TxDtls\[1\]\/Amt: the amount "12,50"/);
    assert.match(refusal(REFERENCE.replace('<Amt Ccy="NOK">1250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>', '<Amt Ccy="SEK">1250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>')).message, /only NOK/);
    assert.match(refusal(REFERENCE.replace('<CdtDbtInd>CRDT</CdtDbtInd><Sts>', '<Sts>')).message, /Ntry\[1\]\/CdtDbtInd: must be CRDT or DBIT/);
    assert.match(refusal(REFERENCE.replace(/<BookgDt>.*<\/ValDt>/, '')).message, /needs a value date/);
    assert.match(refusal(REFERENCE.replace(/<Acct>.*<\/Acct>/, '')).message, /^Ntfctn\[1\]\/Acct: the notification names no account/);
    assert.match(refusal(REFERENCE.replace('<MsgId>TEST-20250115-0001</MsgId>', '')).message, /no MsgId/);
  });
});

describe('the format is detected from the content', () => {
  const all = async (bytes: Buffer) => {
    const out = [];
    for await (const e of readPaymentFile(bufferSource(bytes, 5))) out.push(e);
    return out;
  };
  test('OCR giro and camt.054 alike give a header and their transactions', async () => {
    const ocr = await all(readFileSync(new URL('../../fixtures/payments/reference-note.ocr', import.meta.url)));
    assert.equal(ocr.length, 3);
    const camt = await all(Buffer.from(`\uFEFF<?xml version="1.0"?>\n${REFERENCE}`));
    assert.equal(camt.length, 2);
  });
  test('a camt.054 file over the size limit is refused; an OCR file is not limited', async () => {
    const read = async (bytes: Buffer, max: number) => {
      for await (const _ of readPaymentFile(bufferSource(bytes, 64), { maxXmlBytes: max })) void _;
    };
    await assert.rejects(read(Buffer.from(REFERENCE), 1000), /a camt\.054 file larger than 1000 bytes is not imported/);
    await read(Buffer.from(REFERENCE), REFERENCE.length + 10);
    await read(readFileSync(new URL('../../fixtures/payments/reference-note.ocr', import.meta.url)), 100);
  });
  test('an empty file and a file of neither format are refused', async () => {
    await assert.rejects(all(Buffer.from('')), /the file is empty/);
    await assert.rejects(all(Buffer.from('  \n')), /the file is empty/);
    await assert.rejects(all(Buffer.from('%PDF-1.7 ...')), /neither an OCR giro file/);
  });
});

describe('camt.054: property test', () => {
  const txArb = fc.record({
    ore: fc.integer({ min: 1, max: 99_999_999_999 }),
    kid: fc.option(fc.tuple(fc.stringMatching(/^\d{3,24}$/), fc.constantFrom('', '-')).map(([d, c]) => d + c), { nil: null }),
    ref: fc.option(fc.stringMatching(/^[A-Z0-9-]{1,20}$/), { nil: null }),
    nested: fc.boolean(),
  });
  const entryArb = fc.record({
    txs: fc.array(txArb, { minLength: 1, maxLength: 4 }),
    reversal: fc.boolean(),
    day: fc.integer({ min: 1, max: 28 }),
  });
  const money = (ore: number) => `${Math.floor(ore / 100)}.${String(ore % 100).padStart(2, '0')}`;

  test('random notifications written as camt.054 XML read back to the same transactions', async () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.array(entryArb, { maxLength: 5 }), fc.stringMatching(/^\d{11}$/), (version, entries, account) => {
        const ntry = entries.map((e, i) => {
          const total = e.txs.reduce((s, t) => s + t.ore, 0);
          const details = e.txs.map((t) => {
            const amount = t.nested ? `<AmtDtls><TxAmt><Amt Ccy="NOK">${money(t.ore)}</Amt></TxAmt></AmtDtls>` : `<Amt Ccy="NOK">${money(t.ore)}</Amt>`;
            const refs = t.ref === null ? '' : `<Refs><AcctSvcrRef>${t.ref}-${i}</AcctSvcrRef></Refs>`;
            const rmt = t.kid === null ? '' : `<RmtInf><Strd><CdtrRefInf><Ref>${t.kid}</Ref></CdtrRefInf></Strd></RmtInf>`;
            return `<TxDtls>${refs}${amount}${rmt}</TxDtls>`;
          }).join('');
          const dir = e.reversal ? '<CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd>' : '<CdtDbtInd>CRDT</CdtDbtInd>';
          return `<Ntry><Amt Ccy="NOK">${money(total)}</Amt>${dir}<Sts><Cd>BOOK</Cd></Sts><ValDt><Dt>2026-12-${String(e.day).padStart(2, '0')}</Dt></ValDt><AcctSvcrRef>E${i}</AcctSvcrRef><NtryDtls>${details}</NtryDtls></Ntry>`;
        }).join('');
        const xml = `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.${String(version).padStart(2, '0')}"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>P</MsgId></GrpHdr><Ntfctn><Acct><Id><Othr><Id>${account}</Id></Othr></Id></Acct>${ntry}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>`;
        const got = read(xml).transactions;
        const want = entries.flatMap((e, i) => e.txs.map((t, j) => ({
          kind: e.reversal ? 'reversal' : 'payment', amountOre: t.ore, kid: t.kid, toAccount: account, date: `2026-12-${String(e.day).padStart(2, '0')}`,
          bankReference: t.ref !== null ? `${t.ref}-${i}` : e.txs.length === 1 ? `E${i}` : `E${i}/${j + 1}`,
        })));
        assert.deepEqual(got.map((t) => ({ kind: t.kind, amountOre: t.amountOre, kid: t.kid, toAccount: t.toAccount, date: t.date, bankReference: t.bankReference })), want);
      }),
      { numRuns: 100 },
    );
  });
});
