/**
 * The `saltutil` runner, `sync_*` functions. Custom modules for the master (`salt://_modules`
 * and friends) are not synced by salt-ts yet, so every sync reports nothing synced, in Salt's
 * shape.
 */
import { defineMasterFunction } from './_define.js';
import type { MasterFunction, MasterModule } from './types.js';

/** `sync_all`'s keys in Salt's order, with the `sync_<name>` function each comes from. */
const SYNC_KINDS: ReadonlyArray<[key: string, fun: string]> = [
  ['clouds', 'sync_clouds'],
  ['modules', 'sync_modules'],
  ['states', 'sync_states'],
  ['grains', 'sync_grains'],
  ['renderers', 'sync_renderers'],
  ['returners', 'sync_returners'],
  ['output', 'sync_output'],
  ['proxymodules', 'sync_proxymodules'],
  ['runners', 'sync_runners'],
  ['wheel', 'sync_wheel'],
  ['engines', 'sync_engines'],
  ['thorium', 'sync_thorium'],
  ['queues', 'sync_queues'],
  ['pillar', 'sync_pillar'],
  ['utils', 'sync_utils'],
  ['sdb', 'sync_sdb'],
  ['cache', 'sync_cache'],
  ['fileserver', 'sync_fileserver'],
  ['tops', 'sync_tops'],
  ['tokens', 'sync_eauth_tokens'],
  ['serializers', 'sync_serializers'],
  ['executors', 'sync_executors'],
  ['roster', 'sync_roster'],
];

const SYNC_ARGS = ['saltenv', 'extmod_whitelist', 'extmod_blacklist'] as const;
const SYNC_DEFAULTS = { saltenv: 'base', extmod_whitelist: null, extmod_blacklist: null };

function syncOne(key: string, fun: string): MasterFunction {
  return defineMasterFunction(
    {
      args: SYNC_ARGS,
      defaults: SYNC_DEFAULTS,
      doc: `
        Sync ${key} modules to the master

        saltenv : base
            The fileserver environment from which to sync. To sync from more than
            one environment, pass a comma-separated list.

        CLI Example:

        .. code-block:: bash

            salt-run saltutil.${fun}
      `,
    },
    () => [],
  );
}

const functions: Record<string, MasterFunction> = {
  sync_all: defineMasterFunction(
    {
      args: SYNC_ARGS,
      defaults: SYNC_DEFAULTS,
      doc: `
        Sync all custom types

        saltenv : base
            The fileserver environment from which to sync. To sync from more than
            one environment, pass a comma-separated list.

        extmod_whitelist : None
            dictionary of modules to sync based on type

        extmod_blacklist : None
            dictionary of modules to blacklist based on type

        CLI Example:

        .. code-block:: bash

            salt-run saltutil.sync_all
      `,
    },
    (_p, ctx) => {
      ctx.log.debug('Syncing all');
      return Object.fromEntries(SYNC_KINDS.map(([key]) => [key, []]));
    },
  ),
};
for (const [key, fun] of SYNC_KINDS) functions[fun] = syncOne(key, fun);

const saltutil: MasterModule = { name: 'saltutil', functions };

export default saltutil;
