/**
 * Network facts as Salt's `salt.utils.network` sees them: the interface table parsed from
 * `ip addr show`, address lists sorted by value, and the default gateways of `ip route show`.
 */
import os from 'node:os';
import ipaddr from 'ipaddr.js';

/** One IPv4 address of an interface (Salt's `inet` entry). */
export interface Inet4Entry {
  address: string;
  netmask: string;
  broadcast: string | null;
  label: string;
}

/** One IPv6 address of an interface (Salt's `inet6` entry). */
export interface Inet6Entry {
  address: string;
  prefixlen: string;
  scope: string | null;
}

/** A `secondary` address: either kind, tagged with its `type`. */
export type SecondaryEntry = ({ type: 'inet' } & Inet4Entry) | ({ type: 'inet6' } & Inet6Entry);

/** What Salt knows about one interface. */
export interface InterfaceInfo {
  up?: boolean;
  parent?: string;
  hwaddr?: string;
  inet?: Inet4Entry[];
  inet6?: Inet6Entry[];
  secondary?: SecondaryEntry[];
}

/** Interface name → info, in the order `ip` lists them. */
export type InterfaceTable = Record<string, InterfaceInfo>;

/** `24` → `255.255.255.0` (Salt's `cidr_to_ipv4_netmask`). */
export function cidrToIpv4Netmask(bits: number): string {
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return '';
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return [24, 16, 8, 0].map((s) => (mask >>> s) & 0xff).join('.');
}

const HEADER = /^\d*:\s+([\w.-]+)(?:@)?([\w.-]+)?:\s+<(.+)>/;

/**
 * Parses the output of `ip link show` and/or `ip addr show` (concatenated) into Salt's interface
 * table. A later block for the same interface replaces an earlier one, as in Salt.
 */
export function parseIpAddrOutput(out: string): InterfaceTable {
  const table: InterfaceTable = {};
  for (const group of out.split(/\r?\n\d/)) {
    let iface: string | null = null;
    const data: InterfaceInfo = {};
    for (const line of group.split(/\r?\n/)) {
      if (!line.includes(' ')) continue;
      const m = HEADER.exec(line);
      if (m) {
        iface = m[1]!;
        data.up = m[3]!.split(',').includes('UP');
        if (m[2]) data.parent = m[2];
        continue;
      }
      const cols = line.trim().split(/\s+/);
      if (cols.length < 2) continue;
      const [type, value] = cols as [string, string];
      const label = cols[cols.length - 1]!;
      const secondary = cols.includes('secondary');
      if (type === 'inet') {
        const [ip, cidr] = value.includes('/') ? value.split('/') : [value, '32'];
        const brdAt = cols.indexOf('brd');
        const entry: Inet4Entry = {
          address: ip!,
          netmask: cidrToIpv4Netmask(Number(cidr)),
          broadcast: brdAt >= 0 ? (cols[brdAt + 1] ?? null) : null,
          label,
        };
        if (secondary) (data.secondary ??= []).push({ type: 'inet', ...entry });
        else (data.inet ??= []).push(entry);
      } else if (type === 'inet6') {
        const [ip, prefix] = value.includes('/') ? value.split('/') : [value, '32'];
        const scopeAt = cols.indexOf('scope');
        const entry: Inet6Entry = { address: ip!, prefixlen: prefix!, scope: scopeAt >= 0 ? (cols[scopeAt + 1] ?? null) : null };
        if (secondary) (data.secondary ??= []).push({ type: 'inet6', ...entry });
        else (data.inet6 ??= []).push(entry);
      } else if (type.startsWith('link')) {
        data.hwaddr = value;
      }
    }
    if (iface !== null) table[iface] = data;
  }
  return table;
}

/**
 * The interface table from Node's own view (used when there is no `ip` binary). Interfaces
 * without an address are missing from it, unlike Salt's.
 */
export function interfacesFromNode(): InterfaceTable {
  const table: InterfaceTable = {};
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    const info: InterfaceInfo = { up: true };
    for (const a of addrs ?? []) {
      if (a.mac) info.hwaddr = a.mac;
      const prefix = a.cidr?.split('/')[1] ?? '';
      if (a.family === 'IPv4') {
        (info.inet ??= []).push({ address: a.address, netmask: a.netmask, broadcast: null, label: name });
      } else {
        (info.inet6 ??= []).push({ address: a.address.split('%')[0]!, prefixlen: prefix, scope: null });
      }
    }
    table[name] = info;
  }
  return table;
}

/** The addresses of one family of an interface: primary ones, then secondary ones of that family. */
export function interfaceAddresses(info: InterfaceInfo, family: 'inet' | 'inet6'): string[] {
  const primary = family === 'inet' ? (info.inet ?? []) : (info.inet6 ?? []);
  return [...primary.map((e) => e.address), ...(info.secondary ?? []).filter((s) => s.type === family).map((s) => s.address)];
}

type ParsedIp = ipaddr.IPv4 | ipaddr.IPv6;

/** Parses an address as strictly as Python's `ipaddress.ip_address`; null when it is not one. */
export function parseIp(text: string): ParsedIp | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  const bare = text.split('%')[0]!;
  if (bare.includes(':') && ipaddr.IPv6.isValid(bare)) return ipaddr.IPv6.parse(bare);
  return null;
}

function compareBytes(a: number[], b: number[]): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * Salt's `ip_addrs` / `ip_addrs6`: every address of the family on every interface, without
 * duplicates, sorted by numeric value; loopback ones only with `includeLoopback`.
 */
export function ipAddrs(table: InterfaceTable, family: 'inet' | 'inet6', includeLoopback: boolean): string[] {
  const found = new Map<string, ParsedIp>();
  for (const info of Object.values(table)) {
    for (const text of interfaceAddresses(info, family)) {
      const ip = parseIp(text);
      if (!ip) continue;
      if (!includeLoopback && ip.range() === 'loopback') continue;
      found.set(ip.toString(), ip);
    }
  }
  return [...found.entries()].sort((a, b) => compareBytes(a[1].toByteArray(), b[1].toByteArray())).map(([text]) => text);
}

/** What `ip -N route show` says about the default route: its `via` address, true without one, false with none. */
export function parseDefaultRoute(out: string): string | boolean {
  for (const line of out.split(/\r?\n/)) {
    if (!line.startsWith('default')) continue;
    const words = line.trim().split(/\s+/);
    return words.length >= 3 && words[1] === 'via' ? words[2]! : true;
  }
  return false;
}
