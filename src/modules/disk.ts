/**
 * Salt's `disk` execution module (the usage functions): what `df` reports, keyed by mount point,
 * with `df`'s own text for the values.
 */
import { existsSync } from 'node:fs';
import { defineFunction } from '../loader/define.js';
import { CommandExecutionError } from '../loader/errors.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { pyStr } from './_pyrepr.js';

const ALLOWED_FLAGS = new Set(['a', 'B', 'h', 'H', 'i', 'k', 'l', 'P', 't', 'T', 'x', 'v']);

/**
 * Salt's `_clean_flags`: the `df` flag letters of `args` (each character is one flag).
 * @throws CommandExecutionError `Invalid flag passed to <caller>` for any other letter.
 */
function cleanFlags(args: unknown, caller: string): string {
  if (args === null || args === undefined) return '';
  let flags = '';
  const items = Array.isArray(args) ? args : [...pyStr(args)];
  for (const flag of items) {
    if (typeof flag === 'string' && ALLOWED_FLAGS.has(flag)) flags += flag;
    else throw new CommandExecutionError(`Invalid flag passed to ${caller}`);
  }
  return flags;
}

function kernel(ctx: CallContext): string {
  return pyStr(ctx.grains.kernel ?? 'Linux');
}

function dfCommand(ctx: CallContext): string {
  const k = kernel(ctx);
  if (k === 'Linux') return 'df -P';
  if (k === 'OpenBSD' || k === 'AIX') return 'df -kP';
  if (k === 'SunOS') return 'df -k';
  return 'df';
}

async function run(ctx: CallContext, cmd: string): Promise<string[]> {
  return pyStr(await ctx.salt('cmd.run', [cmd], { python_shell: false })).split(/\r\n|\r|\n/);
}

/** Python's `str.isdigit` for `df` columns. */
const isDigit = (s: string | undefined) => s !== undefined && /^\d+$/.test(s);

/** Joins leading columns until the second is a number (file system names with spaces). */
function joinNameColumns(comps: string[]): string[] {
  while (comps.length >= 2 && !isDigit(comps[1])) {
    comps[0] = `${comps[0]} ${comps[1]}`;
    comps.splice(1, 1);
  }
  return comps;
}

const mod: SaltModule = {
  name: 'disk',
  virtual: ({ grains }) => (grains.kernel === 'Windows' ? [false, 'This module doesn\'t work on Windows.'] : true),
  functions: {
    usage: defineFunction(
      {
        args: ['args'],
        defaults: { args: null },
        doc: "Return usage information for volumes mounted on this minion\n\n.. versionchanged:: 2019.2.0\n\n    Default for SunOS changed to 1 kilobyte blocks\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' disk.usage",
      },
      async ({ args }, ctx) => {
        const flags = cleanFlags(args, 'disk.usage');
        if (!existsSync('/etc/mtab') && kernel(ctx) === 'Linux') {
          ctx.log.error('df cannot run without /etc/mtab');
          return {};
        }
        let cmd = dfCommand(ctx);
        if (flags) cmd += ` -${flags}`;
        let ret: Record<string, unknown> = {};
        let oldline: string | null = null;
        for (let line of await run(ctx, cmd)) {
          if (!line || line.startsWith('Filesystem')) continue;
          if (oldline) line = `${oldline} ${line}`;
          const comps = line.split(/\s+/).filter(Boolean);
          if (comps.length === 1) {
            oldline = line;
            continue;
          }
          oldline = null;
          joinNameColumns(comps);
          if (comps.length < 2) continue;
          if (kernel(ctx) === 'Darwin') {
            if (comps.length < 9) {
              ctx.log.error('Problem parsing disk usage information');
              ret = {};
              continue;
            }
            ret[comps[8]] = { filesystem: comps[0], '512-blocks': comps[1], used: comps[2], available: comps[3], capacity: comps[4], iused: comps[5], ifree: comps[6], '%iused': comps[7] };
          } else {
            if (comps.length < 6) {
              ctx.log.error('Problem parsing disk usage information');
              ret = {};
              continue;
            }
            ret[comps[5]] = { filesystem: comps[0], '1K-blocks': comps[1], used: comps[2], available: comps[3], capacity: comps[4] };
          }
        }
        return ret;
      },
    ),
    inodeusage: defineFunction(
      {
        args: ['args'],
        defaults: { args: null },
        doc: "Return inode usage information for volumes mounted on this minion\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' disk.inodeusage",
      },
      async ({ args }, ctx) => {
        const flags = cleanFlags(args, 'disk.inodeusage');
        let cmd = kernel(ctx) === 'AIX' ? 'df -i' : 'df -iP';
        if (flags) cmd += ` -${flags}`;
        let ret: Record<string, unknown> = {};
        for (const line of await run(ctx, cmd)) {
          if (line.startsWith('Filesystem')) continue;
          const comps = line.split(/\s+/).filter(Boolean);
          if (!comps.length) continue;
          const k = kernel(ctx);
          const need = k === 'OpenBSD' ? 9 : k === 'AIX' ? 7 : 6;
          if (comps.length < need) {
            ctx.log.error('Problem parsing inode usage information');
            ret = {};
            continue;
          }
          if (k === 'OpenBSD') {
            ret[comps[8]] = { inodes: Number(comps[5]) + Number(comps[6]), used: comps[5], free: comps[6], use: comps[7], filesystem: comps[0] };
          } else if (k === 'AIX') {
            ret[comps[6]] = { inodes: comps[4], used: comps[5], free: comps[2], use: comps[5], filesystem: comps[0] };
          } else {
            ret[comps[5]] = { inodes: comps[1], used: comps[2], free: comps[3], use: comps[4], filesystem: comps[0] };
          }
        }
        return ret;
      },
    ),
    percent: defineFunction(
      {
        args: ['args'],
        defaults: { args: null },
        doc: "Return partition information for volumes mounted on this minion\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' disk.percent /var",
      },
      async ({ args }, ctx) => {
        const k = kernel(ctx);
        const cmd = k === 'Linux' ? 'df -P' : k === 'OpenBSD' || k === 'AIX' ? 'df -kP' : 'df';
        let ret: Record<string, unknown> = {};
        for (const line of await run(ctx, cmd)) {
          if (!line || line.startsWith('Filesystem')) continue;
          const comps = joinNameColumns(line.split(/\s+/).filter(Boolean));
          if (comps.length < 2) continue;
          const idx = k === 'Darwin' ? 8 : 5;
          if (comps.length <= idx) {
            ctx.log.error('Problem parsing disk usage information');
            ret = {};
            continue;
          }
          ret[comps[idx]] = comps[4];
        }
        if (args && !Object.hasOwn(ret, pyStr(args))) {
          ctx.log.error(`Problem parsing disk usage information: Partition '${pyStr(args)}' does not exist!`);
          ret = {};
        } else if (args) return ret[pyStr(args)];
        return ret;
      },
    ),
  },
};

export default mod;
