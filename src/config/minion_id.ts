/**
 * The minion id when none is configured (Salt's `get_id` / `generate_minion_id`): the cached
 * `minion_id` file, else the host's FQDN, else another name of the host, else an IP address.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import * as sys from './syspaths.js';

/** What id generation needs from the host; replaceable in tests. */
export interface HostInfo {
  /** `socket.gethostname()`. */
  hostname(): string;
  /** `socket.getfqdn(name)`: the first dotted name the resolver knows for `name`, else `name`. */
  fqdn(name: string): string;
  /** A file's text, or undefined when it cannot be read. */
  readFile(path: string): string | undefined;
  /** The host's non-loopback IPv4 addresses. */
  ipAddrs(): string[];
}

// Names Salt never uses as an id (`DistinctList.localhost_matchers`, matched at the start).
const LOCALHOST_MATCHERS = [
  /^localhost.*/,
  /^ip6-.*/,
  /^127[.]\d/,
  /^0\.0\.0\.0/,
  /^::1.*/,
  /^ipv6-.*/,
  /^fe00::.*/,
  /^fe02::.*/,
  /^1.0.0.*.ip6.arpa/,
];

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function getent(key: string): string[] | undefined {
  try {
    const out = execFileSync('getent', ['hosts', key], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] });
    const first = out.split('\n')[0]?.trim();
    return first ? first.split(/\s+/) : undefined;
  } catch {
    return undefined;
  }
}

/** Python's `socket.getfqdn`: forward-resolve `name`, reverse-resolve its address, pick a dotted name. */
function systemFqdn(name: string): string {
  const forward = getent(name);
  if (!forward || forward.length === 0) return name;
  const reverse = getent(forward[0]!) ?? forward;
  const names = reverse.slice(1);
  return names.find((n) => n.includes('.')) ?? names[0] ?? name;
}

/** The real host, through the OS resolver (`getent`) and `/etc` files. */
export const systemHostInfo: HostInfo = {
  hostname: () => hostname(),
  fqdn: systemFqdn,
  readFile: readText,
  ipAddrs() {
    const out: string[] = [];
    for (const addrs of Object.values(networkInterfaces())) {
      for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('127.')) out.push(a.address);
    }
    return out;
  },
};

/**
 * Salt's `generate_minion_id`: the first usable name among the FQDN, the hostname, `/etc/hostname`,
 * `/etc/nodename`, the loopback and single-name lines of `/etc/hosts`, then the host's IPv4
 * addresses; `localhost` when none is usable.
 */
export function generateMinionId(host: HostInfo = systemHostInfo): string {
  const hosts: string[] = [];
  const add = (name: string | undefined): void => {
    if (!name || hosts.includes(name) || LOCALHOST_MATCHERS.some((re) => re.test(name))) return;
    hosts.push(name);
  };
  const name = host.hostname();
  add(host.fqdn(name));
  add(name);
  for (const file of ['/etc/hostname', '/etc/nodename', '/etc/hosts']) {
    const text = host.readFile(file);
    if (text === undefined) continue;
    for (const line of text.split('\n')) {
      const fields = line.split('#')[0]!.trim().split(/\s+/).filter(Boolean);
      if (fields.length === 0) continue;
      const first = fields[0]!;
      if (first.startsWith('127.') || first.startsWith('::1') || fields.length === 1) fields.forEach(add);
    }
  }
  host.ipAddrs().forEach(add);
  return hosts[0] ?? 'localhost';
}

/** Options that steer {@link getMinionId}. */
export interface MinionIdOptions {
  root_dir?: unknown;
  minion_id_caching?: unknown;
  minion_id_lowercase?: unknown;
  minion_id_remove_domain?: unknown;
}

/** Where Salt caches a generated id: `<root_dir>/etc/salt/minion_id` (not under `-c`). */
export function minionIdCachePath(opts: MinionIdOptions): string {
  const rootDir = typeof opts.root_dir === 'string' && opts.root_dir ? opts.root_dir : sys.ROOT_DIR;
  return join(rootDir, sys.CONFIG_DIR.replace(/^\/+/, ''), 'minion_id');
}

function removeDomain(id: string, domain: unknown): string {
  if (domain === true) return id.includes('.') ? id.slice(0, id.indexOf('.')) : id;
  if (typeof domain === 'string' && id.toUpperCase().endsWith('.' + domain.toUpperCase())) {
    return id.slice(0, id.length - domain.length - 1);
  }
  return id;
}

/**
 * Salt's `get_id`: the cached id from {@link minionIdCachePath} (unless `minion_id_caching` is off,
 * and never `localhost`), else a generated one, lowercased and domain-stripped as configured.
 * With `cache`, a generated id is written to the cache file (errors writing it are ignored, as in Salt).
 * @returns the id and whether it is an IPv4 address.
 */
export function getMinionId(
  opts: MinionIdOptions,
  { cache = false, host = systemHostInfo }: { cache?: boolean; host?: HostInfo } = {},
): { id: string; isIp: boolean } {
  const cachePath = minionIdCachePath(opts);
  const caching = opts.minion_id_caching !== false;
  if (caching) {
    const text = host.readFile(cachePath);
    if (text !== undefined) {
      const name = text.replace(/^\uFEFF/, '').split('\n')[0]!.trim();
      if (name && name !== 'localhost') return { id: name, isIp: false };
    }
  }
  let id = generateMinionId(host);
  if (opts.minion_id_lowercase) id = id.toLowerCase();
  if (opts.minion_id_remove_domain) id = removeDomain(id, opts.minion_id_remove_domain);
  if (cache && caching) {
    try {
      mkdirSync(dirname(cachePath), { recursive: true });
      writeFileSync(cachePath, id);
    } catch {
      // Salt only logs a failed cache write.
    }
  }
  return { id, isIp: isIPv4(id) };
}
