/**
 * Salt's `network` execution module on Linux (Salt's files: modules/network.py and
 * utils/network.py): interfaces and addresses from `ip`, routes and sockets from
 * netstat/ss and `/proc/net`, ping, TCP/UDP connect tests and address classification.
 */
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { Socket, isIP } from 'node:net';
import { hostname } from 'node:os';
import ipaddr from 'ipaddr.js';
import { fnmatch } from '../targeting/fnmatch.js';
import { defineFunction } from '../loader/define.js';
import { CommandExecutionError } from '../loader/errors.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { pyText, run, runAll, which } from './_syscmd.js';

/** One interface as `network.interfaces` reports it. */
export interface InterfaceInfo {
  up?: boolean;
  parent?: string;
  hwaddr?: string;
  inet?: Array<{ address: string; netmask: string; broadcast: string | null; label: string }>;
  inet6?: Array<{ address: string; prefixlen: string; scope: string | null }>;
  secondary?: Array<Record<string, unknown>>;
}

function cidrToNetmask(bits: number): string {
  const parts: number[] = [];
  for (let i = 0; i < 4; i++) {
    const b = Math.max(0, Math.min(8, bits - i * 8));
    parts.push(b === 0 ? 0 : (0xff << (8 - b)) & 0xff);
  }
  return parts.join('.');
}

/** Parses `ip link show` + `ip addr show` output (Salt's `_interfaces_ip`). */
export function parseIpOutput(out: string): Record<string, InterfaceInfo> {
  const ret: Record<string, InterfaceInfo> = {};
  for (const group of out.split(/\r?\n(?=\d)/)) {
    let iface: string | null = null;
    const data: InterfaceInfo = {};
    for (const line of group.split(/\r?\n/)) {
      if (!line.includes(' ')) continue;
      const head = /^\d*:\s+([\w.-]+)(?:@)?([\w.-]+)?:\s+<(.+)>/.exec(line);
      if (head) {
        iface = head[1];
        data.up = head[3].split(',').includes('UP');
        if (head[2]) data.parent = head[2];
        continue;
      }
      const cols = line.trim().split(/\s+/);
      if (cols.length < 2) continue;
      const [type, value] = cols;
      const label = cols[cols.length - 1];
      if (type === 'inet' || type === 'inet6') {
        const [ip, cidr] = value.includes('/') ? value.split('/') : [value, type === 'inet' ? '32' : '128'];
        const secondary = cols.includes('secondary');
        if (type === 'inet') {
          const entry = {
            address: ip,
            netmask: cidrToNetmask(Number(cidr)),
            broadcast: cols.includes('brd') ? cols[cols.indexOf('brd') + 1] : null,
            label,
          };
          if (secondary) (data.secondary ??= []).push({ type, ...entry });
          else (data.inet ??= []).push(entry);
        } else {
          const entry = { address: ip, prefixlen: cidr, scope: cols.includes('scope') ? cols[cols.indexOf('scope') + 1] : null };
          if (secondary) (data.secondary ??= []).push({ type, ...entry });
          else (data.inet6 ??= []).push(entry);
        }
      } else if (type.startsWith('link')) data.hwaddr = value;
    }
    if (iface) ret[iface] = { ...(ret[iface] ?? {}), ...data };
  }
  return ret;
}

async function interfaces(ctx: CallContext): Promise<Record<string, InterfaceInfo>> {
  if (!(await which('ip'))) return {};
  const link = await runAll(ctx, ['ip', 'link', 'show'], { ignoreRetcode: true, outputLoglevel: 'trace' });
  const addr = await runAll(ctx, ['ip', 'addr', 'show'], { ignoreRetcode: true, outputLoglevel: 'trace' });
  return parseIpOutput(`${link.stdout}\n${addr.stdout}`);
}

function splitInput(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(pyText);
  return pyText(v)
    .split(',')
    .map((s) => s.trim());
}

function filterInterfaces(ifaces: Record<string, InterfaceInfo>, iface: unknown): Record<string, InterfaceInfo> {
  if (iface === null || iface === undefined) return ifaces;
  const pats = splitInput(iface);
  return Object.fromEntries(Object.entries(ifaces).filter(([k]) => pats.some((p) => fnmatch(k, p))));
}

function addressesOf(ifaces: Record<string, InterfaceInfo>, proto: 'inet' | 'inet6'): Array<Record<string, unknown>> {
  const ret: Array<Record<string, unknown>> = [];
  for (const info of Object.values(ifaces)) {
    ret.push(...((info[proto] ?? []) as Array<Record<string, unknown>>));
    ret.push(...(info.secondary ?? []).filter((a) => a.type === proto));
  }
  return ret;
}

/** Sorts addresses numerically, as Python sorts ipaddress objects. */
function sortAddresses(addrs: ipaddr.IPv4[] | ipaddr.IPv6[]): string[] {
  const key = (a: ipaddr.IPv4 | ipaddr.IPv6) => a.toByteArray().map((b) => b.toString(16).padStart(2, '0')).join('');
  const unique = new Map<string, ipaddr.IPv4 | ipaddr.IPv6>();
  for (const a of addrs) unique.set(key(a), a);
  return [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, a]) => a.toString());
}

async function ipAddrs(ctx: CallContext, iface: unknown, includeLoopback: boolean, proto: 'inet' | 'inet6'): Promise<string[]> {
  const addrs = addressesOf(filterInterfaces(await interfaces(ctx), iface), proto)
    .map((a) => ipaddr.parse(String(a.address)))
    .filter((a) => includeLoopback || a.range() !== 'loopback');
  return sortAddresses(addrs as ipaddr.IPv4[]);
}

function inSubnet(cidr: string, addrs: string[]): boolean {
  let net: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    net = ipaddr.parseCIDR(cidr);
  } catch {
    return false;
  }
  return addrs.some((a) => {
    const ip = ipaddr.parse(a);
    return ip.kind() === net[0].kind() && ip.match(net);
  });
}

const PRIVATE_V4 = [
  '0.0.0.0/8', '10.0.0.0/8', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/29', '192.0.0.170/31',
  '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '240.0.0.0/4', '255.255.255.255/32',
];
const PRIVATE_V6 = [
  '::1/128', '::/128', '::ffff:0:0/96', '100::/64', '2001::/23', '2001:2::/48', '2001:db8::/32', '2001:10::/28', 'fc00::/7', 'fe80::/10',
];

function parseAddress(v: unknown): ipaddr.IPv4 | ipaddr.IPv6 {
  const text = pyText(v);
  if (!ipaddr.isValid(text) || (text.includes('.') && !ipaddr.IPv4.isValidFourPartDecimal(text) && !text.includes(':'))) {
    throw new CommandExecutionError(`'${text}' does not appear to be an IPv4 or IPv6 address`);
  }
  return ipaddr.parse(text);
}

/** Python's `ipaddress.ip_address(x).is_private` (the 3.10 registry lists). */
export function isPrivate(v: unknown): boolean {
  const ip = parseAddress(v);
  const nets = ip.kind() === 'ipv4' ? PRIVATE_V4 : PRIVATE_V6;
  return nets.some((n) => ip.match(ipaddr.parseCIDR(n)));
}

/** Python's `ipaddress.ip_address(x).is_loopback`. */
export function isLoopback(v: unknown): boolean {
  return parseAddress(v).range() === 'loopback';
}

function convertCidr(cidr: string): { network: string; netmask: string; broadcast: string } {
  const [ip, bits] = ipaddr.parseCIDR(cidr.includes('/') ? cidr : `${cidr}/${cidr.includes(':') ? 128 : 32}`);
  if (ip.kind() === 'ipv4') {
    return {
      network: ipaddr.IPv4.networkAddressFromCIDR(`${ip}/${bits}`).toString(),
      netmask: ipaddr.IPv4.subnetMaskFromPrefixLength(bits).toString(),
      broadcast: ipaddr.IPv4.broadcastAddressFromCIDR(`${ip}/${bits}`).toString(),
    };
  }
  return {
    network: ipaddr.IPv6.networkAddressFromCIDR(`${ip}/${bits}`).toString(),
    netmask: ipaddr.IPv6.subnetMaskFromPrefixLength(bits).toString(),
    broadcast: ipaddr.IPv6.broadcastAddressFromCIDR(`${ip}/${bits}`).toString(),
  };
}

function calcNet(ip: string, netmask: unknown): string {
  const text = netmask !== null && netmask !== undefined ? `${ip}/${pyText(netmask)}` : ip;
  let [addr, bits] = text.split('/');
  if (bits === undefined) bits = addr.includes(':') ? '128' : '32';
  const prefix = bits.includes('.') ? ipaddr.IPv4.parse(bits).prefixLengthFromSubnetMask() ?? 32 : Number(bits);
  const { network } = convertCidr(`${addr}/${prefix}`);
  return `${network}/${prefix}`;
}

function subnets(ifaces: Record<string, InterfaceInfo>, proto: 'inet' | 'inet6'): string[] {
  const ret = new Map<string, string>();
  for (const a of addressesOf(ifaces, proto)) {
    const bits = proto === 'inet' ? ipaddr.IPv4.parse(String(a.netmask)).prefixLengthFromSubnetMask() ?? 32 : Number(a.prefixlen ?? 128);
    const ip = ipaddr.parse(String(a.address));
    if (ip.range() === 'loopback') continue;
    const net = proto === 'inet' ? ipaddr.IPv4.networkAddressFromCIDR(`${ip}/${bits}`) : ipaddr.IPv6.networkAddressFromCIDR(`${ip}/${bits}`);
    const key = net.toByteArray().map((b) => b.toString(16).padStart(2, '0')).join('') + String(bits).padStart(3, '0');
    ret.set(key, `${net.toString()}/${bits}`);
  }
  return [...ret.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
}

/** Salt's `hex2ip` for `/proc/net/tcp*` addresses (little-endian words). */
function hex2ip(hex: string): string {
  if (hex.length === 32) {
    const groups: string[] = [];
    for (let i = 0; i < 32; i += 8) {
      const w = hex.slice(i, i + 8).match(/../g)!;
      groups.push(`${w[3]}${w[2]}:${w[1]}${w[0]}`);
    }
    const ip = ipaddr.IPv6.parse(groups.join(':'));
    return ip.isIPv4MappedAddress() ? ip.toIPv4Address().toString() : ip.toString();
  }
  const n = parseInt(hex, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join('.');
}

async function activeTcp(): Promise<Record<number, Record<string, unknown>>> {
  const ret: Record<number, Record<string, unknown>> = {};
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const comps = line.trim().split(/\s+/);
      if (comps.length < 4 || comps[0] === 'sl') continue;
      if (parseInt(comps[3], 16) !== 1) continue; // 1 is ESTABLISHED
      const [la, lp] = comps[1].split(':');
      const [ra, rp] = comps[2].split(':');
      ret[Object.keys(ret).length] = { local_addr: hex2ip(la), local_port: parseInt(lp, 16), remote_addr: hex2ip(ra), remote_port: parseInt(rp, 16) };
    }
  }
  return ret;
}

async function netstatLinux(ctx: CallContext): Promise<Array<Record<string, unknown>>> {
  const ret: Array<Record<string, unknown>> = [];
  if (await which('netstat')) {
    const out = await run(ctx, ['netstat', '-tulpnea'], { ignoreRetcode: true });
    for (const line of out.split('\n')) {
      const c = line.trim().split(/\s+/);
      if (line.startsWith('tcp')) {
        ret.push({ proto: c[0], 'recv-q': c[1], 'send-q': c[2], 'local-address': c[3], 'remote-address': c[4], state: c[5], user: c[6], inode: c[7], program: c[8] });
      }
      if (line.startsWith('udp')) {
        ret.push({ proto: c[0], 'recv-q': c[1], 'send-q': c[2], 'local-address': c[3], 'remote-address': c[4], user: c[5], inode: c[6], program: c[7] });
      }
    }
    return ret;
  }
  const out = await run(ctx, ['ss', '-tulpnea'], { ignoreRetcode: true });
  for (const line of out.split('\n')) {
    const c = line.trim().split(/\s+/);
    if (!line.startsWith('tcp') && !line.startsWith('udp')) continue;
    let user: unknown = 0;
    let inode: unknown = 0;
    let program = '';
    for (let i = 6; i < c.length - 1; i++) {
      const fields = c[i].split(':');
      if (fields[0] === 'users') program = fields[1].split(',')[0].split('"')[1] ?? '';
      if (fields[0] === 'uid') user = fields[1];
      if (fields[0] === 'ino') inode = fields[1];
    }
    const base = { proto: c[0], 'recv-q': c[2], 'send-q': c[3], 'local-address': c[4], 'remote-address': c[5] };
    if (line.startsWith('tcp')) ret.push({ ...base, state: c[1] === 'ESTAB' ? 'ESTABLISHED' : c[1], user, inode, program });
    else ret.push({ ...base, user, inode, program });
  }
  return ret;
}

async function routesLinux(ctx: CallContext): Promise<Array<Record<string, string>>> {
  const ret: Array<Record<string, string>> = [];
  if (await which('netstat')) {
    const v4 = await run(ctx, 'netstat -A inet -rn | tail -n+3', { pythonShell: true, ignoreRetcode: true });
    for (const line of v4.split('\n')) {
      const c = line.trim().split(/\s+/);
      if (c.length < 8) continue;
      ret.push({ addr_family: 'inet', destination: c[0], gateway: c[1], netmask: c[2], flags: c[3], interface: c[7] });
    }
    const v6 = await run(ctx, 'netstat -A inet6 -rn | tail -n+3', { pythonShell: true, ignoreRetcode: true });
    for (const line of v6.split('\n')) {
      const c = line.trim().split(/\s+/);
      if (c.length === 6 || c.length === 7) {
        ret.push({ addr_family: 'inet6', destination: c[0], gateway: c[1], netmask: '', flags: c[2], interface: c[c.length - 1] });
      }
    }
    return ret;
  }
  const v4 = await run(ctx, ['ip', '-4', 'route', 'show', 'table', 'main'], { ignoreRetcode: true });
  for (const line of v4.split('\n')) {
    const c = line.trim().split(/\s+/);
    if (!c[0] || c[0] === 'unreachable') continue;
    if (c[0] === 'default') {
      ret.push({ addr_family: 'inet', destination: '0.0.0.0', gateway: c[2], netmask: '0.0.0.0', flags: 'UG', interface: c[3] === 'dev' ? c[4] : '' });
    } else {
      const m = convertCidr(c[0]);
      ret.push({ addr_family: 'inet', destination: m.network, gateway: '0.0.0.0', netmask: m.netmask, flags: 'U', interface: c[1] === 'dev' ? c[2] : '' });
    }
  }
  const v6 = await run(ctx, ['ip', '-6', 'route', 'show', 'table', 'all'], { ignoreRetcode: true });
  const skip = ['unicast', 'broadcast', 'throw', 'unreachable', 'prohibit', 'blackhole', 'nat', 'anycast', 'multicast'];
  for (const line of v6.split('\n')) {
    const c = line.trim().split(/\s+/);
    if (!c[0] || skip.includes(c[0])) continue;
    if (c[0] === 'default') ret.push({ addr_family: 'inet6', destination: '::/0', gateway: c[2], netmask: '', flags: 'UG', interface: c[3] === 'dev' ? c[4] : '' });
    else if (c[0] === 'local') ret.push({ addr_family: 'inet6', destination: `${c[1]}/128`, gateway: '::', netmask: '', flags: 'U', interface: c[2] === 'dev' ? c[3] : '' });
    else ret.push({ addr_family: 'inet6', destination: c[0], gateway: '::', netmask: '', flags: 'U', interface: c[1] === 'dev' ? c[2] : '' });
  }
  return ret;
}

function checkFamily(family: unknown): void {
  if (family !== 'inet' && family !== 'inet6' && family !== null && family !== undefined) {
    throw new CommandExecutionError(`Invalid address family ${pyText(family)}`);
  }
}

async function routes(ctx: CallContext, family: unknown): Promise<Array<Record<string, string>>> {
  checkFamily(family);
  const all = await routesLinux(ctx);
  return family ? all.filter((r) => r.addr_family === family) : all;
}

/** Salt's `sanitize_host`: keeps only characters that can appear in a host name or address. */
function sanitizeHost(host: string): string {
  return host.replace(/[^A-Za-z0-9.\-:_[\]%]/g, '').slice(0, 1024);
}

async function ifaceInfo(ctx: CallContext, iface: string): Promise<{ info?: InterfaceInfo; error?: string }> {
  const all = await interfaces(ctx);
  if (iface in all) return { info: all[iface] };
  const error = `Interface "${iface}" not in available interfaces: "${Object.keys(all).join('", "')}"`;
  ctx.log.error(error);
  return { error };
}

const IP_ADDRS_DOC = `
  Returns a list of IPv4 addresses assigned to the host. 127.0.0.1 is
  ignored, unless 'include_loopback=True' is indicated. If 'interface' is
  provided, then only IP addresses from that interface will be returned.
  Providing a CIDR via 'cidr="10.0.0.0/8"' will return only the addresses
  which are within that subnet. If 'type' is 'public', then only public
  addresses will be returned. Ditto for 'type'='private'.

  CLI Example:

  .. code-block:: bash

      salt '*' network.ip_addrs
`;

const IP_ADDRS6_DOC = `
  Returns a list of IPv6 addresses assigned to the host. ::1 is ignored,
  unless 'include_loopback=True' is indicated. If 'interface' is provided,
  then only IP addresses from that interface will be returned.
  Providing a CIDR via 'cidr="2000::/3"' will return only the addresses
  which are within that subnet.

  CLI Example:

  .. code-block:: bash

      salt '*' network.ip_addrs6
`;

function ipAddrsFn(pyName: string) {
  return defineFunction(
    {
      args: ['interface', 'include_loopback', 'cidr', 'type'],
      defaults: { interface: null, include_loopback: false, cidr: null, type: null },
      doc: IP_ADDRS_DOC,
      pyName,
    },
    async ({ interface: iface, include_loopback, cidr, type }, ctx) => {
      const addrs = await ipAddrs(ctx, iface, !!include_loopback, 'inet');
      if (cidr) return addrs.filter((a) => inSubnet(pyText(cidr), [a]));
      if (type === 'public') return addrs.filter((a) => !isPrivate(a));
      if (type === 'private') return addrs.filter((a) => isPrivate(a));
      return addrs;
    },
  );
}

function ipAddrs6Fn(pyName: string) {
  return defineFunction(
    {
      args: ['interface', 'include_loopback', 'cidr'],
      defaults: { interface: null, include_loopback: false, cidr: null },
      doc: IP_ADDRS6_DOC,
      pyName,
    },
    async ({ interface: iface, include_loopback, cidr }, ctx) => {
      const addrs = await ipAddrs(ctx, iface, !!include_loopback, 'inet6');
      return cidr ? addrs.filter((a) => inSubnet(pyText(cidr), [a])) : addrs;
    },
  );
}

const HW_ADDR_DOC = `
  Return the hardware address (a.k.a. MAC address) for a given interface

  CLI Example:

  .. code-block:: bash

      salt '*' network.hw_addr eth0
`;

function hwAddrFn(pyName: string) {
  return defineFunction({ args: ['iface'], doc: HW_ADDR_DOC, pyName }, async ({ iface }, ctx) => {
    const r = await ifaceInfo(ctx, pyText(iface));
    return r.error ?? r.info?.hwaddr ?? '';
  });
}

async function connect(host: string, port: unknown, kwargs: Record<string, unknown>): Promise<{ result: boolean | null; comment: string }> {
  if (!host) return { result: false, comment: 'Required argument, host, is missing.' };
  if (!port) return { result: false, comment: 'Required argument, port, is missing.' };
  let proto = String(kwargs.proto ?? 'tcp');
  if (proto !== 'udp') proto = 'tcp';
  const timeout = Number(kwargs.timeout ?? 5);
  const familyArg = kwargs.family;
  const family = familyArg === 'ipv4' ? 4 : familyArg === 'ipv6' ? 6 : 0;
  const address = isIP(host) ? host : sanitizeHost(host);
  let resolved: string;
  try {
    resolved = (await lookup(address, { family })).address;
  } catch {
    return { result: false, comment: `Unable to resolve host ${host} on ${proto} port ${pyText(port)}` };
  }
  const portNum = Number(port);
  const ok = await new Promise<boolean>((resolve) => {
    if (proto === 'udp') {
      const sock = createSocket(isIP(resolved) === 6 ? 'udp6' : 'udp4');
      const timer = setTimeout(() => {
        sock.close();
        resolve(false);
      }, timeout * 1000);
      sock.on('message', () => {
        clearTimeout(timer);
        sock.close();
        resolve(true);
      });
      sock.on('error', () => {
        clearTimeout(timer);
        sock.close();
        resolve(false);
      });
      sock.send(Buffer.from(String(Math.floor(Date.now() / 1000))), portNum, resolved);
      return;
    }
    const sock = new Socket();
    sock.setTimeout(timeout * 1000);
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('timeout', () => {
      sock.destroy();
      resolve(false);
    });
    sock.once('error', () => {
      sock.destroy();
      resolve(false);
    });
    sock.connect(portNum, resolved);
  });
  return ok
    ? { result: true, comment: `Successfully connected to ${host} (${resolved}) on ${proto} port ${pyText(port)}` }
    : { result: false, comment: `Unable to connect to ${host} (${resolved}) on ${proto} port ${pyText(port)}` };
}

const mod: SaltModule = {
  name: 'network',
  virtual: () => (process.platform === 'linux' ? true : [false, 'The network execution module only works on Linux here']),
  functions: {
    interfaces: defineFunction(
      {
        doc: `
          Return a dictionary of information about all the interfaces on the minion

          CLI Example:

          .. code-block:: bash

              salt '*' network.interfaces
        `,
      },
      (_p, ctx) => interfaces(ctx),
    ),
    hw_addr: hwAddrFn('hw_addr'),
    hwaddr: hwAddrFn('hw_addr'),
    interface: defineFunction(
      {
        args: ['iface'],
        doc: `
          Return the inet address for a given interface

          CLI Example:

          .. code-block:: bash

              salt '*' network.interface eth0
        `,
      },
      async ({ iface }, ctx) => {
        const r = await ifaceInfo(ctx, pyText(iface));
        return r.error ?? r.info?.inet ?? '';
      },
    ),
    interface_ip: defineFunction(
      {
        args: ['iface'],
        doc: `
          Return the inet address for a given interface

          CLI Example:

          .. code-block:: bash

              salt '*' network.interface_ip eth0
        `,
      },
      async ({ iface }, ctx) => {
        const r = await ifaceInfo(ctx, pyText(iface));
        if (r.error) return r.error;
        return r.info?.inet?.[0]?.address ?? '';
      },
    ),
    ip_addrs: ipAddrsFn('ip_addrs'),
    ipaddrs: ipAddrsFn('ip_addrs'),
    ip_addrs6: ipAddrs6Fn('ip_addrs6'),
    ipaddrs6: ipAddrs6Fn('ip_addrs6'),
    subnets: defineFunction(
      {
        args: ['interfaces'],
        defaults: { interfaces: null },
        doc: `
          Returns a list of IPv4 subnets to which the host belongs

          CLI Example:

          .. code-block:: bash

              salt '*' network.subnets
              salt '*' network.subnets interfaces=eth1
        `,
      },
      async ({ interfaces: which_ }, ctx) => {
        const all = await interfaces(ctx);
        let selected = all;
        if (Array.isArray(which_)) selected = Object.fromEntries(Object.entries(all).filter(([k]) => which_.includes(k)));
        else if (which_ !== null && which_ !== undefined) selected = { [pyText(which_)]: all[pyText(which_)] ?? {} };
        return subnets(selected, 'inet');
      },
    ),
    subnets6: defineFunction(
      {
        doc: `
          Returns a list of IPv6 subnets to which the host belongs

          CLI Example:

          .. code-block:: bash

              salt '*' network.subnets6
        `,
      },
      async (_p, ctx) => subnets(await interfaces(ctx), 'inet6'),
    ),
    in_subnet: defineFunction(
      {
        args: ['cidr'],
        doc: `
          Returns True if host is within specified subnet, otherwise False.

          CLI Example:

          .. code-block:: bash

              salt '*' network.in_subnet 10.0.0.0/16
        `,
      },
      async ({ cidr }, ctx) => {
        const addrs = [...(await ipAddrs(ctx, null, false, 'inet')), ...(await ipAddrs(ctx, null, false, 'inet6'))];
        return inSubnet(pyText(cidr), addrs);
      },
    ),
    ip_in_subnet: defineFunction(
      {
        args: ['ip_addr', 'cidr'],
        doc: `
          Returns True if given IP is within specified subnet, otherwise False.

          CLI Example:

          .. code-block:: bash

              salt '*' network.ip_in_subnet 172.17.0.4 172.16.0.0/12
        `,
      },
      ({ ip_addr, cidr }) => inSubnet(pyText(cidr), [pyText(ip_addr)]),
    ),
    convert_cidr: defineFunction(
      {
        args: ['cidr'],
        doc: `
          returns the network address, subnet mask and broadcast address of a cidr address

          CLI Example:

          .. code-block:: bash

              salt '*' network.convert_cidr 172.31.0.0/16
        `,
      },
      ({ cidr }) => convertCidr(calcNet(pyText(cidr), null)),
    ),
    calc_net: defineFunction(
      {
        args: ['ip_addr', 'netmask'],
        defaults: { netmask: null },
        doc: `
          Returns the CIDR of a subnet based on
          an IP address (CIDR notation supported)
          and optional netmask.

          CLI Example:

          .. code-block:: bash

              salt '*' network.calc_net 172.17.0.5 255.255.255.240
              salt '*' network.calc_net 2a02:f6e:a000:80:84d8:8332:7866:4e07/64
        `,
      },
      ({ ip_addr, netmask }) => calcNet(pyText(ip_addr), netmask),
    ),
    is_private: defineFunction(
      {
        args: ['ip_addr'],
        doc: `
          Check if the given IP address is a private address

          CLI Example:

          .. code-block:: bash

              salt '*' network.is_private 10.0.0.3
        `,
      },
      ({ ip_addr }) => isPrivate(ip_addr),
    ),
    is_loopback: defineFunction(
      {
        args: ['ip_addr'],
        doc: `
          Check if the given IP address is a loopback address

          CLI Example:

          .. code-block:: bash

              salt '*' network.is_loopback 127.0.0.1
        `,
      },
      ({ ip_addr }) => isLoopback(ip_addr),
    ),
    reverse_ip: defineFunction(
      {
        args: ['ip_addr'],
        doc: `
          Returns the reversed IP address

          CLI Example:

          .. code-block:: bash

              salt '*' network.reverse_ip 172.17.0.4
        `,
      },
      ({ ip_addr }) => {
        const ip = parseAddress(ip_addr);
        if (ip.kind() === 'ipv4') return `${ip.toByteArray().reverse().join('.')}.in-addr.arpa`;
        const nibbles = ip.toByteArray().map((b) => b.toString(16).padStart(2, '0')).join('').split('');
        return `${nibbles.reverse().join('.')}.ip6.arpa`;
      },
    ),
    get_hostname: defineFunction(
      {
        doc: `
          Get hostname

          CLI Example:

          .. code-block:: bash

              salt '*' network.get_hostname
        `,
      },
      () => hostname(),
    ),
    ping: defineFunction(
      {
        args: ['host', 'timeout', 'return_boolean'],
        defaults: { timeout: false, return_boolean: false },
        doc: `
          Performs an ICMP ping to a host

          .. versionchanged:: 2015.8.0
              Added support for SunOS

          CLI Example:

          .. code-block:: bash

              salt '*' network.ping archlinux.org

          .. versionadded:: 2015.5.0

          Return a True or False instead of ping output.

          .. code-block:: bash

              salt '*' network.ping archlinux.org return_boolean=True

          Set the time to wait for a response in seconds.

          .. code-block:: bash

              salt '*' network.ping archlinux.org timeout=3
        `,
      },
      async ({ host, timeout, return_boolean }, ctx) => {
        const target = sanitizeHost(pyText(host));
        const cmd = timeout ? ['ping', '-W', pyText(timeout), '-c', '4', target] : ['ping', '-c', '4', target];
        if (return_boolean) return (await runAll(ctx, cmd, { ignoreRetcode: true })).retcode === 0;
        return run(ctx, cmd);
      },
    ),
    connect: defineFunction(
      {
        args: ['host', 'port'],
        defaults: { port: null },
        kwargs: true,
        doc: `
          Test connectivity to a host using a particular
          port from the minion.

          .. versionadded:: 2014.7.0

          CLI Example:

          .. code-block:: bash

              salt '*' network.connect archlinux.org 80

              salt '*' network.connect archlinux.org 80 timeout=3

              salt '*' network.connect archlinux.org 80 timeout=3 family=ipv4

              salt '*' network.connect google-public-dns-a.google.com port=53 proto=udp timeout=3
        `,
      },
      ({ host, port }, _ctx, { kwargs }) => connect(host ? pyText(host) : '', port, kwargs),
    ),
    netstat: defineFunction(
      {
        doc: `
          Return information on open ports and states

          CLI Example:

          .. code-block:: bash

              salt '*' network.netstat
        `,
      },
      (_p, ctx) => netstatLinux(ctx),
    ),
    active_tcp: defineFunction(
      {
        doc: `
          Return a dict containing information on all of the running TCP connections (currently linux and solaris only)

          CLI Example:

          .. code-block:: bash

              salt '*' network.active_tcp
        `,
      },
      () => activeTcp(),
    ),
    routes: defineFunction(
      {
        args: ['family'],
        defaults: { family: null },
        doc: `
          Return currently configured routes from routing table

          CLI Example:

          .. code-block:: bash

              salt '*' network.routes
        `,
      },
      ({ family }, ctx) => routes(ctx, family),
    ),
    default_route: defineFunction(
      {
        args: ['family'],
        defaults: { family: null },
        doc: `
          Return default route(s) from routing table

          CLI Example:

          .. code-block:: bash

              salt '*' network.default_route
        `,
      },
      async ({ family }, ctx) => {
        checkFamily(family);
        const defaults: Record<string, string[]> = { inet: ['0.0.0.0', 'default'], inet6: ['::/0', 'default'] };
        return (await routes(ctx, family)).filter((r) =>
          family ? defaults[String(family)].includes(r.destination) : defaults.inet.includes(r.destination) || defaults.inet6.includes(r.destination),
        );
      },
    ),
  },
};

export default mod;
