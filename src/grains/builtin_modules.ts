/**
 * Salt's grain modules besides `core`: `disks`, `extra` (shell, static grains file,
 * transactional, UEFI), `lvm`, `mdadm`, `minion_process`, `opts` and `zfs`.
 */
import os from 'node:os';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadSaltYaml } from '../yaml/salt_yaml.js';
import { exists, isDir, isFile, readText } from './_files.js';
import { linuxDisks } from './hardware.js';
import type { GrainContext, GrainModule, Grains } from './types.js';

/** Where the static grains file of a config lives: `<dir of conf_file>/grains` (or `<conf_file>/grains` for a directory). */
export async function staticGrainsPath(opts: Readonly<Record<string, unknown>>): Promise<string | null> {
  if (typeof opts.conf_file !== 'string') return null;
  const confFile = opts.conf_file;
  return join((await isDir(confFile)) ? confFile : dirname(confFile), 'grains');
}

/** `extra.config`: the static grains file (YAML); `{}` when it is missing or does not parse. */
async function staticGrainsFile(ctx: GrainContext): Promise<unknown> {
  const path = await staticGrainsPath(ctx.opts);
  if (path === null || !(await isFile(path))) return {};
  ctx.log.debug(`Loading static grains from ${path}`);
  const text = await readText(path);
  if (text === null) return {};
  try {
    return loadSaltYaml(text, { filename: path });
  } catch (err) {
    ctx.log.warn(`Bad syntax in grains file! Skipping. (${(err as Error).message})`);
    return {};
  }
}

/** `extra.uefi`: efi, and efi-secure-boot when exactly one SecureBoot variable says so. */
async function uefi(): Promise<Grains> {
  const dir = (await exists('/sys/firmware/efi/efivars')) ? '/sys/firmware/efi/efivars' : (await exists('/sys/firmware/efi/vars')) ? '/sys/firmware/efi/vars' : null;
  if (dir === null) return { efi: false, 'efi-secure-boot': false };
  let secure = false;
  try {
    const vars = (await readdir(dir)).filter((n) => n.startsWith('SecureBoot-'));
    if (vars.length === 1) {
      const file = dir.endsWith('efivars') ? join(dir, vars[0]!) : join(dir, vars[0]!, 'data');
      const data = await readFile(file);
      secure = data.length > 0 && data[data.length - 1] === 0x01;
    }
  } catch {
    secure = false;
  }
  return { efi: true, 'efi-secure-boot': secure };
}

/** The name of the group with this gid in /etc/group, or ''. */
async function groupName(gid: number): Promise<string> {
  for (const line of ((await readText('/etc/group')) ?? '').split('\n')) {
    const fields = line.split(':');
    if (fields.length >= 3 && Number(fields[2]) === gid && fields[2] !== '') return fields[0]!;
  }
  return '';
}

/** `minion_process.grains`: who and what this process is. */
async function minionProcess(): Promise<Grains> {
  let user: os.UserInfo<string> | null = null;
  try {
    user = os.userInfo();
  } catch {
    user = null;
  }
  const g: Grains = {
    username: user?.username ?? null,
    groupname: user ? await groupName(user.gid) : '',
    pid: process.pid,
  };
  if (process.platform !== 'win32') {
    g.gid = process.getegid?.() ?? user?.gid;
    g.uid = process.geteuid?.() ?? user?.uid;
  }
  return g;
}

/** `lvm.lvm`: volume group → logical volumes, when the `lvm` tool exists. */
async function lvm(ctx: GrainContext): Promise<unknown> {
  const bin = await ctx.which('lvm');
  if (!bin) return null;
  const out: Record<string, string[]> = {};
  const vgs = (await ctx.run([bin, 'vgs', '-o', 'vg_name', '--noheadings'])).stdout;
  for (const vg of vgs.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const lvs = (await ctx.run([bin, 'lvs', '-o', 'lv_name', '--noheadings', vg])).stdout;
    out[vg] = lvs.split('\n').map((l) => l.trim()).filter(Boolean);
  }
  return { lvm: out };
}

/** `mdadm.mdadm`: the md devices of /proc/mdstat (sorted); `{}` without that file. */
async function mdadm(): Promise<Grains> {
  const text = await readText('/proc/mdstat');
  if (text === null) return {};
  const devices = new Set<string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('Personalities : ') || line.startsWith('unused devices:')) continue;
    if (line.includes(' : ')) devices.add(line.split(' : ')[0]!);
  }
  return { mdadm: [...devices].sort() };
}

const ZFS_UNITS = ['K', 'M', 'G', 'T', 'P', 'E'];

/** Salt's `zfs.from_size`: `1.5G` → bytes; other text as a number when numeric, else itself. */
export function zfsSizeToBytes(value: string): number | string | null {
  const m = /^(\d+|\d+\.\d+)([KkMmGgTtPpEe][Bb]?)$/.exec(value);
  if (m) {
    return Number(m[1]) * 1024 ** (ZFS_UNITS.indexOf(m[2]![0]!.toUpperCase()) + 1);
  }
  if (value === 'none') return null;
  return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

/** `zfs.zfs`: zfs_support, zfs_feature_flags and, with support, the zpool sizes. */
async function zfs(ctx: GrainContext): Promise<Grains> {
  const [zpool, zfsFuse, man] = await Promise.all([ctx.which('zpool'), ctx.which('zfs-fuse'), ctx.which('man')]);
  const onPlatform = process.platform === 'linux' && ((await exists('/sys/module/zfs')) || zfsFuse !== null);
  const g: Grains = {
    zfs_support: zpool !== null && onPlatform,
    // `man -w` answers with the same status as rendering the page, without a pager.
    zfs_feature_flags: man !== null && (await ctx.run([man, '-w', 'zpool-features'])).retcode === 0,
  };
  if (g.zfs_support) {
    const pools: Record<string, unknown> = {};
    for (const line of (await ctx.run([zpool!, 'list', '-H', '-o', 'name,size'])).stdout.split('\n')) {
      const [name, size] = line.split(/\s+/);
      if (name && size !== undefined) pools[name] = zfsSizeToBytes(size);
    }
    if (Object.keys(pools).length) g.zpool = pools;
  }
  return g;
}

/** The non-core built-in grain modules, in Salt's loader order. */
export const BUILTIN_MODULES: readonly GrainModule[] = [
  { name: 'disks', functions: { disks: () => (process.platform === 'linux' ? linuxDisks() : null) } },
  {
    name: 'extra',
    functions: {
      config: staticGrainsFile,
      shell: () => ({ shell: process.env.SHELL ?? '/bin/sh' }),
      transactional: async (ctx) => ({ transactional: (await ctx.which('transactional-update')) !== null }),
      uefi,
    },
  },
  { name: 'lvm', functions: { lvm } },
  { name: 'mdadm', functions: { mdadm } },
  { name: 'minion_process', functions: { grains: minionProcess } },
  { name: 'opts', functions: { opts: (ctx) => (ctx.opts.grain_opts ? { opts: ctx.opts } : {}) } },
  { name: 'zfs', functions: { zfs } },
];
