/**
 * The `cache` runner: the grains, pillar and mine data the master caches per minion
 * (`cachedir/minions/<id>/data.p` and `mine.p`), and clearing them.
 */
import { validMinionId } from '../jobs/minion_id.js';
import { defineMasterFunction } from './_define.js';
import { isMap, MinionDataCache, targetMinions, type Dict } from './_common.js';
import type { MasterModule, Opts } from './types.js';

/** Salt's `_get_cached_minion_data`: grains and pillar by id (`{}` for each when the cache is off). */
function cachedMinionData(opts: Opts, ids: string[]): { grains: Dict; pillars: Dict } {
  const grains: Dict = {};
  const pillars: Dict = {};
  for (const id of ids) grains[id] = pillars[id] = {};
  if (opts.minion_data_cache === false) return { grains, pillars };
  const cache = new MinionDataCache(opts);
  for (const id of ids.length ? ids : cache.list()) {
    if (!validMinionId(id)) continue;
    const data = cache.fetch(id, 'data');
    if (!isMap(data)) continue;
    if ('grains' in data) grains[id] = data.grains;
    if ('pillar' in data) pillars[id] = data.pillar;
  }
  return { grains, pillars };
}

/** `{id: {}}` for each targeted id, overlaid with the non-empty cached values. */
function overlay(ids: string[], cached: Dict): Dict {
  const ret: Dict = {};
  for (const id of ids) ret[id] = {};
  for (const [id, v] of Object.entries(cached)) if (isMap(v) ? Object.keys(v).length > 0 : Boolean(v)) ret[id] = v;
  return ret;
}

function clearCache(opts: Opts, tgt: unknown, tgtType: unknown, what: { pillar?: boolean; grains?: boolean; mine?: boolean; mineFunc?: unknown }): boolean {
  if (tgt === null || tgt === undefined) return false;
  const mineFunc = what.mineFunc ?? null;
  if (!what.pillar && !what.grains && !what.mine && mineFunc === null) return false;
  const ids = targetMinions(opts, tgt, tgtType);
  const both = Boolean(what.pillar) === Boolean(what.grains);
  const { grains, pillars } = both ? { grains: {} as Dict, pillars: {} as Dict } : cachedMinionData(opts, ids);
  const cache = new MinionDataCache(opts);
  const present = new Set(cache.list());
  for (const id of ids) {
    if (!validMinionId(id) || !present.has(id)) continue;
    const pillar = pillars[id];
    const grain = grains[id];
    const has = (v: unknown): boolean => isMap(v) && Object.keys(v).length > 0;
    if ((what.pillar && what.grains) || (what.pillar && !has(grain)) || (what.grains && !has(pillar))) cache.flush(id, 'data');
    else if (what.pillar) cache.store(id, 'data', { grains: grain });
    else if (what.grains) cache.store(id, 'data', { pillar });
    if (what.mine) cache.flush(id, 'mine');
    else if (mineFunc !== null) {
      const mine = cache.fetch(id, 'mine');
      if (isMap(mine) && typeof mineFunc === 'string' && mineFunc in mine) {
        delete mine[mineFunc];
        cache.store(id, 'mine', mine);
      }
    }
  }
  return true;
}

const clearFn = (name: string, what: string, flags: { pillar?: boolean; grains?: boolean; mine?: boolean }) =>
  defineMasterFunction(
    {
      args: ['tgt', 'tgt_type'],
      defaults: { tgt: null, tgt_type: 'glob' },
      doc: `
          Clear the cached ${what} of the targeted minions

          CLI Example:

          .. code-block:: bash

              salt-run cache.${name}
      `,
    },
    ({ tgt, tgt_type }, ctx) => clearCache(ctx.opts, tgt, tgt_type, flags),
  );

const cache: MasterModule = {
  name: 'cache',
  functions: {
    grains: defineMasterFunction(
      {
        args: ['tgt', 'tgt_type'],
        defaults: { tgt_type: 'glob' },
        kwargs: true,
        doc: `
          Return cached grains of the targeted minions.

          tgt
              Target to match minion ids.

          tgt_type
              The type of targeting to use for matching, such as \`\`glob\`\`, \`\`list\`\`,
              etc.

          CLI Example:

          .. code-block:: bash

              salt-run cache.grains '*'
        `,
      },
      ({ tgt, tgt_type }, ctx) => {
        const ids = targetMinions(ctx.opts, tgt, tgt_type);
        if (ids.length === 0) return {};
        return overlay(ids, cachedMinionData(ctx.opts, ids).grains);
      },
    ),
    pillar: defineMasterFunction(
      {
        args: ['tgt', 'tgt_type'],
        defaults: { tgt: null, tgt_type: 'glob' },
        kwargs: true,
        doc: `
          Return cached pillars of the targeted minions if tgt is set.
          If tgt is not set will return cached pillars for all minions.

          CLI Example:

          .. code-block:: bash

              salt-run cache.pillar
        `,
      },
      ({ tgt, tgt_type }, ctx) => {
        const ids = targetMinions(ctx.opts, tgt, tgt_type);
        if (tgt && ids.length === 0) return {};
        return overlay(ids, cachedMinionData(ctx.opts, ids).pillars);
      },
    ),
    mine: defineMasterFunction(
      {
        args: ['tgt', 'tgt_type'],
        defaults: { tgt: null, tgt_type: 'glob' },
        kwargs: true,
        doc: `
          Return cached mine data of the targeted minions

          CLI Example:

          .. code-block:: bash

              salt-run cache.mine
        `,
      },
      ({ tgt, tgt_type }, ctx) => {
        const ids = targetMinions(ctx.opts, tgt, tgt_type);
        const ret: Dict = {};
        for (const id of ids) ret[id] = {};
        if (ctx.opts.minion_data_cache === false && !ctx.opts.enforce_mine_cache) return ret;
        const store = new MinionDataCache(ctx.opts);
        for (const id of ids.length ? ids : store.list()) {
          if (!validMinionId(id)) continue;
          const mine = store.fetch(id, 'mine');
          if (isMap(mine)) ret[id] = mine;
        }
        return ret;
      },
    ),
    clear_pillar: clearFn('clear_pillar', 'pillar data', { pillar: true }),
    clear_grains: clearFn('clear_grains', 'grains data', { grains: true }),
    clear_mine: clearFn('clear_mine', 'mine data', { mine: true }),
    clear_all: clearFn('clear_all', 'pillar, grains, and mine data', { pillar: true, grains: true, mine: true }),
    clear_mine_func: defineMasterFunction(
      {
        args: ['tgt', 'tgt_type', 'clear_mine_func_flag'],
        defaults: { tgt: null, tgt_type: 'glob', clear_mine_func_flag: null },
        doc: `
          Clear the cached mine function data of the targeted minions

          CLI Example:

          .. code-block:: bash

              salt-run cache.clear_mine_func tgt='*' clear_mine_func_flag='network.interfaces'
        `,
      },
      ({ tgt, tgt_type, clear_mine_func_flag }, ctx) => clearCache(ctx.opts, tgt, tgt_type, { mineFunc: clear_mine_func_flag }),
    ),
  },
};

export default cache;
