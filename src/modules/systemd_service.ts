/**
 * Salt's `service` execution module on minions booted with systemd (Salt's file:
 * systemd_service.py): units managed with `systemctl`, SysV init scripts without a unit with
 * `update-rc.d`.
 */
import { constants as fsConstants } from 'node:fs';
import { access, readdir, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { fnmatch } from '../targeting/fnmatch.js';
import { defineFunction } from '../loader/define.js';
import { CommandExecutionError } from '../loader/errors.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { pyText, retcode, run, runAll, which } from './_syscmd.js';
import { systemdBooted } from './debian_service.js';

const SYSTEM_CONFIG_PATHS = ['/lib/systemd/system', '/usr/lib/systemd/system'];
const LOCAL_CONFIG_PATH = '/etc/systemd/system';
const INITSCRIPT_PATH = '/etc/init.d';
const VALID_UNIT_TYPES = ['service', 'socket', 'device', 'mount', 'automount', 'swap', 'target', 'path', 'timer'];

/** `foo` → `foo.service`; names with a unit suffix are kept. */
export function canonicalUnitName(name: string): string {
  return VALID_UNIT_TYPES.some((t) => name.endsWith(`.${t}`) || name.endsWith(t)) ? name : `${name}.service`;
}

/** A `systemctl` argv: options, the action words, then the unit (status gets `-n 0`). */
export function systemctlCmd(action: string, name?: string, opts: { noBlock?: boolean; root?: string } = {}): string[] {
  const cmd = ['systemctl'];
  if (opts.noBlock) cmd.push('--no-block');
  if (opts.root) cmd.push('--root', opts.root);
  cmd.push(...action.split(/\s+/).filter((w) => w !== ''));
  if (name !== undefined) cmd.push(canonicalUnitName(name));
  if (cmd.includes('status')) cmd.push('-n', '0');
  return cmd;
}

/** Drops the "Running as unit ... .scope" lines systemd-run adds to stderr. */
function stripScope(msg: string): string {
  return msg
    .split(/\r?\n/)
    .filter((l) => !l.endsWith('.scope'))
    .join('\n')
    .trim();
}

function unitKey(fullname: string): string | null {
  const dot = fullname.lastIndexOf('.');
  if (dot < 0) return null;
  const type = fullname.slice(dot + 1);
  if (!VALID_UNIT_TYPES.includes(type)) return null;
  return type === 'service' ? fullname.slice(0, dot) : fullname;
}

async function systemdUnitNames(root?: string): Promise<Set<string>> {
  const ret = new Set<string>();
  for (const base of [...SYSTEM_CONFIG_PATHS, LOCAL_CONFIG_PATH]) {
    const path = root ? join(root, base) : base;
    try {
      if ((await lstat(path)).isSymbolicLink()) continue;
      for (const f of await readdir(path)) {
        const key = unitKey(f);
        if (key) ret.add(key);
      }
    } catch {
      /* unreadable or absent */
    }
  }
  return ret;
}

async function sysvServices(root?: string, units?: Set<string>): Promise<string[]> {
  const dir = root ? join(root, INITSCRIPT_PATH) : INITSCRIPT_PATH;
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  const known = units ?? (await systemdUnitNames(root));
  const ret: string[] = [];
  for (const e of entries) {
    try {
      await access(join(dir, e), fsConstants.X_OK);
    } catch {
      continue;
    }
    if (!known.has(e)) ret.push(e);
  }
  return ret;
}

async function runlevel(ctx: CallContext): Promise<string> {
  const key = 'systemd._runlevel';
  if (typeof ctx.context[key] === 'string') return ctx.context[key] as string;
  const out = await run(ctx, ['runlevel'], { ignoreRetcode: true });
  const level = out.split(/\s+/)[1] ?? '2';
  ctx.context[key] = level;
  return level;
}

async function sysvEnabled(ctx: CallContext, name: string, root?: string): Promise<boolean> {
  const dir = join(root ?? '/', `etc/rc${await runlevel(ctx)}.d`);
  try {
    return (await readdir(dir)).some((f) => new RegExp(`^S\\d{0,2}${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).test(f));
  } catch {
    return false;
  }
}

async function unitFilesInState(ctx: CallContext, state: string, root?: string): Promise<Set<string>> {
  const out = await run(ctx, systemctlCmd('--full --no-legend --no-pager list-unit-files', undefined, { root }), { ignoreRetcode: true });
  const ret = new Set<string>();
  for (const line of out.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 2 || cols[1] !== state) continue;
    const key = unitKey(cols[0]);
    if (key) ret.add(key);
  }
  return ret;
}

async function serviceExec(): Promise<string> {
  for (const exe of ['update-rc.d', 'chkconfig']) {
    const path = await which(exe);
    if (path) return path;
  }
  throw new CommandExecutionError('Unable to find sysv service manager (tried update-rc.d, chkconfig)');
}

async function getAll(root?: string): Promise<string[]> {
  const units = await systemdUnitNames(root);
  for (const s of await sysvServices(root, units)) units.add(s);
  return [...units].sort();
}

async function checkAvailable(ctx: CallContext, name: string): Promise<boolean> {
  const status = await runAll(ctx, systemctlCmd('status', name), { redirectStderr: true, ignoreRetcode: true });
  // systemd 231 and later exit 4 for a unit that does not exist.
  return status.retcode >= 0 && status.retcode < 4;
}

async function mustSucceed(ctx: CallContext, cmd: string[]): Promise<true> {
  const r = await runAll(ctx, cmd);
  if (r.retcode !== 0) throw new CommandExecutionError(stripScope(r.stderr));
  return true;
}

const ACTION_ARGS = ['name', 'no_block', 'unmask', 'unmask_runtime'] as const;
const ACTION_DEFAULTS = { no_block: false, unmask: false, unmask_runtime: false };

function actionFn(action: string, doc: string, pyName?: string, noBlockDefault = false) {
  return defineFunction(
    { args: ACTION_ARGS, defaults: { ...ACTION_DEFAULTS, no_block: noBlockDefault }, doc, pyName },
    async ({ name, no_block, unmask, unmask_runtime }, ctx) => {
      const n = pyText(name);
      if (unmask || unmask_runtime) await runAll(ctx, systemctlCmd(unmask_runtime ? 'unmask --runtime' : 'unmask', n), { ignoreRetcode: true });
      return mustSucceed(ctx, systemctlCmd(action, n, { noBlock: !!no_block }));
    },
  );
}

const mod: SaltModule = {
  name: 'systemd_service',
  virtualName: 'service',
  virtual: ({ grains }) => {
    const linux = grains.kernel === undefined || grains.kernel === 'Linux';
    if (linux && systemdBooted()) return 'service';
    return [false, 'The systemd execution module failed to load: only available on Linux systems which have been booted with systemd.'];
  },
  functions: {
    get_running: defineFunction(
      {
        doc: `
          Return a list of all running services, so far as systemd is concerned

          CLI Example:

          .. code-block:: bash

              salt '*' service.get_running
        `,
      },
      async (_p, ctx) => {
        const out = await run(ctx, systemctlCmd('--full --no-legend --no-pager'), { ignoreRetcode: true });
        const ret = new Set<string>();
        for (const line of out.split('\n')) {
          const cols = line.trim().split(/\s+/);
          if (cols.length < 4 || cols[3] !== 'running') continue;
          const key = unitKey(cols[0]);
          if (key) ret.add(key);
        }
        return [...ret].sort();
      },
    ),
    get_enabled: defineFunction(
      {
        args: ['root'],
        defaults: { root: null },
        doc: `
          Return a list of all enabled services

          root
              Enable/disable/mask unit files in the specified root directory

          CLI Example:

          .. code-block:: bash

              salt '*' service.get_enabled
        `,
      },
      async ({ root }, ctx) => {
        const r = root ? pyText(root) : undefined;
        const ret = await unitFilesInState(ctx, 'enabled', r);
        for (const s of await sysvServices(r)) if (await sysvEnabled(ctx, s, r)) ret.add(s);
        return [...ret].sort();
      },
    ),
    get_disabled: defineFunction(
      {
        args: ['root'],
        defaults: { root: null },
        doc: `
          Return a list of all disabled services

          CLI Example:

          .. code-block:: bash

              salt '*' service.get_disabled
        `,
      },
      async ({ root }, ctx) => {
        const r = root ? pyText(root) : undefined;
        const ret = await unitFilesInState(ctx, 'disabled', r);
        for (const s of await sysvServices(r)) if (!(await sysvEnabled(ctx, s, r))) ret.add(s);
        return [...ret].sort();
      },
    ),
    get_static: defineFunction(
      {
        args: ['root'],
        defaults: { root: null },
        doc: `
          Return a list of all static services

          CLI Example:

          .. code-block:: bash

              salt '*' service.get_static
        `,
      },
      async ({ root }, ctx) => [...(await unitFilesInState(ctx, 'static', root ? pyText(root) : undefined))].sort(),
    ),
    get_all: defineFunction(
      {
        args: ['root'],
        defaults: { root: null },
        doc: `
          Return a list of all available services

          CLI Example:

          .. code-block:: bash

              salt '*' service.get_all
        `,
      },
      ({ root }) => getAll(root ? pyText(root) : undefined),
    ),
    available: defineFunction(
      {
        args: ['name'],
        doc: `
          Check that the given service is available taking into account template
          units.

          CLI Example:

          .. code-block:: bash

              salt '*' service.available sshd
        `,
      },
      ({ name }, ctx) => checkAvailable(ctx, pyText(name)),
    ),
    missing: defineFunction(
      {
        args: ['name'],
        doc: `
          The inverse of service.available.

          CLI Example:

          .. code-block:: bash

              salt '*' service.missing sshd
        `,
      },
      async ({ name }, ctx) => !(await checkAvailable(ctx, pyText(name))),
    ),
    start: actionFn('start', `
      Start the specified service with systemd

      CLI Example:

      .. code-block:: bash

          salt '*' service.start <service name>
    `),
    stop: defineFunction(
      {
        args: ['name', 'no_block'],
        defaults: { no_block: false },
        doc: `
          Stop the specified service with systemd

          CLI Example:

          .. code-block:: bash

              salt '*' service.stop <service name>
        `,
      },
      async ({ name, no_block }, ctx) => (await runAll(ctx, systemctlCmd('stop', pyText(name), { noBlock: !!no_block }))).retcode === 0,
    ),
    restart: actionFn('restart', `
      Restart the specified service with systemd

      CLI Example:

      .. code-block:: bash

          salt '*' service.restart <service name>
    `),
    reload: actionFn('reload', `
      Reload the specified service with systemd

      CLI Example:

      .. code-block:: bash

          salt '*' service.reload <service name>
    `, 'reload_'),
    force_reload: actionFn('force-reload', `
      Force-reload the specified service with systemd

      CLI Example:

      .. code-block:: bash

          salt '*' service.force_reload <service name>
    `, undefined, true),
    status: defineFunction(
      {
        args: ['name', 'sig'],
        defaults: { sig: null },
        doc: `
          Check whether or not a service is active.
          If the name contains globbing, a dict mapping service name to True/False
          values is returned.

          CLI Example:

          .. code-block:: bash

              salt '*' service.status <service name> [service signature]
        `,
      },
      async ({ name }, ctx) => {
        const n = pyText(name);
        const globbing = /\*|\?|\[.+\]/.test(n);
        const services = globbing ? (await getAll()).filter((s) => fnmatch(s, n)) : [n];
        const results: Record<string, boolean> = {};
        for (const s of services) results[s] = (await retcode(ctx, systemctlCmd('is-active', s), { ignoreRetcode: true })) === 0;
        return globbing ? results : results[n];
      },
    ),
    enable: defineFunction(
      {
        args: ['name', 'no_block', 'unmask', 'unmask_runtime', 'root'],
        defaults: { no_block: false, unmask: false, unmask_runtime: false, root: null },
        kwargs: true,
        doc: `
          Enable the named service to start when the system boots

          CLI Example:

          .. code-block:: bash

              salt '*' service.enable <service name>
        `,
      },
      async ({ name, no_block, unmask, unmask_runtime, root }, ctx) => {
        const n = pyText(name);
        const r = root ? pyText(root) : undefined;
        if (unmask || unmask_runtime) await runAll(ctx, systemctlCmd(unmask_runtime ? 'unmask --runtime' : 'unmask', n), { ignoreRetcode: true });
        if ((await sysvServices(r)).includes(n)) {
          const exe = await serviceExec();
          const cmd = exe.endsWith('/update-rc.d') ? [exe, '-f', n, 'defaults', '99'] : [exe, n, 'on'];
          return (await retcode(ctx, cmd, { ignoreRetcode: true })) === 0;
        }
        const ret = await runAll(ctx, systemctlCmd('enable', n, { noBlock: !!no_block, root: r }), { ignoreRetcode: true });
        if (ret.retcode !== 0) throw new CommandExecutionError(stripScope(ret.stderr));
        return true;
      },
    ),
    disable: defineFunction(
      {
        args: ['name', 'no_block', 'root'],
        defaults: { no_block: false, root: null },
        kwargs: true,
        doc: `
          Disable the named service to not start when the system boots

          CLI Example:

          .. code-block:: bash

              salt '*' service.disable <service name>
        `,
      },
      async ({ name, no_block, root }, ctx) => {
        const n = pyText(name);
        const r = root ? pyText(root) : undefined;
        if ((await sysvServices(r)).includes(n)) {
          const exe = await serviceExec();
          const cmd = exe.endsWith('/update-rc.d') ? [exe, '-f', n, 'remove'] : [exe, n, 'off'];
          return (await retcode(ctx, cmd, { ignoreRetcode: true })) === 0;
        }
        return (await runAll(ctx, systemctlCmd('disable', n, { noBlock: !!no_block, root: r }), { ignoreRetcode: true })).retcode === 0;
      },
    ),
    enabled: defineFunction(
      {
        args: ['name', 'root'],
        defaults: { root: null },
        kwargs: true,
        doc: `
          Return if the named service is enabled to start on boot

          CLI Example:

          .. code-block:: bash

              salt '*' service.enabled <service name>
        `,
      },
      async ({ name, root }, ctx) => isEnabled(ctx, pyText(name), root ? pyText(root) : undefined),
    ),
    disabled: defineFunction(
      {
        args: ['name', 'root'],
        defaults: { root: null },
        doc: `
          Return if the named service is disabled from starting on boot

          CLI Example:

          .. code-block:: bash

              salt '*' service.disabled <service name>
        `,
      },
      async ({ name, root }, ctx) => !(await isEnabled(ctx, pyText(name), root ? pyText(root) : undefined)),
    ),
    show: defineFunction(
      {
        args: ['name', 'root'],
        defaults: { root: null },
        doc: `
          Show properties of one or more units/jobs or the manager

          CLI Example:

          .. code-block:: bash

              salt '*' service.show <service name>
        `,
      },
      async ({ name, root }, ctx) => {
        const out = await run(ctx, systemctlCmd('show', pyText(name), { root: root ? pyText(root) : undefined }));
        return parseShow(out);
      },
    ),
  },
};

async function isEnabled(ctx: CallContext, name: string, root?: string): Promise<boolean> {
  if ((await retcode(ctx, systemctlCmd('is-enabled', name, { root }), { ignoreRetcode: true })) === 0) return true;
  if (name.includes('@')) {
    const found = await run(ctx, ['find', LOCAL_CONFIG_PATH, '-name', name, '-type', 'l', '-print', '-quit']);
    return found !== '';
  }
  if ((await sysvServices(root)).includes(name)) return sysvEnabled(ctx, name, root);
  return false;
}

/** Parses `systemctl show` output: `{ ... }` values become dicts, Before/After/Wants lists. */
export function parseShow(out: string): Record<string, unknown> {
  const ret: Record<string, unknown> = {};
  for (const line of out.split('\n')) {
    const comps = line.split('=');
    const key = comps[0];
    let value = comps.slice(1).join('=');
    if (value.startsWith('{')) {
      value = value.replace(/[{}]/g, '');
      const inner: Record<string, string> = {};
      for (const item of value.split(' ; ')) {
        const kv = item.split('=');
        inner[kv[0].trim()] = (kv[1] ?? '').trim();
      }
      ret[key] = inner;
    } else if (['Before', 'After', 'Wants'].includes(key)) ret[key] = value.split(/\s+/).filter((v) => v !== '');
    else ret[key] = value;
  }
  return ret;
}

export default mod;
