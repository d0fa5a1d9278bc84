/**
 * The network part of Salt's core grains: host names, interfaces and their addresses, the
 * resolver configuration, default gateways and reverse-DNS names.
 */
import { promises as dnsp } from 'node:dns';
import os from 'node:os';
import { exists, readText } from './_files.js';
import { parseResolv } from './dns.js';
import { interfaceAddresses, interfacesFromNode, ipAddrs, parseDefaultRoute, parseIp, parseIpAddrOutput, type InterfaceTable } from './network.js';
import type { GrainContext, Grains } from './types.js';

/** Salt's interface table (`ip addr show`, or Node's view without `ip`), once per load. */
export function interfaces(ctx: GrainContext): Promise<InterfaceTable> {
  return ctx.memo('interfaces', async () => {
    const ip = await ctx.which('ip');
    if (!ip) return interfacesFromNode();
    const { stdout } = await ctx.run([ip, 'addr', 'show']);
    return parseIpAddrOutput(stdout);
  });
}

/** The canonical name `getent ahosts <name>` prints (getaddrinfo with AI_CANONNAME), or null. */
export function parseGetentCanonname(output: string): string | null {
  const first = output.split('\n')[0] ?? '';
  return first.trim().split(/\s+/)[2] ?? null;
}

/**
 * Salt's `get_fqhostname`: the AI_CANONNAME name of this host's name (via `getent ahosts`), else
 * the host name itself; `localhost.localdomain` when there is no host name. Once per load.
 */
export function fqdn(ctx: GrainContext): Promise<string> {
  return ctx.memo('fqdn', async () => {
    const name = os.hostname();
    if (!name) return 'localhost.localdomain';
    const getent = await ctx.which('getent');
    if (getent) {
      const { stdout, retcode } = await ctx.run([getent, 'ahosts', name]);
      const canon = retcode === 0 ? parseGetentCanonname(stdout) : null;
      if (canon) return canon;
    }
    return name;
  });
}

/** `hostname`: localhost, fqdn, host and domain. */
export async function hostname(ctx: GrainContext): Promise<Grains> {
  const full = await fqdn(ctx);
  const dot = full.indexOf('.');
  return {
    localhost: os.hostname(),
    fqdn: full,
    host: dot < 0 ? full : full.slice(0, dot),
    domain: dot < 0 ? '' : full.slice(dot + 1),
  };
}

async function lookupAll(name: string, family: 4 | 6): Promise<string[]> {
  try {
    const found = await dnsp.lookup(name, { family, all: true });
    return [...new Set(found.map((a) => a.address))];
  } catch {
    return [];
  }
}

/** `ip_fqdn`: ipv4, ipv6 (sorted, loopback included) and the addresses the fqdn resolves to. */
export async function ipFqdn(ctx: GrainContext): Promise<Grains> {
  const [table, name] = await Promise.all([interfaces(ctx), fqdn(ctx)]);
  const ipv4 = ipAddrs(table, 'inet', true);
  const ipv6 = ipAddrs(table, 'inet6', true);
  const [fqdnIp4, fqdnIp6] = await Promise.all([
    ipv4.length ? lookupAll(name, 4) : Promise.resolve([]),
    ipv6.length ? lookupAll(name, 6) : Promise.resolve([]),
  ]);
  return { ipv4, ipv6, fqdn_ip4: fqdnIp4, fqdn_ip6: fqdnIp6 };
}

/** `ip_interfaces`, `ip4_interfaces`, `ip6_interfaces` and `hwaddr_interfaces` from one table. */
export function interfaceGrains(table: InterfaceTable, which: 'ip' | 'ip4' | 'ip6' | 'hwaddr'): Grains {
  const out: Record<string, unknown> = {};
  for (const [name, info] of Object.entries(table)) {
    if (which === 'hwaddr') {
      if (info.hwaddr !== undefined) out[name] = info.hwaddr;
    } else if (which === 'ip4') {
      out[name] = interfaceAddresses(info, 'inet');
    } else if (which === 'ip6') {
      out[name] = interfaceAddresses(info, 'inet6');
    } else {
      out[name] = [...(info.inet ?? []), ...(info.inet6 ?? []), ...(info.secondary ?? [])].map((e) => e.address);
    }
  }
  return { [`${which}_interfaces`]: out };
}

/** `dns`: the systemd-resolved resolv.conf when present, else /etc/resolv.conf; `{}` if unreadable. */
export async function dnsGrain(): Promise<Grains> {
  const path = (await exists('/run/systemd/resolve/resolv.conf')) ? '/run/systemd/resolve/resolv.conf' : '/etc/resolv.conf';
  const text = await readText(path);
  return text === null ? {} : { dns: parseResolv(text) };
}

/** `default_gateway`: ip_gw, ip4_gw, ip6_gw from `ip -4/-6 route show`; `{}` without `ip`. */
export async function defaultGateway(ctx: GrainContext): Promise<Grains> {
  const ip = await ctx.which('ip');
  if (!ip) return {};
  const [v4, v6] = await Promise.all(['-4', '-6'].map((f) => ctx.run([ip, f, 'route', 'show'])));
  const ip4 = parseDefaultRoute(v4!.stdout);
  const ip6 = parseDefaultRoute(v6!.stdout);
  return { ip_gw: ip4 !== false || ip6 !== false, ip4_gw: ip4, ip6_gw: ip6 };
}

async function reverseName(address: string): Promise<string | null> {
  try {
    const { hostname: name } = await dnsp.lookupService(address, 0);
    return name && !parseIp(name) ? name : null;
  } catch {
    return null;
  }
}

/**
 * `fqdns`: the reverse-DNS names of every non-loopback address, sorted; `[]` when
 * `enable_fqdns_grains` is false (it defaults to true on Linux, as in Salt).
 */
export async function fqdnsGrain(ctx: GrainContext): Promise<Grains> {
  const enabled = 'enable_fqdns_grains' in ctx.opts ? Boolean(ctx.opts.enable_fqdns_grains) : true;
  if (!enabled) return { fqdns: [] };
  const table = await interfaces(ctx);
  const addresses = [...ipAddrs(table, 'inet', false), ...ipAddrs(table, 'inet6', false)];
  const names = await Promise.all(addresses.map(reverseName));
  return { fqdns: [...new Set(names.filter((n): n is string => n !== null))].sort() };
}
