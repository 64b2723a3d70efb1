/** The pure rules of delivery: the channel chain, the signed document link, the e-mail's texts. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterAttempt, channelServes, firstServingChannel, type ChainState } from '../../src/domain/delivery/chain.ts';
import { documentLinkKey, signDocumentLink, verifyDocumentLink } from '../../src/domain/delivery/document-link.ts';
import { documentMail } from '../../src/domain/delivery/email-texts.ts';
import type { InvoiceDocument } from '../../src/domain/documents/invoice-document.ts';

const start: ChainState = {
  status: 'pending', channels: ['efaktura', 'email', 'file'], channelIndex: 0, channelFailures: 0, step: 0, deliveredChannel: null, deliveredMessageId: null,
};

describe('the channel chain', () => {
  test('delivered ends the chain with the channel and its message id', () => {
    const next = afterAttempt(start, { outcome: 'delivered', messageId: 'c-1' }, [30]);
    assert.equal(next.runInSeconds, null);
    assert.deepEqual([next.state.status, next.state.deliveredChannel, next.state.deliveredMessageId, next.state.step], ['delivered', 'efaktura', 'c-1', 1]);
  });

  test('a channel that cannot reach the customer passes to the next at once', () => {
    const next = afterAttempt(start, { outcome: 'unreachable', error: 'no consent' }, [30]);
    assert.deepEqual([next.state.channelIndex, next.state.channelFailures, next.runInSeconds, next.state.status], [1, 0, 0, 'pending']);
  });

  test('a transient failure waits the schedule on the same channel, then passes on when it is used up', () => {
    let s = start;
    const delays: Array<number | null> = [];
    for (let i = 0; i < 3; i++) {
      const next = afterAttempt(s, { outcome: 'failed', error: 'HTTP 500' }, [30, 120]);
      delays.push(next.runInSeconds);
      s = next.state;
    }
    assert.deepEqual(delays, [30, 120, 0]);
    assert.deepEqual([s.channelIndex, s.channelFailures, s.step], [1, 0, 3]);
  });

  test('past the last channel the document is undelivered', () => {
    const last = { ...start, channelIndex: 2 };
    assert.equal(afterAttempt(last, { outcome: 'unreachable', error: 'x' }, []).state.status, 'undelivered');
    assert.equal(afterAttempt(last, { outcome: 'failed', error: 'x' }, []).state.status, 'undelivered');
    assert.equal(afterAttempt(last, { outcome: 'failed', error: 'x' }, []).runInSeconds, null);
  });
});

describe('the signed document link', () => {
  const key = documentLinkKey(randomBytes(32));
  const now = new Date('2026-12-01T12:00:00Z');
  const token = signDocumentLink(key, 42, new Date('2026-12-02T12:00:00Z'));

  test('grants its document until it expires', () => {
    assert.equal(verifyDocumentLink(key, token, now), 42);
    assert.equal(verifyDocumentLink(key, token, new Date('2026-12-02T12:00:00Z')), null);
  });

  test('a changed id, expiry or signature, another key, or junk grants nothing', () => {
    const [id, expires, mac] = token.split('.') as [string, string, string];
    assert.equal(verifyDocumentLink(key, `43.${expires}.${mac}`, now), null);
    assert.equal(verifyDocumentLink(key, `${id}.${Number(expires) + 1}.${mac}`, now), null);
    assert.equal(verifyDocumentLink(key, `${id}.${expires}.${mac.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`, now), null);
    assert.equal(verifyDocumentLink(documentLinkKey(randomBytes(32)), token, now), null);
    // The last character's two unused bits: another spelling of the same bytes is not the link either.
    const last = mac.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[(alphabet.indexOf(last) & ~3) + ((alphabet.indexOf(last) + 1) & 3)]!;
    assert.deepEqual(Buffer.from(`${mac.slice(0, -1)}${sibling}`, 'base64url'), Buffer.from(mac, 'base64url'));
    assert.equal(verifyDocumentLink(key, `${id}.${expires}.${mac.slice(0, -1)}${sibling}`, now), null);
    for (const junk of ['', '42', '42..', `${token}x`, `0.${expires}.${mac}`]) assert.equal(verifyDocumentLink(key, junk, now), null, junk);
  });
});

describe('the delivery e-mail', () => {
  const document = {
    kind: 'invoice', number: 17, creditsInvoiceNumber: null, issueDate: '2026-12-01', deliveryDate: '2026-12-01', dueDate: '2026-12-15',
    language: 'no', currency: 'NOK',
    seller: { legalName: 'Demo AS', organisationNumber: '923609016', vatRegistered: true, inForetaksregisteret: true, address: { street: 'Gate 1', zip: '0150', city: 'Oslo', country: 'NO' }, accountNumber: '15032080119', email: 'f@demo.example' },
    buyer: { name: 'Kari', address: { street: 'Vei 2', zip: '0151', city: 'Oslo', country: 'NO' }, email: 'kari@example.test', organisationNumber: null },
    kid: '0000100000171', groups: [], feeLine: null, vatSummary: [], totalOre: 123450, references: { referenceNo: null, customerReference: null },
  } as unknown as InvoiceDocument;

  test('subject, attachment name and amounts in each of the five languages', () => {
    const expected: Record<string, [string, string, RegExp]> = {
      no: ['Faktura 17 fra Demo AS', 'Faktura-17.pdf', /Å betale: kr\u00a01\u00a0234,50/],
      en: ['Invoice 17 from Demo AS', 'Invoice-17.pdf', /Total to pay: /],
      sv: ['Faktura 17 från Demo AS', 'Faktura-17.pdf', /Att betala: /],
      da: ['Faktura 17 fra Demo AS', 'Faktura-17.pdf', /At betale: /],
      de: ['Rechnung 17 von Demo AS', 'Rechnung-17.pdf', /Zu zahlen: /],
    };
    for (const [language, [subject, filename, amount]] of Object.entries(expected)) {
      const mail = documentMail({ ...document, language } as InvoiceDocument, 'http://x/d/t');
      assert.equal(mail.subject, subject, language);
      assert.equal(mail.filename, filename, language);
      assert.match(mail.text, amount, language);
      assert.match(mail.text, /0000100000171/);
      assert.match(mail.text, /http:\/\/x\/d\/t/);
    }
  });
});

test('channels for one kind of customer: Peppol for businesses, eFaktura for persons; others for both', () => {
  const business = { business: true };
  const person = { business: false };
  assert.deepEqual(['peppol', 'efaktura', 'email', 'file'].map((c) => channelServes(c, business)), [true, false, true, true]);
  assert.deepEqual(['peppol', 'efaktura', 'email', 'file'].map((c) => channelServes(c, person)), [false, true, true, true]);
  const all = ['peppol', 'efaktura', 'email', 'file'];
  assert.equal(firstServingChannel(all, 0, person), 1, 'a person starts at eFaktura');
  assert.equal(firstServingChannel(all, 0, business), 0, 'a business starts at Peppol');
  assert.equal(firstServingChannel(all, 1, business), 2, 'after Peppol, a business passes eFaktura over');
  assert.equal(firstServingChannel(['peppol'], 0, person), 0, 'no later channel serves: tried, so its reason is recorded');
  assert.equal(firstServingChannel(['efaktura', 'peppol'], 0, business), 1);
});
