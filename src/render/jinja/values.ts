/**
 * Python semantics for template values: str()/repr(), truthiness, len(), iteration, equality,
 * ordering, membership and the arithmetic operators, with Python's error messages.
 *
 * Value model (shared with src/output/python.ts): None is null, ints are integral numbers (or
 * bigints), floats are non-integral numbers or PyFloat, lists are arrays, tuples are arrays flagged
 * with `tuple()`, dicts are Maps (made by templates) or plain objects (from pillar, grains, YAML).
 */
import { isPlainObject, isTuple, pyCompare, pyEquals, tuple as markTuple } from '../../output/python.js';
import { OutputDataError } from '../../output/errors.js';
import { PyFloat, pyFloat, pyFloatRepr } from '../../protocol/pytypes.js';
import { pyStrRepr } from '../../args/py_repr.js';
import { PyException, pyTypeError } from './errors.js';
import { percentFormat } from './pyformat.js';
import {
  LoopContext,
  Namespace,
  PyCallable,
  PyFunction,
  SaltModuleProxy,
  SaltProxy,
  TemplateModule,
  Undefined,
  pyClassName,
} from './runtime.js';

export type PyDict = Map<unknown, unknown> | Record<string, unknown>;

/** Flags an array as a tuple. */
export const tuple = markTuple;
export { isTuple };

export function isUndefined(v: unknown): v is Undefined {
  return v instanceof Undefined;
}

/** True for a dict (Map or plain object). */
export function isDict(v: unknown): v is PyDict {
  return v instanceof Map || isPlainObject(v);
}

/** Python's short type name (`int`, `str`, `dict`, `NoneType`) for messages. */
export function typeName(v: unknown): string {
  const full = pyClassName(v);
  return full.includes('.') ? full.slice(full.lastIndexOf('.') + 1) : full;
}

/** Throws the UndefinedError of a strict Undefined; returns other values unchanged. */
export function checkDefined<T>(v: T): T {
  if (v instanceof Undefined && v.strict) v.fail();
  return v;
}

// -- dicts ----------------------------------------------------------------------------------

export function dictKeys(d: PyDict): unknown[] {
  return d instanceof Map ? [...d.keys()] : Object.keys(d);
}

export function dictEntries(d: PyDict): [unknown, unknown][] {
  return d instanceof Map ? [...d.entries()] : Object.entries(d);
}

function sameKey(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return pyEq(a, b);
}

/** The stored key equal (Python `==`, same hash) to `key`. */
function mapKey(d: Map<unknown, unknown>, key: unknown): { found: boolean; key: unknown } {
  if (d.has(key)) return { found: true, key };
  for (const k of d.keys()) if (sameKey(k, key)) return { found: true, key: k };
  return { found: false, key };
}

export function dictHas(d: PyDict, key: unknown): boolean {
  if (d instanceof Map) return mapKey(d, key).found;
  return typeof key === 'string' && Object.prototype.hasOwnProperty.call(d, key);
}

/** `d[key]`, or undefined (JS) when absent. */
export function dictGet(d: PyDict, key: unknown): unknown {
  if (d instanceof Map) {
    const k = mapKey(d, key);
    return k.found ? d.get(k.key) : undefined;
  }
  return typeof key === 'string' && Object.prototype.hasOwnProperty.call(d, key) ? d[key] : undefined;
}

export function dictSet(d: PyDict, key: unknown, value: unknown): void {
  if (!isHashable(key)) throw pyTypeError(`unhashable type: '${typeName(key)}'`);
  if (d instanceof Map) {
    d.set(mapKey(d, key).key, value);
    return;
  }
  const k = typeof key === 'string' ? key : toStr(key);
  Object.defineProperty(d, k, { value, enumerable: true, writable: true, configurable: true });
}

export function dictDelete(d: PyDict, key: unknown): void {
  if (d instanceof Map) d.delete(mapKey(d, key).key);
  else if (typeof key === 'string') delete d[key];
}

export function dictSize(d: PyDict): number {
  return d instanceof Map ? d.size : Object.keys(d).length;
}

/** A new template dict (insertion-ordered, any hashable keys). */
export function newDict(entries: Iterable<[unknown, unknown]> = []): Map<unknown, unknown> {
  const m = new Map<unknown, unknown>();
  for (const [k, v] of entries) dictSet(m, k, v);
  return m;
}

export function isHashable(v: unknown): boolean {
  if (Array.isArray(v)) return isTuple(v) && v.every(isHashable);
  return !(isDict(v) || v instanceof Set);
}

// -- numbers --------------------------------------------------------------------------------

/** The numeric value of an int, float or bool, and whether Python holds it as a float. */
export function numInfo(v: unknown): { n: number; float: boolean } | undefined {
  if (typeof v === 'boolean') return { n: v ? 1 : 0, float: false };
  if (typeof v === 'number') return { n: v, float: !Number.isInteger(v) };
  if (typeof v === 'bigint') return { n: Number(v), float: false };
  if (v instanceof PyFloat) return { n: v.value, float: true };
  return undefined;
}

/** A number as an int (integral JS number) or a float (PyFloat when integral). */
export function mkNum(n: number, float: boolean): number | PyFloat {
  return float ? pyFloat(n) : n;
}

export function isNumberValue(v: unknown): boolean {
  return typeof v === 'number' || typeof v === 'bigint' || v instanceof PyFloat;
}

// -- str / repr -----------------------------------------------------------------------------

/** Python's `str()` of a template value. */
export function toStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Undefined) {
    checkDefined(v);
    return '';
  }
  if (v instanceof TemplateModule) return v.body;
  return repr(v);
}

/** Python's `repr()` of a template value. */
export function repr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return pyStrRepr(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v).toString() : pyFloatRepr(v);
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  if (v instanceof Uint8Array) return bytesRepr(v);
  if (Array.isArray(v)) {
    const inner = v.map(repr);
    if (isTuple(v)) return inner.length === 1 ? `(${inner[0]},)` : `(${inner.join(', ')})`;
    return `[${inner.join(', ')}]`;
  }
  if (isDict(v)) return `{${dictEntries(v).map(([k, val]) => `${repr(k)}: ${repr(val)}`).join(', ')}}`;
  if (v instanceof Set) return v.size === 0 ? 'set()' : `{${[...v].map(repr).join(', ')}}`;
  if (v instanceof Undefined) {
    checkDefined(v);
    return 'Undefined';
  }
  if (v instanceof Namespace) return `<Namespace ${repr(newDict(v.attrs))}>`;
  if (v instanceof LoopContext) return `<LoopContext ${v.index}/${v.length}>`;
  if (v instanceof TemplateModule) return `<TemplateModule ${pyStrRepr(v.name)}>`;
  if (v instanceof PyFunction) return `<built-in method ${v.pyName}>`;
  if (v instanceof PyCallable) return `<Macro ${pyStrRepr(v.pyName)}>`;
  if (v instanceof SaltProxy || v instanceof SaltModuleProxy) return '<salt.utils.templates.AliasedLoader object>';
  return String(v);
}

function bytesRepr(b: Uint8Array): string {
  let out = "b'";
  for (const byte of b) {
    const ch = String.fromCharCode(byte);
    if (ch === "'" || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + "'";
}

// -- truthiness, len, iteration -------------------------------------------------------------

export function truthy(v: unknown): boolean {
  if (v instanceof Undefined) {
    checkDefined(v);
    return false;
  }
  if (v === null || v === undefined || v === false) return false;
  if (v === true) return true;
  const num = numInfo(v);
  if (num) return num.n !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length > 0;
  if (isDict(v)) return dictSize(v) > 0;
  if (v instanceof Set) return v.size > 0;
  return true;
}

export function pyLen(v: unknown): number {
  checkDefined(v);
  if (typeof v === 'string') return [...v].length;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length;
  if (isDict(v)) return dictSize(v);
  if (v instanceof Set) return v.size;
  if (v instanceof Undefined) return 0;
  throw pyTypeError(`object of type '${typeName(v)}' has no len()`);
}

/** The items `for x in v` visits. */
export function iterate(v: unknown): unknown[] {
  if (v instanceof Undefined) {
    checkDefined(v);
    return [];
  }
  if (typeof v === 'string') return [...v];
  if (Array.isArray(v)) return [...v];
  if (v instanceof Uint8Array) return [...v];
  if (isDict(v)) return dictKeys(v);
  if (v instanceof Set) return [...v];
  throw pyTypeError(`'${typeName(v)}' object is not iterable`);
}

export function isIterable(v: unknown): boolean {
  return typeof v === 'string' || Array.isArray(v) || isDict(v) || v instanceof Set || v instanceof Uint8Array;
}

// -- comparison -----------------------------------------------------------------------------

export function pyEq(a: unknown, b: unknown): boolean {
  if (a instanceof Undefined || b instanceof Undefined) {
    checkDefined(a);
    checkDefined(b);
    return a instanceof Undefined && b instanceof Undefined;
  }
  if (a instanceof Map || b instanceof Map || isPlainObject(a) || isPlainObject(b)) {
    if (!isDict(a) || !isDict(b) || dictSize(a) !== dictSize(b)) return false;
    return dictEntries(a).every(([k, v]) => dictHas(b, k) && pyEq(v, dictGet(b, k)));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return isTuple(a) === isTuple(b) && a.length === b.length && a.every((x, i) => pyEq(x, b[i]));
  }
  return pyEquals(a, b);
}

/** Python's ordering (`<`): negative, zero, positive. @throws PyException TypeError when unorderable. */
export function pyCmp(a: unknown, b: unknown, op = '<'): number {
  checkDefined(a);
  checkDefined(b);
  try {
    return pyCompare(a, b);
  } catch (err) {
    if (err instanceof OutputDataError) {
      throw pyTypeError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
    }
    throw err;
  }
}

export function contains(container: unknown, item: unknown): boolean {
  checkDefined(container);
  checkDefined(item);
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw pyTypeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((x) => pyEq(x, item));
  if (isDict(container)) return isHashable(item) ? dictHas(container, item) : unhashable(item);
  if (container instanceof Set) return [...container].some((x) => pyEq(x, item));
  if (container instanceof Undefined) return false;
  throw pyTypeError(`argument of type '${typeName(container)}' is not iterable`);
}

function unhashable(item: unknown): never {
  throw pyTypeError(`unhashable type: '${typeName(item)}'`);
}

// -- arithmetic -----------------------------------------------------------------------------

function unsupported(op: string, a: unknown, b: unknown): PyException {
  return pyTypeError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

function zeroDivision(message: string): PyException {
  return new PyException('ZeroDivisionError', message);
}

export function pyAdd(a: unknown, b: unknown): unknown {
  checkDefined(a);
  checkDefined(b);
  const na = numInfo(a);
  const nb = numInfo(b);
  if (na && nb) return mkNum(na.n + nb.n, na.float || nb.float);
  if (typeof a === 'string') {
    if (typeof b === 'string') return a + b;
    throw pyTypeError(`can only concatenate str (not "${typeName(b)}") to str`);
  }
  if (Array.isArray(a)) {
    const kind = isTuple(a) ? 'tuple' : 'list';
    if (Array.isArray(b) && isTuple(b) === isTuple(a)) return isTuple(a) ? tuple([...a, ...b]) : [...a, ...b];
    throw pyTypeError(`can only concatenate ${kind} (not "${typeName(b)}") to ${kind}`);
  }
  throw unsupported('+', a, b);
}

export function pySub(a: unknown, b: unknown): unknown {
  checkDefined(a);
  checkDefined(b);
  const na = numInfo(a);
  const nb = numInfo(b);
  if (na && nb) return mkNum(na.n - nb.n, na.float || nb.float);
  if (a instanceof Set && b instanceof Set) return new Set([...a].filter((x) => ![...b].some((y) => pyEq(x, y))));
  throw unsupported('-', a, b);
}

export function pyMul(a: unknown, b: unknown): unknown {
  checkDefined(a);
  checkDefined(b);
  const na = numInfo(a);
  const nb = numInfo(b);
  if (na && nb) return mkNum(na.n * nb.n, na.float || nb.float);
  const repeat = (seq: unknown, times: { n: number; float: boolean } | undefined, other: unknown): unknown => {
    if (!times || times.float) throw pyTypeError(`can't multiply sequence by non-int of type '${typeName(other)}'`);
    const n = Math.max(0, times.n);
    if (typeof seq === 'string') return seq.repeat(n);
    const arr = seq as unknown[];
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(...arr);
    return isTuple(arr) ? tuple(out) : out;
  };
  if (typeof a === 'string' || Array.isArray(a)) return repeat(a, nb, b);
  if (typeof b === 'string' || Array.isArray(b)) return repeat(b, na, a);
  throw unsupported('*', a, b);
}

export function pyDiv(a: unknown, b: unknown): unknown {
  checkDefined(a);
  checkDefined(b);
  const na = numInfo(a);
  const nb = numInfo(b);
  if (!na || !nb) throw unsupported('/', a, b);
  if (nb.n === 0) throw zeroDivision('division by zero');
  return pyFloat(na.n / nb.n);
}

export function pyFloorDiv(a: unknown, b: unknown): unknown {
  checkDefined(a);
  checkDefined(b);
  const na = numInfo(a);
  const nb = numInfo(b);
  if (!na || !nb) throw unsupported('//', a, b);
  const float = na.float || nb.float;
  if (nb.n === 0) throw zeroDivision(float ? 'float floor division by zero' : 'integer division or modulo by zero');
  return mkNum(Math.floor(na.n / nb.n), float);
}

export function pyMod(a: unknown, b: unknown): unknown {
  checkDefined(a);
  checkDefined(b);
  if (typeof a === 'string') return percentFormat(a, b);
  const na = numInfo(a);
  const nb = numInfo(b);
  if (!na || !nb) throw unsupported('%', a, b);
  const float = na.float || nb.float;
  if (nb.n === 0) throw zeroDivision(float ? 'float modulo' : 'integer modulo by zero');
  return mkNum(((na.n % nb.n) + nb.n) % nb.n, float);
}

export function pyPow(a: unknown, b: unknown): unknown {
  checkDefined(a);
  checkDefined(b);
  const na = numInfo(a);
  const nb = numInfo(b);
  if (!na || !nb) throw unsupported('** or pow()', a, b);
  const float = na.float || nb.float || nb.n < 0;
  return mkNum(Math.pow(na.n, nb.n), float);
}

export function pyNeg(a: unknown): unknown {
  checkDefined(a);
  const na = numInfo(a);
  if (!na) throw pyTypeError(`bad operand type for unary -: '${typeName(a)}'`);
  return mkNum(-na.n, na.float);
}

export function pyPos(a: unknown): unknown {
  checkDefined(a);
  const na = numInfo(a);
  if (!na) throw pyTypeError(`bad operand type for unary +: '${typeName(a)}'`);
  return mkNum(na.n, na.float);
}

/** Python's `int()` of a value. @throws PyException ValueError/TypeError like Python. */
export function toInt(v: unknown, base = 10): number {
  if (typeof v === 'string') {
    let s = v.trim().replace(/_/g, '');
    let sign = 1;
    if (s.startsWith('-') || s.startsWith('+')) {
      if (s[0] === '-') sign = -1;
      s = s.slice(1);
    }
    let b = base;
    const prefix = s.slice(0, 2).toLowerCase();
    if ((b === 16 || b === 0) && prefix === '0x') (s = s.slice(2)), (b = 16);
    else if ((b === 8 || b === 0) && prefix === '0o') (s = s.slice(2)), (b = 8);
    else if ((b === 2 || b === 0) && prefix === '0b') (s = s.slice(2)), (b = 2);
    else if (b === 0) b = 10;
    const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, b);
    if (!s || ![...s.toLowerCase()].every((c) => digits.includes(c))) {
      throw new PyException('ValueError', `invalid literal for int() with base ${base}: ${pyStrRepr(v)}`);
    }
    return sign * parseInt(s, b);
  }
  const n = numInfo(v);
  if (n) return Math.trunc(n.n);
  throw pyTypeError(`int() argument must be a string, a bytes-like object or a real number, not '${typeName(v)}'`);
}

/** Python's `float()` of a value. */
export function toFloat(v: unknown): number {
  if (typeof v === 'string') {
    const s = v.trim().replace(/_/g, '').toLowerCase();
    if (/^[+-]?(inf|infinity)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
    if (/^[+-]?nan$/.test(s)) return NaN;
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(s)) return Number(s);
    throw new PyException('ValueError', `could not convert string to float: ${pyStrRepr(v)}`);
  }
  const n = numInfo(v);
  if (n) return n.n;
  throw pyTypeError(`float() argument must be a string or a real number, not '${typeName(v)}'`);
}
