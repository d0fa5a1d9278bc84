/**
 * `salt.utils.data.subdict_match`: matches `key:subkey:pattern` expressions against nested data
 * (grains, pillar). Used by the grain/pillar matchers and by the master's cache-based targeting.
 */
import { fnmatch } from './fnmatch.js';
import { pyReMatch, PyRegexError } from './pyregex.js';
import { isDict, pyLower, pyStr } from './_pystr.js';
import { silentLog, type TargetLogger } from './types.js';

export interface SubdictMatchOptions {
  /** Separates levels in `expr`; default `:`. */
  delimiter?: string;
  /** Compare leaves with Python `re.match` (pattern lower-cased) instead of a glob. */
  regexMatch?: boolean;
  /** Compare leaves by equality (after lower-casing) instead of a glob. */
  exactMatch?: boolean;
  /** Receives "Invalid regex ..." errors. */
  log?: TargetLogger;
}

const MISSING = Symbol('missing');

/** Python `int(s)` for a list index, or null when Python raises ValueError. */
function pyIntIndex(s: string): number | null {
  const t = s.trim();
  if (!/^[+-]?[0-9]+(?:_[0-9]+)*$/.test(t)) return null;
  return Number(t.replace(/_/g, ''));
}

/** The retry key after YAML-loading a missed dict key (`'quoted'` → quoted, `+01` → `1`), or null. */
function yamlKey(each: string): string | null {
  const q = /^'(.*)'$/s.exec(each) ?? /^"(.*)"$/s.exec(each);
  if (q) return q[1];
  if (/^[+-]?[0-9]+$/.test(each)) {
    const n = BigInt(each).toString();
    return n !== each ? n : null;
  }
  return null;
}

/** `salt.utils.data.traverse_dict_and_list`: the value at `key`, or MISSING. */
function traverse(data: unknown, key: string, delimiter: string): unknown {
  let ptr = data;
  for (const each of key.split(delimiter)) {
    if (Array.isArray(ptr)) {
      const idx = pyIntIndex(each);
      if (idx === null) {
        // Not numeric: look for the key in the list's embedded dicts.
        const found = ptr.find((x) => isDict(x) && Object.hasOwn(x, each));
        if (found === undefined) return MISSING;
        ptr = (found as Record<string, unknown>)[each];
      } else {
        const i = idx < 0 ? ptr.length + idx : idx;
        if (i < 0 || i >= ptr.length) return MISSING;
        ptr = ptr[i];
      }
    } else if (isDict(ptr)) {
      if (Object.hasOwn(ptr, each)) ptr = ptr[each];
      else {
        const retry = yamlKey(each);
        if (retry === null || !Object.hasOwn(ptr, retry)) return MISSING;
        ptr = ptr[retry];
      }
    } else {
      return MISSING;
    }
  }
  return ptr;
}

interface Mode {
  regexMatch: boolean;
  exactMatch: boolean;
  log: TargetLogger;
}

function leafMatch(target: unknown, pattern: unknown, mode: Mode): boolean {
  const t = pyLower(pyStr(target));
  const p = pyLower(pyStr(pattern));
  if (mode.regexMatch) {
    try {
      return pyReMatch(p, t) !== null;
    } catch (e) {
      if (e instanceof PyRegexError) mode.log('ERROR', `Invalid regex '${p}' in match`);
      else mode.log('ERROR', `Unsupported regex '${p}' in match: ${(e as Error).message}`);
      return false;
    }
  }
  return mode.exactMatch ? t === p : fnmatch(t, p);
}

function dictMatch(target: Record<string, unknown>, pattern: string, mode: Mode): boolean {
  const wildcard = pattern.startsWith('*:');
  if (wildcard) pattern = pattern.slice(2);
  if (pattern === '*') return true; // only checking that the key exists
  if (Object.hasOwn(target, pattern)) return true;
  if (match(target, pattern, ':', mode)) return true;
  if (wildcard) {
    for (const value of Object.values(target)) {
      if (isDict(value)) {
        if (dictMatch(value, pattern, mode)) return true;
      } else if (Array.isArray(value)) {
        if (value.some((item) => leafMatch(item, pattern, mode))) return true;
      } else if (leafMatch(value, pattern, mode)) return true;
    }
  }
  return false;
}

function match(data: unknown, expr: string, delimiter: string, mode: Mode): boolean {
  if (delimiter === '') throw new RangeError('subdict_match delimiter must not be empty');
  const splits = expr.split(delimiter);
  // Deepest key first; the pattern may itself contain the delimiter.
  for (let idx = splits.length - 1; idx > 0; idx--) {
    const key = splits.slice(0, idx).join(delimiter);
    let pattern: string;
    let value: unknown;
    if (key === '*') {
      pattern = expr;
      value = data;
    } else {
      pattern = splits.slice(idx).join(delimiter);
      value = traverse(data, key, delimiter);
    }
    if (value === MISSING || (isDict(value) && Object.keys(value).length === 0)) continue;
    if (isDict(value)) {
      if (dictMatch(value, pattern, mode)) return true;
      continue;
    }
    if (Array.isArray(value)) {
      for (const member of value) {
        if (isDict(member) && dictMatch(member, pattern, mode)) return true;
        if (leafMatch(member, pattern, mode)) return true;
      }
      continue;
    }
    if (leafMatch(value, pattern, mode)) return true;
  }
  return false;
}

/**
 * True when `expr` (`key[:subkey...]:pattern`) matches `data`. Keys are tried deepest first;
 * a dict value matches a `*` pattern or one of its keys; a list matches when a member does;
 * leaves compare case-insensitively (glob by default). An expression without the delimiter
 * never matches. Throws RangeError for an empty delimiter.
 */
export function subdictMatch(data: unknown, expr: string, opts: SubdictMatchOptions = {}): boolean {
  const mode: Mode = { regexMatch: !!opts.regexMatch, exactMatch: !!opts.exactMatch, log: opts.log ?? silentLog };
  return match(data, expr, opts.delimiter ?? ':', mode);
}
