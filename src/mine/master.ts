/**
 * The master's side of the mine (Salt's `RemoteFuncs._mine`, `_mine_get`, `_mine_delete`,
 * `_mine_flush`): minions store their mine data in `cachedir/minions/<id>/mine.p` and read other
 * minions' data, resolved with the master's target matching over the accepted keys and the
 * minion data cache.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validMinionId } from '../jobs/minion_id.js';
import { KeyStore } from '../pki/keystore.js';
import { checkMinions } from '../targeting/check_minions.js';
import { pyReMatch } from '../targeting/pyregex.js';
import { MINE_ITEM_ACL_DATA, MINE_ITEM_ACL_ID } from './acl.js';
import { MinionCacheBank } from './store.js';

type Dict = Record<string, unknown>;

/** The request commands this module serves. */
export const MINE_COMMANDS: ReadonlySet<string> = new Set(['_mine', '_mine_get', '_mine_delete', '_mine_flush']);

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** Whether the master keeps mine data at all (`minion_data_cache` or `enforce_mine_cache`). */
function mineCacheOn(opts: Dict): boolean {
  return opts.minion_data_cache !== false || opts.enforce_mine_cache === true;
}

/** Matches targets the way the master does for a publish, over the accepted keys and data cache. */
function targetFinder(opts: Dict, bank: MinionCacheBank): (tgt: unknown, tgtType: string, greedy: boolean) => string[] {
  const accepted = new KeyStore({ pkiDir: String(opts.pki_dir), hashType: typeof opts.hash_type === 'string' ? opts.hash_type : 'sha256' }).list('minions');
  let cachedIds: string[];
  try {
    cachedIds = readdirSync(bank.dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    cachedIds = [];
  }
  const dataCache = new Map<string, Dict | undefined>();
  const getMinionData = (id: string): Dict | undefined => {
    if (!dataCache.has(id)) {
      const d = bank.fetchSync(id, 'data');
      dataCache.set(id, isDict(d) && Object.keys(d).length ? d : undefined);
    }
    return dataCache.get(id);
  };
  return (tgt, tgtType, greedy) =>
    checkMinions(tgt, tgtType, {
      acceptedIds: accepted,
      getMinionData: getMinionData as never,
      cachedIds,
      minionDataCache: opts.minion_data_cache !== false,
      nodegroups: (opts.nodegroups ?? {}) as never,
      greedy,
    }).minions;
}

/** The functions a `_mine_get` asks for, and whether the answer is keyed by function. */
function requestedFunctions(fun: unknown): { functions: string[]; byFunction: boolean } | undefined {
  if (typeof fun === 'string') {
    const functions = [...new Set(fun.split(','))];
    return { functions, byFunction: functions.length > 1 };
  }
  if (Array.isArray(fun)) return { functions: fun.map(String), byFunction: true };
  return undefined;
}

/** The master's `mine_get` ACL: which of `functions` the requesting minion may read. */
function allowedByMaster(opts: Dict, requester: string, functions: string[]): string[] | undefined {
  if (!('mine_get' in opts)) return functions;
  const acl = opts.mine_get;
  if (!isDict(acl)) return undefined;
  const perms = new Set<string>();
  for (const [match, allowed] of Object.entries(acl)) {
    if (Array.isArray(allowed) && pyReMatch(match, requester)) for (const p of allowed) perms.add(String(p));
  }
  return functions.filter((f) => [...perms].some((p) => pyReMatch(p, f)));
}

/**
 * `_mine_get`: the mine data of `load.fun` for the minions `load.tgt` names (`load.tgt_type`,
 * or the legacy `expr_form`; pillar targets match exactly; non-greedy), as `{minion: data}` or
 * `{fun: {minion: data}}` for several functions. Honours the master's `mine_get` ACL and each
 * entry's `allow_tgt`.
 */
export async function mineGet(load: Dict, opts: Dict): Promise<Dict> {
  if (!('id' in load) || !('tgt' in load) || !('fun' in load)) return {};
  const req = requestedFunctions(load.fun);
  if (!req) return {};
  const functions = allowedByMaster(opts, String(load.id), req.functions);
  if (!functions || functions.length === 0) return {};
  if (!validMinionId(load.id)) return {};
  const requester = load.id;
  let tgtType = String(load.expr_form !== undefined && !('tgt_type' in load) ? load.expr_form : load.tgt_type ?? 'glob');
  if (tgtType.toLowerCase() === 'pillar') tgtType = 'pillar_exact';
  if (tgtType.toLowerCase() === 'compound') tgtType = 'compound_pillar_exact';
  const bank = new MinionCacheBank(String(opts.cachedir));
  const find = targetFinder(opts, bank);
  const ret: Dict = {};
  const aclCache = new Map<string, string[]>();
  for (const minion of find(load.tgt, tgtType, false)) {
    const mine = await bank.fetch(minion, 'mine');
    if (!isDict(mine)) continue;
    for (const fn of functions) {
      if (!(fn in mine)) continue;
      const entry = mine[fn];
      let result = entry;
      if (isDict(entry) && MINE_ITEM_ACL_ID in entry) {
        result = entry[MINE_ITEM_ACL_DATA];
        const key = `${minion}\0${fn}`;
        if (!aclCache.has(key) && 'allow_tgt' in entry) {
          const allowed = find(entry.allow_tgt, typeof entry.allow_tgt_type === 'string' ? entry.allow_tgt_type : 'glob', true);
          // Salt skips the entry when its allow_tgt names no minion at all.
          if (allowed.length === 0) continue;
          aclCache.set(key, allowed);
        }
        const allowed = aclCache.get(key);
        if (allowed && allowed.length && !allowed.includes(requester)) continue;
      }
      if (req.byFunction) ((ret[fn] ??= {}) as Dict)[minion] = result;
      else ret[minion] = result;
    }
  }
  return ret;
}

/**
 * `_mine`: stores `load.data` ({function: result}) as the minion's mine, merged into what is
 * there unless `load.clear`. Answers true (false for a load without `id`/`data`).
 */
export async function mineStore(load: Dict, opts: Dict): Promise<boolean> {
  if (!('id' in load) || !('data' in load)) return false;
  if (!validMinionId(load.id)) return false;
  if (!mineCacheOn(opts)) return true;
  const bank = new MinionCacheBank(String(opts.cachedir));
  let data: unknown = isDict(load.data) ? { ...load.data } : load.data;
  if (!load.clear) {
    const old = await bank.fetch(load.id, 'mine');
    // Salt keeps a non-map old value as it is (it only merges into a map).
    data = isDict(old) ? Object.assign(old, isDict(load.data) ? load.data : {}) : old === undefined ? data : old;
  }
  await bank.store(load.id, 'mine', data);
  return true;
}

/** `_mine_delete`: removes one function from the minion's mine; false when the mine is not a map. */
export async function mineDelete(load: Dict, opts: Dict): Promise<boolean> {
  if (!('id' in load) || !('fun' in load)) return false;
  if (!validMinionId(load.id)) return false;
  if (!mineCacheOn(opts)) return true;
  const bank = new MinionCacheBank(String(opts.cachedir));
  try {
    const data = await bank.fetch(load.id, 'mine');
    if (!isDict(data)) return false;
    const fun = String(load.fun);
    if (fun in data) {
      delete data[fun];
      await bank.store(load.id, 'mine', data);
    }
  } catch {
    return false;
  }
  return true;
}

/** `_mine_flush`: removes the minion's whole mine; false when it had none. */
export async function mineFlush(load: Dict, opts: Dict): Promise<boolean> {
  if (!('id' in load)) return false;
  if (!validMinionId(load.id)) return false;
  if (!mineCacheOn(opts)) return true;
  return new MinionCacheBank(String(opts.cachedir)).flush(load.id, 'mine');
}

/**
 * Serves one mine command from a minion (already decrypted and authenticated). Returns the
 * reply to encrypt, or undefined when `cmd` is not a mine command.
 */
export async function handleMineCommand(cmd: string, load: Dict, opts: Dict): Promise<unknown> {
  switch (cmd) {
    case '_mine':
      return mineStore(load, opts);
    case '_mine_get':
      return mineGet(load, opts);
    case '_mine_delete':
      return mineDelete(load, opts);
    case '_mine_flush':
      return mineFlush(load, opts);
    default:
      return undefined;
  }
}

/** Where a minion's mine lives: `cachedir/minions/<id>/mine.p`. */
export function minePath(opts: Dict, id: string): string {
  return join(String(opts.cachedir), 'minions', id, 'mine.p');
}
