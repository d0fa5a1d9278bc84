/** Salt's `salt.utils.dns.parse_resolv`: the resolver configuration as the `dns` grain shows it. */
import ipaddr from 'ipaddr.js';
import { parseIp } from './network.js';

/** The `dns` grain. */
export interface ResolvConf {
  nameservers: string[];
  ip4_nameservers: string[];
  ip6_nameservers: string[];
  sortlist: string[];
  domain: string;
  search: string[];
  options: string[];
}

/** Salt's natural netmask: class C and above /24, class B /16, class A /8. */
function naturalPrefix(firstOctet: number): number {
  if (firstOctet >= 192) return 24;
  if (firstOctet >= 128) return 16;
  return 8;
}

/**
 * One sortlist item (`addr[/mask]`) as Python's `ip_network(...).with_netmask`, or null when
 * Python would reject it (a bad address, or host bits set under the mask).
 */
function sortlistEntry(raw: string): string | null {
  const [addrText, maskText] = raw.split('/', 2) as [string, string | undefined];
  const ip = parseIp(addrText);
  if (!ip || addrText.includes('%')) return null;
  const width = ip.kind() === 'ipv4' ? 32 : 128;
  let prefix: number;
  if (maskText === undefined) {
    prefix = width;
  } else if (/^\d+$/.test(maskText)) {
    prefix = Number(maskText);
  } else {
    const mask = ip.kind() === 'ipv4' && ipaddr.IPv4.isValidFourPartDecimal(maskText) ? ipaddr.IPv4.parse(maskText) : null;
    const len = mask?.prefixLengthFromSubnetMask();
    if (len === null || len === undefined) return null;
    prefix = len;
  }
  if (prefix > width) return null;
  const bytes = ip.toByteArray();
  const maskBytes = (kindPrefix: number): number[] =>
    bytes.map((_, i) => {
      const bits = Math.max(0, Math.min(8, kindPrefix - i * 8));
      return (0xff << (8 - bits)) & 0xff;
    });
  if (bytes.some((b, i) => (b & ~maskBytes(prefix)[i]!) !== 0)) return null;
  // Without a mask Salt widens an IPv4 network to its natural (classful) netmask.
  if (maskText === undefined && ip.kind() === 'ipv4') prefix = naturalPrefix(bytes[0]!);
  const net = ipaddr.fromByteArray(bytes.map((b, i) => b & maskBytes(prefix)[i]!));
  const mask = ipaddr.fromByteArray(maskBytes(prefix));
  return `${net.toString()}/${mask.toString()}`;
}

/** Parses resolv.conf text. Unknown directives and malformed lines are skipped. */
export function parseResolv(text: string): ResolvConf {
  const out: ResolvConf = { nameservers: [], ip4_nameservers: [], ip6_nameservers: [], sortlist: [], domain: '', search: [], options: [] };
  for (const rawLine of text.split('\n')) {
    const words = rawLine.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    const directive = words[0]!.toLowerCase();
    const args: string[] = [];
    for (const w of words.slice(1)) {
      if (w.startsWith('#') || w.startsWith(';')) break;
      args.push(w);
    }
    if (directive === 'nameserver') {
      if (args.length === 0) continue;
      const ip = parseIp(args[0]!);
      if (!ip) continue;
      const scope = args[0]!.includes('%') ? args[0]!.slice(args[0]!.indexOf('%')) : '';
      const text = ip.toString() + scope;
      if (!out.nameservers.includes(text)) out.nameservers.push(text);
      const list = ip.kind() === 'ipv4' ? out.ip4_nameservers : out.ip6_nameservers;
      if (!list.includes(text)) list.push(text);
    } else if (directive === 'domain') {
      if (args.length === 0) continue;
      out.domain = args[0]!;
    } else if (directive === 'search') {
      out.search = args;
    } else if (directive === 'sortlist') {
      for (const raw of args) {
        const entry = sortlistEntry(raw);
        if (entry !== null && !out.sortlist.includes(entry)) out.sortlist.push(entry);
      }
    } else if (directive === 'options') {
      if (args.length === 0) continue;
      if (!out.options.includes(args[0]!)) out.options.push(args[0]!);
    }
  }
  return out;
}
