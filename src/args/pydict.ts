/** Python dicts on the JS side: plain objects (string keys) or Maps (any keys). */

/** A Python dict as JS: a plain object or a Map. */
export type PyDict = Record<string, unknown> | Map<unknown, unknown>;

/** True for a value that stands for a Python dict (a plain object or a Map). */
export function isPyDict(v: unknown): v is PyDict {
  if (v instanceof Map) return true;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The (key, value) entries of a dict, in insertion order. */
export function dictEntries(d: PyDict): [unknown, unknown][] {
  return d instanceof Map ? [...d] : Object.entries(d);
}

/** `d.get(key)` for a str key; undefined when absent. */
export function dictGet(d: PyDict, key: string): unknown {
  return d instanceof Map ? d.get(key) : Object.prototype.hasOwnProperty.call(d, key) ? d[key] : undefined;
}

/** Sets an own enumerable property, even one named `__proto__`. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A dict minus its `__kwarg__` key, as a new dict of the same kind. */
export function withoutKwargMarker(d: PyDict): PyDict {
  const entries = dictEntries(d).filter(([k]) => k !== '__kwarg__');
  if (d instanceof Map) return new Map(entries);
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) setOwn(out, k as string, v);
  return out;
}
