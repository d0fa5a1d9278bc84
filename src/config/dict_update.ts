/**
 * Salt's `salt.utils.dictupdate.update`: merges `upd` into `dest` in place, recursing into mappings;
 * with `mergeLists`, a list in both gets `upd`'s items appended that it lacks (deep equality).
 */
import { isDeepStrictEqual } from 'node:util';

type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** Recursive dict update; returns `dest`. */
export function dictUpdate(dest: Dict, upd: Dict, recursive = true, mergeLists = false): Dict {
  for (const [key, val] of Object.entries(upd)) {
    const current = Object.hasOwn(dest, key) ? dest[key] : undefined;
    if (recursive && isDict(current) && isDict(val)) {
      dest[key] = dictUpdate(current, val, true, mergeLists);
    } else if (recursive && mergeLists && Array.isArray(current) && Array.isArray(val)) {
      const merged = [...current];
      for (const item of val) if (!merged.some((m) => isDeepStrictEqual(m, item))) merged.push(item);
      dest[key] = merged;
    } else {
      dest[key] = val;
    }
  }
  return dest;
}
