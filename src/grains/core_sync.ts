/**
 * A synchronous subset of the core grains, for callers that cannot await yet. It reads the
 * same files with the same parsers as `loadGrains` but runs no helper programs, so grains that
 * need one (gateways, osarch, systemd, virtual ...) are missing and interfaces come from Node.
 * @deprecated Use `loadGrains` from `./index.js`.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { interfaceGrains } from './core_network.js';
import { interfacesFromNode, ipAddrs } from './network.js';
import { distributionGrains, osreleaseData, parseOsRelease } from './os_release.js';
import { parseCpuinfo, parseMeminfo } from './proc.js';
import type { Grains } from './types.js';
import { SALT_VERSION, SALT_VERSION_INFO } from '../version.js';

function readSync(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Collects the core grains that can be read synchronously for a minion with the given id,
 * then applies the config's `grains` mapping on top.
 * @deprecated Use `loadGrains`.
 */
export function coreGrains(opts: { id: string; master?: unknown; grains?: unknown }): Grains {
  const name = os.hostname();
  const dot = name.indexOf('.');
  const table = interfacesFromNode();
  const osReleaseText = readSync('/etc/os-release') ?? readSync('/usr/lib/os-release');
  const dist = distributionGrains(readSync('/etc/lsb-release'), osReleaseText === null ? null : parseOsRelease(osReleaseText));
  const user = os.userInfo();
  const grains: Grains = {
    id: opts.id,
    master: opts.master ?? '',
    localhost: name,
    fqdn: name,
    host: dot < 0 ? name : name.slice(0, dot),
    domain: dot < 0 ? '' : name.slice(dot + 1),
    ...interfaceGrains(table, 'hwaddr'),
    ...interfaceGrains(table, 'ip4'),
    ...interfaceGrains(table, 'ip6'),
    ipv4: ipAddrs(table, 'inet', true),
    ipv6: ipAddrs(table, 'inet6', true),
    ...interfaceGrains(table, 'ip'),
    kernel: os.type(),
    nodename: name,
    kernelrelease: os.release(),
    kernelversion: os.version(),
    cpuarch: os.machine(),
    ...dist,
    ...parseCpuinfo(readSync('/proc/cpuinfo')),
    ...parseMeminfo(readSync('/proc/meminfo')),
    path: (process.env.PATH ?? '').trim(),
    saltversion: SALT_VERSION,
    saltversioninfo: [...SALT_VERSION_INFO],
    shell: process.env.SHELL ?? '/bin/sh',
    username: user.username,
    pid: process.pid,
    gid: process.getegid?.() ?? user.gid,
    uid: process.geteuid?.() ?? user.uid,
  };
  if (typeof grains.osrelease === 'string' && grains.osrelease) {
    Object.assign(grains, osreleaseData(String(grains.os), String(grains.osfullname), grains.osrelease));
  }
  if (opts.grains && typeof opts.grains === 'object') Object.assign(grains, opts.grains);
  return grains;
}
