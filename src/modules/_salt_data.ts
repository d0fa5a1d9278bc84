/**
 * Salt's `salt.utils.data` helpers the grains, config and match modules share:
 * `traverse_dict_and_list`, `filter_by` and `is_true`.
 */
import { yamlifyArg } from '../args/yamlify.js';
import { dictUpdate } from '../config/dict_update.js';
import { pyTruthy } from '../loader/run.js';
import { fnmatch } from '../targeting/fnmatch.js';
import { PyFloat } from '../protocol/pytypes.js';
import { pyStr } from './_pyrepr.js';

/** Salt's `SaltException` for module misuse that is not a command failure (a traceback in Salt). */
export class SaltException extends Error {
  override readonly name = 'SaltException';
  readonly code = 'ESALT';
}

/** A plain mapping (what Python would hold as a dict). */
export function isDict(v: unknown): v is Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v) || Buffer.isBuffer(v) || v instanceof PyFloat) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function pyIntIndex(s: string): number | null {
  const t = s.trim();
  if (!/^[+-]?\d+(?:_\d+)*$/.test(t)) return null;
  return Number(t.replace(/_/g, ''));
}

/**
 * The value at `key` (`a:b:0:c`, split on `delimiter`) inside nested dicts and lists, or
 * `fallback` when the path does not exist. A list level takes an index, or looks the key up in
 * the list's dicts; a dict key that is missing is retried YAML-loaded (`'1'` finds key `1`).
 */
export function traverseDictAndList(data: unknown, key: string | number | readonly unknown[], fallback: unknown, delimiter = ':'): unknown {
  const parts: unknown[] = typeof key === 'string' ? key.split(delimiter) : typeof key === 'number' ? [key] : [...key];
  let ptr = data;
  for (const each of parts) {
    if (Array.isArray(ptr)) {
      const idx = typeof each === 'number' ? each : pyIntIndex(pyStr(each));
      const dicts = ptr.filter(isDict);
      const name = idx === null ? pyStr(each) : String(idx);
      const found = dicts.find((d) => Object.hasOwn(d, name));
      if (found) {
        ptr = found[name];
        continue;
      }
      if (idx === null) return fallback;
      const i = idx < 0 ? ptr.length + idx : idx;
      if (i < 0 || i >= ptr.length) return fallback;
      ptr = ptr[i];
    } else if (isDict(ptr)) {
      const name = pyStr(each);
      if (Object.hasOwn(ptr, name)) {
        ptr = ptr[name];
        continue;
      }
      let loaded: unknown;
      try {
        loaded = yamlifyArg(name);
      } catch {
        return fallback;
      }
      if (loaded === name || loaded === null || typeof loaded === 'object') return fallback;
      const retry = pyStr(loaded);
      if (!Object.hasOwn(ptr, retry)) return fallback;
      ptr = ptr[retry];
    } else {
      return fallback;
    }
  }
  return ptr;
}

/** Salt's `is_true`: numbers are true above 0, strings only when `"true"` (any case). */
export function isTrue(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value instanceof PyFloat) return value.value > 0;
  if (typeof value === 'number') return value > 0;
  if (typeof value === 'string') {
    const t = value.trim();
    if (/^[+-]?\d+$/.test(t) || (t !== '' && !Number.isNaN(Number(t)) && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t))) return Number(t) > 0;
    return value.toLowerCase() === 'true';
  }
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

/**
 * Salt's `filter_by`: the value of the first key of `lookupDict` that glob-matches the value
 * (or one of the list values) found at `lookup` in `traverse`; else the `default` key. `base`
 * values are merged under the result and `merge` over it.
 * @throws SaltException when `merge` is not a dict, or `base` is a dict and the result is not.
 */
export function filterBy(
  lookupDict: Record<string, unknown>,
  lookup: string,
  traverse: unknown,
  merge: unknown = null,
  defaultKey: unknown = 'default',
  base: unknown = null,
): unknown {
  let ret: unknown = null;
  const val = traverseDictAndList(traverse, lookup, []);
  for (const each of Array.isArray(val) ? val : [val]) {
    const testEach = pyStr(each);
    for (const key of Object.keys(lookupDict)) {
      if (fnmatchCase(testEach, key)) {
        ret = lookupDict[key];
        break;
      }
    }
    if (ret !== null && ret !== undefined) break;
  }
  if (ret === null || ret === undefined) ret = Object.hasOwn(lookupDict, pyStr(defaultKey)) ? lookupDict[pyStr(defaultKey)] : null;
  if (pyTruthy(base) && Object.hasOwn(lookupDict, pyStr(base))) {
    const baseValues = lookupDict[pyStr(base)];
    if (ret === null || ret === undefined) ret = baseValues;
    else if (isDict(baseValues)) {
      if (!isDict(ret)) throw new SaltException('filter_by default and look-up values must both be dictionaries.');
      ret = dictUpdate(structuredClone(baseValues), ret);
    }
  }
  if (pyTruthy(merge)) {
    if (!isDict(merge)) throw new SaltException('filter_by merge argument must be a dictionary.');
    if (ret === null || ret === undefined) ret = merge;
    else if (isDict(ret)) dictUpdate(ret, structuredClone(merge));
  }
  return ret;
}

/** Python's `fnmatch.fnmatchcase` (no case folding). */
export function fnmatchCase(name: string, pattern: string): boolean {
  // fnmatch on POSIX is case-sensitive already; it only normalizes case on Windows.
  return fnmatch(name, pattern);
}
