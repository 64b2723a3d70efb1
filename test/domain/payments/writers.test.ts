/**
 * The payment-file writers the eFaktura simulator's bank uses: the OCR giro writer reproduces the
 * reference note's fixture (§3.1, verified against netsgiro) byte for byte, and the camt.054 writer puts
 * the KID and the bank reference where §3.2 says a reader finds them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { writeOcrGiro } from '../../../src/domain/payments/ocr-giro-writer.ts';
import { CAMT054_NAMESPACE, writeCamt054 } from '../../../src/domain/payments/camt054-writer.ts';

const REFERENCE_FIXTURE = [
  'NY000010000080800000001123456780000000000000000000000000000000000000000000000000',
  'NY090020000123456000000112345678903000000000000000000000000000000000000000000000',
  'NY09103000000011501250115100001000000000000125000           01234500010016000000',
  'NY091031000000100000000000000000000000000150125987654321090000000000000000000000',
  'NY09193000000021501250115100002000000000000049900                 10000068000000',
  'NY091931000000200000000000000000000000000150125000000000000000000000000000000000',
  'NY090088000000020000000600000000000174900150125150125150125000000000000000000000',
  'NY000089000000020000000800000000000174900150125000000000000000000000000000000000',
];

describe('writeOcrGiro', () => {
  test('writes the reference note fixture exactly, with CRLF line ends', () => {
    const common = { netsDate: '2025-01-15', bankDate: '2025-01-15', centreId: '01', partialSettlementNumber: 1, archiveReference: '000000000' };
    const text = writeOcrGiro({
      transmissionNumber: 1, dataRecipient: '12345678', netsDate: '2025-01-15',
      assignments: [{
        agreementId: '000123456', assignmentNumber: 1, account: '12345678903',
        transactions: [
          { ...common, transactionType: 10, partialSettlementSerial: 1, amountOre: 125000, kid: '01234500010016', debitAccount: '98765432109' },
          { ...common, transactionType: 19, partialSettlementSerial: 2, amountOre: 49900, kid: '10000068', debitAccount: null },
        ],
      }],
    });
    assert.equal(text, REFERENCE_FIXTURE.map((l) => `${l}\r\n`).join(''));
  });

  test('an assignment without transactions still has its start and end records with zero counts', () => {
    const lines = writeOcrGiro({ transmissionNumber: 7, dataRecipient: '1', netsDate: '2026-12-01', assignments: [{ agreementId: '1', assignmentNumber: 1, account: '15032080119', transactions: [] }] })
      .split('\r\n').filter(Boolean);
    assert.equal(lines.length, 4);
    assert.ok(lines.every((l) => l.length === 80));
    assert.equal(lines[2]!.slice(8, 24), '0000000000000002');
    assert.equal(lines[3]!.slice(8, 24), '0000000000000004');
  });

  test('refuses values that do not fit their fields', () => {
    const t = { transactionType: 10, amountOre: 1, kid: '1'.repeat(26), netsDate: '2026-12-01', bankDate: '2026-12-01', centreId: '01', partialSettlementNumber: 1, partialSettlementSerial: 1, archiveReference: '1', debitAccount: null };
    assert.throws(() => writeOcrGiro({ transmissionNumber: 1, dataRecipient: '1', netsDate: '2026-12-01', assignments: [{ agreementId: '1', assignmentNumber: 1, account: '15032080119', transactions: [t] }] }), RangeError);
  });
});

describe('writeCamt054', () => {
  test('one booked credit entry per payment, KID under RmtInf/Strd/CdtrRefInf/Ref, escaped text', () => {
    const xml = writeCamt054({
      messageId: 'M<1>', notificationId: 'N1', createdAt: '2026-12-01T06:00:00', account: '15032080119',
      entries: [{ amountOre: 123450, bookingDate: '2026-12-01', valueDate: '2026-12-01', bankReference: 'REF-1', kid: '00000010000017', debtorName: 'Ola & Kari', debtorAccount: '97100000006' }],
    });
    const doc = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(xml);
    assert.equal(doc.Document['@_xmlns'], CAMT054_NAMESPACE);
    const n = doc.Document.BkToCstmrDbtCdtNtfctn;
    assert.equal(n.GrpHdr.MsgId, 'M<1>');
    assert.equal(n.Ntfctn.Acct.Id.Othr.Id, '15032080119');
    const entry = n.Ntfctn.Ntry;
    assert.equal(entry.Amt['#text'], '1234.50');
    assert.equal(entry.CdtDbtInd, 'CRDT');
    assert.equal(entry.AcctSvcrRef, 'REF-1');
    assert.equal(entry.NtryDtls.TxDtls.RmtInf.Strd.CdtrRefInf.Ref, '00000010000017');
    assert.equal(entry.NtryDtls.TxDtls.RltdPties.Dbtr.Pty.Nm, 'Ola & Kari');
  });
});
