/**
 * Python value semantics that Salt's outputters rely on: the data model for Python values in JS,
 * `repr()`, `str()`, `sorted()`, `str.splitlines()`, float formatting and `pprint.pformat()`.
 *
 * Data model (how Python values arrive as JS values):
 * - str → string; int → integral number or bigint; float → non-integral number or {@link PyFloat}
 *   (an integral float such as `1.0`); None → null (undefined is read as None too); bool → boolean;
 *   bytes → Buffer (any Uint8Array); list → array; tuple → array flagged with {@link tuple};
 *   set → Set; dict → plain object, or Map (a dict whose keys are not all strings, or whose
 *   insertion order a plain object would not keep); OrderedDict → {@link OrderedDict}.
 */
import { PyFloat, pyFloatRepr } from '../protocol/pytypes.js';
import { OutputDataError } from './errors.js';

export { PyFloat, pyFloatRepr };

/** A Python OrderedDict: printed in insertion order where plain dicts get sorted. */
export class OrderedDict<K = unknown, V = unknown> extends Map<K, V> {}

const TUPLE = Symbol.for('salt-ts.tuple');

/** Flags an array as a Python tuple (it stays an array for everything else). Returns the array. */
export function tuple<T>(items: T[]): T[] {
  Object.defineProperty(items, TUPLE, { value: true, enumerable: false });
  return items;
}

/** True for an array flagged by {@link tuple}. */
export function isTuple(v: unknown): v is unknown[] {
  return Array.isArray(v) && (v as unknown as Record<symbol, unknown>)[TUPLE] === true;
}

/** True for a plain JS object (not an array, Buffer, Map or class instance). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** True for a Python dict (plain object or Map, including OrderedDict). */
export function isDict(v: unknown): v is Record<string, unknown> | Map<unknown, unknown> {
  return v instanceof Map || isPlainObject(v);
}

/** True for Python bytes. */
export function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array;
}

/** True for a Python int (bool excluded). */
export function isInt(v: unknown): v is number | bigint {
  return typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
}

/** True for a Python float. */
export function isFloat(v: unknown): v is number | PyFloat {
  return v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));
}

/** True for a `numbers.Number` in Python terms: int or float, not bool. */
export function isNumber(v: unknown): v is number | bigint | PyFloat {
  return typeof v === 'number' || typeof v === 'bigint' || v instanceof PyFloat;
}

/** True for a Python list or tuple. */
export function isList(v: unknown): v is unknown[] {
  return Array.isArray(v);
}

/** A dict's items in their order (insertion order). */
export function dictItems(d: Record<string, unknown> | Map<unknown, unknown>): [unknown, unknown][] {
  return d instanceof Map ? [...d.entries()] : Object.entries(d);
}

/** A dict's keys in their order. */
export function dictKeys(d: Record<string, unknown> | Map<unknown, unknown>): unknown[] {
  return d instanceof Map ? [...d.keys()] : Object.keys(d);
}

/** `key in d`. */
export function dictHas(d: Record<string, unknown> | Map<unknown, unknown>, key: unknown): boolean {
  if (d instanceof Map) return d.has(key);
  return typeof key === 'string' && Object.prototype.hasOwnProperty.call(d, key);
}

/** `d.get(key)` (undefined when absent). */
export function dictGet(d: Record<string, unknown> | Map<unknown, unknown>, key: unknown): unknown {
  if (d instanceof Map) return d.get(key);
  return typeof key === 'string' && Object.prototype.hasOwnProperty.call(d, key) ? d[key] : undefined;
}

/** Number of items of a dict, list, str, bytes or set (Python `len`). */
export function pyLen(v: unknown): number {
  if (typeof v === 'string') return [...v].length;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length;
  if (v instanceof Map || v instanceof Set) return v.size;
  if (isPlainObject(v)) return Object.keys(v).length;
  throw new OutputDataError('TypeError', `object of type '${pyTypeName(v)}' has no len()`);
}

/** Python truthiness. */
export function pyTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false;
  if (v === true) return true;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (v instanceof PyFloat) return v.value !== 0;
  if (typeof v === 'string' || Array.isArray(v) || v instanceof Uint8Array || isDict(v) || v instanceof Set) {
    return pyLen(v) > 0;
  }
  return true;
}

/** Python's type name of a value, for messages. */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'str';
  if (isInt(v)) return 'int';
  if (isFloat(v)) return 'float';
  if (v instanceof Uint8Array) return 'bytes';
  if (isTuple(v)) return 'tuple';
  if (Array.isArray(v)) return 'list';
  if (v instanceof OrderedDict) return 'OrderedDict';
  if (isDict(v)) return 'dict';
  if (v instanceof Set) return 'set';
  return typeof v;
}

// ---------------------------------------------------------------------------------------------
// repr() and str()

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Python `repr()` of a str. */
export function reprStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + hex(cp, 2);
    else if (cp < 0x7f) out += ch;
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) {
      if (cp <= 0xff) out += '\\x' + hex(cp, 2);
      else if (cp <= 0xffff) out += '\\u' + hex(cp, 4);
      else out += '\\U' + hex(cp, 8);
    } else out += ch;
  }
  return out + quote;
}

/** Python `repr()` of bytes. */
export function reprBytes(b: Uint8Array): string {
  let hasSingle = false;
  let hasDouble = false;
  for (const c of b) {
    if (c === 0x27) hasSingle = true;
    else if (c === 0x22) hasDouble = true;
  }
  const quote = hasSingle && !hasDouble ? 0x22 : 0x27;
  let out = 'b' + String.fromCharCode(quote);
  for (const c of b) {
    if (c === quote || c === 0x5c) out += '\\' + String.fromCharCode(c);
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c < 0x20 || c >= 0x7f) out += '\\x' + hex(c, 2);
    else out += String.fromCharCode(c);
  }
  return out + String.fromCharCode(quote);
}

/** Python `repr()` of an int given as number or bigint. */
export function reprInt(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  if (Object.is(n, -0)) return '0';
  return Math.abs(n) >= 1e21 ? BigInt(n).toString() : String(n);
}

/** Python `repr()` of any number in the data model (int, float, PyFloat). */
export function reprNumber(n: number | bigint | PyFloat): string {
  if (n instanceof PyFloat) return pyFloatRepr(n.value);
  if (typeof n === 'bigint' || Number.isInteger(n)) return reprInt(n);
  return pyFloatRepr(n);
}

/** Python `repr()` of a value in the data model. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return reprStr(v);
  if (isNumber(v)) return reprNumber(v);
  if (v instanceof Uint8Array) return reprBytes(v);
  if (Array.isArray(v)) {
    const inner = v.map(pyRepr);
    if (isTuple(v)) return inner.length === 1 ? `(${inner[0]},)` : `(${inner.join(', ')})`;
    return `[${inner.join(', ')}]`;
  }
  if (v instanceof OrderedDict) {
    if (v.size === 0) return 'OrderedDict()';
    return `OrderedDict([${[...v.entries()].map(([k, val]) => `(${pyRepr(k)}, ${pyRepr(val)})`).join(', ')}])`;
  }
  if (isDict(v)) return `{${dictItems(v).map(([k, val]) => `${pyRepr(k)}: ${pyRepr(val)}`).join(', ')}}`;
  if (v instanceof Set) return v.size === 0 ? 'set()' : `{${[...v].map(pyRepr).join(', ')}}`;
  if (typeof v === 'function') return `<function ${v.name || '<lambda>'}>`;
  return String(v);
}

/** Python `str()` of a value in the data model. */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  return pyRepr(v);
}

// ---------------------------------------------------------------------------------------------
// Comparison and sorting

function codeUnitRank(c: number): number {
  // Orders UTF-16 code units so that comparing them orders strings by code point.
  if (c >= 0xd800 && c <= 0xdfff) return c + 0x2000;
  if (c >= 0xe000) return c - 0x800;
  return c;
}

/** Compares two strings by code point, as Python does. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) return codeUnitRank(ca) - codeUnitRank(cb);
  }
  return a.length - b.length;
}

function numericValue(v: unknown): number | bigint | undefined {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (v instanceof PyFloat) return v.value;
  return undefined;
}

/**
 * Python's `<` ordering of two values: negative, zero or positive.
 * @throws OutputDataError ('TypeError') when Python cannot order them (e.g. str and int, None).
 */
export function pyCompare(a: unknown, b: unknown): number {
  const na = numericValue(a);
  const nb = numericValue(b);
  if (na !== undefined && nb !== undefined) {
    if (typeof na === 'bigint' || typeof nb === 'bigint') {
      if (typeof na === 'number' && !Number.isInteger(na)) return na < Number(nb) ? -1 : na > Number(nb) ? 1 : 0;
      if (typeof nb === 'number' && !Number.isInteger(nb)) return Number(na) < nb ? -1 : Number(na) > nb ? 1 : 0;
      const ba = BigInt(na);
      const bb = BigInt(nb);
      return ba < bb ? -1 : ba > bb ? 1 : 0;
    }
    return na < nb ? -1 : na > nb ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b);
  if (Array.isArray(a) && Array.isArray(b) && isTuple(a) === isTuple(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (pyEquals(a[i], b[i])) continue;
      return pyCompare(a[i], b[i]);
    }
    return a.length - b.length;
  }
  throw new OutputDataError(
    'TypeError',
    `'<' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`,
  );
}

/** Python `==` for values of the data model (structural). */
export function pyEquals(a: unknown, b: unknown): boolean {
  const na = numericValue(a);
  const nb = numericValue(b);
  if (na !== undefined && nb !== undefined) {
    if (typeof na === 'bigint' || typeof nb === 'bigint') {
      try {
        return BigInt(na) === BigInt(nb);
      } catch {
        return false;
      }
    }
    return na === nb;
  }
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    return isTuple(a) === isTuple(b) && a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  }
  if (isDict(a) && isDict(b)) {
    const ia = dictItems(a);
    if (ia.length !== pyLen(b)) return false;
    return ia.every(([k, v]) => dictHas(b, k) && pyEquals(v, dictGet(b, k)));
  }
  return a === b;
}

/**
 * Python `sorted()`: a stable sort by `<`.
 * @throws OutputDataError ('TypeError') when two items cannot be ordered.
 */
export function pySorted<T>(items: Iterable<T>, key: (item: T) => unknown = (x) => x): T[] {
  return [...items].sort((a, b) => pyCompare(key(a), key(b)));
}

// ---------------------------------------------------------------------------------------------
// Strings

const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/** Python `str.splitlines()` (keepends=False, or true to keep the line breaks). */
export function splitlines(s: string, keepends = false): string[] {
  const out: string[] = [];
  let rest = s;
  while (rest.length > 0) {
    const m = LINE_BREAK.exec(rest);
    if (!m) {
      out.push(rest);
      break;
    }
    out.push(rest.slice(0, keepends ? m.index + m[0].length : m.index));
    rest = rest.slice(m.index + m[0].length);
  }
  return out;
}

/** Length in code points (Python `len` of a str). */
export function strLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Python `str.rjust(width)` / format `{:>width}`. */
export function rjust(s: string, width: number, fill = ' '): string {
  const n = strLen(s);
  return n >= width ? s : fill.repeat(width - n) + s;
}

/** Python `str.ljust(width)` / format `{:<width}`. */
export function ljust(s: string, width: number, fill = ' '): string {
  const n = strLen(s);
  return n >= width ? s : s + fill.repeat(width - n);
}

/** Python `str.strip()` with no argument (Unicode whitespace). */
export function pyStrip(s: string): string {
  return s.replace(/^[\s\x1c-\x1f\x85]+|[\s\x1c-\x1f\x85]+$/gu, '');
}

/** Python `str.rstrip()` with no argument. */
export function pyRstrip(s: string): string {
  return s.replace(/[\s\x1c-\x1f\x85]+$/u, '');
}

/** Decodes bytes as strict UTF-8; undefined when they are not valid UTF-8. */
export function decodeUtf8(b: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(b);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Floats

function exactParts(x: number): { mant: bigint; exp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  return { mant, exp };
}

/**
 * Python `'{:.Nf}'.format(x)`: fixed-point with exact round-half-even on the binary value
 * (JS `toFixed` rounds exact ties up instead).
 */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const negative = x < 0 || Object.is(x, -0);
  const { mant, exp } = exactParts(x);
  const scale = 10n ** BigInt(digits);
  let q: bigint;
  if (exp >= 0) q = (mant << BigInt(exp)) * scale;
  else {
    const num = mant * scale;
    const den = 1n << BigInt(-exp);
    q = num / den;
    const twice = (num % den) * 2n;
    if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
  }
  let s = q.toString().padStart(digits + 1, '0');
  if (digits > 0) s = `${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}`;
  return (negative ? '-' : '') + s;
}

/** Python `round(x, ndigits)` for a float: the float nearest the correctly rounded decimal. */
export function pyRound(x: number, ndigits: number): number {
  if (!Number.isFinite(x)) return x;
  return Number(formatFixed(x, ndigits));
}

// ---------------------------------------------------------------------------------------------
// pprint

/** Options of {@link pformat}: Python's `pprint.pformat` defaults are width 80, indent 1. */
export interface PformatOptions {
  width?: number;
  sortDicts?: boolean;
}

function safeSortKey(a: unknown, b: unknown): number {
  try {
    return pyCompare(a, b);
  } catch (err) {
    if (!(err instanceof OutputDataError)) throw err;
    return compareStrings(`<class '${pyTypeName(a)}'>`, `<class '${pyTypeName(b)}'>`);
  }
}

function sortedItems(d: Record<string, unknown> | Map<unknown, unknown>): [unknown, unknown][] {
  return dictItems(d).sort((x, y) => safeSortKey(x[0], y[0]));
}

/** `pprint.saferepr`-like repr: like repr() but plain dicts are sorted by key. */
export function safeRepr(v: unknown, sortDicts = true): string {
  if (v instanceof OrderedDict || !(isDict(v) || Array.isArray(v))) return pyRepr(v);
  if (isDict(v)) {
    const items = sortDicts ? sortedItems(v) : dictItems(v);
    return `{${items.map(([k, val]) => `${safeRepr(k, sortDicts)}: ${safeRepr(val, sortDicts)}`).join(', ')}}`;
  }
  const inner = v.map((x) => safeRepr(x, sortDicts));
  if (isTuple(v)) return inner.length === 1 ? `(${inner[0]},)` : `(${inner.join(', ')})`;
  return `[${inner.join(', ')}]`;
}

class PrettyPrinter {
  private out = '';
  constructor(
    private readonly width: number,
    private readonly sortDicts: boolean,
  ) {}

  run(v: unknown): string {
    this.format(v, 0, 0, 0);
    return this.out;
  }

  private format(v: unknown, indent: number, allowance: number, level: number): void {
    const rep = safeRepr(v, this.sortDicts);
    const maxWidth = this.width - indent - allowance;
    if (strLen(rep) > maxWidth) {
      if (v instanceof OrderedDict) return this.orderedDict(v, indent, allowance, level + 1);
      if (isDict(v)) return this.dict(v, indent, allowance, level + 1);
      if (Array.isArray(v)) return this.sequence(v, indent, allowance, level + 1);
      if (typeof v === 'string') return this.str(v, indent, allowance, level + 1);
      if (v instanceof Uint8Array) return this.bytes(v, indent, allowance, level + 1);
      if (v instanceof Set) return this.set(v, indent, allowance, level + 1);
    }
    this.out += rep;
  }

  private dict(d: Record<string, unknown> | Map<unknown, unknown>, indent: number, allowance: number, level: number): void {
    this.out += '{';
    const items = this.sortDicts ? sortedItems(d) : dictItems(d);
    if (items.length) this.dictItems(items, indent, allowance + 1, level);
    this.out += '}';
  }

  private dictItems(items: [unknown, unknown][], indent: number, allowance: number, level: number): void {
    indent += 1;
    const delim = ',\n' + ' '.repeat(indent);
    items.forEach(([k, val], i) => {
      const last = i === items.length - 1;
      const rep = safeRepr(k, this.sortDicts);
      this.out += rep + ': ';
      this.format(val, indent + strLen(rep) + 2, last ? allowance : 1, level);
      if (!last) this.out += delim;
    });
  }

  private orderedDict(d: OrderedDict, indent: number, allowance: number, level: number): void {
    if (d.size === 0) {
      this.out += pyRepr(d);
      return;
    }
    this.out += 'OrderedDict(';
    const items = [...d.entries()].map(([k, val]) => tuple([k, val]));
    this.format(items, indent + 'OrderedDict'.length + 1, allowance + 1, level);
    this.out += ')';
  }

  private sequence(v: unknown[], indent: number, allowance: number, level: number): void {
    if (isTuple(v)) {
      const endchar = v.length === 1 ? ',)' : ')';
      this.out += '(';
      this.items(v, indent, allowance + endchar.length, level);
      this.out += endchar;
    } else {
      this.out += '[';
      this.items(v, indent, allowance + 1, level);
      this.out += ']';
    }
  }

  private set(v: Set<unknown>, indent: number, allowance: number, level: number): void {
    if (v.size === 0) {
      this.out += pyRepr(v);
      return;
    }
    this.out += '{';
    this.items([...v].sort(safeSortKey), indent, allowance + 1, level);
    this.out += '}';
  }

  private items(items: unknown[], indent: number, allowance: number, level: number): void {
    indent += 1;
    const delimnl = ',\n' + ' '.repeat(indent);
    items.forEach((item, i) => {
      const last = i === items.length - 1;
      if (i > 0) this.out += delimnl;
      this.format(item, indent, last ? allowance : 1, level);
    });
  }

  private str(s: string, indent: number, allowance: number, level: number): void {
    if (s.length === 0) {
      this.out += reprStr(s);
      return;
    }
    const chunks: string[] = [];
    const lines = splitlines(s, true);
    if (level === 1) {
      indent += 1;
      allowance += 1;
    }
    let maxWidth1 = this.width - indent;
    const maxWidth = maxWidth1;
    let rep = '';
    lines.forEach((line, i) => {
      rep = reprStr(line);
      if (i === lines.length - 1) maxWidth1 -= allowance;
      if (strLen(rep) <= maxWidth1) {
        chunks.push(rep);
        return;
      }
      const parts = line.match(/\S*\s*/gu)!.filter((p) => p.length > 0);
      let maxWidth2 = maxWidth;
      let current = '';
      parts.forEach((part, j) => {
        const candidate = current + part;
        if (j === parts.length - 1 && i === lines.length - 1) maxWidth2 -= allowance;
        if (strLen(reprStr(candidate)) > maxWidth2) {
          if (current) chunks.push(reprStr(current));
          current = part;
        } else current = candidate;
      });
      if (current) chunks.push(reprStr(current));
    });
    if (chunks.length === 1) {
      this.out += rep;
      return;
    }
    if (level === 1) this.out += '(';
    this.out += chunks.join('\n' + ' '.repeat(indent));
    if (level === 1) this.out += ')';
  }

  private bytes(b: Uint8Array, indent: number, allowance: number, level: number): void {
    if (b.length <= 4) {
      this.out += reprBytes(b);
      return;
    }
    const parens = level === 1;
    if (parens) {
      indent += 1;
      allowance += 1;
      this.out += '(';
    }
    const reps: string[] = [];
    let width = this.width - indent;
    let current = Buffer.alloc(0);
    const last = Math.floor(b.length / 4) * 4;
    for (let i = 0; i < b.length; i += 4) {
      const part = Buffer.from(b.subarray(i, i + 4));
      const candidate = Buffer.concat([current, part]);
      if (i === last) width -= allowance;
      if (reprBytes(candidate).length > width) {
        if (current.length) reps.push(reprBytes(current));
        current = part;
      } else current = candidate;
    }
    if (current.length) reps.push(reprBytes(current));
    this.out += reps.join('\n' + ' '.repeat(indent));
    if (parens) this.out += ')';
  }
}

/** Python `pprint.pformat(v)`: width 80, dicts sorted by key, long containers and strings wrapped. */
export function pformat(v: unknown, opts: PformatOptions = {}): string {
  return new PrettyPrinter(opts.width ?? 80, opts.sortDicts ?? true).run(v);
}
