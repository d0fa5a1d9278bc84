/**
 * How grain function results are combined: `grains_blacklist` filtering (Salt's `expr_match`:
 * a glob, else a regular expression matching the whole name) and plain or deep merging.
 */
import { dictUpdate } from '../config/dict_update.js';
import { fnmatchToRegExp } from '../config/glob.js';
import type { Grains } from './types.js';

/** True for a value Salt treats as a dict (a plain object or a Map). */
export function isGrainsDict(value: unknown): value is Grains | Map<unknown, unknown> {
  if (value instanceof Map) return true;
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A dict result as a plain object (Map keys become their string form, as JSON prints them). */
export function toGrains(value: Grains | Map<unknown, unknown>): Grains {
  if (!(value instanceof Map)) return value;
  const out: Grains = {};
  for (const [k, v] of value) out[String(k)] = v;
  return out;
}

/** Salt's `expr_match(name, expr)`: `expr` as a glob, then as a regex anchored at both ends. */
export function exprMatch(name: string, expr: string): boolean {
  if (fnmatchToRegExp(expr).test(name)) return true;
  try {
    return new RegExp(`^(?:${expr})$`, 'u').test(name);
  } catch {
    return false;
  }
}

/** Removes (in place) every key matched by a blacklist expression; returns `grains`. */
export function applyBlacklist(grains: Grains, blacklist: readonly string[]): Grains {
  if (blacklist.length === 0) return grains;
  for (const key of Object.keys(grains)) {
    if (blacklist.some((expr) => exprMatch(key, expr))) delete grains[key];
  }
  return grains;
}

/** Merges `update` into `into` (in place): `dict.update`, or Salt's recursive dictupdate when `deep`. */
export function mergeGrains(into: Grains, update: Grains, deep: boolean): Grains {
  if (deep) return dictUpdate(into, update);
  return Object.assign(into, update);
}
