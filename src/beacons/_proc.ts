/**
 * The system figures the beacons compare with thresholds, read the way psutil reads them on
 * Linux: mounts and disk usage, memory use, process names, per-interface network counters.
 */
import { readFileSync, readdirSync, statfsSync } from 'node:fs';
import { basename } from 'node:path';

/** psutil's `usage_percent(used, total, round_=1)`. */
function percent(used: number, total: number): number {
  return total > 0 ? Math.round((used / total) * 1000) / 10 : 0;
}

/** Mount points of `/proc/mounts` (psutil's `disk_partitions(all=True)`), octal escapes decoded. */
export function mountPoints(mountsFile = '/proc/mounts'): string[] {
  let text: string;
  try {
    text = readFileSync(mountsFile, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.split(' ')[1].replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))));
}

/**
 * psutil's `disk_usage(path).percent`: used / (used + available to users), one decimal.
 * @throws the statfs error (e.g. ENOENT, EACCES) when the path cannot be examined.
 */
export function diskUsagePercent(path: string): number {
  const st = statfsSync(path);
  const used = (st.blocks - st.bfree) * st.bsize;
  const avail = st.bavail * st.bsize;
  return percent(used, used + avail);
}

/** psutil's `virtual_memory().percent`: (total - available) / total, one decimal, from `/proc/meminfo`. */
export function memoryUsagePercent(meminfo = '/proc/meminfo'): number {
  const text = readFileSync(meminfo, 'utf8');
  const field = (name: string): number | undefined => {
    const m = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const total = field('MemTotal') ?? 0;
  const available = field('MemAvailable') ?? (field('MemFree') ?? 0) + (field('Buffers') ?? 0) + (field('Cached') ?? 0);
  return percent(total - available, total);
}

/**
 * psutil's `Process.name()` for every process: the kernel's 15-character `comm`, or the
 * command's base name when `comm` is a truncated prefix of it.
 */
export function processNames(procDir = '/proc'): Set<string> {
  const names = new Set<string>();
  let entries: string[];
  try {
    entries = readdirSync(procDir).filter((e) => /^\d+$/.test(e));
  } catch {
    return names;
  }
  for (const pid of entries) {
    try {
      let name = readFileSync(`${procDir}/${pid}/comm`, 'utf8').replace(/\n$/, '');
      if (name.length >= 15) {
        const argv0 = readFileSync(`${procDir}/${pid}/cmdline`, 'utf8').split('\0')[0];
        const full = basename(argv0.split(' ')[0] ?? '');
        if (full.startsWith(name)) name = full;
      }
      names.add(name);
    } catch {
      // the process ended while we looked
    }
  }
  return names;
}

/** psutil's per-interface `net_io_counters` fields, in Salt's order. */
export const NET_ATTRS = ['bytes_sent', 'bytes_recv', 'packets_sent', 'packets_recv', 'errin', 'errout', 'dropin', 'dropout'] as const;
export type NetCounters = Record<(typeof NET_ATTRS)[number], number>;

/** Per-interface counters from `/proc/net/dev`. */
export function netIoCounters(devFile = '/proc/net/dev'): Map<string, NetCounters> {
  const out = new Map<string, NetCounters>();
  let text: string;
  try {
    text = readFileSync(devFile, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    out.set(name, {
      bytes_sent: f[8],
      bytes_recv: f[0],
      packets_sent: f[9],
      packets_recv: f[1],
      errin: f[2],
      errout: f[10],
      dropin: f[3],
      dropout: f[11],
    });
  }
  return out;
}
