/**
 * The `json` outputter, and Python's `json.dumps` formatting that it needs byte for byte.
 */
import { OutputDataError } from './errors.js';
import { PyFloat, dictItems, isDict, isInt, isNumber, pyFloatRepr, pyRepr, pySorted, reprInt } from './python.js';
import type { OutputContext } from './types.js';

/** Options of {@link pyJsonDumps}, named after Python's `json.dumps` arguments. */
export interface JsonDumpsOptions {
  /** null → one line with `", "` between items; a number of spaces or a literal string → pretty. */
  indent?: number | string | null;
  sortKeys?: boolean;
  /** false (Salt's default) keeps non-ASCII text as is; true writes `\uXXXX` escapes. */
  ensureAscii?: boolean;
  /** Turns a value JSON cannot hold into one it can (Salt passes `repr`). Without it such values throw. */
  default?: (value: unknown) => unknown;
}

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function encodeString(s: string, ensureAscii: boolean): string {
  const pattern = ensureAscii ? /[\x00-\x1f\\"\u007f-\uffff]/g : /[\x00-\x1f\\"]/g;
  return (
    '"' +
    s.replace(pattern, (ch) => ESCAPES[ch] ?? '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0')) +
    '"'
  );
}

function floatStr(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return pyFloatRepr(n);
}

function scalarText(v: unknown): string | undefined {
  if (v === null || v === undefined) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (v instanceof PyFloat) return floatStr(v.value);
  if (isInt(v)) return reprInt(v);
  if (typeof v === 'number') return floatStr(v);
  return undefined;
}

function keyText(k: unknown): string {
  if (typeof k === 'string') return k;
  const text = isNumber(k) || k === null || k === undefined || typeof k === 'boolean' ? scalarText(k) : undefined;
  if (text === undefined) {
    throw new OutputDataError('TypeError', `keys must be str, int, float, bool or None, not ${typeof k}`);
  }
  return text;
}

/**
 * Python's `json.dumps(value, ...)`: same separators, indentation, float and string forms;
 * NaN/Infinity written bare. Integral floats must be {@link PyFloat} to print as `1.0`.
 * @throws OutputDataError ('TypeError') for keys JSON cannot hold, unorderable keys with sortKeys,
 *   or a value JSON cannot hold when no `default` is given.
 */
export function pyJsonDumps(value: unknown, opts: JsonDumpsOptions = {}): string {
  const ensureAscii = opts.ensureAscii ?? true;
  const indentUnit =
    opts.indent === null || opts.indent === undefined
      ? null
      : typeof opts.indent === 'string'
        ? opts.indent
        : ' '.repeat(Math.max(0, Number(opts.indent)));
  const itemSep = indentUnit === null ? ', ' : ',';
  const seen = new Set<unknown>();

  const encode = (v: unknown, level: number): string => {
    if (typeof v === 'string') return encodeString(v, ensureAscii);
    const scalar = scalarText(v);
    if (scalar !== undefined) return scalar;
    const container = Array.isArray(v) || isDict(v);
    if (container) {
      if (seen.has(v)) throw new OutputDataError('TypeError', 'Circular reference detected');
      seen.add(v);
    }
    try {
      if (Array.isArray(v)) {
        if (v.length === 0) return '[]';
        return wrap('[', ']', v.map((item) => encode(item, level + 1)), level);
      }
      if (isDict(v)) {
        let items = dictItems(v);
        if (items.length === 0) return '{}';
        if (opts.sortKeys) items = pySorted(items, (item) => item[0]);
        return wrap(
          '{',
          '}',
          items.map(([k, val]) => `${encodeString(keyText(k), ensureAscii)}: ${encode(val, level + 1)}`),
          level,
        );
      }
    } finally {
      if (container) seen.delete(v);
    }
    if (!opts.default) throw new OutputDataError('TypeError', `Object of type ${typeof v} is not JSON serializable`);
    return encode(opts.default(v), level);
  };

  const wrap = (open: string, close: string, parts: string[], level: number): string => {
    if (indentUnit === null) return open + parts.join(itemSep) + close;
    const inner = '\n' + indentUnit.repeat(level + 1);
    return open + inner + parts.join(itemSep + inner) + '\n' + indentUnit.repeat(level) + close;
  };

  return encode(value, 0);
}

/**
 * Salt's `json` outputter. `output_indent` absent → indent 4; a number ≥ 0 → that indent; negative or
 * null → one line; "pretty" → indent 4 with sorted keys. Unserializable data prints `{}`.
 */
export function jsonOutput(data: unknown, ctx: OutputContext): string {
  const base = { default: pyRepr, ensureAscii: false };
  try {
    if (!('output_indent' in ctx.opts)) return pyJsonDumps(data, { ...base, indent: 4 });
    let indent = ctx.opts.output_indent as unknown;
    let sortKeys = false;
    if (indent === 'pretty') {
      indent = 4;
      sortKeys = true;
    } else if (typeof indent === 'boolean') {
      indent = Number(indent);
    } else if (typeof indent === 'number' && indent < 0) {
      indent = null;
    }
    return pyJsonDumps(data, { ...base, indent: indent as number | string | null, sortKeys });
  } catch (err) {
    if (err instanceof OutputDataError && err.pyKind === 'TypeError') return '{}';
    throw err;
  }
}
