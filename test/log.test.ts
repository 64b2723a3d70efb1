/**
 * Log masking (SPEC §8): no part of a personal number reaches a log line — checked on real pino output,
 * for every key spelling, nested objects, messages, and a real database error's text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createLogger, MASKED } from '../src/log.ts';
import { openTestDb, DB_LABEL } from './helpers/harness.ts';

/** A logger whose output lines are kept, parsed, for the test to read. */
function capture(level = 'info') {
  const lines: string[] = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(line) });
  return { logger, lines, last: () => lines.at(-1) ?? '' };
}

/** The birth date (first 6 digits) and the individual number + check digits (last 5). */
function assertNoPart(line: string, number: string): void {
  assert.ok(!line.includes(number.slice(0, 6)), `birth date of ${number} in ${line}`);
  assert.ok(!line.includes(number.slice(6)), `last five digits of ${number} in ${line}`);
}

const personalNumber = fc.stringMatching(/^[0-7]\d{10}$/).filter((n) => !/(\d)\1{4}/.test(n));

test('a field named like a personal number is masked whole, in any spelling and at any depth', () => {
  const { logger, lines } = capture();
  const spellings = ['personalNumber', 'personal_number', 'personalnumber', 'PersonalNumber', 'PERSONAL_NUMBER', 'personal-number'];
  fc.assert(
    fc.property(personalNumber, fc.constantFrom(...spellings), fc.nat({ max: 4 }), (number, key, depth) => {
      let object: Record<string, unknown> = { [key]: number };
      for (let i = 0; i < depth; i++) object = i % 2 === 0 ? { customerDetails: object } : { items: [object] };
      logger.info(object, 'order received');
      const line = lines.at(-1)!;
      assertNoPart(line, number);
      assert.ok(line.includes(MASKED), line);
    }),
  );
});

test('the value under a personal-number key is masked even when it is not 11 digits', () => {
  const { logger, last } = capture();
  logger.info({ body: { customerDetails: { personalNumber: '0101-90 12' } } });
  assert.equal(JSON.parse(last()).body.customerDetails.personalNumber, MASKED);
  logger.info({ personal_number: 1019012345 });
  assert.equal(JSON.parse(last()).personal_number, MASKED);
});

test('an 11-digit run in any text is masked: messages, other fields, 6+5 with a separator', () => {
  const { logger, last } = capture();
  fc.assert(
    fc.property(personalNumber, fc.constantFrom('', ' ', '.', '-'), (number, separator) => {
      const written = `${number.slice(0, 6)}${separator}${number.slice(6)}`;
      logger.warn({ note: `customer ${written} asked`, list: [`x${written}`] }, `lookup of ${written} failed`);
      assertNoPart(last(), number);
      const entry = JSON.parse(last());
      assert.equal(entry.msg, `lookup of ${MASKED} failed`);
      assert.equal(entry.note, `customer ${MASKED} asked`);
    }),
  );
});

test('other numbers stay readable: organisation numbers, amounts, longer digit runs', () => {
  const { logger, last } = capture();
  logger.info({ orgNumber: '923609016', grandTotalOre: 12500, orderUuid: 'ODR1234567890', note: 'KID 1234567890123' }, 'created');
  const entry = JSON.parse(last());
  assert.equal(entry.orgNumber, '923609016');
  assert.equal(entry.grandTotalOre, 12500);
  assert.equal(entry.orderUuid, 'ODR1234567890');
  assert.equal(entry.note, 'KID 1234567890123');
});

test(`a database error's message and detail carry no part of a personal number (${DB_LABEL})`, async () => {
  const { db, close } = await openTestDb();
  const number = '01019012345';
  try {
    const merchant = await db.query<{ id: number }>(
      "INSERT INTO merchants (name, org_number, callback_secret) VALUES ('Log AS', '923609016', 's') RETURNING id",
    );
    const insert = { text: "INSERT INTO customers (uuid, merchant_id, personal_number, details) VALUES ($1, $2, $3, '{}')", values: [] as unknown[] };
    await db.query({ ...insert, values: ['c1', merchant[0]!.id, number] });
    const error = await db.query({ ...insert, values: ['c2', merchant[0]!.id, number] }).then(
      () => assert.fail('a duplicate customer must be refused'),
      (e: Error & { detail?: string }) => e,
    );
    assert.ok(String(error.detail).includes(number), `precondition: the raw error quotes the number: ${error.detail}`);
    const { logger, last } = capture('error');
    logger.error({ err: error }, 'could not save the customer');
    assertNoPart(last(), number);
    logger.error(error);
    assertNoPart(last(), number);
    assert.match(last(), /23505/, 'the error is still logged with its code');
  } finally {
    await close();
  }
});
