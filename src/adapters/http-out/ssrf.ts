/**
 * SSRF guard for outgoing callbacks (SPEC §4): a merchant-supplied URL must not make the worker call
 * loopback, private, link-local, multicast or otherwise non-public addresses, unless the operator allows
 * it (tests, on-premise merchants). The check is made on the address actually connected to:
 * `guardedLookup` is passed as the `lookup` option of http.request, so a name cannot resolve to one
 * address when validated and another when connected (DNS rebinding). Node skips `lookup` for IP-literal
 * hosts, so callers must also check literal hosts with `isForbiddenAddress` before connecting.
 */
import dns from 'node:dns';
import net from 'node:net';

export const SSRF_REFUSED_CODE = 'EFAKTURA_SSRF_REFUSED';

export class SsrfRefusedError extends Error {
  readonly code = SSRF_REFUSED_CODE;
  readonly address: string;
  constructor(host: string, address: string) {
    super(`refused to connect to ${host} (${address}): not a public address; set the operator's allow-private option to permit it`);
    this.name = 'SsrfRefusedError';
    this.address = address;
  }
}

/** IANA IPv4 special-purpose registry: every block that is not ordinary public unicast. */
const FORBIDDEN_IPV4 = blockList('ipv4', [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, incl. cloud metadata 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1 (documentation)
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, incl. broadcast 255.255.255.255
]);

/** Inside global unicast 2000::/3, the blocks that are not ordinary public addresses. */
const FORBIDDEN_IPV6_IN_GLOBAL_UNICAST = blockList('ipv6', [
  ['2001::', 23], // IETF protocol assignments, incl. Teredo 2001::/32 and benchmarking 2001:2::/48
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation (RFC 9637)
]);

/** True unless `ip` is a public unicast address. Anything that is not an IP address is forbidden too. */
export function isForbiddenAddress(ip: string): boolean {
  const unbracketed = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const withoutZone = unbracketed.split('%', 1)[0] ?? ''; // fe80::1%eth0 — zone ids only exist on local links
  switch (net.isIP(withoutZone)) {
    case 4:
      return FORBIDDEN_IPV4.check(withoutZone, 'ipv4');
    case 6:
      return isForbiddenIPv6(withoutZone);
    default:
      return true;
  }
}

function isForbiddenIPv6(ip: string): boolean {
  const bytes = ipv6Bytes(ip);
  if (bytes === null) return true;
  // Addresses that carry an IPv4 address are judged by it: IPv4-mapped ::ffff:0:0/96 (how a dual-stack
  // socket shows IPv4 peers), NAT64 64:ff9b::/96 and 6to4 2002::/16 (reach the embedded IPv4 host).
  const embedded = embeddedIPv4(bytes);
  if (embedded !== null) return FORBIDDEN_IPV4.check(embedded, 'ipv4');
  // Allow-list: only global unicast 2000::/3 is public. This excludes ::, ::1, IPv4-compatible ::/96,
  // discard 100::/64, local NAT64 64:ff9b:1::/48, ULA fc00::/7, link-local fe80::/10, site-local
  // fec0::/10 and multicast ff00::/8 — and whatever IANA assigns outside 2000::/3 in future.
  if (((bytes[0] ?? 0) & 0xe0) !== 0x20) return true;
  return FORBIDDEN_IPV6_IN_GLOBAL_UNICAST.check(ip, 'ipv6');
}

function embeddedIPv4(b: Uint8Array): string | null {
  const quad = (offset: number) => [0, 1, 2, 3].map((i) => b[offset + i] ?? 0).join('.');
  const zeros = (from: number, to: number) => b.subarray(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return quad(12); // ::ffff:a.b.c.d
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return quad(12); // 64:ff9b::a.b.c.d
  if (b[0] === 0x20 && b[1] === 0x02) return quad(2); // 2002:aabb:ccdd::/48
  return null;
}

/** 16 bytes of an address `net.isIPv6` accepted (zone id already removed); null if it does not parse. */
function ipv6Bytes(ip: string): Uint8Array | null {
  let text = ip;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    // Trailing dotted quad (::ffff:127.0.0.1): rewrite as two hex groups.
    const parts = text.slice(lastColon + 1).split('.').map(Number);
    const [a = 0, b = 0, c = 0, d = 0] = parts;
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (half: string | undefined) => (half ? half.split(':') : []);
  const head = groupsOf(halves[0]);
  const tail = groupsOf(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  const bytes = new Uint8Array(16);
  for (const [i, group] of groups.entries()) {
    const value = Number.parseInt(group, 16);
    if (!/^[0-9a-f]{1,4}$/i.test(group) || Number.isNaN(value)) return null;
    bytes[2 * i] = value >> 8;
    bytes[2 * i + 1] = value & 0xff;
  }
  return bytes;
}

function blockList(family: 'ipv4' | 'ipv6', subnets: ReadonlyArray<[string, number]>): net.BlockList {
  const list = new net.BlockList();
  for (const [network, prefix] of subnets) list.addSubnet(network, prefix, family);
  return list;
}

/**
 * A `dns.lookup`-compatible function for the `lookup` option of http.request / an Agent. With
 * `allowPrivate` false it resolves every address of the name and fails with `SsrfRefusedError`
 * (code EFAKTURA_SSRF_REFUSED) if any is forbidden: with happy-eyeballs node may connect to any of them,
 * and a name mixing public and private answers is suspicious anyway.
 */
export function guardedLookup(allowPrivate: boolean): net.LookupFunction {
  if (allowPrivate) return dns.lookup as net.LookupFunction;
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const forbidden = addresses.find((a) => isForbiddenAddress(a.address));
      if (forbidden) return callback(new SsrfRefusedError(hostname, forbidden.address), '');
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
      callback(null, first.address, first.family);
    });
  };
}

/** Whether an error (from http.request, the lookup, or a wrapping AggregateError) is an SSRF refusal. */
export function isSsrfRefusal(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as { code?: unknown }).code === SSRF_REFUSED_CODE) return true;
  const inner = (error as { errors?: unknown }).errors;
  return Array.isArray(inner) && inner.some(isSsrfRefusal);
}
