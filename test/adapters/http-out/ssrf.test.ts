import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { SSRF_REFUSED_CODE, guardedLookup, isForbiddenAddress, isSsrfRefusal } from '../../../src/adapters/http-out/ssrf.ts';

// Each range: its first and last address are forbidden, the addresses just outside are public
// (unless the neighbour is itself another forbidden range, listed there).
const ipv4Ranges: Array<{ range: string; first: string; last: string; below?: string; above?: string }> = [
  { range: 'unspecified 0.0.0.0/8', first: '0.0.0.0', last: '0.255.255.255', above: '1.0.0.0' },
  { range: 'private 10/8', first: '10.0.0.0', last: '10.255.255.255', below: '9.255.255.255', above: '11.0.0.0' },
  { range: 'CGNAT 100.64/10', first: '100.64.0.0', last: '100.127.255.255', below: '100.63.255.255', above: '100.128.0.0' },
  { range: 'loopback 127/8', first: '127.0.0.0', last: '127.255.255.255', below: '126.255.255.255', above: '128.0.0.0' },
  { range: 'link-local 169.254/16', first: '169.254.0.0', last: '169.254.255.255', below: '169.253.255.255', above: '169.255.0.0' },
  { range: 'private 172.16/12', first: '172.16.0.0', last: '172.31.255.255', below: '172.15.255.255', above: '172.32.0.0' },
  { range: 'IETF 192.0.0/24', first: '192.0.0.0', last: '192.0.0.255', below: '191.255.255.255', above: '192.0.1.0' },
  { range: 'TEST-NET-1 192.0.2/24', first: '192.0.2.0', last: '192.0.2.255', below: '192.0.1.255', above: '192.0.3.0' },
  { range: '6to4 relay 192.88.99/24', first: '192.88.99.0', last: '192.88.99.255', below: '192.88.98.255', above: '192.88.100.0' },
  { range: 'private 192.168/16', first: '192.168.0.0', last: '192.168.255.255', below: '192.167.255.255', above: '192.169.0.0' },
  { range: 'benchmarking 198.18/15', first: '198.18.0.0', last: '198.19.255.255', below: '198.17.255.255', above: '198.20.0.0' },
  { range: 'TEST-NET-2 198.51.100/24', first: '198.51.100.0', last: '198.51.100.255', below: '198.51.99.255', above: '198.51.101.0' },
  { range: 'TEST-NET-3 203.0.113/24', first: '203.0.113.0', last: '203.0.113.255', below: '203.0.112.255', above: '203.0.114.0' },
  { range: 'multicast 224/4', first: '224.0.0.0', last: '239.255.255.255', below: '223.255.255.255' },
  { range: 'reserved 240/4 incl. broadcast', first: '240.0.0.0', last: '255.255.255.255' },
];

const ipv6Ranges: Array<{ range: string; first: string; last: string; below?: string; above?: string }> = [
  { range: 'unspecified ::', first: '::', last: '::' },
  { range: 'loopback ::1', first: '::1', last: '::1' },
  { range: 'discard 100::/64', first: '100::', last: '100::ffff:ffff:ffff:ffff' },
  { range: 'IETF 2001::/23 incl. Teredo', first: '2001::', last: '2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff', below: '2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff', above: '2001:200::' },
  { range: 'documentation 2001:db8::/32', first: '2001:db8::', last: '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', below: '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', above: '2001:db9::' },
  { range: 'documentation 3fff::/20', first: '3fff::', last: '3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff', below: '3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff', above: '3fff:1000::' },
  { range: 'outside global unicast, below 2000::/3', first: '::2', last: '1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', above: '2000::' },
  { range: 'outside global unicast, above 2000::/3', first: '4000::', last: 'fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', below: '3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff' },
  { range: 'unique local fc00::/7', first: 'fc00::', last: 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff' },
  { range: 'link-local fe80::/10', first: 'fe80::', last: 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff' },
  { range: 'multicast ff00::/8', first: 'ff00::', last: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff' },
];

describe('isForbiddenAddress', () => {
  for (const { range, first, last, below, above } of [...ipv4Ranges, ...ipv6Ranges]) {
    it(`forbids ${range} (${first} … ${last}) and not its neighbours`, () => {
      assert.equal(isForbiddenAddress(first), true, first);
      assert.equal(isForbiddenAddress(last), true, last);
      if (below) assert.equal(isForbiddenAddress(below), false, below);
      if (above) assert.equal(isForbiddenAddress(above), false, above);
    });
  }

  it('allows ordinary public addresses', () => {
    for (const ip of ['1.1.1.1', '8.8.8.8', '93.184.216.34', '2606:4700:4700::1111', '2a00:1450:400f:80d::200e']) {
      assert.equal(isForbiddenAddress(ip), false, ip);
    }
  });

  it('judges IPv4-mapped, NAT64 and 6to4 addresses by the IPv4 address inside', () => {
    const cases: Array<[string, boolean]> = [
      ['::ffff:127.0.0.1', true],
      ['::ffff:7f00:1', true],
      ['::FFFF:10.1.2.3', true],
      ['::ffff:169.254.169.254', true],
      ['::ffff:8.8.8.8', false],
      ['64:ff9b::127.0.0.1', true],
      ['64:ff9b::a9fe:a9fe', true], // 169.254.169.254
      ['64:ff9b::808:808', false], // 8.8.8.8
      ['64:ff9b:1::808:808', true], // local-use NAT64 prefix
      ['2002:7f00:1::', true], // 6to4 of 127.0.0.1
      ['2002:c0a8:101::1', true], // 6to4 of 192.168.1.1
      ['2002:808:808::1', false], // 6to4 of 8.8.8.8
      ['::127.0.0.1', true], // deprecated IPv4-compatible
    ];
    for (const [ip, forbidden] of cases) assert.equal(isForbiddenAddress(ip), forbidden, ip);
  });

  it('accepts bracketed and zoned forms, and forbids anything that is not an IP address', () => {
    assert.equal(isForbiddenAddress('[::1]'), true);
    assert.equal(isForbiddenAddress('fe80::1%eth0'), true);
    assert.equal(isForbiddenAddress('[2606:4700:4700::1111]'), false);
    for (const junk of ['', 'localhost', '127.1', '0x7f000001', '2130706433', '1.2.3.4.5', ':::1']) {
      assert.equal(isForbiddenAddress(junk), true, JSON.stringify(junk));
    }
  });
});

function lookupWith(
  allowPrivate: boolean,
  hostname: string,
  all: boolean,
): Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }> {
  return new Promise((resolve) => {
    guardedLookup(allowPrivate)(hostname, { all }, (error, address, family) => resolve({ error, address, family }));
  });
}

describe('guardedLookup', () => {
  it('refuses a name that resolves to loopback, with a recognisable code', async () => {
    for (const all of [false, true]) {
      const { error } = await lookupWith(false, 'localhost', all);
      assert.equal(error?.code, SSRF_REFUSED_CODE);
      assert.equal(isSsrfRefusal(error), true);
      assert.match(error?.message ?? '', /localhost/);
    }
  });

  it('resolves normally when private targets are allowed, in both callback shapes', async () => {
    const single = await lookupWith(true, 'localhost', false);
    assert.equal(single.error, null);
    assert.equal(typeof single.address, 'string');
    assert.equal(isForbiddenAddress(single.address as string), true);
    const many = await lookupWith(true, 'localhost', true);
    assert.equal(many.error, null);
    assert.ok(Array.isArray(many.address) && many.address.length > 0);
  });

  it('passes DNS errors through unchanged', async () => {
    const { error } = await lookupWith(false, 'no-such-host.invalid', false);
    assert.ok(error);
    assert.notEqual(error.code, SSRF_REFUSED_CODE);
  });

  it('recognises a refusal wrapped in an AggregateError (happy-eyeballs)', () => {
    assert.equal(isSsrfRefusal(new AggregateError([Object.assign(new Error('x'), { code: SSRF_REFUSED_CODE })])), true);
    assert.equal(isSsrfRefusal(new Error('ECONNREFUSED')), false);
    assert.equal(isSsrfRefusal(null), false);
  });
});
