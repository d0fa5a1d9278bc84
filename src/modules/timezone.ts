/**
 * Salt's `timezone` execution module on Linux (Salt's file: timezone.py): read and set the
 * system time zone (`/etc/localtime`, `/etc/timezone` on Debian, or timedatectl when systemd
 * runs) and the hardware clock mode.
 */
import { existsSync } from 'node:fs';
import { lstat, readFile, readlink, symlink, unlink, writeFile } from 'node:fs/promises';
import { dirname, normalize, resolve } from 'node:path';
import { defineFunction } from '../loader/define.js';
import { CommandExecutionError, SaltInvocationError } from '../loader/errors.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { pyText, run, runAll, which } from './_syscmd.js';
import { systemdBooted } from './debian_service.js';

const ZONEINFO = '/usr/share/zoneinfo/';
const LOCALTIME = '/etc/localtime';

/**
 * timedatectl only works when systemd is PID 1. Salt calls it whenever it is installed, and
 * fails on a minion without systemd; this module reads the files instead there.
 */
async function useTimedatectl(): Promise<boolean> {
  return systemdBooted() && (await which('timedatectl')) !== null;
}

async function timedatectl(ctx: CallContext): Promise<string> {
  const ret = await runAll(ctx, ['timedatectl']);
  if (ret.retcode !== 0) throw new CommandExecutionError(`timedatectl failed: ${ret.stderr}`);
  return ret.stdout;
}

function isDebian(ctx: CallContext): boolean {
  const family = ctx.grains.os_family;
  return family === undefined ? existsSync('/etc/debian_version') : String(family).includes('Debian');
}

async function zoneFromLocaltime(ctx: CallContext): Promise<string> {
  try {
    const target = normalize(resolve(dirname(LOCALTIME), await readlink(LOCALTIME)));
    if (target.startsWith(ZONEINFO)) return target.slice(ZONEINFO.length);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CommandExecutionError(`${LOCALTIME} does not exist`);
    if (code !== 'EINVAL') throw err;
    ctx.log.warn(`${LOCALTIME} is not a symbolic link. Attempting to match it to zoneinfo files.`);
  }
  throw new CommandExecutionError('Unable to determine timezone');
}

async function getZone(ctx: CallContext): Promise<string> {
  if (await useTimedatectl()) {
    const out = await timedatectl(ctx);
    for (const line of out.split('\n')) {
      const m = /Time ?zone:\s+(\S+)/.exec(line.trim());
      if (m) return m[1];
    }
    throw new CommandExecutionError(`Failed to parse timedatectl output: ${out}\nPlease file an issue with SaltStack`);
  }
  if (isDebian(ctx)) {
    try {
      return (await readFile('/etc/timezone', 'utf8')).trim();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new CommandExecutionError(`Problem reading timezone file /etc/timezone: ${(err as Error).message}`);
      }
    }
  }
  return zoneFromLocaltime(ctx);
}

async function adjtimeClock(ctx: CallContext): Promise<string | null> {
  if (existsSync('/etc/adjtime')) return run(ctx, ['tail', '-n', '1', '/etc/adjtime']);
  if (existsSync('/dev/rtc')) throw new CommandExecutionError('Unable to get hwclock timezone from /etc/adjtime');
  return null;
}

const mod: SaltModule = {
  name: 'timezone',
  virtual: () => (process.platform === 'linux' ? 'timezone' : [false, 'The timezone execution module failed to load.']),
  functions: {
    get_zone: defineFunction(
      {
        doc: `
          Get current timezone (i.e. America/Denver)

          CLI Example:

          .. code-block:: bash

              salt '*' timezone.get_zone
        `,
      },
      (_p, ctx) => getZone(ctx),
    ),
    get_zonecode: defineFunction(
      {
        doc: `
          Get current timezone (i.e. PST, MDT, etc)

          CLI Example:

          .. code-block:: bash

              salt '*' timezone.get_zonecode
        `,
      },
      (_p, ctx) => run(ctx, ['date', '+%Z']),
    ),
    get_offset: defineFunction(
      {
        doc: `
          Get current numeric timezone offset from UTC (i.e. -0700)

          CLI Example:

          .. code-block:: bash

              salt '*' timezone.get_offset
        `,
      },
      (_p, ctx) => run(ctx, ['date', '+%z']),
    ),
    set_zone: defineFunction(
      {
        args: ['timezone'],
        doc: `
          Unlinks, then symlinks /etc/localtime to the set timezone.

          The timezone is crucial to several system processes, each of which SHOULD
          be restarted (for instance, whatever you system uses as its cron and
          syslog daemons). This will not be automagically done and must be done
          manually!

          CLI Example:

          .. code-block:: bash

              salt '*' timezone.set_zone 'America/Denver'
        `,
      },
      async ({ timezone }, ctx) => {
        const zone = pyText(timezone);
        if (await useTimedatectl()) {
          try {
            await run(ctx, ['timedatectl', 'set-timezone', zone]);
          } catch {
            /* Salt ignores a failing timedatectl and links the file itself */
          }
        }
        const zonepath = `${ZONEINFO}${zone}`;
        if (!existsSync(zonepath)) return `Zone does not exist: ${zonepath}`;
        try {
          await lstat(LOCALTIME);
          await unlink(LOCALTIME);
        } catch {
          /* nothing to remove */
        }
        await symlink(zonepath, LOCALTIME);
        if (isDebian(ctx)) await writeFile('/etc/timezone', `${zone.trim()}\n`);
        return true;
      },
    ),
    zone_compare: defineFunction(
      {
        args: ['timezone'],
        doc: `
          Compares the given timezone name with the system timezone name.
          Checks the hash sum between the given timezone, and the one set in
          /etc/localtime. Returns True if names and hash sums match, and False if not.
          Mostly useful for running state checks.

          CLI Example:

          .. code-block:: bash

              salt '*' timezone.zone_compare 'America/Denver'
        `,
      },
      async ({ timezone }, ctx) => {
        const zone = pyText(timezone);
        let local: Buffer;
        try {
          local = await readFile(LOCALTIME);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') return zone === (await getZone(ctx));
          throw new CommandExecutionError(`Failed to read ${LOCALTIME} to determine current timezone: ${(err as Error).message}`);
        }
        let wanted: Buffer;
        try {
          wanted = await readFile(`${ZONEINFO}${zone}`);
        } catch {
          throw new SaltInvocationError(`Can't find a local timezone "${zone}"`);
        }
        return local.equals(wanted);
      },
    ),
    get_hwclock: defineFunction(
      {
        doc: `
          Get current hardware clock setting (UTC or localtime)

          CLI Example:

          .. code-block:: bash

              salt '*' timezone.get_hwclock
        `,
      },
      async (_p, ctx) => {
        if (await useTimedatectl()) {
          const out = await timedatectl(ctx);
          for (const line of out.split('\n')) {
            if (line.trim().toLowerCase().includes('rtc in local tz')) {
              return line.split(':').pop()!.trim().toLowerCase() === 'yes' ? 'localtime' : 'UTC';
            }
          }
          throw new CommandExecutionError(`Failed to parse timedatectl output: ${out}\nPlease file an issue with SaltStack`);
        }
        if (isDebian(ctx)) {
          try {
            for (const line of (await readFile('/etc/default/rcS', 'utf8')).split('\n')) {
              if (/^\s*#/.test(line) || !line.includes('UTC=')) continue;
              return line.split('=').pop()!.toLowerCase() === 'yes' ? 'UTC' : 'localtime';
            }
          } catch {
            /* Debian since Wheezy keeps it in /etc/adjtime */
          }
        }
        return adjtimeClock(ctx);
      },
    ),
  },
};

export default mod;
