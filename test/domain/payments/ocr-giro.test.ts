import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseOcrGiro, latin1Lines, type OcrEvent } from '../../../src/domain/payments/ocr-giro.ts';
import { PaymentFileError, type BankTransaction } from '../../../src/domain/payments/bank-transaction.ts';
import { ocrFile, type OcrTestTransaction } from './ocr-lines.ts';

const REFERENCE = readFileSync(new URL('../../fixtures/payments/reference-note.ocr', import.meta.url), 'latin1');

async function* chunked(text: string, size = 64): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'latin1');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function parse(text: string, size?: number): Promise<{ events: OcrEvent[]; transactions: BankTransaction[] }> {
  const events: OcrEvent[] = [];
  for await (const e of parseOcrGiro(chunked(text, size))) events.push(e);
  return { events, transactions: events.flatMap((e) => (e.event === 'transaction' ? [e.transaction] : [])) };
}

async function refusal(text: string): Promise<PaymentFileError> {
  try {
    await parse(text);
  } catch (error) {
    assert.ok(error instanceof PaymentFileError, `expected a PaymentFileError, got ${String(error)}`);
    return error;
  }
  assert.fail('the file was accepted');
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '');
const withLine = (text: string, index: number, line: string) => {
  const ls = lines(text);
  ls[index] = line;
  return ls.join('\n') + '\n';
};

describe('OCR giro: the reference note sample', () => {
  test('parses to its two payments: 1 250.00 on MOD10 KID 01234500010016 and 499.00 on MOD11 KID 10000068', async () => {
    const { events, transactions } = await parse(REFERENCE);
    assert.deepEqual(events[0], { event: 'header', header: { format: 'ocr-giro', identity: '12345678/0000001', dataRecipient: '12345678', transmissionNumber: '0000001' } });
    assert.equal(transactions.length, 2);
    assert.deepEqual(transactions[0], {
      position: 1, location: 'line 3', kind: 'payment', amountOre: 125000, date: '2025-01-15', kid: '01234500010016',
      bankReference: null, payerAccount: '98765432109', toAccount: '12345678903', transactionType: '10', text: null,
    });
    assert.equal(transactions[1]!.amountOre, 49900);
    assert.equal(transactions[1]!.kid, '10000068');
    assert.equal(transactions[1]!.transactionType, '19');
    assert.equal(transactions[1]!.payerAccount, null);
  });
  test('reads the same with LF, with CRLF, without a last line end, and in chunks of any size', async () => {
    for (const text of [REFERENCE, REFERENCE.replace(/\r?\n/g, '\r\n'), REFERENCE.replace(/\r?\n/g, '\n'), REFERENCE.trimEnd()]) {
      for (const size of [1, 7, 80, 81, 4096]) assert.equal((await parse(text, size)).transactions.length, 2);
    }
  });
  test('lines are split at LF and CRLF only, across chunk boundaries', async () => {
    const got: string[] = [];
    for await (const l of latin1Lines(chunked('ab\r\ncd\nøe\r', 1))) got.push(l.text);
    assert.deepEqual(got, ['ab', 'cd', 'øe']);
  });
});

describe('OCR giro: every transaction type', () => {
  test('types 10–21 are read; 18 and 20 are reversals; 20 and 21 carry item 3 with the free text', async () => {
    const types = ['10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '21'];
    const file = ocrFile([{ account: '15032080119', transactions: types.map((type, i) => ({ type, amountOre: 100 + i, kid: '1234', date: '021226', text: `text ${type}` })) }]);
    const { transactions } = await parse(file);
    assert.deepEqual(transactions.map((t) => t.transactionType), types);
    assert.deepEqual(transactions.filter((t) => t.kind === 'reversal').map((t) => t.transactionType), ['18', '20']);
    assert.deepEqual(transactions.filter((t) => t.text !== null).map((t) => t.text), ['text 20', 'text 21']);
    assert.equal(transactions[0]!.date, '2026-12-02');
  });
  test("a MOD11 KID ending in '-' is read with its '-'; a blank KID is null", async () => {
    const file = ocrFile([{ account: '15032080119', transactions: [{ type: '10', amountOre: 5, kid: '1000005-', date: '010126' }, { type: '10', amountOre: 6, kid: null, date: '010126' }] }]);
    const { transactions } = await parse(file);
    assert.equal(transactions[0]!.kid, '1000005-');
    assert.equal(transactions[1]!.kid, null);
  });
  test('several assignments: each transaction carries its own assignment account', async () => {
    const file = ocrFile([
      { account: '15032080119', transactions: [{ type: '10', amountOre: 5, kid: '1234', date: '010126' }] },
      { account: '86011117947', transactions: [{ type: '10', amountOre: 7, kid: '1234', date: '010126' }] },
    ]);
    const { transactions } = await parse(file);
    assert.deepEqual(transactions.map((t) => [t.toAccount, t.position]), [['15032080119', 1], ['86011117947', 2]]);
  });
  test('an assignment and a transmission without transactions are valid', async () => {
    assert.equal((await parse(ocrFile([{ account: '15032080119', transactions: [] }]))).transactions.length, 0);
    assert.equal((await parse(ocrFile([]))).transactions.length, 0);
  });
});

describe('OCR giro: bad files are refused with the line and the reason', () => {
  test('a record of 79 or 81 characters', async () => {
    const ls = lines(REFERENCE);
    assert.match((await refusal(withLine(REFERENCE, 2, ls[2]!.slice(0, 79)))).message, /^line 3: a record is 80 characters long; this one has 79/);
    assert.match((await refusal(withLine(REFERENCE, 2, `${ls[2]}0`))).message, /^line 3: .*has 81/);
  });
  test('a truncated file (ends in the middle, or the last line cut)', async () => {
    const ls = lines(REFERENCE);
    assert.match((await refusal(ls.slice(0, 5).join('\n'))).message, /ends too early/);
    assert.match((await refusal(ls.slice(0, 7).join('\n'))).message, /ends too early: expected .*NY000089/);
    assert.match((await refusal(REFERENCE.slice(0, REFERENCE.length - 30))).message, /^line 8: .*80 characters/);
  });
  test('letters in an amount', async () => {
    const ls = lines(REFERENCE);
    const bad = `${ls[2]!.slice(0, 40)}12A${ls[2]!.slice(43)}`;
    assert.match((await refusal(withLine(REFERENCE, 2, bad))).message, /^line 3: the amount \(positions 33–49\) must be digits/);
  });
  test('end records whose counts or sums do not match', async () => {
    const ls = lines(REFERENCE);
    const count = `${ls[6]!.slice(0, 8)}00000003${ls[6]!.slice(16)}`;
    assert.match((await refusal(withLine(REFERENCE, 6, count))).message, /^line 7: the end of assignment 0000001 counts 3 transactions; the assignment has 2/);
    const records = `${ls[6]!.slice(0, 16)}00000005${ls[6]!.slice(24)}`;
    assert.match((await refusal(withLine(REFERENCE, 6, records))).message, /counts 5 records; the assignment has 6/);
    const sum = `${ls[6]!.slice(0, 24)}00000000000174901${ls[6]!.slice(41)}`;
    assert.match((await refusal(withLine(REFERENCE, 6, sum))).message, /sums to 174901 øre; its transactions sum to 174900 øre/);
    const total = `${ls[7]!.slice(0, 24)}00000000000174800${ls[7]!.slice(41)}`;
    assert.match((await refusal(withLine(REFERENCE, 7, total))).message, /^line 8: the end of the transmission sums to 174800/);
    const allRecords = `${ls[7]!.slice(0, 16)}00000009${ls[7]!.slice(24)}`;
    assert.match((await refusal(withLine(REFERENCE, 7, allRecords))).message, /counts 9 records; the file has 8/);
  });
  test('an unknown record type, an unknown transaction type, a wrong format code', async () => {
    const ls = lines(REFERENCE);
    assert.match((await refusal(withLine(REFERENCE, 2, `${ls[2]!.slice(0, 6)}40${ls[2]!.slice(8)}`))).message, /^line 3: unknown record type "40"/);
    assert.match((await refusal(withLine(REFERENCE, 2, `${ls[2]!.slice(0, 4)}22${ls[2]!.slice(6)}`))).message, /unknown transaction type "22"/);
    assert.match((await refusal(withLine(REFERENCE, 2, `XY${ls[2]!.slice(2)}`))).message, /format code .* "NY"/);
  });
  test('records out of order: item 2 without item 1, a second start, items after the end', async () => {
    const ls = lines(REFERENCE);
    assert.match((await refusal([ls[0], ls[1], ls[3], ...ls.slice(4)].join('\n'))).message, /^line 3: expected amount item 1/);
    assert.match((await refusal([ls[0], ...ls].join('\n'))).message, /^line 2: expected a start record for an assignment/);
    assert.match((await refusal([...ls, ls[2]].join('\n'))).message, /^line 9: expected nothing after the end/);
    assert.match((await refusal(ls.slice(1).join('\n'))).message, /^line 1: expected a start record for the transmission/);
  });
  test('item 2 of another transaction number or type', async () => {
    const ls = lines(REFERENCE);
    assert.match((await refusal(withLine(REFERENCE, 3, `${ls[3]!.slice(0, 8)}0000009${ls[3]!.slice(15)}`))).message, /transaction number 0000009, its item 1 0000001/);
    assert.match((await refusal(withLine(REFERENCE, 3, `${ls[3]!.slice(0, 4)}11${ls[3]!.slice(6)}`))).message, /repeat the transaction type "10"/);
  });
  test("a KID with letters or a '-' that is not last; a bad date", async () => {
    const ls = lines(REFERENCE);
    const kid = (k: string) => `${ls[2]!.slice(0, 49)}${k.padStart(25, ' ')}${ls[2]!.slice(74)}`;
    assert.match((await refusal(withLine(REFERENCE, 2, kid('0123A500010016')))).message, /the KID \(positions 50–74\)/);
    assert.match((await refusal(withLine(REFERENCE, 2, kid('01-3450001001')))).message, /the KID/);
    assert.match((await refusal(withLine(REFERENCE, 2, `${ls[2]!.slice(0, 15)}320125${ls[2]!.slice(21)}`))).message, /the Nets date .* "320125" is not a date/);
  });
  test('a file without line ends (binary, say) is refused at its first record without reading it all', async () => {
    let chunks = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      yield Buffer.from(lines(REFERENCE)[0]!, 'latin1');
      for (;;) {
        chunks += 1;
        yield Buffer.alloc(1024, 0x30);
      }
    }
    await assert.rejects(async () => {
      for await (const _ of parseOcrGiro(endless())) void _;
    }, /^Error: line 1: a record is 80 characters long/);
    assert.ok(chunks < 5);
  });
  test('an empty file, blank lines only, an empty line inside', async () => {
    assert.match((await refusal('')).message, /the file is empty/);
    assert.match((await refusal('\r\n\n')).message, /the file is empty/);
    const ls = lines(REFERENCE);
    assert.match((await refusal([...ls.slice(0, 3), '', ...ls.slice(3)].join('\n'))).message, /^line 4: an empty line inside the file/);
  });
  test('AvtaleGiro agreement assignments (service 21) are named as such', async () => {
    const ls = lines(REFERENCE);
    assert.match((await refusal(withLine(REFERENCE, 1, `NY212420${ls[1]!.slice(8)}`))).message, /AvtaleGiro/);
  });
});

const transactionArb: fc.Arbitrary<OcrTestTransaction> = fc.record({
  type: fc.constantFrom('10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '21'),
  amountOre: fc.integer({ min: 1, max: 99_999_999_999 }),
  kid: fc.option(fc.tuple(fc.stringMatching(/^\d{3,24}$/), fc.constantFrom('', '-')).map(([d, c]) => d + c), { nil: null }),
  date: fc.tuple(fc.integer({ min: 1, max: 28 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 99 })).map(([d, m, y]) => [d, m, y].map((n) => String(n).padStart(2, '0')).join('')),
  payerAccount: fc.option(fc.stringMatching(/^[1-9]\d{10}$/), { nil: null }),
  text: fc.option(fc.stringMatching(/^[A-Za-z0-9 ÆØÅæøå]{0,40}$/).map((s) => s.trim()).filter((s) => s !== ''), { nil: null }),
});
const fileArb = fc.array(fc.record({ account: fc.stringMatching(/^\d{11}$/), transactions: fc.array(transactionArb, { maxLength: 8 }) }), { maxLength: 4 });

describe('OCR giro: property tests', () => {
  test('any valid set of transactions, written as OCR lines, parses back to the same transactions', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, fc.constantFrom('\n', '\r\n'), fc.integer({ min: 1, max: 300 }), async (assignments, eol, size) => {
        const { transactions } = await parse(ocrFile(assignments, { eol }), size);
        const expected = assignments.flatMap((a) => a.transactions.map((t) => ({ ...t, account: a.account })));
        assert.equal(transactions.length, expected.length);
        transactions.forEach((got, i) => {
          const want = expected[i]!;
          const reversal = want.type === '18' || want.type === '20';
          assert.equal(got.position, i + 1);
          assert.equal(got.amountOre, want.amountOre);
          assert.equal(got.kind, reversal ? 'reversal' : 'payment');
          assert.equal(got.kid, want.kid);
          assert.equal(got.toAccount, want.account);
          assert.equal(got.transactionType, want.type);
          assert.equal(got.date, `20${want.date.slice(4, 6)}-${want.date.slice(2, 4)}-${want.date.slice(0, 2)}`);
          assert.equal(got.payerAccount, ['18', '19', '20', '21'].includes(want.type) ? null : want.payerAccount ?? null);
          assert.equal(got.text, want.type === '20' || want.type === '21' ? want.text ?? null : null);
        });
      }),
      { numRuns: 150 },
    );
  });

  test('any single change to an amount digit, or a character added or removed anywhere, is refused (never a crash)', async () => {
    const nonEmpty = fileArb.filter((a) => a.some((x) => x.transactions.length > 0));
    await fc.assert(
      fc.asyncProperty(nonEmpty, fc.nat(), fc.nat(), fc.constantFrom('digit', 'letter', 'insert', 'delete'), async (assignments, pick, at, how) => {
        const file = ocrFile(assignments, { eol: '\n' });
        const ls = lines(file);
        const amountLines = ls.map((l, i) => [l, i] as const).filter(([l]) => l.slice(6, 8) === '30');
        const [line, index] = amountLines[pick % amountLines.length]!;
        const pos = 32 + (at % 17); // 0-based positions 33–49
        let changed: string;
        if (how === 'digit') changed = line.slice(0, pos) + String((Number(line[pos]) + 1 + (at % 9)) % 10) + line.slice(pos + 1);
        else if (how === 'letter') changed = `${line.slice(0, pos)}X${line.slice(pos + 1)}`;
        else if (how === 'insert') changed = `${line.slice(0, at % 81)}0${line.slice(at % 81)}`;
        else changed = line.slice(0, at % 80) + line.slice((at % 80) + 1);
        await refusal(withLine(file, index, changed));
      }),
      { numRuns: 200 },
    );
  });
});

describe('OCR giro: streaming', () => {
  test('a file of 100,000 transactions is parsed as it streams in: the first transaction comes out before most of the file has been read', async () => {
    const count = 100_000;
    const kid = '01234500010016'.padStart(25, ' ');
    let produced = 0;
    // The file is generated chunk by chunk (16 MB in all); the parser may only ever hold the chunk it is reading.
    async function* file(): AsyncGenerator<Uint8Array> {
      produced += 1;
      yield Buffer.from(`NY000010000080800000001123456780${'0'.repeat(48)}\r\nNY09002000012345600000011503208011900000${'0'.repeat(40)}\r\n`, 'latin1');
      let lines: string[] = [];
      for (let i = 1; i <= count; i++) {
        const no = String(i).padStart(7, '0');
        lines.push(`NY091030${no}101226${'01'}${'10'}1${'00001'}0${'100'.padStart(17, '0')}${kid}000000`, `NY091031${no}${'0'.repeat(26)}101226${'0'.repeat(33)}`);
        if (lines.length >= 2000) {
          produced += 1;
          yield Buffer.from(lines.join('\r\n') + '\r\n', 'latin1');
          lines = [];
        }
      }
      const n8 = (n: number) => String(n).padStart(8, '0');
      const sum = String(count * 100).padStart(17, '0');
      produced += 1;
      yield Buffer.from(`NY090088${n8(count)}${n8(count * 2 + 2)}${sum}101226101226101226${'0'.repeat(21)}\r\nNY000089${n8(count)}${n8(count * 2 + 4)}${sum}101226${'0'.repeat(33)}\r\n`, 'latin1');
    }
    let seen = 0;
    let producedAtFirst = 0;
    for await (const e of parseOcrGiro(file())) {
      if (e.event !== 'transaction') continue;
      if (++seen === 1) producedAtFirst = produced;
    }
    assert.equal(seen, count);
    assert.equal(produced, 102);
    assert.ok(producedAtFirst <= 2, `the first transaction came out after ${producedAtFirst} of ${produced} chunks`);
  });
});
