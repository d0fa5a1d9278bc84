/**
 * PyYAML's YAML 1.1 implicit resolvers and scalar constructors, with Salt's changes
 * (leading zeros of an unsigned int are dropped, timestamps stay strings).
 *
 * Values follow src/protocol/pytypes.ts: Python ints are numbers (bigints beyond 2^53),
 * integral floats are PyFloat, bytes are Buffers.
 */
import { pyFloat, type PyFloat } from '../protocol/pytypes.js';

export const TAG_PREFIX = 'tag:yaml.org,2002:';
export const TAG = {
  null: `${TAG_PREFIX}null`,
  bool: `${TAG_PREFIX}bool`,
  int: `${TAG_PREFIX}int`,
  float: `${TAG_PREFIX}float`,
  str: `${TAG_PREFIX}str`,
  binary: `${TAG_PREFIX}binary`,
  timestamp: `${TAG_PREFIX}timestamp`,
  merge: `${TAG_PREFIX}merge`,
  value: `${TAG_PREFIX}value`,
  seq: `${TAG_PREFIX}seq`,
  map: `${TAG_PREFIX}map`,
  set: `${TAG_PREFIX}set`,
  omap: `${TAG_PREFIX}omap`,
  pairs: `${TAG_PREFIX}pairs`,
  pythonUnicode: `${TAG_PREFIX}python/unicode`,
} as const;

const BOOL_RE = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT_RE =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT_RE =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const NULL_RE = /^(?:~|null|Null|NULL|)$/;
const TIMESTAMP_RE =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;

/** The tag PyYAML's implicit resolvers give a plain (unquoted, untagged) scalar. */
export function resolvePlainTag(value: string): string {
  // Same precedence as PyYAML, whose resolvers never overlap for one first character.
  if (BOOL_RE.test(value)) return TAG.bool;
  if (FLOAT_RE.test(value)) return TAG.float;
  if (INT_RE.test(value)) return TAG.int;
  if (value === '<<') return TAG.merge;
  if (NULL_RE.test(value)) return TAG.null;
  if (TIMESTAMP_RE.test(value)) return TAG.timestamp;
  if (value === '=') return TAG.value;
  return TAG.str;
}

/** A failed scalar conversion; the loader turns it into a positioned SaltYamlError. */
export class ScalarConstructError extends Error {}

const BOOL_VALUES: Record<string, boolean> = { yes: true, no: false, true: true, false: false, on: true, off: false };

/** `!!bool`: yes/no/true/false/on/off in any case. */
export function constructBool(value: string): boolean {
  const b = BOOL_VALUES[value.toLowerCase()];
  if (b === undefined) throw new ScalarConstructError(`invalid boolean value: '${value}'`);
  return b;
}

function toPyInt(big: bigint): number | bigint {
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

const DIGITS: Record<number, RegExp> = {
  2: /^[01]+$/,
  8: /^[0-7]+$/,
  10: /^[0-9]+$/,
  16: /^[0-9a-fA-F]+$/,
};
const PREFIX: Record<number, string> = { 2: '0b', 8: '0o', 16: '0x' };

/** Python's `int(text, base)` for bases 2, 8, 10, 16 (surrounding blanks, sign, base prefix). */
export function pyIntParse(text: string, base: 2 | 8 | 10 | 16): bigint {
  let s = text.trim();
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  const prefix = PREFIX[base];
  if (prefix !== undefined && s.toLowerCase().startsWith(prefix)) s = s.slice(2);
  if (!DIGITS[base]!.test(s)) {
    throw new ScalarConstructError(`invalid literal for int() with base ${base}: '${text}'`);
  }
  const magnitude = base === 10 ? BigInt(s) : BigInt(prefix + s);
  return negative ? -magnitude : magnitude;
}

/**
 * `!!int` as Salt's loader builds it: an unsigned value starting with `0` (not `0b`/`0x`) loses its
 * leading zeros first (`0644` → 644), then PyYAML's YAML 1.1 rules apply (`+0644` → octal 420,
 * `0x1f` → 31, `0b101` → 5, `1:30` → 90, underscores ignored).
 */
export function constructInt(text: string): number | bigint {
  let raw = text;
  if (raw !== '0' && raw.startsWith('0') && !raw.startsWith('0b') && !raw.startsWith('0x')) {
    raw = raw.replace(/^0+/, '') || '0';
  }
  let value = raw.replace(/_/g, '');
  if (value === '') throw new ScalarConstructError(`invalid integer: '${text}'`);
  let sign = 1n;
  if (value[0] === '-') sign = -1n;
  if (value[0] === '-' || value[0] === '+') value = value.slice(1);
  if (value === '0') return 0;
  if (value === '') throw new ScalarConstructError(`invalid integer: '${text}'`);
  if (value.startsWith('0b')) return toPyInt(sign * pyIntParse(value.slice(2), 2));
  if (value.startsWith('0x')) return toPyInt(sign * pyIntParse(value.slice(2), 16));
  if (value[0] === '0') return toPyInt(sign * pyIntParse(value, 8));
  if (value.includes(':')) {
    let total = 0n;
    for (const part of value.split(':')) total = total * 60n + pyIntParse(part, 10);
    return toPyInt(sign * total);
  }
  return toPyInt(sign * pyIntParse(value, 10));
}

const PY_FLOAT_RE = /^[-+]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[-+]?[0-9]+)?|inf|infinity|nan)$/i;

/** Python's `float(text)` for decimal text, `inf`, `nan` (surrounding blanks allowed). */
export function pyFloatParse(text: string): number {
  const s = text.trim();
  if (!PY_FLOAT_RE.test(s)) throw new ScalarConstructError(`could not convert string to float: '${text}'`);
  const lower = s.toLowerCase().replace(/^[-+]/, '');
  const negative = s.startsWith('-');
  if (lower === 'inf' || lower === 'infinity') return negative ? -Infinity : Infinity;
  if (lower === 'nan') return NaN;
  return Number(s);
}

/** `!!float` by PyYAML's rules (`.inf`, `.nan`, base 60 `1:30.5`, underscores); integral results are PyFloat. */
export function constructFloat(text: string): number | PyFloat {
  let value = text.replace(/_/g, '').toLowerCase();
  if (value === '') throw new ScalarConstructError(`invalid float: '${text}'`);
  let sign = 1;
  if (value[0] === '-') sign = -1;
  if (value[0] === '-' || value[0] === '+') value = value.slice(1);
  if (value === '.inf') return sign * Infinity;
  if (value === '.nan') return NaN;
  if (value.includes(':')) {
    let total = 0;
    for (const part of value.split(':')) total = total * 60 + pyFloatParse(part);
    return pyFloat(sign * total);
  }
  return pyFloat(sign * pyFloatParse(value));
}

/** `!!binary`: base64 text (line breaks allowed) → bytes. */
export function constructBinary(text: string): Buffer {
  if (!/^[\x00-\x7f]*$/.test(text)) throw new ScalarConstructError('failed to convert base64 data: non-ASCII text');
  const compact = text.replace(/[^A-Za-z0-9+/=]/g, '');
  if (compact.replace(/=+$/, '').length % 4 === 1) {
    throw new ScalarConstructError('failed to decode base64 data: Incorrect padding');
  }
  return Buffer.from(compact, 'base64');
}
