/**
 * Salt's core grain functions (`salt/grains/core.py`) as one grain module, plus the older
 * synchronous {@link coreGrains} kept until every caller uses `loadGrains`.
 *
 * Salt reports Python facts in `pythonexecutable`, `pythonpath` and `pythonversion`; salt-ts
 * runs on Node.js, so those grains hold the Node.js equivalents under the same names: the
 * `node` binary, the module search directories (`node_modules` up the tree, NODE_PATH and
 * the global folders), and `[major, minor, patch, "final", 0]` of the Node.js version.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exists, readText } from './_files.js';
import { defaultGateway, dnsGrain, fqdnsGrain, hostname, interfaceGrains, interfaces, ipFqdn } from './core_network.js';
import { osData } from './core_os.js';
import { defaultLocale, localTimezoneName } from './locale.js';
import { parseKernelParams } from './proc.js';
import type { GrainContext, GrainModule, Grains } from './types.js';
import { SALT_VERSION, SALT_VERSION_INFO } from '../version.js';

export { coreGrains } from './core_sync.js';

/** Salt's `server_id`: sha256 of the id as a big integer, modulo 2**31. */
export function serverId(id: string): number {
  const hash = BigInt('0x' + createHash('sha256').update(id, 'utf8').digest('hex'));
  return Number(hash % 2n ** 31n);
}

/** The Node.js stand-in for `sys.version_info`: `[major, minor, patch, releaselevel, serial]`. */
export function runtimeVersionInfo(version = process.versions.node): Array<number | string> {
  const [core, pre] = version.split('-', 2) as [string, string | undefined];
  const [major = 0, minor = 0, patch = 0] = core.split('.').map(Number);
  return [major, minor, patch, pre ? 'candidate' : 'final', 0];
}

/** The module search directories of this package (the Node.js stand-in for `sys.path`). */
export function moduleSearchPaths(): string[] {
  return createRequire(import.meta.url).resolve.paths('salt-ts-grains-probe') ?? [];
}

/** The directory of the salt-ts sources (`src`, or `dist/src` when compiled): Salt's `saltpath`. */
export function saltPath(): string {
  return dirname(dirname(fileURLToPath(import.meta.url)));
}

async function machineId(): Promise<Grains> {
  for (const path of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    if (!(await exists(path))) continue;
    const text = await readText(path);
    return text === null ? {} : { machine_id: text.trim() };
  }
  return {};
}

async function kernelparams(ctx: GrainContext): Promise<Grains> {
  const cmdline = await readText('/proc/cmdline');
  if (cmdline === null) return {};
  try {
    return { kernelparams: parseKernelParams(cmdline) };
  } catch (err) {
    ctx.log.debug(`Failed to parse /proc/cmdline: ${(err as Error).message}`);
    return {};
  }
}

async function localeInfo(): Promise<Grains> {
  const [defaultlanguage, defaultencoding] = defaultLocale();
  return { locale_info: { defaultlanguage, defaultencoding, detectedencoding: 'utf-8', timezone: await localTimezoneName() } };
}

async function zmqVersion(): Promise<Grains> {
  try {
    const zmq = (await import('zeromq')) as { version?: unknown };
    return typeof zmq.version === 'string' ? { zmqversion: zmq.version } : {};
  } catch {
    return {};
  }
}

function path(): Grains {
  const value = (process.env.PATH ?? '').trim();
  return { path: value, systempath: value.split(':') };
}

/** The core grain functions, named as in Salt (they run in the alphabetical order of their names). */
export const coreModule: GrainModule = {
  name: 'core',
  functions: {
    append_domain: (ctx) => ('append_domain' in ctx.opts ? { append_domain: ctx.opts.append_domain } : {}),
    cwd: () => ({ cwd: process.cwd() }),
    default_gateway: defaultGateway,
    dns: dnsGrain,
    fqdns: fqdnsGrain,
    get_machine_id: machineId,
    get_master: (ctx) => ({ master: 'master' in ctx.opts ? ctx.opts.master : '' }),
    get_server_id: (ctx) => ({ server_id: serverId(String(ctx.opts.id ?? '')) }),
    hostname,
    hwaddr_interfaces: async (ctx) => interfaceGrains(await interfaces(ctx), 'hwaddr'),
    id_: (ctx) => ({ id: 'id' in ctx.opts ? ctx.opts.id : '' }),
    ip4_interfaces: async (ctx) => interfaceGrains(await interfaces(ctx), 'ip4'),
    ip6_interfaces: async (ctx) => interfaceGrains(await interfaces(ctx), 'ip6'),
    ip_fqdn: ipFqdn,
    ip_interfaces: async (ctx) => interfaceGrains(await interfaces(ctx), 'ip'),
    kernelparams,
    locale_info: localeInfo,
    os_data: osData,
    path,
    pythonexecutable: () => ({ pythonexecutable: process.execPath }),
    pythonpath: () => ({ pythonpath: moduleSearchPaths() }),
    pythonversion: () => ({ pythonversion: runtimeVersionInfo() }),
    saltpath: () => ({ saltpath: saltPath() }),
    saltversion: () => ({ saltversion: SALT_VERSION }),
    saltversioninfo: () => ({ saltversioninfo: [...SALT_VERSION_INFO] }),
    zmqversion: zmqVersion,
  },
};
