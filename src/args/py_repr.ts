/**
 * Python's `repr()` and `str()` of the values Salt passes around, for messages that must match Salt's
 * text (e.g. "The following keyword arguments are not valid: a=None") and for tests against recorded
 * reprs. Value conventions are those of src/protocol/pytypes.ts.
 */
import { PyFloat, pyFloatRepr } from '../protocol/pytypes.js';

const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

function escapeChar(ch: string): string {
  switch (ch) {
    case '\\':
      return '\\\\';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
  }
  if (ch === ' ' || !NON_PRINTABLE.test(ch)) return ch;
  const cp = ch.codePointAt(0)!;
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** Python's repr() of a str: single quotes unless the text has `'` and no `"`. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) out += ch === quote ? `\\${ch}` : escapeChar(ch);
  return out + quote;
}

function bytesRepr(b: Uint8Array): string {
  const text = Buffer.from(b).toString('latin1');
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = 'b' + quote;
  for (const byte of b) {
    const ch = String.fromCharCode(byte);
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/**
 * Python's repr(): None/True/False, ints (number or bigint), floats (non-integral numbers, PyFloat,
 * inf/nan), 'str', b'bytes', [lists], {dicts} (plain objects and Maps), {sets}.
 */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    return Number.isInteger(value) ? BigInt(value).toString() : pyFloatRepr(value);
  }
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  if (typeof value === 'string') return pyStrRepr(value);
  if (value instanceof Uint8Array) return bytesRepr(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (value instanceof Map) {
    return `{${[...value].map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  }
  if (value instanceof Set) return value.size === 0 ? 'set()' : `{${[...value].map(pyRepr).join(', ')}}`;
  if (typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${pyStrRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  }
  return String(value);
}

/** Python's str(): a str is itself, everything else is its repr. */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}
