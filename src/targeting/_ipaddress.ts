/**
 * The parts of Python's `ipaddress` module the ipcidr matcher uses, with Python's strictness:
 * dotted quads only (no leading zeros, no short forms), IPv6 with at most one `::` and an optional
 * IPv4 tail or `%scope`, networks strict about host bits, IPv4 masks as prefix, netmask or hostmask.
 */

export interface IpAddress {
  version: 4 | 6;
  value: bigint;
  /** IPv6 zone (`fe80::1%eth0`), kept by str() but ignored by comparisons. */
  scope?: string;
}

export interface IpNetwork {
  version: 4 | 6;
  network: bigint;
  prefixlen: number;
}

const V4_ALL = (1n << 32n) - 1n;
const V6_ALL = (1n << 128n) - 1n;

function parseV4(s: string): bigint | null {
  if (!s) return null;
  const octets = s.split('.');
  if (octets.length !== 4) return null;
  let v = 0n;
  for (const o of octets) {
    if (!/^[0-9]{1,3}$/.test(o)) return null;
    if (o.length > 1 && o[0] === '0') return null; // Python 3.9.5+ rejects leading zeros
    const n = Number(o);
    if (n > 255) return null;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(s: string): bigint | null {
  if (!s) return null;
  const pct = s.indexOf('%');
  if (pct >= 0) {
    const scope = s.slice(pct + 1);
    if (!scope || scope.includes('%')) return null;
    s = s.slice(0, pct);
  }
  const parts = s.split(':');
  if (parts.length < 3) return null;
  if (parts[parts.length - 1].includes('.')) {
    const v4 = parseV4(parts.pop()!);
    if (v4 === null) return null;
    parts.push(((v4 >> 16n) & 0xffffn).toString(16), (v4 & 0xffffn).toString(16));
  }
  if (parts.length > 9) return null;
  let skip: number | null = null;
  for (let i = 1; i < parts.length - 1; i++) {
    if (!parts[i]) {
      if (skip !== null) return null;
      skip = i;
    }
  }
  let hi: number;
  let lo: number;
  let skipped: number;
  if (skip !== null) {
    hi = skip;
    lo = parts.length - skip - 1;
    if (!parts[0] && --hi) return null;
    if (!parts[parts.length - 1] && --lo) return null;
    skipped = 8 - (hi + lo);
    if (skipped < 1) return null;
  } else {
    if (parts.length !== 8 || !parts[0] || !parts[7]) return null;
    hi = parts.length;
    lo = 0;
    skipped = 0;
  }
  let v = 0n;
  const hextet = (h: string): bigint | null => (/^[0-9a-fA-F]{1,4}$/.test(h) ? BigInt('0x' + h) : null);
  for (let i = 0; i < hi; i++) {
    const h = hextet(parts[i]);
    if (h === null) return null;
    v = (v << 16n) | h;
  }
  v <<= 16n * BigInt(skipped);
  for (let i = -lo; i < 0; i++) {
    const h = hextet(parts[parts.length + i]);
    if (h === null) return null;
    v = (v << 16n) | h;
  }
  return v;
}

/** Python `ipaddress.ip_address(s)`, or null where Python raises ValueError. Integers are accepted too. */
export function ipAddress(s: unknown): IpAddress | null {
  if (typeof s === 'number' || typeof s === 'bigint') {
    if (typeof s === 'number' && !Number.isInteger(s)) return null;
    const v = BigInt(s);
    if (v < 0n) return null;
    if (v <= V4_ALL) return { version: 4, value: v };
    if (v <= V6_ALL) return { version: 6, value: v };
    return null;
  }
  if (typeof s !== 'string' || s.includes('/')) return null;
  const v4 = parseV4(s);
  if (v4 !== null) return { version: 4, value: v4 };
  const v6 = parseV6(s);
  if (v6 === null) return null;
  const pct = s.indexOf('%');
  return pct >= 0 ? { version: 6, value: v6, scope: s.slice(pct + 1) } : { version: 6, value: v6 };
}

function prefixFromString(p: string, max: number): number | null {
  if (!/^[0-9]+$/.test(p)) return null;
  const n = Number(p);
  return n <= max ? n : null;
}

/** Prefix length of a contiguous netmask (`255.255.0.0`), or null. */
function prefixFromMask(mask: bigint, bits: number): number | null {
  let trailing = 0;
  while (trailing < bits && ((mask >> BigInt(trailing)) & 1n) === 0n) trailing++;
  const prefix = bits - trailing;
  const expected = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(trailing);
  return mask === expected ? prefix : null;
}

function maskOf(prefixlen: number, bits: number): bigint {
  return prefixlen === 0 ? 0n : ((1n << BigInt(prefixlen)) - 1n) << BigInt(bits - prefixlen);
}

function network(version: 4 | 6, addr: bigint, prefixlen: number): IpNetwork | null {
  const bits = version === 4 ? 32 : 128;
  // strict=True: host bits set is a ValueError
  if ((addr & maskOf(prefixlen, bits)) !== addr) return null;
  return { version, network: addr, prefixlen };
}

/** Python `ipaddress.ip_network(s)` (strict), or null where Python raises ValueError. */
export function ipNetwork(s: unknown): IpNetwork | null {
  if (typeof s === 'number' || typeof s === 'bigint') {
    const a = ipAddress(s);
    return a && network(a.version, a.value, a.version === 4 ? 32 : 128);
  }
  if (typeof s !== 'string') return null;
  const pieces = s.split('/');
  if (pieces.length > 2) return null;
  const [addr, mask] = pieces;
  const v4 = parseV4(addr);
  if (v4 !== null) {
    if (mask === undefined) return network(4, v4, 32);
    let prefix = prefixFromString(mask, 32);
    if (prefix === null) {
      const m = parseV4(mask);
      if (m === null) return null;
      prefix = prefixFromMask(m, 32) ?? prefixFromMask(m ^ V4_ALL, 32);
      if (prefix === null) return null;
    }
    return network(4, v4, prefix);
  }
  const v6 = parseV6(addr);
  if (v6 === null) return null;
  if (mask === undefined) return network(6, v6, 128);
  const prefix = prefixFromString(mask, 128);
  return prefix === null ? null : network(6, v6, prefix);
}

/** Python `str(ip_address)`: dotted quad, or RFC 5952 compressed IPv6 (longest zero run, ties to the first). */
export function ipAddressString(a: IpAddress): string {
  if (a.version === 4) {
    return [24n, 16n, 8n, 0n].map((sh) => ((a.value >> sh) & 0xffn).toString()).join('.');
  }
  const hextets = Array.from({ length: 8 }, (_, i) => Number((a.value >> BigInt(112 - 16 * i)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (hextets[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && hextets[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = hextets.map((h) => h.toString(16));
  if (bestLen > 1) {
    const head = hex.slice(0, bestStart).join(':');
    const tail = hex.slice(bestStart + bestLen).join(':');
    return `${head}::${tail}` + scopeSuffix(a);
  }
  return hex.join(':') + scopeSuffix(a);
}

function scopeSuffix(a: IpAddress): string {
  return a.scope === undefined ? '' : '%' + a.scope;
}

/** Python `address in network` (always false across IP versions). */
export function networkContains(net: IpNetwork, a: IpAddress): boolean {
  if (net.version !== a.version) return false;
  const bits = net.version === 4 ? 32 : 128;
  return (a.value & maskOf(net.prefixlen, bits)) === net.network;
}
