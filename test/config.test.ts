/** Configuration from the environment: defaults that depend on the deployment, and refused values. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConfigError, loadConfig } from '../src/config.ts';

const SERVER = 'postgres://postgres@127.0.0.1:5432/x';

test('the demo merchant is on by default for the embedded database and off with DATABASE_URL', () => {
  assert.equal(loadConfig({}).demoMerchant, true);
  assert.equal(loadConfig({ DATABASE_URL: SERVER }).demoMerchant, false);
});

test('EFAKTURA_DEMO_MERCHANT given explicitly wins over the default, either way', () => {
  assert.equal(loadConfig({ DATABASE_URL: SERVER, EFAKTURA_DEMO_MERCHANT: '1' }).demoMerchant, true);
  assert.equal(loadConfig({ EFAKTURA_DEMO_MERCHANT: '0' }).demoMerchant, false);
  assert.throws(() => loadConfig({ EFAKTURA_DEMO_MERCHANT: 'maybe' }), /EFAKTURA_DEMO_MERCHANT must be 1 or 0/);
});

test('a retry schedule with an empty entry is refused instead of being read as a 0-second wait', () => {
  for (const schedule of ['5,,10', ',5', '5,', '5, ,10']) {
    assert.throws(() => loadConfig({ EFAKTURA_CALLBACK_RETRY_SCHEDULE: schedule }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /EFAKTURA_CALLBACK_RETRY_SCHEDULE must be comma-separated seconds/);
      return true;
    });
  }
});

test('a retry schedule of written-out non-negative numbers is read as given', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.nat({ max: 1_000_000 }), fc.constantFrom(0.2, 0.5, 1.25)), { minLength: 1, maxLength: 12 }), (seconds) => {
      const config = loadConfig({ EFAKTURA_CALLBACK_RETRY_SCHEDULE: seconds.join(', ') });
      assert.deepEqual(config.callbackRetrySchedule, seconds);
    }),
  );
});

test('a retry schedule entry that is not a plain number is refused', () => {
  fc.assert(
    fc.property(fc.string().filter((s) => !/^\s*\d+(\.\d+)?\s*$/.test(s) && !s.includes(',')), (bad) => {
      assert.throws(() => loadConfig({ EFAKTURA_CALLBACK_RETRY_SCHEDULE: `0,${bad},5` }), /EFAKTURA_CALLBACK_RETRY_SCHEDULE/);
    }),
  );
});

test('EFAKTURA_IMPORT_BODY_LIMIT: 100 MB by default, a whole number of bytes from 1 KiB to 1 GiB', () => {
  assert.equal(loadConfig({}).importBodyLimitBytes, 104_857_600);
  assert.equal(loadConfig({ EFAKTURA_IMPORT_BODY_LIMIT: '2048' }).importBodyLimitBytes, 2048);
  for (const bad of ['100MB', '10', String(2 * 1024 * 1024 * 1024)]) {
    assert.throws(() => loadConfig({ EFAKTURA_IMPORT_BODY_LIMIT: bad }), /EFAKTURA_IMPORT_BODY_LIMIT must be a whole number/);
  }
});
