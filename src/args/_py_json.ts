/**
 * Reads the conformance corpus's JSON without losing what Python knew: `1.0` stays a float (PyFloat),
 * ints beyond 2^53 become bigints, `{"$float": "inf"}` is Infinity and `{"$bytes": b64}` a Buffer.
 */
import { pyFloat } from '../protocol/pytypes.js';

const TOKEN = /\s*(?:("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(true|false|null)|([{}[\]:,]))/y;

/** Parses JSON text with Python's number kinds kept (see the module comment). */
export function parsePyJson(text: string): unknown {
  let pos = 0;
  const next = (): string => {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) throw new SyntaxError(`bad JSON at offset ${pos}`);
    pos = TOKEN.lastIndex;
    return m[0].trim();
  };
  const peek = (): string => {
    const save = pos;
    const t = next();
    pos = save;
    return t;
  };
  const value = (): unknown => {
    const t = next();
    if (t === '{') {
      const obj: Record<string, unknown> = {};
      if (peek() === '}') return next(), special(obj);
      for (;;) {
        const key = JSON.parse(next()) as string;
        next(); // ':'
        Object.defineProperty(obj, key, { value: value(), enumerable: true, writable: true, configurable: true });
        if (next() === '}') return special(obj);
      }
    }
    if (t === '[') {
      const arr: unknown[] = [];
      if (peek() === ']') return next(), arr;
      for (;;) {
        arr.push(value());
        if (next() === ']') return arr;
      }
    }
    if (t.startsWith('"') || t === 'true' || t === 'false' || t === 'null') return JSON.parse(t);
    if (/[.eE]/.test(t)) return pyFloat(Number(t));
    const big = BigInt(t);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  };
  const result = value();
  if (text.slice(pos).trim() !== '') throw new SyntaxError(`trailing data at offset ${pos}`);
  return result;
}

function special(obj: Record<string, unknown>): unknown {
  const keys = Object.keys(obj);
  if (keys.length === 1 && keys[0] === '$float') {
    return { inf: Infinity, '-inf': -Infinity, nan: NaN }[obj['$float'] as string];
  }
  if (keys.length === 1 && keys[0] === '$bytes') return Buffer.from(obj['$bytes'] as string, 'base64');
  return obj;
}
