import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  buildCallbackUrl,
  callbackChecksum,
  callbackUrlQueryProblems,
  type CallbackParameters,
} from '../../../src/domain/callbacks/signature.ts';
import { verifyCallback } from '../../../src/verify.ts';
import { ORDER_STATUSES } from '../../../src/domain/orders/lifecycle.ts';

const SECRET = 'merchant-callback-secret';
const NOW_S = 1_755_764_131;
const now = () => NOW_S * 1000;

const params: CallbackParameters = {
  orderUuid: 'ODR3506777330',
  status: 'PAID',
  createdAt: 1_755_760_000,
  paymentMethod: 'efaktura',
  amount: '51.00',
  timestamp: NOW_S,
};

/** SPEC §4 in its own words, written apart from the implementation: the values of every query
 * parameter except `checksum`, concatenated in URL order, then the secret; lower-case hex SHA-256. */
function checksumPerSpec(url: string, secret: string): string {
  let concatenated = '';
  for (const [name, value] of new URL(url).searchParams) if (name !== 'checksum') concatenated += value;
  return createHash('sha256').update(concatenated + secret, 'utf8').digest('hex');
}

describe('buildCallbackUrl', () => {
  it('appends our parameters in the documented order, after the merchant’s own', () => {
    const url = buildCallbackUrl('https://shop.example/hooks/efaktura?shop=42&token=abc', params, SECRET);
    const names = [...new URL(url).searchParams.keys()];
    assert.deepEqual(names, ['shop', 'token', 'orderUuid', 'status', 'createdAt', 'paymentMethod', 'amount', 'timestamp', 'checksum']);
    assert.equal(new URL(url).origin + new URL(url).pathname, 'https://shop.example/hooks/efaktura');
    assert.deepEqual(Object.fromEntries(new URL(url).searchParams), {
      shop: '42',
      token: 'abc',
      orderUuid: 'ODR3506777330',
      status: 'PAID',
      createdAt: '1755760000',
      paymentMethod: 'efaktura',
      amount: '51.00',
      timestamp: String(NOW_S),
      checksum: checksumPerSpec(url, SECRET),
    });
  });

  it('signs with a lower-case hex SHA-256 that matches the spec, over decoded values', () => {
    const url = buildCallbackUrl('https://shop.example/cb', { ...params, status: 'PARTIAL REFUNDED' }, SECRET);
    const checksum = new URL(url).searchParams.get('checksum') ?? '';
    assert.match(checksum, /^[0-9a-f]{64}$/);
    assert.equal(checksum, checksumPerSpec(url, SECRET));
    assert.match(url, /status=PARTIAL\+REFUNDED&/);
    // The same thing by hand: PHP's $_GET sees "PARTIAL REFUNDED", with the space.
    const byHand = createHash('sha256')
      .update(`ODR3506777330PARTIAL REFUNDED1755760000efaktura51.00${NOW_S}${SECRET}`)
      .digest('hex');
    assert.equal(checksum, byHand);
    assert.equal(callbackChecksum(['ODR3506777330', 'PARTIAL REFUNDED', '1755760000', 'efaktura', '51.00', String(NOW_S)], SECRET), byHand);
  });

  it('keeps awkward merchant values intact: &, +, =, %, spaces and unicode', () => {
    const merchant = new URLSearchParams([
      ['ref', 'a&b=c+d'],
      ['name', 'Bjørn Ås 🧾'],
      ['pct', '100%'],
      ['empty', ''],
    ]);
    const url = buildCallbackUrl(`https://shop.example/cb?${merchant}`, params, SECRET);
    const received = new URL(url).searchParams;
    assert.deepEqual([...received].slice(0, 4), [...merchant]);
    assert.equal(received.get('checksum'), checksumPerSpec(url, SECRET));
  });

  it('normalises a raw merchant query, so every parser decodes what was signed', () => {
    const url = buildCallbackUrl('https://shop.example/cb?name=Bjørn Ås&x=a%2Bb&bad=%FF#frag', params, SECRET);
    assert.ok(!url.includes('#'));
    const received = new URL(url).searchParams;
    assert.equal(received.get('name'), 'Bjørn Ås');
    assert.equal(received.get('x'), 'a+b');
    assert.equal(received.get('bad'), '\uFFFD');
    assert.equal(received.get('checksum'), checksumPerSpec(url, SECRET));
  });

  it('replaces merchant parameters that carry one of our names', () => {
    const url = buildCallbackUrl('https://shop.example/cb?status=mine&keep=1&checksum=x', params, SECRET);
    const names = [...new URL(url).searchParams.keys()];
    assert.deepEqual(names, ['keep', 'orderUuid', 'status', 'createdAt', 'paymentMethod', 'amount', 'timestamp', 'checksum']);
    assert.equal(new URL(url).searchParams.get('status'), 'PAID');
  });

  it('refuses an empty secret and non-integer times', () => {
    assert.throws(() => buildCallbackUrl('https://shop.example/cb', params, ''), TypeError);
    assert.throws(() => buildCallbackUrl('https://shop.example/cb', { ...params, timestamp: 1.5 }, SECRET), RangeError);
  });
});

describe('callbackUrlQueryProblems', () => {
  it('is empty for ordinary URLs', () => {
    assert.deepEqual(callbackUrlQueryProblems('https://shop.example/cb?shop=42&token=abc'), []);
  });

  it('reports what would break a PHP $_GET loop', () => {
    assert.equal(callbackUrlQueryProblems('https://shop.example/cb?status=x').length, 1);
    assert.equal(callbackUrlQueryProblems('https://shop.example/cb?a=1&a=2').length, 1);
    assert.equal(callbackUrlQueryProblems('https://shop.example/cb?a.b=1&a_b=2').length, 1);
    assert.equal(callbackUrlQueryProblems('https://shop.example/cb?a[]=1').length, 1);
    assert.deepEqual(callbackUrlQueryProblems('not a url'), ['is not an absolute URL']);
  });

  it('refuses a parameter with an empty name, which PHP drops from $_GET while its value would be signed', () => {
    for (const query of ['=abc', 'shop=1&=abc', '=', '&=x&b=2']) {
      assert.deepEqual(callbackUrlQueryProblems(`https://shop.example/cb?${query}`), ['has a query parameter with an empty name'], query);
    }
    // An empty *value* is fine: PHP keeps `a` with "".
    assert.deepEqual(callbackUrlQueryProblems('https://shop.example/cb?a=&b'), []);
  });
});

describe('verifyCallback', () => {
  const url = buildCallbackUrl('https://shop.example/cb?shop=42&note=a%26b', { ...params, status: 'PARTIAL REFUNDED' }, SECRET);
  const parsed = new URL(url);
  const expected = { ok: true, orderUuid: 'ODR3506777330', status: 'PARTIAL REFUNDED', timestamp: NOW_S };

  it('accepts what buildCallbackUrl produces, in every input form', () => {
    const inputs = {
      'full URL': url,
      'URL object': parsed,
      'path and query': parsed.pathname + parsed.search,
      'query with ?': parsed.search,
      'query without ?': parsed.search.slice(1),
      URLSearchParams: parsed.searchParams,
      'parsed query object': Object.fromEntries(parsed.searchParams),
    };
    for (const [form, input] of Object.entries(inputs)) {
      assert.deepEqual(verifyCallback(input, SECRET, { now }), expected, form);
    }
  });

  it('accepts repeated merchant parameters grouped into an array, as qs does', () => {
    const repeated = buildCallbackUrl('https://shop.example/cb?tag=a&tag=b', params, SECRET);
    const query: Record<string, string | string[]> = { tag: ['a', 'b'] };
    for (const [name, value] of new URL(repeated).searchParams) if (name !== 'tag') query[name] = value;
    assert.equal(verifyCallback(query, SECRET, { now }).ok, true);
  });

  it('rejects a tampered value, a wrong secret and a missing checksum', () => {
    const tampered = new URL(url);
    tampered.searchParams.set('amount', '5100.00');
    assert.deepEqual(verifyCallback(tampered, SECRET, { now }), { ok: false, reason: 'bad-checksum' });
    assert.deepEqual(verifyCallback(url, 'other-secret', { now }), { ok: false, reason: 'bad-checksum' });
    const unsigned = new URL(url);
    unsigned.searchParams.delete('checksum');
    assert.deepEqual(verifyCallback(unsigned, SECRET, { now }), { ok: false, reason: 'missing-checksum' });
    unsigned.searchParams.set('checksum', '');
    assert.deepEqual(verifyCallback(unsigned, SECRET, { now }), { ok: false, reason: 'missing-checksum' });
    unsigned.searchParams.set('checksum', 'abc');
    assert.deepEqual(verifyCallback(unsigned, SECRET, { now }), { ok: false, reason: 'bad-checksum' });
  });

  it('accepts an upper-case checksum (hex is hex)', () => {
    const upper = new URL(url);
    upper.searchParams.set('checksum', (upper.searchParams.get('checksum') ?? '').toUpperCase());
    assert.equal(verifyCallback(upper, SECRET, { now }).ok, true);
  });

  it('rejects a timestamp outside the freshness window, either way', () => {
    const at = (seconds: number) => () => seconds * 1000;
    assert.equal(verifyCallback(url, SECRET, { now: at(NOW_S + 300) }).ok, true);
    assert.deepEqual(verifyCallback(url, SECRET, { now: at(NOW_S + 301) }), { ok: false, reason: 'stale' });
    assert.deepEqual(verifyCallback(url, SECRET, { now: at(NOW_S - 301) }), { ok: false, reason: 'stale' });
    assert.deepEqual(verifyCallback(url, SECRET, { now: at(NOW_S + 61), maxAgeSeconds: 60 }), { ok: false, reason: 'stale' });
    assert.equal(verifyCallback(url, SECRET, { now: at(NOW_S + 86_400 * 365), maxAgeSeconds: Infinity }).ok, true);
  });

  it('calls a correctly signed but incomplete or ambiguous query malformed', () => {
    const sign = (pairs: string[][]) => {
      const q = new URLSearchParams(pairs);
      q.append('checksum', callbackChecksum([...q.values()], SECRET));
      return q;
    };
    assert.deepEqual(verifyCallback(sign([['orderUuid', 'ODR1'], ['timestamp', String(NOW_S)]]), SECRET, { now }), { ok: false, reason: 'malformed' });
    assert.deepEqual(verifyCallback(sign([['orderUuid', 'ODR1'], ['status', 'PAID'], ['timestamp', 'soon']]), SECRET, { now }), { ok: false, reason: 'malformed' });
    const twice = new URLSearchParams(url.split('?')[1]);
    twice.append('checksum', twice.get('checksum') ?? '');
    assert.deepEqual(verifyCallback(twice, SECRET, { now }), { ok: false, reason: 'malformed' });
    const nested = { ...Object.fromEntries(parsed.searchParams), a: { b: '1' } } as unknown as Record<string, string>;
    assert.deepEqual(verifyCallback(nested, SECRET, { now }), { ok: false, reason: 'malformed' });
  });

  it('refuses to run without a secret, where any forger could sign', () => {
    assert.throws(() => verifyCallback(url, '', { now }), TypeError);
  });
});

describe('callback signature property', () => {
  const reservedNames = new Set(['orderUuid', 'status', 'createdAt', 'paymentMethod', 'amount', 'timestamp', 'checksum']);
  const text = fc.string({ unit: 'binary', maxLength: 12 });
  const merchantParams = fc.array(fc.tuple(text.filter((name) => !reservedNames.has(name)), text), { maxLength: 5 });
  const status = fc.constantFrom(...ORDER_STATUSES);
  const replacement = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });

  it('verifyCallback(buildCallbackUrl(…)) is ok, and any one changed character makes it fail', () => {
    fc.assert(
      fc.property(merchantParams, status, fc.nat(), fc.nat(), replacement, (merchant, orderStatus, pickValue, pickChar, newChar) => {
        const callbackUrl = `https://shop.example/cb?${new URLSearchParams(merchant)}`;
        const url = buildCallbackUrl(callbackUrl, { ...params, status: orderStatus }, SECRET);

        assert.equal(new URL(url).searchParams.get('checksum'), checksumPerSpec(url, SECRET));
        assert.deepEqual(verifyCallback(url, SECRET, { now }), {
          ok: true,
          orderUuid: params.orderUuid,
          status: orderStatus,
          timestamp: NOW_S,
        });
        // The merchant's own parameters arrive as they were sent.
        assert.deepEqual([...new URL(url).searchParams].slice(0, merchant.length), merchant);

        const pairs = [...new URL(url).searchParams];
        const candidates = pairs.map((pair, index) => ({ pair, index })).filter(({ pair }) => pair[1] !== '');
        const target = candidates[pickValue % candidates.length];
        if (!target) throw new Error('our own parameters are never empty');
        const [name, value] = target.pair;
        const chars = Array.from(value);
        const at = pickChar % chars.length;
        const old = chars[at] ?? '';
        // In the checksum only a different hex digit is a real change (case is ignored on purpose).
        const next = name === 'checksum' ? (old === '0' ? '1' : '0') : newChar === old ? (old === 'a' ? 'b' : 'a') : newChar;
        chars[at] = next;
        pairs[target.index] = [name, chars.join('')];
        const flipped = `https://shop.example/cb?${new URLSearchParams(pairs)}`;
        const result = verifyCallback(flipped, SECRET, { now });
        assert.equal(result.ok, false, `changing ${name} from ${JSON.stringify(value)} still verified`);
      }),
      { numRuns: 1000 },
    );
  });

  it('a correctly signed callback with a status or order uuid of another shape is malformed, never ok', () => {
    const known = new Set<string>(ORDER_STATUSES);
    const otherStatus = fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).filter((s) => !known.has(s));
    const otherUuid = fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !/^ODR\d{10}$/.test(s));
    fc.assert(
      fc.property(fc.oneof(otherStatus.map((s) => ({ status: s })), otherUuid.map((u) => ({ orderUuid: u }))), (change) => {
        const url = buildCallbackUrl('https://shop.example/cb', { ...params, ...change }, SECRET);
        assert.deepEqual(verifyCallback(url, SECRET, { now }), { ok: false, reason: 'malformed' });
      }),
      { numRuns: 500 },
    );
  });
});
