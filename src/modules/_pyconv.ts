/**
 * Python's `int()` and `str()` for the values execution functions receive, so argument
 * coercion behaves (and fails) the way it does in Salt.
 */
import { PyFloat, pyFloatRepr } from '../protocol/pytypes.js';
import { pyRepr } from './_pyrepr.js';

export { pyStr } from './_pyrepr.js';

/** Python's ValueError (e.g. `invalid literal for int() with base 10: 'x'`). */
export class PyValueError extends Error {
  override readonly name = 'ValueError';
  readonly code = 'EPYVALUE';
}

/**
 * Python's `int(v)`: integers stay, floats truncate, booleans are 0/1, strings must be an
 * integer literal (surrounding whitespace and `_` separators allowed).
 * @throws PyValueError for strings that are not integer literals or non-finite floats.
 */
export function pyInt(v: unknown): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat) v = v.value;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new PyValueError(`cannot convert float ${pyFloatRepr(v)} to integer`);
    return Math.trunc(v);
  }
  if (typeof v === 'string' && /^\s*[+-]?\d+(_\d+)*\s*$/.test(v)) return Number(v.replace(/_/g, '').trim());
  throw new PyValueError(`invalid literal for int() with base 10: ${pyRepr(v)}`);
}
