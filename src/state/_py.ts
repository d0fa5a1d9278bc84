/** Small Python-semantics helpers the state compiler and runner share. */
import { pyStr as argsPyStr } from '../args/py_repr.js';

/** True for a plain mapping (Python dict): an object that is not an array, Buffer, Map or class instance. */
export function isDict(v: unknown): v is Record<string, any> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** `next(iter(d))`: the first key of a mapping. */
export function firstKey(d: Record<string, unknown>): string | undefined {
  for (const k in d) return k;
  return undefined;
}

/** Deep copy of plain objects and arrays; other values (Buffers, PyFloat, ...) are shared. */
export function deepCopy<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => deepCopy(x)) as T;
  if (isDict(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = deepCopy(x);
    return out as T;
  }
  return v;
}

/** Python's `str()` of a value. */
export function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : argsPyStr(v);
}
