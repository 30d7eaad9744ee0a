/**
 * Which IP addresses a webhook may be delivered to. Pure: the delivery adapter asks this about every
 * address a receiver's name resolves to, at registration and again on every connection (DNS can
 * change between the two), so a receiver can never make us call into our own network, the instance
 * metadata service, or any address that is not on the public internet.
 *
 * Everything that is not global unicast is refused: unspecified, loopback, private (RFC 1918, ULA),
 * shared (CGNAT), link-local (169.254/16 holds the metadata service; fe80::/10), documentation,
 * benchmarking, multicast, reserved and broadcast ranges, and IPv6 forms that embed an IPv4 address
 * (mapped, NAT64, 6to4, Teredo) are judged by that address — or refused outright where it cannot be
 * known.
 */

/** Why an address is refused, or `public`. */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link_local'
  | 'multicast'
  | 'reserved'
  | 'documentation'
  | 'invalid';

/** IPv4 ranges that are not public: [base address, prefix length, class]. */
const v4Ranges: ReadonlyArray<[string, number, AddressClass]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link_local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

/** A dotted IPv4 address as a 32-bit number, or undefined when it is not one (no shorthand forms). */
export const parseIpv4 = (text: string): number | undefined => {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
};

const v4Parsed = v4Ranges.map(([base, bits, kind]) => [parseIpv4(base) as number, bits, kind] as const);

const classifyV4 = (value: number): AddressClass => {
  for (const [base, bits, kind] of v4Parsed) {
    const size = 2 ** (32 - bits);
    if (value >= base && value < base + size) return kind;
  }
  return 'public';
};

/** An IPv6 address as eight 16-bit groups (an embedded dotted IPv4 tail accepted), or undefined. */
export const parseIpv6 = (input: string): number[] | undefined => {
  // A zone (`fe80::1%eth0`) only occurs on link-local addresses: refused either way.
  const text = input.replace(/%.*$/, '');
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let tail: number[] = [];
  let head = text;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [Math.floor(v4 / 65536), v4 % 65536];
    head = `${text.slice(0, lastColon + 1)}0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string | undefined) => (half ? half.split(':') : []);
  const left = groups(halves[0]);
  const right = groups(halves[1]);
  const wanted = 8 - tail.length + (tail.length ? 1 : 0);
  if (halves.length === 1 && left.length !== wanted) return undefined;
  if (halves.length === 2 && left.length + right.length >= wanted) return undefined;
  const fill = halves.length === 2 ? wanted - left.length - right.length : 0;
  const all = [...left, ...Array<string>(fill).fill('0'), ...right];
  const numbers: number[] = [];
  for (const group of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    numbers.push(Number.parseInt(group, 16));
  }
  if (tail.length) numbers.splice(numbers.length - 1, 1, ...tail);
  return numbers.length === 8 ? numbers : undefined;
};

const startsWith = (groups: readonly number[], prefix: readonly number[], bits: number): boolean => {
  for (let i = 0; bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if (((groups[i] ?? 0) & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
};

const embeddedV4 = (high: number, low: number) => high * 65536 + low;

const classifyV6 = (g: readonly number[]): AddressClass => {
  if (g.every((x) => x === 0)) return 'unspecified';
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback';
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated): the IPv4 address decides.
  if (startsWith(g, [0, 0, 0, 0, 0, 0xffff], 96) || startsWith(g, [0, 0, 0, 0, 0, 0], 96))
    return classifyV4(embeddedV4(g[6] ?? 0, g[7] ?? 0));
  // NAT64 (64:ff9b::/96) reaches the IPv4 address in its last 32 bits.
  if (startsWith(g, [0x64, 0xff9b, 0, 0, 0, 0], 96)) return classifyV4(embeddedV4(g[6] ?? 0, g[7] ?? 0));
  // 6to4 (2002::/16) reaches the IPv4 address in bits 16–48.
  if (startsWith(g, [0x2002], 16)) return classifyV4(embeddedV4(g[1] ?? 0, g[2] ?? 0));
  if (startsWith(g, [0x64, 0xff9b, 1], 48)) return 'reserved'; // local-use NAT64
  if (startsWith(g, [0x2001, 0xdb8], 32)) return 'documentation';
  if (startsWith(g, [0x2001], 23)) return 'reserved'; // IETF protocol assignments, Teredo included
  if (startsWith(g, [0x100], 64)) return 'reserved'; // discard-only
  if (startsWith(g, [0xfc00], 7)) return 'private'; // unique local (AWS's fd00:ec2::254 among them)
  if (startsWith(g, [0xfe80], 10)) return 'link_local';
  if (startsWith(g, [0xfec0], 10)) return 'reserved'; // site-local, deprecated
  if (startsWith(g, [0xff00], 8)) return 'multicast';
  // Only 2000::/3 is allocated as global unicast.
  if (!startsWith(g, [0x2000], 3)) return 'reserved';
  return 'public';
};

/** What kind of address `ip` is (IPv4 dotted, or IPv6 in any textual form, brackets allowed). */
export const classifyAddress = (ip: string): AddressClass => {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const v4 = parseIpv4(bare);
  if (v4 !== undefined) return classifyV4(v4);
  const v6 = parseIpv6(bare);
  return v6 ? classifyV6(v6) : 'invalid';
};

/** True for a global unicast address, the only kind a webhook may reach in AWS. */
export const isPublicAddress = (ip: string): boolean => classifyAddress(ip) === 'public';

/** True for a literal IPv4 or IPv6 address (a host name is not one). */
export const isIpLiteral = (host: string): boolean => classifyAddress(host) !== 'invalid';
