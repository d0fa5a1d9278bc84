/**
 * Python str()/repr()/str.lower()/str.split() and sorting, as the targeting code needs them
 * (Salt lower-cases and stringifies grain values before matching, and sorts key names).
 */
import { PyFloat, pyFloatRepr } from '../protocol/pytypes.js';

/** Python's whitespace for str.split()/str.isspace() (differs from JS `\s`: no U+FEFF, adds U+001C-U+001F, U+0085). */
export const PY_WHITESPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WS_RUN = new RegExp(`[${PY_WHITESPACE}]+`, 'u');

/** Python `s.split()` with no argument: split on whitespace runs, no empty words. */
export function pySplit(s: string): string[] {
  return s.split(WS_RUN).filter((w) => w !== '');
}

/** Python `str.lower()` (full Unicode mapping: `ß` stays `ß`). */
export function pyLower(s: string): string {
  return s.toLowerCase();
}

const NON_PRINTABLE = new RegExp('[\\p{Cc}\\p{Cf}\\p{Cn}\\p{Co}\\p{Cs}\\p{Zl}\\p{Zp}]|[\\p{Zs}--[ ]]', 'v');

/** Python `repr()` of a str: single quotes unless the text has `'` and no `"`. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (NON_PRINTABLE.test(ch)) {
      if (cp <= 0xff) out += '\\x' + cp.toString(16).padStart(2, '0');
      else if (cp <= 0xffff) out += '\\u' + cp.toString(16).padStart(4, '0');
      else out += '\\U' + cp.toString(16).padStart(8, '0');
    } else out += ch;
  }
  return out + quote;
}

/** Python `repr()` of a JSON-like value (str quoted, containers recursively). */
export function pyRepr(v: unknown): string {
  return typeof v === 'string' ? pyStrRepr(v) : pyStr(v);
}

/** Python `str()` of a JSON-like value: `True`, `None`, `1.5`, `['a', 1]`, `{'k': 'v'}`. */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v).toString() : pyFloatRepr(v);
  if (Buffer.isBuffer(v)) return "b'" + v.toString('latin1').replace(/[\\']/g, (c) => '\\' + c) + "'";
  if (Array.isArray(v)) return '[' + v.map(pyRepr).join(', ') + ']';
  if (v instanceof Set) return v.size === 0 ? 'set()' : '{' + [...v].map(pyRepr).join(', ') + '}';
  if (v instanceof Map) return '{' + [...v].map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ') + '}';
  if (typeof v === 'object') {
    return '{' + Object.entries(v as object).map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ') + '}';
  }
  return String(v);
}

/** Compares two strings by Unicode code point, as Python does (JS `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1; // a surrogate stands for a code point above every BMP one
    return x - y;
  }
  return a.length - b.length;
}

/** Python `sorted(items, key=str.lower)`: stable, case-insensitive, by code point. */
export function sortedIgnorecase(items: Iterable<string>): string[] {
  return [...items].sort((a, b) => compareCodePoints(pyLower(a), pyLower(b)));
}

/** Python `sorted(items)` for strings. */
export function sortedCodePoints(items: Iterable<string>): string[] {
  return [...items].sort(compareCodePoints);
}

/** True for plain objects (Python dicts), not arrays, Buffers or null. */
export function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof PyFloat);
}
