/**
 * Salt's `os_data` core grain function: kernel and distribution, CPU, memory, GPUs, firmware,
 * virtualization, init system and systemd. The independent parts run concurrently and are
 * assembled in Salt's key order.
 */
import os from 'node:os';
import { isDir, readText } from './_files.js';
import { devicetreeGrains, firmwareGrains, gpuGrains } from './hardware.js';
import { linuxInitSystem } from './init_system.js';
import { distributionGrains, osreleaseData, parseOsRelease } from './os_release.js';
import { parseCpuinfo, parseMeminfo } from './proc.js';
import type { GrainContext, Grains } from './types.js';
import { virtualGrains } from './virtual.js';

/** The uname(2) fields Salt reads through `platform.uname()`. */
export function unameGrains(): Grains {
  return { kernel: os.type(), nodename: os.hostname(), kernelrelease: os.release(), kernelversion: os.version(), cpuarch: os.machine() };
}

async function readOsRelease(): Promise<ReturnType<typeof parseOsRelease> | null> {
  const text = (await readText('/etc/os-release')) ?? (await readText('/usr/lib/os-release'));
  return text === null ? null : parseOsRelease(text);
}

/** Salt's `_systemd`: version and features from `systemctl --version`. */
export function parseSystemctlVersion(stdout: string, retcode: number): { version: string; features: string } {
  const lines = stdout.split('\n');
  if (retcode === 0 && lines[0]?.startsWith('systemd ') && lines.length > 1) {
    return { version: lines[0].split(/\s+/)[1] ?? 'UNDEFINED', features: lines[1]! };
  }
  return { version: 'UNDEFINED', features: '' };
}

async function systemdGrain(ctx: GrainContext): Promise<Grains> {
  const [systemctl, localectl] = await Promise.all([ctx.which('systemctl'), ctx.which('localectl')]);
  if (!systemctl || !localectl) return {};
  const { stdout, retcode } = await ctx.run([systemctl, '--version']);
  const systemd = parseSystemctlVersion(stdout, retcode);
  if (systemd.version === 'UNDEFINED') ctx.log.error(`Unexpected output returned by \`systemctl --version\`: ${stdout}`);
  return { systemd };
}

async function selinuxGrain(ctx: GrainContext): Promise<Grains> {
  const enabledBin = await ctx.which('selinuxenabled');
  if (!enabledBin) return {};
  const selinux: Grains = { enabled: (await ctx.run([enabledBin])).retcode === 0 };
  const getenforce = await ctx.which('getenforce');
  if (getenforce) selinux.enforced = (await ctx.run([getenforce])).stdout.trim();
  return { selinux };
}

/** Salt's `_osarch`: dpkg's architecture on Debian, rpm's on RedHat/Suse, opkg's list on NILinuxRT/Poky, else cpuarch. */
async function osarch(ctx: GrainContext, osFamily: unknown, cpuarch: string): Promise<unknown> {
  const runFirstLine = async (argv: string[]): Promise<string | null> => {
    const bin = await ctx.which(argv[0]!);
    return bin ? (await ctx.run([bin, ...argv.slice(1)])).stdout.trim() : null;
  };
  if (osFamily === 'Debian') return (await runFirstLine(['dpkg', '--print-architecture'])) ?? cpuarch;
  if (osFamily === 'RedHat' || osFamily === 'Suse') return (await runFirstLine(['rpm', '--eval', '%{_host_cpu}'])) || cpuarch || 'unknown';
  if (osFamily === 'NILinuxRT' || osFamily === 'Poky') {
    const priorities = new Map<string, number>();
    for (const line of ((await runFirstLine(['opkg', 'print-architecture'])) ?? '').split('\n')) {
      const words = line.trim().split(/\s+/);
      if (line.startsWith('arch') && words.length === 3) priorities.set(words[1]!, Number(words[2]));
    }
    return [...priorities.entries()].sort((a, b) => b[1] - a[1]).map(([arch]) => arch);
  }
  return cpuarch;
}

/** Salt's `_ps`: the ps command line for this OS. */
export function psCommand(g: Grains): string {
  if (['FreeBSD', 'NetBSD', 'OpenBSD', 'MacOS'].includes(String(g.os))) return 'ps auxwww';
  if (g.os_family === 'Solaris') return '/usr/ucb/ps auxwww';
  if (g.os === 'Windows') return 'tasklist.exe';
  if (g.virtual === 'openvzhn') {
    return 'ps -fH -p $(grep -l "^envID:[[:space:]]*0\\$" /proc/[0-9]*/status | sed -e "s=/proc/\\([0-9]*\\)/.*=\\1=")  | awk \'{ $7=""; print }\'';
  }
  if (g.os_family === 'AIX') return '/usr/bin/ps auxww';
  if (g.os_family === 'NILinuxRT') return 'ps -o user,pid,ppid,tty,time,comm';
  return 'ps -efHww';
}

function nonLinuxCpu(): Grains {
  const cpus = os.cpus();
  return { num_cpus: cpus.length, cpu_model: cpus[0]?.model ?? 'Unknown', cpu_flags: [] };
}

/** `os_data`. On kernels other than Linux only the portable facts are filled in. */
export async function osData(ctx: GrainContext): Promise<Grains> {
  const g: Grains = { num_gpus: 0, gpus: [], ...unameGrains() };
  const linux = g.kernel === 'Linux';
  const cpuarch = String(g.cpuarch);
  const pDist = linux
    ? Promise.all([readText('/etc/lsb-release'), readOsRelease()]).then(([lsb, rel]) => distributionGrains(lsb, rel))
    : Promise.resolve<Grains>({ os: g.kernel, os_family: 'Unknown' });
  const pOsarch = pDist.then((d) => osarch(ctx, d.os_family, cpuarch));
  const pHw = firmwareGrains(ctx, String(g.kernel));
  const parts = await Promise.all([
    linux ? selinuxGrain(ctx) : {},
    linux ? systemdGrain(ctx) : {},
    linux ? linuxInitSystem(ctx) : null,
    pDist,
    linux ? readText('/proc/cpuinfo').then((t) => (t === null ? parseCpuinfo(null) : parseCpuinfo(t))) : nonLinuxCpu(),
    linux ? gpuGrains(ctx) : {},
    linux && (await isDir('/proc/device-tree')) ? devicetreeGrains() : {},
    pOsarch,
    linux ? readText('/proc/meminfo').then(parseMeminfo) : { mem_total: Math.floor(os.totalmem() / 1048576), swap_total: 0 },
    pHw,
    pHw.then((hw) => virtualGrains(ctx, { kernel: g.kernel, productname: hw.productname })),
  ]);
  const [selinux, systemd, init, dist, cpu, gpu, devicetree, arch, mem, hw, virtual] = parts;
  Object.assign(g, selinux, systemd);
  if (init !== null) g.init = init;
  Object.assign(g, dist, cpu, gpu, devicetree);
  g.osarch = arch;
  Object.assign(g, mem, hw, virtual);
  g.ps = psCommand(g);
  if (g.osrelease) Object.assign(g, osreleaseData(String(g.os), String(g.osfullname), String(g.osrelease)));
  return g;
}
