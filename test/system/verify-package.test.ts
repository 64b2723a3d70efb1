/**
 * The merchant-side verifier as merchants import it: `efaktura/verify`, and re-exported by the SDK,
 * `efaktura/client`; plain JavaScript built from src/verify.ts. The file is rebuilt first (dist/ is not
 * committed), so the test can never pass against a stale build; the source is checked with the same cases.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildCallbackUrl, type CallbackParameters } from '../../src/domain/callbacks/signature.ts';
import { ORDER_STATUSES } from '../../src/domain/orders/lifecycle.ts';
import * as source from '../../src/verify.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let built: typeof source;
let builtClient: typeof source;

before(async () => {
  execFileSync(process.execPath, ['--disable-warning=ExperimentalWarning', `${ROOT}scripts/build-dist.ts`], { cwd: ROOT });
  built = (await import('efaktura/verify')) as typeof source;
  builtClient = await import('efaktura/client');
});

const SECRET = 'secret';
const signed = (overrides: Partial<CallbackParameters> = {}): string =>
  buildCallbackUrl(
    'https://shop.example/cb?shop=7',
    { orderUuid: 'ODR1234567890', status: 'PAID', createdAt: 1703040812, paymentMethod: 'efaktura', amount: '51.00', timestamp: Math.floor(Date.now() / 1000), ...overrides },
    SECRET,
  );

for (const [label, verifier] of [['built efaktura/verify', () => built], ['built efaktura/client', () => builtClient], ['src/verify.ts', () => source]] as const) {
  test(`${label} accepts a signed callback and rejects a tampered one`, () => {
    const { verifyCallback } = verifier();
    const url = signed();
    assert.deepEqual(verifyCallback(url, SECRET), { ok: true, orderUuid: 'ODR1234567890', status: 'PAID', timestamp: Number(new URL(url).searchParams.get('timestamp')) });
    assert.deepEqual(verifyCallback(url.replace('PAID', 'SENT'), SECRET), { ok: false, reason: 'bad-checksum' });
    assert.deepEqual(verifyCallback(url, 'other secret'), { ok: false, reason: 'bad-checksum' });
  });

  test(`${label} refuses a correctly signed callback whose order uuid or status is not of the documented shape`, () => {
    const { verifyCallback } = verifier();
    // Values shifted across the unseparated checksum boundary still verify; their shape gives them away.
    for (const orderUuid of ['ODR123456789', 'ODR12345678901', 'odr1234567890', 'ODR1234567890PAID', '']) {
      assert.deepEqual(verifyCallback(signed({ orderUuid }), SECRET), { ok: false, reason: 'malformed' }, orderUuid);
    }
    for (const status of ['PAIDX', 'paid', 'EXPIRED', '']) {
      assert.deepEqual(verifyCallback(signed({ status }), SECRET), { ok: false, reason: 'malformed' }, status);
    }
    assert.deepEqual(verifyCallback(signed({ timestamp: Math.floor(Date.now() / 1000) - 301 }), SECRET), { ok: false, reason: 'stale' });
  });

  test(`${label} knows exactly the order statuses of the lifecycle`, () => {
    assert.deepEqual([...verifier().CALLBACK_STATUSES].sort(), [...ORDER_STATUSES].sort());
    for (const status of ORDER_STATUSES) assert.equal(verifier().verifyCallback(signed({ status }), SECRET).ok, true, status);
  });
}
