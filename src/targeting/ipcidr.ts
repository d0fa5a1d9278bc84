/** The `ipcidr` matcher: the target is an IP address or a CIDR network, checked against grains `ipv4`/`ipv6`. */
import { ipAddress, ipAddressString, ipNetwork, networkContains, type IpAddress, type IpNetwork } from './_ipaddress.js';
import { TargetMatchError } from './errors.js';
import { pyStr } from './_pystr.js';
import { silentLog, type TargetLogger } from './types.js';

export type IpTarget = { kind: 'address'; address: IpAddress } | { kind: 'network'; network: IpNetwork };

/** Parses a target like Python's `ip_address` then strict `ip_network`; null when both reject it. */
export function parseIpTarget(tgt: unknown): IpTarget | null {
  const address = ipAddress(tgt);
  if (address) return { kind: 'address', address };
  const network = ipNetwork(tgt);
  return network ? { kind: 'network', network } : null;
}

/** Whether grains with these `ipv4`/`ipv6` values match a parsed target (Salt's address/in_subnet rules). */
export function grainsMatchIp(target: IpTarget, grains: Record<string, unknown> | undefined | null): boolean {
  const version = target.kind === 'address' ? target.address.version : target.network.version;
  const proto = `ipv${version}`;
  if (!grains || !Object.hasOwn(grains, proto)) return false;
  const addrs = grains[proto];
  if (target.kind === 'address') {
    const text = ipAddressString(target.address);
    if (typeof addrs === 'string') return addrs.includes(text);
    return Array.isArray(addrs) && addrs.includes(text);
  }
  const list = Array.isArray(addrs) ? addrs : [addrs];
  return list.some((item) => {
    const a = ipAddress(item);
    if (!a) throw new TargetMatchError(`${JSON.stringify(item)} does not appear to be an IPv4 or IPv6 address`, 'ValueError');
    return networkContains(target.network, a);
  });
}

/**
 * `ipcidr_match`: an address matches when its text is one of the grain addresses, a network when
 * any grain address is inside it. An invalid target logs "Invalid IP/CIDR target" and returns `[]`.
 * Throws TargetMatchError when a grain holds an invalid address (Salt raises ValueError).
 */
export function ipcidrMatch(tgt: unknown, grains: Record<string, unknown>, log: TargetLogger = silentLog): boolean | [] {
  const target = parseIpTarget(tgt);
  if (!target) {
    log('ERROR', `Invalid IP/CIDR target: ${pyStr(tgt)}`);
    return [];
  }
  return grainsMatchIp(target, grains);
}
