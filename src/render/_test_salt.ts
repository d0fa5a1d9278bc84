/**
 * Test support: a Salt caller with the execution functions the render corpus calls from templates
 * (`grains.get`, `pillar.get`, `config.get`, `grains.filter_by`), following Salt 3006's semantics
 * (salt.utils.data.traverse_dict_and_list, filter_by, dictupdate.update). salt-ts's real modules
 * replace it once they exist; the renderer only needs a SaltCaller.
 */
import type { SaltCaller } from '../loader/types.js';

type Dict = Record<string, unknown>;

function isDict(v: unknown): v is Dict {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** salt.utils.data.traverse_dict_and_list. */
export function traverse(data: unknown, key: string, dflt: unknown, delimiter = ':'): unknown {
  let ptr = data;
  for (const part of key.split(delimiter)) {
    if (Array.isArray(ptr)) {
      const idx = /^-?\d+$/.test(part) ? Number(part) : NaN;
      if (Number.isNaN(idx) || idx >= ptr.length || idx < -ptr.length) return dflt;
      ptr = ptr[idx < 0 ? ptr.length + idx : idx];
    } else if (isDict(ptr) && Object.prototype.hasOwnProperty.call(ptr, part)) {
      ptr = ptr[part];
    } else return dflt;
  }
  return ptr;
}

function deepCopy<T>(v: T): T {
  return structuredClone(v);
}

/** salt.utils.dictupdate.update (recursive merge of `upd` into `dest`). */
function update(dest: Dict, upd: Dict): Dict {
  for (const [k, v] of Object.entries(upd)) {
    const cur = dest[k];
    if (isDict(cur) && isDict(v)) update(cur, v);
    else dest[k] = v;
  }
  return dest;
}

function fnmatchcase(name: string, pattern: string): boolean {
  const re = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(name);
}

/** A SaltCaller serving the functions above from fixed opts, grains and pillar. */
export function testSaltCaller(opts: Dict, grains: Dict, pillar: Dict): SaltCaller {
  const kw = (args: unknown[], kwargs: Dict, names: string[], defaults: unknown[]) =>
    names.map((n, i) => (i < args.length ? args[i] : n in kwargs ? kwargs[n] : defaults[i]));
  return async (fun, args = [], kwargs = {}) => {
    switch (fun) {
      case 'grains.get': {
        const [key, dflt, delimiter] = kw(args, kwargs, ['key', 'default', 'delimiter'], ['', '', ':']);
        return traverse(grains, String(key), dflt, String(delimiter));
      }
      case 'pillar.get': {
        const [key, dflt, merge, , delimiter] = kw(args, kwargs, ['key', 'default', 'merge', 'merge_nested_lists', 'delimiter'], ['', '', false, null, ':']);
        if (merge && isDict(dflt)) {
          const ret = traverse(pillar, String(key), {}, String(delimiter));
          if (isDict(ret)) return update(deepCopy(dflt), ret);
        }
        return traverse(pillar, String(key), dflt, String(delimiter));
      }
      case 'config.get': {
        const [key, dflt, delimiter] = kw(args, kwargs, ['key', 'default', 'delimiter'], ['', '', ':']);
        const missing = Symbol('missing');
        for (const source of [opts, grains, pillar]) {
          const v = traverse(source, String(key), missing, String(delimiter));
          if (v !== missing) return v;
        }
        return dflt;
      }
      case 'grains.filter_by': {
        const [lookup, grain, merge, dflt] = kw(args, kwargs, ['lookup_dict', 'grain', 'merge', 'default'], [{}, 'os_family', null, 'default']);
        const table = lookup as Dict;
        const val = traverse(grains, String(grain), []);
        let ret: unknown = null;
        for (const each of Array.isArray(val) ? val : [val]) {
          for (const key of Object.keys(table)) {
            if (fnmatchcase(String(each), key)) {
              ret = table[key];
              break;
            }
          }
          if (ret !== null) break;
        }
        if (ret === null) ret = Object.prototype.hasOwnProperty.call(table, String(dflt)) ? table[String(dflt)] : null;
        if (merge && isDict(merge)) ret = ret === null ? merge : update(deepCopy(ret as Dict), deepCopy(merge));
        return ret;
      }
    }
    const err = new Error(`'${fun}' is not available.`);
    err.name = 'CommandExecutionError';
    throw err;
  };
}
