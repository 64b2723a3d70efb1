import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isValidKid, kidMod10, kidMod11, kidProblem, makeKid, MAX_KID_INVOICE_NUMBER } from '../../../src/domain/invoicing/kid.ts';
import type { KidCheck } from '../../../src/domain/invoicing/types.ts';
import { isValidAccountNumber, isValidOrgNumber } from '../../../src/domain/norway/norwegian-numbers.ts';

describe('check digits: every vector of reference note §2.2', () => {
  test('12345678 (Nets OCR spec worked example): MOD10 2, MOD11 5', () => {
    assert.equal(kidMod10('12345678'), '2');
    assert.equal(kidMod11('12345678'), '5');
  });
  test('1234 (norwegian-numbers README): MOD10 4, MOD11 3', () => {
    assert.equal(kidMod10('1234'), '4');
    assert.equal(kidMod11('1234'), '3');
  });
  test('Nets sample file KIDs 0036633 and 0000531 are MOD11', () => {
    assert.equal(kidMod11('003663'), '3');
    assert.equal(kidMod11('000053'), '1');
    assert.ok(isValidKid('0036633', 'mod11'));
    assert.ok(isValidKid('0000531', 'mod11'));
  });
  test("MOD11 remainder 1 gives '-': 1000005-", () => {
    assert.equal(kidMod11('1000005'), '-');
    assert.ok(isValidKid('1000005-', 'mod11'));
  });
  test('customer 012345 + invoice 0001001: MOD10 6, MOD11 5', () => {
    assert.equal(kidMod10('0123450001001'), '6');
    assert.equal(kidMod11('0123450001001'), '5');
  });
  test('a Luhn sum ending in 0 gives check digit 0 (the case norsk-validator gets wrong)', () => {
    assert.equal(kidMod10('123'), '0');
    assert.ok(isValidKid('1230', 'mod10'));
  });
  test('a base that is not digits is a programming error', () => {
    assert.throws(() => kidMod10('12a4'), RangeError);
    assert.throws(() => kidMod11(''), RangeError);
  });
});

describe('kidProblem', () => {
  test('a KID has 4 to 25 characters', () => {
    assert.match(kidProblem('404', 'mod10')!, /4 to 25 characters; "404" has 3/);
    assert.equal(kidProblem('12344', 'mod10'), null);
    const long = '1'.repeat(25);
    assert.match(kidProblem(long + kidMod10(long), 'mod10')!, /has 26/);
    const longest = '1'.repeat(24);
    assert.equal(kidProblem(longest + kidMod10(longest), 'mod10'), null);
  });
  test("'-' is a check digit only under MOD11 and only at the end", () => {
    assert.match(kidProblem('1000005-', 'mod10')!, /digits only/);
    assert.match(kidProblem('10-00005', 'mod11')!, /digits only/);
    assert.match(kidProblem('1234 4', 'mod10')!, /digits only/);
  });
  test('a wrong check digit names the right one', () => {
    assert.equal(kidProblem('123456789', 'mod10'), 'The MOD10 check digit of KID "123456789" should be "2".');
    assert.equal(kidProblem('123456782', 'mod11'), 'The MOD11 check digit of KID "123456782" should be "5".');
  });
});

describe('makeKid (SPEC §6.3: 7 + 8 + check digit)', () => {
  test('pads both numbers and appends the chosen check digit', () => {
    // Luhn by hand over 001234500001001: 2+0+0+1+0+0+0+0+1+4+6+2+2+0+0 = 18 → 2.
    assert.equal(makeKid({ customerNumber: 12345, invoiceNumber: 1001, check: 'mod10' }), '0012345000010012');
    // MOD11 by hand: weighted sum 81, 81 mod 11 = 4 → 11 − 4 = 7.
    assert.equal(makeKid({ customerNumber: 12345, invoiceNumber: 1001, check: 'mod11' }), '0012345000010017');
  });
  test("a MOD11 KID may end in '-'", () => {
    const kid = fc.sample(fc.integer({ min: 1, max: 99_999 }), { seed: 7, numRuns: 2000 })
      .map((invoiceNumber) => makeKid({ customerNumber: 1, invoiceNumber, check: 'mod11' }))
      .find((k) => k.endsWith('-'));
    assert.ok(kid !== undefined && kid.length === 16 && isValidKid(kid, 'mod11'));
  });
  test('refuses numbers the layout cannot hold, rather than printing a wrong KID', () => {
    assert.throws(() => makeKid({ customerNumber: 10_000_000, invoiceNumber: 1, check: 'mod10' }), /customer number/);
    assert.throws(() => makeKid({ customerNumber: 1, invoiceNumber: MAX_KID_INVOICE_NUMBER + 1, check: 'mod10' }), /invoice number/);
    assert.throws(() => makeKid({ customerNumber: -1, invoiceNumber: 1, check: 'mod10' }), RangeError);
    assert.throws(() => makeKid({ customerNumber: 1.5, invoiceNumber: 1, check: 'mod10' }), RangeError);
  });
});

const parts = fc.record({
  customerNumber: fc.integer({ min: 0, max: 9_999_999 }),
  invoiceNumber: fc.integer({ min: 0, max: MAX_KID_INVOICE_NUMBER }),
  check: fc.constantFrom<KidCheck>('mod10', 'mod11'),
});

describe('properties', () => {
  test('every generated KID has 16 characters and validates under its check', () => {
    fc.assert(fc.property(parts, (p) => {
      const kid = makeKid(p);
      return kid.length === 16 && isValidKid(kid, p.check);
    }));
  });

  test('changing any one digit of a generated KID makes it invalid', () => {
    fc.assert(fc.property(parts, fc.nat(15), fc.integer({ min: 1, max: 9 }), (p, position, delta) => {
      const kid = makeKid(p);
      const old = kid[position]!;
      const replacement = old === '-' ? String(delta) : String((Number(old) + delta) % 10);
      const changed = kid.slice(0, position) + replacement + kid.slice(position + 1);
      return !isValidKid(changed, p.check);
    }));
  });

  test('MOD11 of a KID and of organisation/account numbers are one weighting (shared logic is safe)', () => {
    fc.assert(fc.property(fc.stringMatching(/^\d{9}$/), (n) => isValidOrgNumber(n) === (kidMod11(n.slice(0, 8)) === n[8])));
    fc.assert(fc.property(fc.stringMatching(/^\d{11}$/), (n) => isValidAccountNumber(n) === (kidMod11(n.slice(0, 10)) === n[10])));
    assert.ok(isValidOrgNumber('923609016') && kidMod11('92360901') === '6');
  });
});
