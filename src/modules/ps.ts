/**
 * Salt's `ps` execution module on Linux (Salt's file: ps.py, which uses psutil): processes,
 * memory, CPUs, boot time and disk usage, read from `/proc` and `statfs`.
 */
import { cpus, totalmem } from 'node:os';
import { readdir, readFile, readlink, statfs } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineFunction } from '../loader/define.js';
import { CommandExecutionError, SaltInvocationError } from '../loader/errors.js';
import type { SaltModule } from '../loader/types.js';
import { pyFloat } from '../protocol/pytypes.js';
import { pyInt } from './_pyconv.js';
import { isTrue, pyText, readPasswd } from './_syscmd.js';

const CLOCK_TICKS = 100;
const PAGE_SIZE = 4096;

const STATUS_NAMES: Record<string, string> = {
  R: 'running', S: 'sleeping', D: 'disk-sleep', T: 'stopped', t: 'tracing-stop', Z: 'zombie', X: 'dead',
  x: 'dead', K: 'wake-kill', W: 'waking', I: 'idle', P: 'parked',
};

/** What `/proc/<pid>` says about one process. */
interface ProcSnapshot {
  pid: number;
  ppid: number;
  name: string;
  status: string;
  cmdline: string[];
  uids: [number, number, number];
  gids: [number, number, number];
  username: string;
  createTime: number;
  numThreads: number;
  nice: number;
  cpu: { user: number; system: number; children_user: number; children_system: number; iowait: number };
  mem: { rss: number; vms: number; shared: number; text: number; lib: number; data: number; dirty: number };
}

class NoSuchProcess extends Error {
  override readonly name = 'NoSuchProcess';
  readonly code = 'ENOSUCHPROCESS';
}

let bootTimeCache: number | undefined;

async function bootTime(): Promise<number> {
  if (bootTimeCache === undefined) {
    const m = /^btime\s+(\d+)/m.exec(await readFile('/proc/stat', 'utf8'));
    bootTimeCache = m ? Number(m[1]) : 0;
  }
  return bootTimeCache;
}

async function userNames(): Promise<Map<number, string>> {
  return new Map((await readPasswd()).map((u) => [u.uid, u.name]));
}

async function pids(): Promise<number[]> {
  return (await readdir('/proc'))
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .sort((a, b) => a - b);
}

async function snapshot(pid: number, users?: Map<number, string>): Promise<ProcSnapshot> {
  let stat: string;
  let status: string;
  let cmdline: string;
  let statm: string;
  try {
    [stat, status, cmdline, statm] = await Promise.all([
      readFile(`/proc/${pid}/stat`, 'utf8'),
      readFile(`/proc/${pid}/status`, 'utf8'),
      readFile(`/proc/${pid}/cmdline`, 'utf8'),
      readFile(`/proc/${pid}/statm`, 'utf8'),
    ]);
  } catch {
    throw new NoSuchProcess(`process PID not found (pid=${pid})`);
  }
  const close = stat.lastIndexOf(')');
  const f = stat.slice(close + 2).split(' ');
  const field = (n: number) => Number(f[n - 3]);
  const ids = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)`, 'm').exec(status);
    return (m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0]) as [number, number, number];
  };
  const uids = ids('Uid');
  const nameMatch = /^Name:\s*(.*)$/m.exec(status);
  const m = statm.trim().split(/\s+/).map((x) => Number(x) * PAGE_SIZE);
  const names = users ?? (await userNames());
  return {
    pid,
    ppid: field(4),
    name: nameMatch ? nameMatch[1] : stat.slice(stat.indexOf('(') + 1, close),
    status: STATUS_NAMES[f[0]] ?? f[0],
    cmdline: cmdline.split('\0').filter((x, i, a) => !(x === '' && i === a.length - 1)),
    uids,
    gids: ids('Gid'),
    username: names.get(uids[1]) ?? String(uids[1]),
    createTime: (await bootTime()) + field(22) / CLOCK_TICKS,
    numThreads: field(20),
    nice: field(19),
    cpu: {
      user: field(14) / CLOCK_TICKS,
      system: field(15) / CLOCK_TICKS,
      children_user: field(16) / CLOCK_TICKS,
      children_system: field(17) / CLOCK_TICKS,
      iowait: field(42) / CLOCK_TICKS,
    },
    mem: { vms: m[0], rss: m[1], shared: m[2], text: m[3], lib: m[4], data: m[5], dirty: m[6] },
  };
}

async function allSnapshots(): Promise<ProcSnapshot[]> {
  const users = await userNames();
  const out: ProcSnapshot[] = [];
  for (const pid of await pids()) {
    try {
      out.push(await snapshot(pid, users));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

const floatMap = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, pyFloat(v)]));

/** psutil's `Process.as_dict()`, for the attributes this module knows. */
async function asDict(p: ProcSnapshot): Promise<Record<string, unknown>> {
  const safe = async <T>(f: () => Promise<T>): Promise<T | null> => {
    try {
      return await f();
    } catch {
      return null;
    }
  };
  return {
    pid: p.pid,
    ppid: p.ppid,
    name: p.name,
    exe: (await safe(() => readlink(`/proc/${p.pid}/exe`))) ?? '',
    cmdline: p.cmdline,
    status: p.status,
    username: p.username,
    create_time: pyFloat(p.createTime),
    cwd: await safe(() => readlink(`/proc/${p.pid}/cwd`)),
    num_threads: p.numThreads,
    nice: p.nice,
    uids: p.uids,
    gids: p.gids,
    cpu_times: floatMap(p.cpu),
    memory_info: p.mem,
  };
}

function cmdOf(p: ProcSnapshot): string[] | string {
  return p.cmdline.length ? p.cmdline : p.name;
}

const STRFTIME: Record<string, (d: Date) => string> = {
  Y: (d) => String(d.getFullYear()),
  y: (d) => String(d.getFullYear() % 100).padStart(2, '0'),
  m: (d) => String(d.getMonth() + 1).padStart(2, '0'),
  d: (d) => String(d.getDate()).padStart(2, '0'),
  H: (d) => String(d.getHours()).padStart(2, '0'),
  I: (d) => String(d.getHours() % 12 || 12).padStart(2, '0'),
  M: (d) => String(d.getMinutes()).padStart(2, '0'),
  S: (d) => String(d.getSeconds()).padStart(2, '0'),
  p: (d) => (d.getHours() < 12 ? 'AM' : 'PM'),
  a: (d) => d.toLocaleString('en-US', { weekday: 'short' }),
  A: (d) => d.toLocaleString('en-US', { weekday: 'long' }),
  b: (d) => d.toLocaleString('en-US', { month: 'short' }),
  B: (d) => d.toLocaleString('en-US', { month: 'long' }),
  e: (d) => String(d.getDate()).padStart(2, ' '),
  j: (d) => String(Math.floor((d.getTime() - new Date(d.getFullYear(), 0, 1).getTime()) / 86400000) + 1).padStart(3, '0'),
  s: (d) => String(Math.floor(d.getTime() / 1000)),
  '%': () => '%',
};
STRFTIME.c = (d) => `${STRFTIME.a(d)} ${STRFTIME.b(d)} ${STRFTIME.e(d)} ${STRFTIME.H(d)}:${STRFTIME.M(d)}:${STRFTIME.S(d)} ${STRFTIME.Y(d)}`;

/** A subset of C's strftime (the directives Python documents for the C locale). */
function strftime(d: Date, format: string): string {
  return format.replace(/%(.)/g, (all, c: string) => (STRFTIME[c] ? STRFTIME[c](d) : all));
}

const mod: SaltModule = {
  name: 'ps',
  virtual: () => (process.platform === 'linux' ? true : [false, 'The ps module reads /proc and only works on Linux']),
  functions: {
    top: defineFunction(
      {
        args: ['num_processes', 'interval'],
        defaults: { num_processes: 5, interval: 3 },
        doc: `
          Return a list of top CPU consuming processes during the interval.
          num_processes = return the top N CPU consuming processes
          interval = the number of seconds to sample CPU usage over

          CLI Examples:

          .. code-block:: bash

              salt '*' ps.top

              salt '*' ps.top 5 10
        `,
      },
      async ({ num_processes, interval }, ctx) => {
        const start = new Map((await allSnapshots()).map((p) => [p.pid, p.cpu.user + p.cpu.system]));
        const seconds = Number(interval instanceof Object && 'value' in interval ? (interval as { value: number }).value : interval);
        await sleep(Math.max(0, seconds * 1000), undefined, ctx.signal ? { signal: ctx.signal } : undefined);
        const usage: Array<[number, ProcSnapshot]> = [];
        for (const p of await allSnapshots()) {
          const before = start.get(p.pid);
          if (before === undefined) continue;
          usage.push([p.cpu.user + p.cpu.system - before, p]);
        }
        usage.sort((a, b) => b[0] - a[0] || b[1].pid - a[1].pid);
        return usage.slice(0, pyInt(num_processes)).map(([, p]) => ({
          cmd: cmdOf(p),
          user: p.username,
          status: p.status,
          pid: p.pid,
          create_time: pyFloat(p.createTime),
          cpu: floatMap(p.cpu),
          mem: p.mem,
        }));
      },
    ),
    get_pid_list: defineFunction(
      {
        doc: `
          Return a list of process ids (PIDs) for all running processes.

          CLI Example:

          .. code-block:: bash

              salt '*' ps.get_pid_list
        `,
      },
      () => pids(),
    ),
    proc_info: defineFunction(
      {
        args: ['pid', 'attrs'],
        defaults: { attrs: null },
        doc: `
          Return a dictionary of information for a process id (PID).

          CLI Example:

          .. code-block:: bash

              salt '*' ps.proc_info 2322
              salt '*' ps.proc_info 2322 attrs='["pid", "name"]'

          pid
              PID of process to query.

          attrs
              Optional list of desired process attributes.
        `,
      },
      async ({ pid, attrs }) => {
        let info: Record<string, unknown>;
        try {
          info = await asDict(await snapshot(pyInt(pid)));
        } catch (err) {
          throw new CommandExecutionError((err as Error).message);
        }
        if (attrs === null || attrs === undefined) return info;
        const wanted = Array.isArray(attrs) ? attrs.map(pyText) : pyText(attrs).split(',');
        const unknown = wanted.filter((a) => !(a in info));
        if (unknown.length) throw new CommandExecutionError(`invalid attr name${unknown.length > 1 ? 's' : ''} ${unknown.map((a) => `'${a}'`).join(', ')}`);
        return Object.fromEntries(wanted.map((a) => [a, info[a]]));
      },
    ),
    kill_pid: defineFunction(
      {
        args: ['pid', 'signal'],
        defaults: { signal: 15 },
        doc: `
          Kill a process by PID.

          .. code-block:: bash

              salt 'minion' ps.kill_pid pid [signal=signal_number]

          pid
              PID of process to kill.

          signal
              Signal to send to the process. See manpage entry for kill
              for possible values. Default: 15 (SIGTERM).
        `,
      },
      ({ pid, signal }) => {
        try {
          process.kill(pyInt(pid), pyInt(signal));
          return true;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
          throw new CommandExecutionError((err as Error).message);
        }
      },
    ),
    pkill: defineFunction(
      {
        args: ['pattern', 'user', 'signal', 'full'],
        defaults: { user: null, signal: 15, full: false },
        doc: `
          Kill processes matching a pattern.

          .. code-block:: bash

              salt '*' ps.pkill pattern [user=username] [signal=signal_number] \\
                      [full=(true|false)]

          pattern
              Pattern to search for in the process list.

          user
              Limit matches to the given username. Default: All users.

          signal
              Signal to send to the process(es). See manpage entry for kill
              for possible values. Default: 15 (SIGTERM).

          full
              A boolean value indicating whether only the name of the command or
              the full command line should be matched against the pattern.
        `,
      },
      async ({ pattern, user, signal, full }) => {
        const pat = pyText(pattern);
        const killed: number[] = [];
        for (const p of await allSnapshots()) {
          if (p.pid === process.pid) continue;
          const nameMatch = isTrue(full) ? p.cmdline.join(' ').includes(pat) : p.name.includes(pat);
          const userMatch = user === null || user === undefined || pyText(user) === p.username;
          if (!nameMatch || !userMatch) continue;
          try {
            process.kill(p.pid, pyInt(signal));
            killed.push(p.pid);
          } catch {
            /* gone already */
          }
        }
        return killed.length ? { killed } : null;
      },
    ),
    pgrep: defineFunction(
      {
        args: ['pattern', 'user', 'full', 'pattern_is_regex'],
        defaults: { user: null, full: false, pattern_is_regex: false },
        doc: `
          Return the pids for processes matching a pattern.

          If full is true, the full command line is searched for a match,
          otherwise only the name of the command is searched.

          .. code-block:: bash

              salt '*' ps.pgrep pattern [user=username] [full=(true|false)]

          pattern
              Pattern to search for in the process list.

          user
              Limit matches to the given username. Default: All users.

          full
              A boolean value indicating whether only the name of the command or
              the full command line should be matched against the pattern.

          pattern_is_regex
              This flag enables ps.pgrep to mirror the regex search functionality
              found in the pgrep command line utility.
        `,
      },
      async ({ pattern, user, full, pattern_is_regex }) => {
        const pat = pyText(pattern);
        const regex = isTrue(pattern_is_regex) ? new RegExp(pat) : null;
        const procs: number[] = [];
        for (const p of await allSnapshots()) {
          const line = isTrue(full) ? p.cmdline.join(' ') : p.name;
          const nameMatch = regex ? regex.test(line) : line.includes(pat);
          const userMatch = user === null || user === undefined || pyText(user) === p.username;
          if (nameMatch && userMatch) procs.push(p.pid);
        }
        return procs.length ? procs : null;
      },
    ),
    num_cpus: defineFunction(
      {
        doc: `
          Return the number of CPUs.

          CLI Example:

          .. code-block:: bash

              salt '*' ps.num_cpus
        `,
      },
      () => cpus().length,
    ),
    total_physical_memory: defineFunction(
      {
        doc: `
          Return the total number of bytes of physical memory.

          CLI Example:

          .. code-block:: bash

              salt '*' ps.total_physical_memory
        `,
      },
      () => totalmem(),
    ),
    boot_time: defineFunction(
      {
        args: ['time_format'],
        defaults: { time_format: null },
        doc: `
          Return the boot time in number of seconds since the epoch began.

          CLI Example:

          time_format
              Optionally specify a \`strftime\`_ format string. Use
              \`\`time_format='%c'\`\` to get a nicely-formatted locale specific date and
              time (i.e. \`\`Fri May  2 19:08:32 2014\`\`).

          .. code-block:: bash

              salt '*' ps.boot_time
        `,
      },
      async ({ time_format }) => {
        const b = Math.trunc(await bootTime());
        if (!time_format) return b;
        if (typeof time_format !== 'string') throw new SaltInvocationError(`Invalid format string: strftime() argument 1 must be str, not ${typeof time_format}`);
        return strftime(new Date(b * 1000), time_format);
      },
    ),
    disk_usage: defineFunction(
      {
        args: ['path'],
        doc: `
          Given a path, return a dict listing the total available space as well as
          the free space, and used space.

          CLI Example:

          .. code-block:: bash

              salt '*' ps.disk_usage /home
        `,
      },
      async ({ path }) => {
        let s;
        try {
          s = await statfs(pyText(path));
        } catch (err) {
          throw new CommandExecutionError((err as Error).message);
        }
        const total = s.blocks * s.bsize;
        const free = s.bavail * s.bsize;
        const used = (s.blocks - s.bfree) * s.bsize;
        const denominator = used + free;
        const percent = denominator ? Math.round((used / denominator) * 1000) / 10 : 0;
        return { total, used, free, percent: pyFloat(percent) };
      },
    ),
  },
};

export { NoSuchProcess };
export default mod;
