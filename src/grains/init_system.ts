/**
 * The `init` grain on Linux: `systemd` when `/run/systemd/system` exists, else a guess from
 * PID 1's command line (an `.../bin/init` binary is scanned for upstart/sysvinit/systemd;
 * supervisord, dumb-init, tini, runit and my_init are recognised), else `unknown`.
 */
import { open } from 'node:fs/promises';
import { exists, readText } from './_files.js';
import type { GrainContext } from './types.js';

const SUPPORTED_INITS = ['upstart', 'sysvinit', 'systemd'];

/** The first of upstart/sysvinit/systemd found in the binary (case-insensitive), read in chunks. */
export async function scanInitBinary(path: string, chunkSize = 262144): Promise<string | null> {
  const edgeLen = Math.max(...SUPPORTED_INITS.map((s) => s.length)) - 1;
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const buf = Buffer.alloc(chunkSize);
    let edge = '';
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, chunkSize, null);
      if (bytesRead === 0) return null;
      const text = edge + buf.subarray(0, bytesRead).toString('latin1').toLowerCase();
      const found = SUPPORTED_INITS.find((name) => text.includes(name));
      if (found) return found;
      edge = text.slice(-edgeLen);
    }
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

/** Salt's `_linux_init_system`. */
export async function linuxInitSystem(ctx: GrainContext): Promise<string> {
  if (await exists('/run/systemd/system')) return 'systemd';
  const cmdlineText = await readText('/proc/1/cmdline');
  if (cmdlineText === null) return 'unknown';
  const cmdline = cmdlineText.replace(/\0/g, ' ').split(/\s+/).filter(Boolean);
  if (cmdline.length === 0) {
    ctx.log.warn('Unable to fetch data from /proc/1/cmdline');
    return 'unknown';
  }
  const initBin = await ctx.which(cmdline[0]!);
  if (initBin !== null && initBin.endsWith('bin/init')) {
    const size = Number(ctx.opts.file_buffer_size) || 262144;
    return (await scanInitBinary(initBin, size)) ?? 'unknown';
  }
  for (const [program, name] of [['supervisord', 'supervisord'], ['dumb-init', 'dumb-init'], ['tini', 'tini']] as const) {
    const path = await ctx.which(program);
    if (path !== null && cmdline.includes(path)) return name;
  }
  if (cmdline.length === 1 && cmdline[0] === 'runit') return 'runit';
  if (cmdline.includes('/sbin/my_init')) return 'runit';
  ctx.log.debug(`Could not determine init system from command line: (${cmdline.join(' ')})`);
  return 'unknown';
}
