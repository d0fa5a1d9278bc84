/**
 * Salt's `salt.utils.dictupdate.merge`: how pillar sources are merged
 * (`pillar_source_merging_strategy`: smart, recurse, aggregate, overwrite, list, none) with
 * `pillar_merge_lists`.
 */
import { dictUpdate } from '../config/dict_update.js';
import { deepCopy } from '../modules/_pyvalue.js';

type Dict = Record<string, unknown>;

/** The strategies Salt knows; anything else falls back to `recurse`. */
export const MERGE_STRATEGIES = ['smart', 'recurse', 'aggregate', 'overwrite', 'list', 'none'] as const;

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** `merge_recurse`: a deep copy of `a` recursively updated with `b`. */
export function mergeRecurse(a: Dict, b: Dict, mergeLists = false): Dict {
  return dictUpdate(deepCopy(a), deepCopy(b), true, mergeLists);
}

/**
 * The yamlex `aggregate` merge for data without `!aggregate` marks: the top level is a union of
 * keys; below it a mapping takes `b`'s keys (values merged the same way) and anything else is
 * `b`'s value.
 */
function aggregate(a: unknown, b: unknown, top: boolean): unknown {
  if (isDict(a) && isDict(b)) {
    const out: Dict = top ? { ...a } : { ...b };
    for (const [k, v] of Object.entries(b)) out[k] = Object.hasOwn(a, k) ? aggregate(a[k], v, false) : v;
    return out;
  }
  return b;
}

/**
 * Merges pillar data `b` over `a`. `smart` means `aggregate` when the renderer pipe ends in
 * `yamlex`, else `recurse`. `a` is not modified except by `overwrite` (as in Salt).
 */
export function mergePillar(a: Dict, b: Dict, strategy = 'smart', renderer = 'yaml', mergeLists = false): Dict {
  let s = strategy;
  if (s === 'smart') s = renderer.split('|').pop() === 'yamlex' || renderer.startsWith('yamlex_') ? 'aggregate' : 'recurse';
  switch (s) {
    case 'list': {
      const out: Dict = {};
      for (const [k, v] of Object.entries(a)) out[k] = Object.hasOwn(b, k) ? [v, b[k]] : v;
      return out;
    }
    case 'aggregate':
      return aggregate(deepCopy(a), deepCopy(b), true) as Dict;
    case 'overwrite':
      for (const k of Object.keys(b)) if (Object.hasOwn(a, k)) a[k] = b[k];
      return mergeRecurse(a, b, mergeLists);
    case 'none':
      return mergeRecurse(a, b);
    case 'recurse':
      return mergeRecurse(a, b, mergeLists);
    default:
      return mergeRecurse(a, b);
  }
}
