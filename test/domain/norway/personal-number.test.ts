import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidPersonalNumber } from '../../../src/domain/norway/personal-number.ts';

describe('isValidPersonalNumber', () => {
  test('accepts the reference examples: fødselsnummer, D-number, H-number and synthetic number', () => {
    for (const n of ['31129956715', '71129956709', '31529950260', '31929956780']) assert.ok(isValidPersonalNumber(n), n);
  });
  test('refuses a wrong control digit, other lengths and non-digits', () => {
    for (const n of ['31129956716', '31129956725', '12345678901', '3112995671', '311299567150', '3112995671a', '']) {
      assert.equal(isValidPersonalNumber(n), false, n);
    }
  });
});
