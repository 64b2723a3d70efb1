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

test('the eFaktura simulator is on by default on port 3001, and its URL follows the port unless given', () => {
  const defaults = loadConfig({});
  assert.equal(defaults.simulatorEnabled, true);
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://db.example/efaktura' }).simulatorEnabled, false, 'off by default against a PostgreSQL server');
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://db.example/efaktura' }).bankConnector, 'none', 'so no simulated payment is imported as money');
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://db.example/efaktura', EFAKTURA_SIMULATOR: '1' }).simulatorEnabled, true);
  assert.equal(defaults.simulatorPort, 3001);
  assert.equal(defaults.simulatorUrl, 'http://127.0.0.1:3001');
  assert.equal(loadConfig({ EFAKTURA_SIMULATOR_PORT: '4001' }).simulatorUrl, 'http://127.0.0.1:4001');
  const given = loadConfig({ EFAKTURA_SIMULATOR: '0', EFAKTURA_SIMULATOR_URL: 'https://sim.example:8443/' });
  assert.equal(given.simulatorEnabled, false);
  assert.equal(given.simulatorUrl, 'https://sim.example:8443');
  assert.throws(() => loadConfig({ EFAKTURA_SIMULATOR_URL: 'ftp://sim' }), /EFAKTURA_SIMULATOR_URL must be an http/);
  assert.throws(() => loadConfig({ EFAKTURA_SIMULATOR_PORT: '70000' }), /EFAKTURA_SIMULATOR_PORT/);
});

test('delivery settings: the defaults, and an unknown eFaktura adapter or a malformed URL is refused', () => {
  const config = loadConfig({});
  assert.equal(config.efakturaAdapter, 'simulator');
  assert.equal(config.simulatorUrl, 'http://127.0.0.1:3001');
  assert.equal(config.smtpUrl, null);
  assert.equal(config.mailFrom, 'efaktura@localhost');
  assert.equal(config.outboxDir, './data/outbox');
  assert.equal(config.documentLinkDays, 490);
  assert.equal(config.publicUrl, null);
  assert.deepEqual(config.deliveryRetrySchedule, [30, 120, 600, 1800]);
  assert.throws(() => loadConfig({ EFAKTURA_EFAKTURA_ADAPTER: 'nets' }), /EFAKTURA_EFAKTURA_ADAPTER must be simulator \(got "nets"\)/);
  assert.throws(() => loadConfig({ EFAKTURA_SMTP_URL: 'http://mail' }), /EFAKTURA_SMTP_URL must be a smtp or smtps URL/);
  assert.throws(() => loadConfig({ EFAKTURA_SIMULATOR_URL: 'nowhere' }), /EFAKTURA_SIMULATOR_URL must be an http:\/\/ or https:\/\/ URL/);
  assert.throws(() => loadConfig({ EFAKTURA_MAIL_FROM: 'not an address' }), /EFAKTURA_MAIL_FROM must be an e-mail address/);
  assert.throws(() => loadConfig({ EFAKTURA_DELIVERY_RETRY_SCHEDULE: '5,,10' }), /EFAKTURA_DELIVERY_RETRY_SCHEDULE must be comma-separated seconds/);
  assert.equal(loadConfig({ EFAKTURA_MAIL_FROM: 'Faktura <faktura@shop.example>' }).mailFrom, 'Faktura <faktura@shop.example>');
  assert.equal(loadConfig({ EFAKTURA_SMTP_URL: 'smtps://u:p@mail.example:465' }).smtpUrl, 'smtps://u:p@mail.example:465');
});

test('EFAKTURA_IMPORT_BODY_LIMIT: 100 MB by default, a whole number of bytes from 1 KiB to 1 GiB', () => {
  assert.equal(loadConfig({}).importBodyLimitBytes, 104_857_600);
  assert.equal(loadConfig({ EFAKTURA_IMPORT_BODY_LIMIT: '2048' }).importBodyLimitBytes, 2048);
  for (const bad of ['100MB', '10', String(2 * 1024 * 1024 * 1024)]) {
    assert.throws(() => loadConfig({ EFAKTURA_IMPORT_BODY_LIMIT: bad }), /EFAKTURA_IMPORT_BODY_LIMIT must be a whole number/);
  }
});

test('EFAKTURA_LATE_INTEREST_RATES extends the built-in forsinkelsesrente table by whole half years', () => {
  const builtIn = loadConfig({}).lateInterestRates;
  assert.equal(builtIn.at(-1)!.to, '2026-06-30');
  const extended = loadConfig({ EFAKTURA_LATE_INTEREST_RATES: '2026-07-01=11.75' }).lateInterestRates;
  assert.deepEqual(extended.at(-1), { from: '2026-07-01', to: '2026-12-31', basisPoints: 1175, source: 'operator setting EFAKTURA_LATE_INTEREST_RATES (2026-07-01=11.75)' });
  assert.throws(() => loadConfig({ EFAKTURA_LATE_INTEREST_RATES: '2026-06-01=11' }), /EFAKTURA_LATE_INTEREST_RATES: "2026-06-01=11" is not FROM=PERCENT/);
  assert.throws(() => loadConfig({ EFAKTURA_LATE_INTEREST_RATES: '2026-01-01=11' }), /the half year from 2026-01-01 already has a rate/);
});
