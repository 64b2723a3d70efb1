/**
 * camt.054 read entry by entry (issue 9) gives exactly what the whole document read at once gives: the
 * same header and transactions (positions, locations, accounts per notification), in any chunking, with
 * namespace prefixes, several notifications, a latin-1 file and a UTF-8 character cut between chunks;
 * and a file broken inside or outside its entries is still refused.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { PaymentFileError } from '../../../src/domain/payments/bank-transaction.ts';
import { readCamt054 } from '../../../src/domain/payments/camt054.ts';
import { writeCamt054 } from '../../../src/domain/payments/camt054-writer.ts';
import { MAX_ENTRY_CHARS } from '../../../src/app/payments/camt054-stream.ts';
import { bufferSource, parseXml, readPaymentFile } from '../../../src/app/payments/read-payment-file.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/payments/${name}`, import.meta.url));

async function streamed(bytes: Buffer, chunk: number) {
  const out = [];
  for await (const e of readPaymentFile(bufferSource(bytes, chunk))) out.push(e);
  return out;
}

function whole(bytes: Buffer) {
  const { tree, namespace } = parseXml(bytes);
  const file = readCamt054(tree, namespace);
  return [{ event: 'header', header: file.header }, ...file.transactions.map((transaction) => ({ event: 'transaction', transaction }))];
}

/** Two notifications (two accounts), the second with a prefix-free default namespace, a batch entry and a reversal. */
function twoNotifications(): Buffer {
  const one = writeCamt054({
    messageId: 'TWO', notificationId: 'A', createdAt: '2026-12-10T06:00:00', account: '15032080119',
    entries: Array.from({ length: 30 }, (_, i) => ({
      amountOre: 100 + i, bookingDate: '2026-12-10', valueDate: '2026-12-10', bankReference: `R-${i}`, kid: `${1000 + i}`,
      debtorName: 'Kåre Ærlig', debtorAccount: '98765432109', reversal: i % 7 === 3,
    })),
  });
  const second = one.match(/<Ntfctn>[\s\S]*<\/Ntfctn>/)![0].replace('15032080119', '12345678903').replaceAll('R-', 'S-');
  return Buffer.from(one.replace('</Ntfctn>', `</Ntfctn>\n${second}`), 'utf8');
}

describe('camt.054 read entry by entry', () => {
  const files: Array<[string, Buffer]> = [
    ['the reference note sample', fixture('reference-note.camt054.xml')],
    ['a v02 batch with n: prefixes, a reversal, skipped entries', fixture('batch-v02.camt054.xml')],
    ['two notifications, UTF-8 names', twoNotifications()],
    ['ISO-8859-1', Buffer.from(twoNotifications().toString('utf8').replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), 'latin1')],
  ];
  for (const [name, bytes] of files) {
    test(`${name}: the same events as the whole document, in any chunking`, async () => {
      const expected = whole(bytes);
      assert.ok(expected.length > 1);
      for (const chunk of [1, 3, 64, 1000, bytes.length]) assert.deepEqual(await streamed(bytes, chunk), expected, `chunks of ${chunk}`);
      await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 400 }), async (chunk) => {
        assert.deepEqual(await streamed(bytes, chunk), expected);
      }), { numRuns: 15 });
    });
  }

  const refusedWith = async (bytes: Buffer, re: RegExp) => {
    for (const chunk of [7, 1 << 20]) {
      await assert.rejects(streamed(bytes, chunk), (e: unknown) => e instanceof PaymentFileError && re.test(e.message), `chunks of ${chunk}`);
    }
  };

  test('broken inside an entry, outside the entries, or cut short: refused with the line', async () => {
    const text = twoNotifications().toString('utf8');
    const lineOf = (needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
    await refusedWith(Buffer.from(text.replace('<CdtDbtInd>CRDT</CdtDbtInd>', '<CdtDbtInd>CRDT</CdtDbtInd></Oops>')), new RegExp(`^line ${lineOf('<CdtDbtInd>CRDT</CdtDbtInd>')}, column \\d+: not well-formed XML`));
    await refusedWith(Buffer.from(text.replace('<GrpHdr>', '<GrpHdr><Extra>')), /not well-formed XML/);
    await refusedWith(Buffer.from(text.slice(0, text.lastIndexOf('</Ntfctn>'))), /not well-formed XML/);
    await refusedWith(Buffer.from(text.replace('<MsgId>TWO</MsgId>', '')), /no MsgId/);
    await refusedWith(Buffer.from(text.replace(/<Acct>[\s\S]*?<\/Acct>/, '')), /^Ntfctn\[1\]\/Acct: the notification names no account/);
    const secondAcct = text.indexOf('<Acct>', text.indexOf('</Ntfctn>'));
    await refusedWith(Buffer.from(text.slice(0, secondAcct) + text.slice(secondAcct).replace(/<Acct>[\s\S]*?<\/Acct>/, '')), /^Ntfctn\[2\]\/Acct: the notification names no account/);
    await refusedWith(Buffer.from(text.replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "b">]>')), /DOCTYPE/);
  });

  test('an entry larger than the largest a bank writes is refused, not buffered without end', async () => {
    const text = twoNotifications().toString('utf8');
    const huge = text.replace('<Ustrd>', `<Ustrd>${'x'.repeat(MAX_ENTRY_CHARS)}`).replace('<NtryRef>R-0</NtryRef>', `<NtryRef>R-0</NtryRef><AddtlNtryInf>${'x'.repeat(MAX_ENTRY_CHARS)}</AddtlNtryInf>`);
    await refusedWith(Buffer.from(huge), /longer than \d+ characters/);
  });
});
