/**
 * Salt's presence detection (`CkMinions.connected_ids`): a minion is present when one of its
 * cached grain addresses has an established TCP connection to the master's publish port.
 */
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';

const ESTABLISHED = 1;

function hexToIpv4(hex: string): string {
  const n = Number.parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join('.');
}

function hexToIpv6(hex: string): string {
  const bytes: number[] = [];
  // /proc/net/tcp6 writes the address as four 32-bit words in host (little-endian) order.
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (let b = 3; b >= 0; b--) bytes.push(Number.parseInt(word.slice(b * 2, b * 2 + 2), 16));
  }
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return compressIpv6(groups);
}

function compressIpv6(groups: string[]): string {
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/**
 * The remote addresses of established TCP connections whose local port is `port`, read from
 * `/proc/net/tcp` and `/proc/net/tcp6` (Salt's `local_port_tcp`). Empty when /proc is missing.
 */
export function localPortRemotes(port: number, procFiles: Record<string, string> = readProcTcp()): Set<string> {
  const ret = new Set<string>();
  for (const [name, text] of Object.entries(procFiles)) {
    const v6 = name.endsWith('6');
    for (const line of text.split('\n')) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[0] === 'sl') continue;
      const [localAddr, localPort] = cols[1]!.split(':');
      const [remoteAddr] = cols[2]!.split(':');
      if (!localAddr || !remoteAddr || Number.parseInt(localPort ?? '', 16) !== port) continue;
      if (Number.parseInt(cols[3]!, 16) !== ESTABLISHED) continue;
      ret.add(v6 ? hexToIpv6(remoteAddr) : hexToIpv4(remoteAddr));
    }
  }
  return ret;
}

function readProcTcp(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      out[f] = readFileSync(f, 'utf8');
    } catch {
      // not on Linux, or no IPv6
    }
  }
  return out;
}

/** This host's non-loopback addresses of one family (Salt's `ip_addrs` / `ip_addrs6`). */
export function hostAddresses(family: 'IPv4' | 'IPv6'): string[] {
  const ret: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === family && !a.internal) ret.push(a.address);
  }
  return ret;
}

/**
 * The connected remote addresses of the publish port, with a local minion's loopback address
 * replaced by this host's other addresses (as Salt does).
 */
export function connectedAddresses(publishPort: number, remotes: Set<string> = localPortRemotes(publishPort)): Set<string> {
  const addrs = new Set(remotes);
  if (addrs.delete('127.0.0.1')) for (const a of hostAddresses('IPv4')) addrs.add(a);
  if (addrs.delete('::1')) for (const a of hostAddresses('IPv6')) addrs.add(a);
  return addrs;
}
