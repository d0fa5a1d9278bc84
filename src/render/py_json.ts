/**
 * Python's `json.loads`, as Salt's json renderer and `load_json` use it: objects keep key order
 * (a repeated key keeps its first place and its last value), `1.0` stays a float (PyFloat), ints
 * beyond 2^53 become bigints, NaN/Infinity are accepted, and errors carry Python's
 * JSONDecodeError text ("Expecting value: line 1 column 5 (char 4)").
 */
import { pyFloat } from '../protocol/pytypes.js';

/** Python's json.JSONDecodeError. `message` is `str(exc)`. */
export class JsonDecodeError extends Error {
  override readonly name = 'JSONDecodeError';
  readonly code = 'JSON_DECODE_ERROR';
  constructor(
    readonly msg: string,
    readonly pos: number,
    readonly lineno: number,
    readonly colno: number,
  ) {
    super(`${msg}: line ${lineno} column ${colno} (char ${pos})`);
  }
}

const WS = /[ \t\n\r]*/y;
const NUMBER = /(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * Parses JSON text like Python's `json.loads`. With `mapObjects`, objects become Maps, so that
 * keys such as "2" keep their place (a JS object would move them first).
 * @throws JsonDecodeError with Python's message and position.
 */
export function pyJsonLoads(doc: string, options: { mapObjects?: boolean } = {}): unknown {
  let pos = 0;
  const fail = (msg: string, at: number): never => {
    const lineno = doc.slice(0, at).split('\n').length;
    const colno = at - doc.lastIndexOf('\n', at - 1);
    throw new JsonDecodeError(msg, at, lineno, colno);
  };
  const ws = () => {
    WS.lastIndex = pos;
    WS.exec(doc);
    pos = WS.lastIndex;
  };
  const str = (): string => {
    const begin = pos - 1;
    let out = '';
    for (;;) {
      const ch = doc[pos];
      if (ch === undefined) fail('Unterminated string starting at', begin);
      if (ch === '"') {
        pos++;
        return out;
      }
      if (ch === '\\') {
        const esc = doc[pos + 1];
        if (esc === 'u') {
          const hex = doc.slice(pos + 2, pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Invalid \\uXXXX escape', pos + 1);
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 6;
          continue;
        }
        if (esc === undefined) fail('Unterminated string starting at', begin);
        const rep = ESCAPES[esc!];
        if (rep === undefined) fail(`Invalid \\escape: '${esc}'`, pos);
        out += rep;
        pos += 2;
        continue;
      }
      if (ch < ' ') fail('Invalid control character at', pos);
      out += ch;
      pos++;
    }
  };
  const value = (): unknown => {
    const ch = doc[pos];
    if (ch === '"') {
      pos++;
      return str();
    }
    if (ch === '{') {
      pos++;
      const obj: Record<string, unknown> = {};
      const map = options.mapObjects ? new Map<string, unknown>() : undefined;
      ws();
      if (doc[pos] === '}') {
        pos++;
        return map ?? obj;
      }
      for (;;) {
        if (doc[pos] !== '"') fail('Expecting property name enclosed in double quotes', pos);
        pos++;
        const key = str();
        ws();
        if (doc[pos] !== ':') fail("Expecting ':' delimiter", pos);
        pos++;
        ws();
        const v = value();
        if (map) map.set(key, v);
        else Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        ws();
        if (doc[pos] === '}') {
          pos++;
          return map ?? obj;
        }
        if (doc[pos] !== ',') fail("Expecting ',' delimiter", pos);
        pos++;
        ws();
      }
    }
    if (ch === '[') {
      pos++;
      const arr: unknown[] = [];
      ws();
      if (doc[pos] === ']') {
        pos++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (doc[pos] === ']') {
          pos++;
          return arr;
        }
        if (doc[pos] !== ',') fail("Expecting ',' delimiter", pos);
        pos++;
        ws();
      }
    }
    for (const [word, v] of [
      ['null', null],
      ['true', true],
      ['false', false],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['-Infinity', -Infinity],
    ] as const) {
      if (doc.startsWith(word, pos)) {
        pos += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(doc);
    if (m) {
      pos = NUMBER.lastIndex;
      if (m[2] || m[3]) return pyFloat(Number(m[0]));
      const n = Number(m[1]);
      return Number.isSafeInteger(n) ? n : BigInt(m[1]!);
    }
    return fail('Expecting value', pos);
  };
  ws();
  const result = value();
  ws();
  if (pos !== doc.length) fail('Extra data', pos);
  return result;
}
