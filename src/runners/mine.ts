/** The `mine` runner, `get` function: the mine data minions sent, from the master's cache. */
import { defineMasterFunction } from './_define.js';
import { isMap, MinionDataCache, targetMinions, type Dict } from './_common.js';
import { pyRegex } from '../targeting/pyregex.js';
import type { MasterModule, Opts } from './types.js';

const ACL_ID = '__saltmine_acl__';
const ACL_DATA = '__data__';

/**
 * Salt's `RemoteFuncs._mine_get` for the master itself (`requester` = the master id): the cached
 * mine results of `fun` (a name, comma-separated names or a list) for the targeted minions, as
 * `{minion: data}` for one function or `{function: {minion: data}}` for several. Honours the
 * master's `mine_get` ACL and each entry's `allow_tgt`.
 */
export function mineGet(opts: Opts, tgt: unknown, fun: unknown, tgtType: string, requester: string): Dict {
  let functions: string[];
  let asDict: boolean;
  if (typeof fun === 'string') {
    functions = [...new Set(fun.split(','))];
    asDict = functions.length > 1;
  } else if (Array.isArray(fun)) {
    functions = fun.map(String);
    asDict = true;
  } else return {};
  if ('mine_get' in opts) {
    const acl = opts.mine_get;
    if (!isMap(acl)) return {};
    const perms = new Set<string>();
    for (const [match, allowed] of Object.entries(acl)) {
      if (Array.isArray(allowed) && pyRegex(match).exec(requester)?.index === 0) for (const p of allowed) perms.add(String(p));
    }
    functions = functions.filter((f) => [...perms].some((p) => pyRegex(p).exec(f)?.index === 0));
    if (functions.length === 0) return {};
  }
  let type = tgtType.toLowerCase();
  if (type === 'pillar') type = 'pillar_exact';
  if (type === 'compound') type = 'compound_pillar_exact';
  const cache = new MinionDataCache(opts);
  const ret: Dict = {};
  for (const minion of targetMinions(opts, tgt, type, false)) {
    const mine = cache.fetch(minion, 'mine');
    if (!isMap(mine)) continue;
    for (const f of functions) {
      if (!(f in mine)) continue;
      const entry = mine[f];
      let result = entry;
      if (isMap(entry) && ACL_ID in entry) {
        result = entry[ACL_DATA];
        if ('allow_tgt' in entry) {
          const allowed = targetMinions(opts, entry.allow_tgt, typeof entry.allow_tgt_type === 'string' ? entry.allow_tgt_type : 'glob');
          if (!allowed.includes(requester)) continue;
        }
      }
      if (asDict) ((ret[f] ??= {}) as Dict)[minion] = result;
      else ret[minion] = result;
    }
  }
  return ret;
}

const mine: MasterModule = {
  name: 'mine',
  functions: {
    get: defineMasterFunction(
      {
        args: ['tgt', 'fun', 'tgt_type'],
        defaults: { tgt_type: 'glob' },
        doc: `
          Gathers the data from the specified minions' mine, pass in the target,
          function to look up and the target type

          CLI Example:

          .. code-block:: bash

              salt-run mine.get '*' network.interfaces
        `,
      },
      ({ tgt, fun, tgt_type }, ctx) => mineGet(ctx.opts, tgt, fun, String(tgt_type), String(ctx.opts.id ?? '')),
    ),
  },
};

export default mine;
