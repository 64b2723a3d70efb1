/** The merchant-side verifier as merchants import it: `efaktura/verify`, plain JavaScript. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCallbackUrl } from '../../src/domain/callbacks/signature.ts';

test('efaktura/verify (built JavaScript) accepts a signed callback and rejects a tampered one', async () => {
  const { verifyCallback } = await import('efaktura/verify');
  const url = buildCallbackUrl(
    'https://shop.example/cb?shop=7',
    { orderUuid: 'ODR1234567890', status: 'PAID', createdAt: 1703040812, paymentMethod: 'efaktura', amount: '51.00', timestamp: Math.floor(Date.now() / 1000) },
    'secret',
  );
  assert.deepEqual(verifyCallback(url, 'secret').ok, true);
  assert.deepEqual(verifyCallback(url.replace('PAID', 'SENT'), 'secret'), { ok: false, reason: 'bad-checksum' });
  assert.deepEqual(verifyCallback(url, 'other secret'), { ok: false, reason: 'bad-checksum' });
});
