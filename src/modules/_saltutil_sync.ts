/**
 * `saltutil`'s sync and refresh family: `sync_modules`, `sync_states`, `sync_grains`, ...,
 * `sync_all` copy custom modules from the file server's `_<form>` directories into the minion's
 * `extension_modules` (see src/loader/extmods.ts) and then ask for a refresh; `refresh_modules`,
 * `refresh_grains`, `refresh_pillar` reload what the minion holds; `clear_cache`, `list_extmods`.
 *
 * A refresh reaches a minion daemon through the handlers it registered (registerRefreshHandlers).
 * Without them (salt-call) the calling loader is reloaded in place and Salt's `module_refresh` /
 * `pillar_refresh` event is fired on the local minion bus; the event's result is returned, as in
 * Salt (False when no minion is listening).
 */
import { closeSync, existsSync, lstatSync, openSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { SaltInvocationError } from '../args/errors.js';
import { CommandExecutionError } from '../loader/errors.js';
import { defineFunction } from '../loader/define.js';
import { listExtmods, refreshHandlers, syncExtensionModules, type ExtmodFilter } from '../loader/extmods.js';
import { pyTruthy } from '../loader/run.js';
import type { CallContext, SaltFunction } from '../loader/types.js';
import { pyStr } from './_pyconv.js';

type Dict = Record<string, unknown>;

function cachedirOf(ctx: CallContext): string {
  return String(ctx.opts.cachedir ?? '/var/cache/salt/minion');
}

/** Salt's `_get_top_file_envs`: the environments the top file matches for this minion, else `base`. */
async function topFileEnvs(ctx: CallContext): Promise<string[]> {
  const key = 'saltutil._top_file_envs';
  const have = ctx.context[key];
  if (Array.isArray(have)) return have as string[];
  let envs: string[];
  try {
    const top = await ctx.salt('state.show_top');
    envs = top && typeof top === 'object' && !Array.isArray(top) ? Object.keys(top) : [];
  } catch (err) {
    throw new CommandExecutionError(`Unable to render top file(s): ${(err as Error).message}`);
  }
  if (!envs.length) envs = ['base'];
  ctx.context[key] = envs;
  return envs;
}

/** A whitelist/blacklist argument: a comma-separated string names modules of this form; a dict is per form. */
function filterArg(ctx: CallContext, form: string, value: unknown, what: string): ExtmodFilter | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return { [form]: value.split(',') };
  if (typeof value === 'object' && !Array.isArray(value)) {
    const out: ExtmodFilter = {};
    for (const [k, v] of Object.entries(value as Dict)) out[k] = Array.isArray(v) ? v.map((x) => pyStr(x)) : pyStr(v).split(',');
    return out;
  }
  ctx.log.error(`${what} must be a string or dictionary: ${pyStr(value)}`);
  return {};
}

/** Salt's `saltutil._sync`: syncs one form and leaves the `module_refresh` marker when something changed. */
async function syncForm(ctx: CallContext, form: string, saltenv: unknown, whitelist: unknown, blacklist: unknown): Promise<string[]> {
  const saltenvs =
    saltenv === null || saltenv === undefined
      ? await topFileEnvs(ctx)
      : Array.isArray(saltenv)
        ? saltenv.map((e) => pyStr(e))
        : pyStr(saltenv).split(',');
  const { cpClient } = await import('./cp.js');
  const { synced, touched } = await syncExtensionModules(() => cpClient(ctx), ctx.opts, form, {
    saltenvs,
    whitelist: filterArg(ctx, form, whitelist, 'extmod_whitelist'),
    blacklist: filterArg(ctx, form, blacklist, 'extmod_blacklist'),
    log: ctx.log,
  });
  const cachedir = cachedirOf(ctx);
  if (touched) {
    try {
      closeSync(openSync(join(cachedir, 'module_refresh'), 'a'));
    } catch (err) {
      ctx.log.debug(`Cannot touch ${join(cachedir, 'module_refresh')}: ${(err as Error).message}`);
    }
  }
  const grainsCache = join(cachedir, 'grains.cache.p');
  if (form === 'grains' && ctx.opts.grains_cache === true && existsSync(grainsCache)) {
    try {
      unlinkSync(grainsCache);
    } catch {
      ctx.log.error('Could not remove grains cache!');
    }
  }
  return synced;
}

async function fireLocal(ctx: CallContext, data: Dict, tag: string): Promise<boolean> {
  try {
    return (await ctx.salt('event.fire', [data, tag])) === true;
  } catch {
    ctx.log.error(`Event module not available. ${tag === 'pillar_refresh' ? 'Pillar' : 'Module'} refresh failed.`);
    return false;
  }
}

/** `refresh_modules`: the minion's handler, or an in-place reload plus the `module_refresh` event. */
async function refreshModules(ctx: CallContext): Promise<boolean> {
  const h = refreshHandlers().modules;
  if (h) {
    await h();
    return true;
  }
  ctx.loader.reload();
  return fireLocal(ctx, {}, 'module_refresh');
}

/** `refresh_pillar`: the minion's handler, or an in-place module reload plus the `pillar_refresh` event. */
async function refreshPillar(ctx: CallContext, cleanCache: boolean): Promise<boolean> {
  const h = refreshHandlers().pillar;
  if (h) {
    await h(cleanCache);
    return true;
  }
  ctx.loader.reload();
  return fireLocal(ctx, { clean_cache: cleanCache }, 'pillar_refresh');
}

/** Fires a refresh event for a subsystem salt-ts does not reload itself (beacons, matchers). */
function refreshByEvent(tag: string): (p: Dict, ctx: CallContext) => Promise<boolean> {
  return (_p, ctx) => fireLocal(ctx, {}, tag);
}

const SALTENV_DOC = `
    saltenv
        The fileserver environment from which to sync. To sync from more than
        one environment, pass a comma-separated list.

        If not passed, then all environments configured in the :ref:\`top files
        <states-top>\` will be checked for modules to sync. If no top files are
        found, then the \`\`base\`\` environment will be synced.
`;

type Refresh = 'modules' | 'pillar' | 'beacons' | 'none';

interface SyncSpec {
  /** The `_<form>` directory and extmods subdirectory. */
  form: string;
  what: string;
  /** The default of `refresh`, or null when the function has no `refresh` argument (`sync_sdb`). */
  refreshDefault: boolean | null;
  refreshWith: Refresh;
  /** Only masterless minions may sync it (`sync_pillar`). */
  localOnly?: boolean;
}

/** The sync functions, in the order `sync_all` runs them (its return's key order). */
const SYNCS: Record<string, SyncSpec> = {
  sync_clouds: { form: 'clouds', what: 'cloud modules', refreshDefault: true, refreshWith: 'modules' },
  sync_beacons: { form: 'beacons', what: 'beacons', refreshDefault: true, refreshWith: 'beacons' },
  sync_modules: { form: 'modules', what: 'execution modules', refreshDefault: true, refreshWith: 'modules' },
  sync_states: { form: 'states', what: 'state modules', refreshDefault: true, refreshWith: 'modules' },
  sync_sdb: { form: 'sdb', what: 'sdb modules', refreshDefault: null, refreshWith: 'none' },
  sync_grains: { form: 'grains', what: 'grains modules', refreshDefault: true, refreshWith: 'pillar' },
  sync_renderers: { form: 'renderers', what: 'renderers', refreshDefault: true, refreshWith: 'modules' },
  sync_returners: { form: 'returners', what: 'returners', refreshDefault: true, refreshWith: 'modules' },
  sync_output: { form: 'output', what: 'outputters', refreshDefault: true, refreshWith: 'modules' },
  sync_utils: { form: 'utils', what: 'utility modules', refreshDefault: true, refreshWith: 'modules' },
  sync_log_handlers: { form: 'log_handlers', what: 'log handlers', refreshDefault: true, refreshWith: 'modules' },
  sync_executors: { form: 'executors', what: 'executors', refreshDefault: true, refreshWith: 'modules' },
  sync_proxymodules: { form: 'proxy', what: 'proxy modules', refreshDefault: false, refreshWith: 'modules' },
  sync_engines: { form: 'engines', what: 'engine modules', refreshDefault: false, refreshWith: 'modules' },
  sync_thorium: { form: 'thorium', what: 'Thorium modules', refreshDefault: false, refreshWith: 'modules' },
  sync_serializers: { form: 'serializers', what: 'serializers', refreshDefault: true, refreshWith: 'modules' },
  sync_matchers: { form: 'matchers', what: 'matcher modules', refreshDefault: false, refreshWith: 'modules' },
  sync_pillar: { form: 'pillar', what: 'pillar modules', refreshDefault: true, refreshWith: 'pillar', localOnly: true },
};

async function runSync(ctx: CallContext, spec: SyncSpec, p: Dict, refresh: boolean): Promise<string[]> {
  if (spec.localOnly && ctx.opts.file_client !== 'local') {
    throw new CommandExecutionError('Pillar modules can only be synced to masterless minions');
  }
  const ret = await syncForm(ctx, spec.form, p.saltenv, p.extmod_whitelist, p.extmod_blacklist);
  if (refresh) {
    if (spec.refreshWith === 'modules') await refreshModules(ctx);
    else if (spec.refreshWith === 'pillar') await refreshPillar(ctx, pyTruthy(p.clean_pillar_cache));
    else if (spec.refreshWith === 'beacons') await fireLocal(ctx, {}, 'beacons_refresh');
  }
  return ret;
}

function syncFunction(name: string, spec: SyncSpec): SaltFunction {
  const hasPillarCache = spec.refreshWith === 'pillar';
  const args = spec.refreshDefault === null ? ['saltenv', 'extmod_whitelist', 'extmod_blacklist'] : ['saltenv', 'refresh', 'extmod_whitelist', 'extmod_blacklist'];
  if (hasPillarCache) args.push('clean_pillar_cache');
  const defaults: Dict = { saltenv: null, extmod_whitelist: null, extmod_blacklist: null };
  if (spec.refreshDefault !== null) defaults.refresh = spec.refreshDefault;
  if (hasPillarCache) defaults.clean_pillar_cache = false;
  const refreshDoc =
    spec.refreshDefault === null
      ? ''
      : `
    refresh : ${spec.refreshDefault ? 'True' : 'False'}
        If \`\`True\`\`, refresh the ${spec.refreshWith === 'pillar' ? 'available execution modules and recompile pillar data' : 'available execution modules'} on the minion.
        This refresh will be performed even if no new ${spec.what} are synced.
        Set to \`\`False\`\` to prevent this refresh.
`;
  const doc = `
    Sync ${spec.what} from \`\`salt://_${spec.form}\`\` to the minion
${spec.localOnly ? '\n    This function raises an error on a minion that is not masterless.\n' : ''}${SALTENV_DOC}${refreshDoc}
    extmod_whitelist : None
        comma-separated list of modules to sync

    extmod_blacklist : None
        comma-separated list of modules to blacklist based on type
${hasPillarCache ? '\n    clean_pillar_cache : False\n        Set to ``True`` to refresh pillar cache.\n' : ''}
    CLI Examples:

    .. code-block:: bash

        salt '*' saltutil.${name}
        salt '*' saltutil.${name} saltenv=dev
        salt '*' saltutil.${name} saltenv=base,dev
  `;
  return defineFunction({ args, defaults, doc } as { args: string[]; defaults: Dict; doc: string }, (p: Dict, ctx) =>
    runSync(ctx, spec, p, spec.refreshDefault === null ? false : pyTruthy(p.refresh)),
  );
}

/** Salt's `clean_kwargs` + `invalid_kwargs`: `__`-prefixed keywords dropped, any other unknown one refused. */
function refuseUnknownKwargs(kwargs: Dict): void {
  const bad = Object.entries(kwargs).filter(([k]) => !k.startsWith('__'));
  if (bad.length) throw new SaltInvocationError(`The following keyword arguments are not valid: ${bad.map(([k, v]) => `${k}=${pyStr(v)}`).join(', ')}`);
}

/** Removes every file below `dir` (directories stay; symlinked directories are not followed). */
function removeFilesBelow(dir: string): void {
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (lstatSync(full).isDirectory()) removeFilesBelow(full);
    else unlinkSync(full);
  }
}

export const syncFunctions: Record<string, SaltFunction> = {
  ...Object.fromEntries(Object.entries(SYNCS).map(([name, spec]) => [name, syncFunction(name, spec)])),

  sync_all: defineFunction(
    {
      args: ['saltenv', 'refresh', 'extmod_whitelist', 'extmod_blacklist', 'clean_pillar_cache'],
      defaults: { saltenv: null, refresh: true, extmod_whitelist: null, extmod_blacklist: null, clean_pillar_cache: false },
      doc: `
        Sync down all of the dynamic modules from the file server for a specific
        environment. This function synchronizes custom modules, states, beacons,
        grains, returners, output modules, renderers, and utils; on masterless
        minions also pillar modules.

        refresh : True
            Also refresh the execution modules and recompile pillar data available
            to the minion. This refresh will be performed even if no new dynamic
            modules are synced. Set to \`\`False\`\` to prevent this refresh.

        extmod_whitelist : None
            dictionary of modules to sync based on type

        extmod_blacklist : None
            dictionary of modules to blacklist based on type

        clean_pillar_cache : False
            Set to \`\`True\`\` to refresh pillar cache.

        CLI Examples:

        .. code-block:: bash

            salt '*' saltutil.sync_all
            salt '*' saltutil.sync_all saltenv=dev
            salt '*' saltutil.sync_all saltenv=base,dev
            salt '*' saltutil.sync_all extmod_whitelist={'modules': ['custom_module']}
      `,
    },
    async (p, ctx) => {
      ctx.log.debug('Syncing all');
      const ret: Record<string, string[]> = {};
      for (const [name, spec] of Object.entries(SYNCS)) {
        if (spec.localOnly && ctx.opts.file_client !== 'local') continue;
        ret[spec.form === 'proxy' ? 'proxymodules' : name.slice('sync_'.length)] = await runSync(ctx, spec, p, false);
      }
      if (pyTruthy(p.refresh)) await refreshPillar(ctx, pyTruthy(p.clean_pillar_cache));
      return ret;
    },
  ),

  refresh_modules: defineFunction(
    {
      kwargs: true,
      doc: `
        Signal the minion to refresh the module and grain data

        The default is to refresh module asynchronously. To block
        until the module refresh is complete, set the 'async' flag
        to False.

        CLI Example:

        .. code-block:: bash

            salt '*' saltutil.refresh_modules
      `,
    },
    (_p, ctx) => refreshModules(ctx),
  ),

  refresh_grains: defineFunction(
    {
      kwargs: true,
      doc: `
        Refresh the minion's grains without syncing custom grains modules from
        \`\`salt://_grains\`\`.

        .. note::
            The available execution modules will be reloaded as part of this
            proceess, as grains can affect which modules are available.

        refresh_pillar : True
            Set to \`\`False\`\` to keep pillar data from being refreshed.

        clean_pillar_cache : False
            Set to \`\`True\`\` to refresh pillar cache.

        CLI Examples:

        .. code-block:: bash

            salt '*' saltutil.refresh_grains
      `,
    },
    async (_p, ctx, { kwargs }) => {
      const { refresh_pillar: refreshPillarArg = true, clean_pillar_cache: clean = false, ...rest } = kwargs;
      refuseUnknownKwargs(rest);
      if (pyTruthy(refreshPillarArg)) await refreshPillar(ctx, pyTruthy(clean));
      else await refreshModules(ctx);
      return true;
    },
  ),

  refresh_pillar: refreshPillarFunction(),
  pillar_refresh: refreshPillarFunction(),

  refresh_beacons: defineFunction(
    {
      doc: `
        Signal the minion to refresh the beacons.

        CLI Example:

        .. code-block:: bash

            salt '*' saltutil.refresh_beacons
      `,
    },
    refreshByEvent('beacons_refresh'),
  ),

  refresh_matchers: defineFunction(
    {
      doc: `
        Signal the minion to refresh its matchers.

        CLI Example:

        .. code-block:: bash

            salt '*' saltutil.refresh_matchers
      `,
    },
    refreshByEvent('matchers_refresh'),
  ),

  list_extmods: defineFunction(
    {
      doc: `
        List Salt modules which have been synced externally

        CLI Examples:

        .. code-block:: bash

            salt '*' saltutil.list_extmods
      `,
    },
    (_p, ctx) => listExtmods(ctx.opts),
  ),

  clear_cache: defineFunction(
    {
      doc: `
        Forcibly removes all caches on a minion.

        WARNING: The safest way to clear a minion cache is by first stopping
        the minion and then deleting the cache files before restarting it.

        CLI Example:

        .. code-block:: bash

            salt '*' saltutil.clear_cache
      `,
    },
    (_p, ctx) => {
      try {
        removeFilesBelow(cachedirOf(ctx));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
        ctx.log.error(`Attempt to clear cache with saltutil.clear_cache FAILED with: ${(err as Error).message}`);
        return false;
      }
      return true;
    },
  ),
};

function refreshPillarFunction(): SaltFunction {
  return defineFunction(
    {
      args: ['wait', 'timeout', 'clean_cache'],
      defaults: { wait: false, timeout: 30, clean_cache: true },
      doc: `
        Signal the minion to refresh the in-memory pillar data. See :ref:\`pillar-in-memory\`.

        :param wait:            Wait for pillar refresh to complete, defaults to False.
        :type wait:             bool, optional
        :param timeout:         How long to wait in seconds, only used when wait is True, defaults to 30.
        :type timeout:          int, optional
        :param clean_cache:     Clean the pillar cache, only used when \`pillar_cache\` is True. Defaults to True
        :type clean_cache:      bool, optional
            .. versionadded:: 3005
        :return:                Boolean status, True when the pillar_refresh event was fired successfully.

        CLI Example:

        .. code-block:: bash

            salt '*' saltutil.refresh_pillar
            salt '*' saltutil.refresh_pillar wait=True timeout=60
      `,
    },
    ({ clean_cache }, ctx) => refreshPillar(ctx, pyTruthy(clean_cache)),
  );
}
