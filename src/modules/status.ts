/**
 * Salt's `status` execution module (Linux): uptime, load, memory, CPU, disk usage, processes
 * and kernel counters, read from `/proc` the way Salt does and in Salt's shapes.
 */
import { existsSync, readFileSync, statfsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { defineFunction } from '../loader/define.js';
import { CommandExecutionError } from '../loader/errors.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { pyFloat } from '../protocol/pytypes.js';
import { fnmatch } from '../targeting/fnmatch.js';
import { pyRegex } from '../targeting/pyregex.js';
import { toPyOSError } from './_oserror.js';
import { pyStr } from './_pyrepr.js';

const UNSUPPORTED = 'This method is unsupported on the current operating system!';

/** Salt's `_number`: digits → int, else a float when Python can parse one, else the text. */
export function pyNumber(text: string): unknown {
  if (/^\d+$/.test(text)) return Number(text);
  const t = text.trim();
  if (/^[+-]?(\d+(_\d+)*\.?(\d+(_\d+)*)?|\.\d+(_\d+)*)([eE][+-]?\d+)?$/.test(t)) return pyFloat(Number(t.replace(/_/g, '')));
  if (/^[+-]?(inf|infinity|nan)$/i.test(t)) return pyFloat(Number(t.replace(/inf(inity)?/i, 'Infinity').replace(/nan/i, 'NaN')));
  return text;
}

function readProc(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function kernel(ctx: CallContext): string {
  return pyStr(ctx.grains.kernel ?? 'Linux');
}

/** Python's `datetime.isoformat()` of a UTC timestamp in seconds (microseconds when non-zero). */
function isoFormat(epochSeconds: number): string {
  const whole = Math.floor(epochSeconds);
  const micro = Math.round((epochSeconds - whole) * 1e6);
  const base = new Date(whole * 1000).toISOString().slice(0, 19);
  return micro ? `${base}.${String(micro).padStart(6, '0')}` : base;
}

async function which(ctx: CallContext, prog: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) if (dir && existsSync(`${dir}/${prog}`)) return true;
  return false;
}

const mod: SaltModule = {
  name: 'status',
  virtual: ({ grains }) => (grains.kernel === 'Windows' ? [false, 'Windows platform is not supported by this module'] : true),
  functions: {
    procs: defineFunction(
      {
        doc: "Return the process data\n\n.. versionchanged:: 2016.11.4\n    Added support for AIX\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' status.procs",
      },
      async (_p, ctx) => {
        const out = pyStr(await ctx.salt('cmd.run', [pyStr(ctx.grains.ps ?? 'ps -efHww')], { python_shell: true }));
        const lines = out.split(/\r\n|\r|\n/);
        const guide = (lines.shift() ?? '').split(/\s+/).filter(Boolean);
        const uind = guide.includes('USER') ? guide.indexOf('USER') : guide.includes('UID') ? guide.indexOf('UID') : 0;
        const pind = guide.includes('PID') ? guide.indexOf('PID') : 0;
        const cind = guide.includes('COMMAND') ? guide.indexOf('COMMAND') : guide.includes('CMD') ? guide.indexOf('CMD') : 0;
        const ret: Record<string, unknown> = {};
        for (const line of lines) {
          if (!line) continue;
          const comps = line.split(/\s+/).filter(Boolean);
          ret[comps[pind]] = { user: comps[uind], cmd: comps.slice(cind).join(' ') };
        }
        return ret;
      },
    ),
    uptime: defineFunction(
      {
        doc: "Return the uptime for this system.\n\n.. versionchanged:: 2015.8.9\n    The uptime function was changed to return a dictionary of easy-to-read\n    key/value pairs containing uptime information, instead of the output\n    from a ``cmd.run`` call.\n\n.. versionchanged:: 2016.11.0\n    Support for OpenBSD, FreeBSD, NetBSD, MacOS, and Solaris\n\n.. versionchanged:: 2016.11.4\n    Added support for AIX\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' status.uptime",
      },
      async (_p, ctx) => {
        const now = Date.now() / 1000;
        if (kernel(ctx) !== 'Linux') return ctx.salt('cmd.run', ['uptime']);
        const text = readProc('/proc/uptime');
        if (text === null) throw new CommandExecutionError('File /proc/uptime was not found.');
        const seconds = Math.trunc(Number(text.split(/\s+/)[0]));
        const boot = now - seconds;
        const upDays = Math.floor(seconds / 86400);
        const rest = seconds - upDays * 86400;
        const ret: Record<string, unknown> = {
          seconds,
          since_iso: isoFormat(boot),
          since_t: Math.trunc(boot),
          days: upDays,
          time: `${Math.floor(rest / 3600)}:${Math.floor((rest % 3600) / 60)}`,
        };
        if (await which(ctx, 'who')) ret.users = pyStr(await ctx.salt('cmd.run', ['who -s'])).split('\n').length;
        return ret;
      },
    ),
    loadavg: defineFunction(
      {
        doc: "Return the load averages for this minion\n\n.. versionchanged:: 2016.11.4\n    Added support for AIX\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' status.loadavg\n\n    :raises CommandExecutionError: If the system cannot report loadaverages to Python",
      },
      () => {
        const [one, five, fifteen] = loadavg();
        return { '1-min': pyFloat(one), '5-min': pyFloat(five), '15-min': pyFloat(fifteen) };
      },
    ),
    cpustats: defineFunction(
      {
        doc: "Return the CPU stats for this minion\n\n.. versionchanged:: 2016.11.4\n    Added support for AIX\n\n.. versionchanged:: 2018.3.0\n    Added support for OpenBSD\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' status.cpustats",
      },
      (_p, ctx) => {
        if (kernel(ctx) !== 'Linux') return UNSUPPORTED;
        const ret: Record<string, unknown> = {};
        for (const line of (readProc('/proc/stat') ?? '').split('\n')) {
          if (!line) continue;
          const c = line.split(/\s+/).filter(Boolean);
          if (c[0] === 'cpu') {
            ret.cpu = {
              idle: pyNumber(c[4]), iowait: pyNumber(c[5]), irq: pyNumber(c[6]), nice: pyNumber(c[2]),
              softirq: pyNumber(c[7]), steal: pyNumber(c[8]), system: pyNumber(c[3]), user: pyNumber(c[1]),
            };
          } else if (c[0] === 'intr') ret.intr = { total: pyNumber(c[1]), irqs: c.slice(2).map(pyNumber) };
          else if (c[0] === 'softirq') ret.softirq = { total: pyNumber(c[1]), softirqs: c.slice(2).map(pyNumber) };
          else ret[c[0]] = pyNumber(c[1]);
        }
        return ret;
      },
    ),
    meminfo: defineFunction(
      {
        doc: "Return the memory info for this minion\n\n.. versionchanged:: 2016.11.4\n    Added support for AIX\n\n.. versionchanged:: 2018.3.0\n    Added support for OpenBSD\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' status.meminfo",
      },
      (_p, ctx) => {
        if (kernel(ctx) !== 'Linux') return UNSUPPORTED;
        const ret: Record<string, Record<string, string>> = {};
        for (const line of (readProc('/proc/meminfo') ?? '').split('\n')) {
          if (!line) continue;
          const c = line.split(/\s+/).filter(Boolean);
          const key = c[0].replace(/:/g, '');
          ret[key] = { value: c[1] };
          if (c.length > 2) ret[key].unit = c[2];
        }
        return ret;
      },
    ),
    cpuinfo: defineFunction(
      {
        doc: "Return the CPU info for this minion\n\n.. versionchanged:: 2016.11.4\n    Added support for AIX\n\n.. versionchanged:: 2018.3.0\n    Added support for NetBSD and OpenBSD\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' status.cpuinfo",
      },
      (_p, ctx) => {
        if (kernel(ctx) !== 'Linux') return UNSUPPORTED;
        const ret: Record<string, unknown> = {};
        for (const line of (readProc('/proc/cpuinfo') ?? '').split('\n')) {
          if (!line) continue;
          const c = line.split(':');
          const key = c[0].trim();
          const value = c[1] ?? '';
          ret[key] = key === 'flags' ? value.split(/\s+/).filter(Boolean) : value.trim();
        }
        return ret;
      },
    ),
    diskusage: defineFunction(
      {
        varargs: true,
        doc: "Return the disk usage for this minion\n\nUsage::\n\n    salt '*' status.diskusage [paths and/or filesystem types]\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' status.diskusage         # usage for all filesystems\n    salt '*' status.diskusage / /tmp  # usage for / and /tmp\n    salt '*' status.diskusage ext?    # usage for ext[234] filesystems\n    salt '*' status.diskusage / ext?  # usage for / and all ext filesystems",
      },
      (_p, ctx, { varargs }) => {
        const selected = new Set<string>();
        const fstypes: string[] = [];
        if (!varargs.length) fstypes.push('*');
        for (const arg of varargs.map((a) => pyStr(a))) (arg.startsWith('/') ? selected.add(arg) : fstypes.push(arg));
        if (fstypes.length) {
          if (kernel(ctx) !== 'Linux') throw new CommandExecutionError('status.diskusage not yet supported on this platform');
          const text = readProc('/proc/mounts');
          if (text === null) return {};
          for (const line of text.split('\n')) {
            const c = line.split(/\s+/).filter(Boolean);
            if (c.length >= 3 && fstypes.some((t) => fnmatch(c[2], t))) selected.add(c[1]);
          }
        }
        const ret: Record<string, unknown> = {};
        for (const path of selected) {
          let st;
          try {
            st = statfsSync(path, { bigint: true });
          } catch (err) {
            throw toPyOSError(err, path);
          }
          const bsize = st.bsize;
          ret[path] = { available: Number(st.bavail * bsize), total: Number(st.blocks * bsize) };
        }
        return ret;
      },
    ),
    vmstats: defineFunction(
      {
        doc: "Return the virtual memory stats for this minion\n\n.. versionchanged:: 2016.11.4\n    Added support for AIX\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' status.vmstats",
      },
      (_p, ctx) => {
        if (kernel(ctx) !== 'Linux') return UNSUPPORTED;
        const ret: Record<string, unknown> = {};
        for (const line of (readProc('/proc/vmstat') ?? '').split('\n')) {
          if (!line) continue;
          const c = line.split(/\s+/).filter(Boolean);
          ret[c[0]] = pyNumber(c[1]);
        }
        return ret;
      },
    ),
    nproc: defineFunction(
      {
        doc: "Return the number of processing units available on this system\n\n.. versionchanged:: 2016.11.4\n    Added support for AIX\n\n.. versionchanged:: 2018.3.0\n    Added support for Darwin, FreeBSD and OpenBSD\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' status.nproc",
      },
      async (_p, ctx) => {
        if (kernel(ctx) !== 'Linux') return UNSUPPORTED;
        const n = pyNumber(pyStr(await ctx.salt('cmd.run', ['nproc'])).trim());
        return typeof n === 'string' ? 0 : n;
      },
    ),
    version: defineFunction(
      {
        doc: "Return the system version for this minion\n\n.. versionchanged:: 2016.11.4\n    Added support for AIX\n\n.. versionchanged:: 2018.3.0\n    Added support for OpenBSD\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' status.version",
      },
      (_p, ctx) => {
        if (kernel(ctx) !== 'Linux') return UNSUPPORTED;
        const text = readProc('/proc/version');
        return text === null ? {} : text.trim();
      },
    ),
    pid: defineFunction(
      {
        args: ['sig'],
        doc: "Return the PID or an empty string if the process is running or not.\nPass a signature to use to find the process via ps.  Note you can pass\na Python-compatible regular expression to return all pids of\nprocesses matching the regexp.\n\n.. versionchanged:: 2016.11.4\n    Added support for AIX\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' status.pid <sig>",
      },
      async ({ sig }, ctx) => {
        const myPid = String(process.pid);
        const out = pyStr(await ctx.salt('cmd.run_stdout', [pyStr(ctx.grains.ps ?? 'ps -efHww')], { python_shell: true }));
        const re = pyRegex(pyStr(sig));
        const pids: string[] = [];
        for (const line of out.split(/\r\n|\r|\n/)) {
          if (line.includes(myPid)) continue;
          if (re.test(line)) pids.push(line.split(/\s+/).filter(Boolean)[1]);
        }
        return pids.join('\n');
      },
    ),
  },
};

export default mod;
