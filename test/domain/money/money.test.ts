import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  compareDecimal, decimalPlaces, decimalToOre, formatDecimal, formatOre, oreToDecimal, parseDecimal, parseOre,
} from '../../../src/domain/money/money.ts';

describe('parseDecimal', () => {
  test('reads decimal strings exactly, keeping their scale', () => {
    assert.deepEqual(parseDecimal('51.00'), { units: 5100n, scale: 2 });
    assert.deepEqual(parseDecimal('1'), { units: 1n, scale: 0 });
    assert.deepEqual(parseDecimal('-3'), { units: -3n, scale: 0 });
    assert.deepEqual(parseDecimal('0.0001'), { units: 1n, scale: 4 });
  });

  test('trims surrounding whitespace like Laravel TrimStrings', () => {
    assert.deepEqual(parseDecimal(' 4.5 '), { units: 45n, scale: 1 });
    assert.deepEqual(parseDecimal('\n12\t'), { units: 12n, scale: 0 });
  });

  test('reads JSON numbers through their shortest decimal form, never float arithmetic', () => {
    assert.deepEqual(parseDecimal(51), { units: 51n, scale: 0 });
    assert.deepEqual(parseDecimal(51.1), { units: 511n, scale: 1 });
    assert.equal(decimalToOre(parseDecimal(0.29)!), 29); // 0.29 * 100 = 28.999999999999996 in floats
    assert.equal(decimalToOre(parseDecimal(1.005)!), null); // three decimals, not 1.00 or 1.01
    assert.deepEqual(parseDecimal(-0), { units: 0n, scale: 0 });
  });

  test('handles exponent forms of JSON numbers exactly', () => {
    assert.equal(formatDecimal(parseDecimal(1e-7)!), '0.0000001');
    assert.equal(formatDecimal(parseDecimal(1.5e-7)!), '0.00000015');
    assert.equal(formatDecimal(parseDecimal(1e21)!), '1000000000000000000000');
    assert.equal(formatDecimal(parseDecimal(-2.5e22)!), '-25000000000000000000000');
  });

  test('refuses everything that is not a finite number or a plain decimal string', () => {
    for (const value of [true, false, null, undefined, [], [1], {}, 'abc', '', '   ', NaN, Infinity, -Infinity,
      '1e5', '.5', '5.', '+5', '1,5', '1 000', '0x10', '--1', '1.2.3', 10n]) {
      assert.equal(parseDecimal(value), null, `accepted ${String(value)}`);
    }
  });

  test('refuses absurdly long digit strings instead of parsing them', () => {
    assert.equal(parseDecimal('9'.repeat(101)), null);
    assert.notEqual(parseDecimal('9'.repeat(100)), null);
  });
});

describe('decimalToOre', () => {
  test('converts up to two significant decimals into øre', () => {
    assert.equal(decimalToOre(parseDecimal('51.00')!), 5100);
    assert.equal(decimalToOre(parseDecimal('0.05')!), 5);
    assert.equal(decimalToOre(parseDecimal('-1.5')!), -150);
    assert.equal(decimalToOre(parseDecimal('51.000')!), 5100); // trailing zeros do not count as decimals
  });

  test('returns null for a third significant decimal or an amount beyond a safe integer', () => {
    assert.equal(decimalToOre(parseDecimal('0.001')!), null);
    assert.equal(decimalToOre(parseDecimal('90071992547409.92')!), null);
    assert.equal(decimalToOre(parseDecimal('90071992547409.91')!), Number.MAX_SAFE_INTEGER);
    assert.equal(decimalToOre(parseDecimal(1e300)!), null);
  });

  test('parseOre chains both steps', () => {
    assert.equal(parseOre('4500'), 450000);
    assert.equal(parseOre('x'), null);
  });
});

describe('formatOre', () => {
  test('always prints two decimals with the sign in front', () => {
    assert.equal(formatOre(5100), '51.00');
    assert.equal(formatOre(-5), '-0.05');
    assert.equal(formatOre(0), '0.00');
    assert.equal(formatOre(7), '0.07');
    assert.equal(formatOre(-123456), '-1234.56');
    assert.equal(formatOre(Number.MAX_SAFE_INTEGER), '90071992547409.91');
  });

  test('refuses a fractional or unsafe øre amount as a programming error', () => {
    assert.throws(() => formatOre(1.5), RangeError);
    assert.throws(() => formatOre(2 ** 53), RangeError);
  });
});

describe('formatDecimal and friends', () => {
  test('prints the normalized value', () => {
    assert.equal(formatDecimal(parseDecimal('1.50')!), '1.5');
    assert.equal(formatDecimal(parseDecimal('001')!), '1');
    assert.equal(formatDecimal(parseDecimal('-0.000')!), '0');
    assert.equal(formatDecimal(parseDecimal('-0.010')!), '-0.01');
    assert.equal(formatDecimal(parseDecimal('11.11')!), '11.11');
  });

  test('counts significant decimals and compares exact values', () => {
    assert.equal(decimalPlaces(parseDecimal('2.500')!), 1);
    assert.equal(compareDecimal(parseDecimal('2.50')!, parseDecimal(2.5)!), 0);
    assert.equal(compareDecimal(parseDecimal('-1')!, parseDecimal('0.01')!), -1);
    assert.equal(compareDecimal(parseDecimal('10')!, parseDecimal('9.999')!), 1);
  });
});

describe('properties', () => {
  const ore = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

  test('formatOre then parse gives back the same øre', () => {
    fc.assert(fc.property(ore, (n) => parseOre(formatOre(n)) === n), { numRuns: 2000 });
  });

  test('oreToDecimal, formatDecimal and parseOre agree', () => {
    fc.assert(fc.property(ore, (n) => parseOre(formatDecimal(oreToDecimal(n))) === n));
  });

  test('a finite JSON number parses to the value its decimal text denotes', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const d = parseDecimal(x);
        return d !== null && Number(formatDecimal(d)) === x + 0; // +0 folds -0
      }),
      { numRuns: 2000 },
    );
  });

  test('a money string with at most two decimals converts exactly (whole part × 100 + cents)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), fc.integer({ min: 0, max: 99 }), fc.boolean(), (whole, cents, neg) => {
        const text = `${neg ? '-' : ''}${whole}.${String(cents).padStart(2, '0')}`;
        const expected = (whole * 100 + cents) * (neg ? -1 : 1);
        return parseOre(text) === expected + 0;
      }),
    );
  });

  test('parseDecimal never throws, whatever it is given', () => {
    fc.assert(fc.property(fc.anything(), (v) => { parseDecimal(v); }), { numRuns: 2000 });
    fc.assert(fc.property(fc.string(), (s) => { parseDecimal(s); }), { numRuns: 2000 });
  });
});
