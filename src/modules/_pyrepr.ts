/**
 * Python `repr()` helpers the modules need beyond src/args/py_repr.ts: tuples (what `*args`
 * is in Python) and `type()` names.
 */
import { PyFloat } from '../protocol/pytypes.js';
import { pyRepr } from '../args/py_repr.js';

export { pyRepr, pyStr, pyStrRepr } from '../args/py_repr.js';

/** Python's repr of a tuple: `()`, `(1,)`, `(1, 'a')`. */
export function pyTupleRepr(items: readonly unknown[]): string {
  if (items.length === 1) return `(${pyRepr(items[0])},)`;
  return `(${items.map(pyRepr).join(', ')})`;
}

/** The Python type name of a value as salt receives it (`int`, `str`, `dict`...). */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (v instanceof PyFloat) return 'float';
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Set) return 'set';
  return 'dict';
}
