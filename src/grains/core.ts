/**
 * Core grains: facts about the minion's host, with Salt's grain names and types.
 * This is the base set the master needs for targeting and pillar; see
 * /work/shared/conformance/grains for the full list Salt reports.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { SALT_VERSION, SALT_VERSION_INFO } from '../version.js';

type Grains = Record<string, unknown>;

function osRelease(): Record<string, string> {
  try {
    const out: Record<string, string> = {};
    for (const line of readFileSync('/etc/os-release', 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line);
      if (m) out[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
    }
    return out;
  } catch {
    return {};
  }
}

const OS_FAMILY: Record<string, string> = { Debian: 'Debian', Ubuntu: 'Debian', Raspbian: 'Debian', CentOS: 'RedHat', Fedora: 'RedHat', RedHat: 'RedHat', Rocky: 'RedHat', AlmaLinux: 'RedHat', Alpine: 'Alpine', Arch: 'Arch', SUSE: 'Suse', openSUSE: 'Suse' };

function interfaces(): { ipv4: string[]; ipv6: string[]; ip4: Record<string, string[]>; ip6: Record<string, string[]>; hw: Record<string, string> } {
  const ipv4 = new Set<string>();
  const ipv6 = new Set<string>();
  const ip4: Record<string, string[]> = {};
  const ip6: Record<string, string[]> = {};
  const hw: Record<string, string> = {};
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    ip4[name] = [];
    ip6[name] = [];
    for (const a of addrs ?? []) {
      if (a.family === 'IPv4') {
        ipv4.add(a.address);
        ip4[name].push(a.address);
      } else {
        const addr = a.address.split('%')[0];
        ipv6.add(addr);
        ip6[name].push(addr);
      }
      if (a.mac) hw[name] = a.mac;
    }
  }
  const sortIp = (xs: Set<string>): string[] => [...xs].sort();
  return { ipv4: sortIp(ipv4), ipv6: sortIp(ipv6), ip4, ip6, hw };
}

/** Collects the core grains for a minion with the given id and options. */
export function coreGrains(opts: { id: string; master?: unknown; grains?: unknown }): Grains {
  const rel = osRelease();
  const name = rel.NAME?.split(' ')[0] ?? os.type();
  const fqdn = os.hostname();
  const net = interfaces();
  const release = rel.VERSION_ID ?? '';
  const user = os.userInfo();
  const grains: Grains = {
    id: opts.id,
    host: fqdn.split('.')[0],
    fqdn,
    domain: fqdn.includes('.') ? fqdn.slice(fqdn.indexOf('.') + 1) : '',
    localhost: os.hostname(),
    nodename: os.hostname(),
    kernel: os.type(),
    kernelrelease: os.release(),
    kernelversion: os.version(),
    cpuarch: os.arch() === 'x64' ? 'x86_64' : os.arch() === 'arm64' ? 'aarch64' : os.arch(),
    num_cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model ?? 'Unknown',
    mem_total: Math.floor(os.totalmem() / 1024 / 1024),
    os: name,
    os_family: OS_FAMILY[name] ?? name,
    osfullname: rel.NAME ?? name,
    osrelease: release,
    osrelease_info: release ? release.split('.').map((x) => Number(x)) : [],
    osmajorrelease: release ? Number(release.split('.')[0]) : undefined,
    oscodename: rel.VERSION_CODENAME ?? '',
    osfinger: release ? `${name}-${release.split('.')[0]}` : name,
    ipv4: net.ipv4,
    ipv6: net.ipv6,
    ip4_interfaces: net.ip4,
    ip6_interfaces: net.ip6,
    hwaddr_interfaces: net.hw,
    master: opts.master,
    pid: process.pid,
    uid: user.uid,
    gid: user.gid,
    username: user.username,
    shell: user.shell ?? '/bin/sh',
    path: process.env.PATH ?? '',
    saltversion: SALT_VERSION,
    saltversioninfo: SALT_VERSION_INFO,
  };
  for (const k of Object.keys(grains)) if (grains[k] === undefined) delete grains[k];
  if (opts.grains && typeof opts.grains === 'object') Object.assign(grains, opts.grains);
  return grains;
}
