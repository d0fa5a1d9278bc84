/**
 * Salt's `service` execution module for Debian minions without systemd (Salt's file:
 * debian_service.py): init scripts in `/etc/init.d`, run through `service`, enabled at boot with
 * `update-rc.d` (start links in `/etc/rc<runlevel>.d`).
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { fnmatch } from '../targeting/fnmatch.js';
import { defineFunction } from '../loader/define.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { pyText, retcode, run, which } from './_syscmd.js';

const INIT_DIR = '/etc/init.d';
const DEBIAN_LIKE = ['Debian', 'Raspbian', 'Devuan', 'NILinuxRT'];

/** True when the machine was booted with systemd (`/run/systemd/system` exists). */
export function systemdBooted(): boolean {
  return existsSync('/run/systemd/system');
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/** The current runlevel; `2` (Debian's default) when `runlevel` says unknown. */
async function currentRunlevel(ctx: CallContext): Promise<string> {
  const out = await run(ctx, ['runlevel'], { ignoreRetcode: true });
  if (out.includes('unknown')) return '2';
  return out.split(/\s+/)[1] ?? '2';
}

async function getEnabled(ctx: CallContext): Promise<string[]> {
  const level = await currentRunlevel(ctx);
  const ret = new Set<string>();
  for (const dir of [`/etc/rcS.d`, `/etc/rc${level}.d`]) {
    for (const entry of await listDir(dir)) {
      // Salt keeps what follows the last run of digits, turning S01x11-common into "-common";
      // only the start-order prefix is dropped here.
      const m = /^S\d*(.+)$/.exec(entry);
      if (m) ret.add(m[1]);
    }
  }
  return [...ret].sort();
}

async function getAll(ctx: CallContext): Promise<string[]> {
  const ret = new Set((await listDir(INIT_DIR)).filter((s) => s !== 'README'));
  for (const s of await getEnabled(ctx)) ret.add(s);
  return [...ret].sort();
}

async function serviceAction(ctx: CallContext, name: unknown, action: string): Promise<boolean> {
  return (await retcode(ctx, ['service', pyText(name), action])) === 0;
}

const svc = (action: string, doc: string, pyName?: string) =>
  defineFunction({ args: ['name'], doc, pyName }, ({ name }, ctx) => serviceAction(ctx, name, action));

const mod: SaltModule = {
  name: 'debian_service',
  virtualName: 'service',
  virtual: ({ grains }) => {
    const os = grains.os;
    const debian = os === undefined ? existsSync('/etc/debian_version') : DEBIAN_LIKE.includes(String(os));
    if (debian && !systemdBooted()) return 'service';
    return [false, 'The debian_service module could not be loaded: unsupported OS family and/or systemd running.'];
  },
  functions: {
    get_enabled: defineFunction(
      {
        doc: `
          Return a list of service that are enabled on boot

          CLI Example:

          .. code-block:: bash

              salt '*' service.get_enabled
        `,
      },
      (_p, ctx) => getEnabled(ctx),
    ),
    get_disabled: defineFunction(
      {
        doc: `
          Return a set of services that are installed but disabled

          CLI Example:

          .. code-block:: bash

              salt '*' service.get_disabled
        `,
      },
      async (_p, ctx) => {
        const enabled = new Set(await getEnabled(ctx));
        return (await getAll(ctx)).filter((s) => !enabled.has(s));
      },
    ),
    available: defineFunction(
      {
        args: ['name'],
        doc: `
          Returns \`\`True\`\` if the specified service is available, otherwise returns
          \`\`False\`\`.

          CLI Example:

          .. code-block:: bash

              salt '*' service.available sshd
        `,
      },
      async ({ name }, ctx) => (await getAll(ctx)).includes(pyText(name)),
    ),
    missing: defineFunction(
      {
        args: ['name'],
        doc: `
          The inverse of service.available.
          Returns \`\`True\`\` if the specified service is not available, otherwise returns
          \`\`False\`\`.

          CLI Example:

          .. code-block:: bash

              salt '*' service.missing sshd
        `,
      },
      async ({ name }, ctx) => !(await getAll(ctx)).includes(pyText(name)),
    ),
    get_all: defineFunction(
      {
        doc: `
          Return all available boot services

          CLI Example:

          .. code-block:: bash

              salt '*' service.get_all
        `,
      },
      (_p, ctx) => getAll(ctx),
    ),
    start: svc('start', `
      Start the specified service

      CLI Example:

      .. code-block:: bash

          salt '*' service.start <service name>
    `),
    stop: svc('stop', `
      Stop the specified service

      CLI Example:

      .. code-block:: bash

          salt '*' service.stop <service name>
    `),
    restart: svc('restart', `
      Restart the named service

      CLI Example:

      .. code-block:: bash

          salt '*' service.restart <service name>
    `),
    reload: svc('reload', `
      Reload the named service

      CLI Example:

      .. code-block:: bash

          salt '*' service.reload <service name>
    `, 'reload_'),
    force_reload: svc('force-reload', `
      Force-reload the named service

      CLI Example:

      .. code-block:: bash

          salt '*' service.force_reload <service name>
    `),
    status: defineFunction(
      {
        args: ['name', 'sig'],
        defaults: { sig: null },
        doc: `
          Return the status for a service.
          If the name contains globbing, a dict mapping service name to True/False
          values is returned.

          Args:
              name (str): The name of the service to check
              sig (str): Signature to use to find the service via ps

          Returns:
              bool: True if running, False otherwise
              dict: Maps service name to True if running, False otherwise

          CLI Example:

          .. code-block:: bash

              salt '*' service.status <service name> [service signature]
        `,
      },
      async ({ name, sig }, ctx) => {
        if (sig) return (await run(ctx, ['pgrep', '-f', pyText(sig)], { ignoreRetcode: true })) !== '';
        const n = pyText(name);
        const globbing = /\*|\?|\[.+\]/.test(n);
        const services = globbing ? (await getAll(ctx)).filter((s) => fnmatch(s, n)) : [n];
        const results: Record<string, boolean> = {};
        for (const s of services) results[s] = (await retcode(ctx, ['service', s, 'status'], { ignoreRetcode: true })) === 0;
        return globbing ? results : results[n];
      },
    ),
    enable: defineFunction(
      {
        args: ['name'],
        kwargs: true,
        doc: `
          Enable the named service to start at boot

          CLI Example:

          .. code-block:: bash

              salt '*' service.enable <service name>
        `,
      },
      async ({ name }, ctx) => {
        const n = pyText(name);
        // Salt runs `insserv`, which Debian 12 no longer installs; `update-rc.d defaults` creates the links instead.
        const first = (await which('insserv')) ? ['insserv', n] : ['update-rc.d', n, 'defaults'];
        if ((await retcode(ctx, first)) !== 0) return false;
        return (await retcode(ctx, ['update-rc.d', n, 'enable'])) === 0;
      },
    ),
    disable: defineFunction(
      {
        args: ['name'],
        kwargs: true,
        doc: `
          Disable the named service to start at boot

          CLI Example:

          .. code-block:: bash

              salt '*' service.disable <service name>
        `,
      },
      async ({ name }, ctx) => (await retcode(ctx, ['update-rc.d', pyText(name), 'disable'])) === 0,
    ),
    enabled: defineFunction(
      {
        args: ['name'],
        kwargs: true,
        doc: `
          Return True if the named service is enabled, false otherwise

          CLI Example:

          .. code-block:: bash

              salt '*' service.enabled <service name>
        `,
      },
      async ({ name }, ctx) => (await getEnabled(ctx)).includes(pyText(name)),
    ),
    disabled: defineFunction(
      {
        args: ['name'],
        doc: `
          Return True if the named service is disabled, false otherwise

          CLI Example:

          .. code-block:: bash

              salt '*' service.disabled <service name>
        `,
      },
      async ({ name }, ctx) => {
        const n = pyText(name);
        return (await getAll(ctx)).includes(n) && !(await getEnabled(ctx)).includes(n);
      },
    ),
  },
};

export default mod;
