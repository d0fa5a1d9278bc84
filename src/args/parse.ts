/**
 * How Salt splits CLI-style arguments into positional args and keyword args
 * (`salt.utils.args.parse_kwarg`, `parse_input`, `condition_input`).
 */
import { dictEntries, dictGet, isPyDict, setOwn, withoutKwargMarker, type PyDict } from './pydict.js';
import { yamlifyArg } from './yamlify.js';

export { isPyDict, type PyDict } from './pydict.js';

// Python's `^([^\d\W][\w.-]*)=(?!=)(.*)$` with re.UNICODE: \w is letters, numbers and `_`; `.` is
// anything but LF; `$` also matches before a final LF, which is then not part of the value.
const KWARG_RE = /^([\p{L}\p{Nl}\p{No}_][\p{L}\p{N}_.-]*)=(?!=)([^\n]*)\n?$/u;

/**
 * Splits `name=value` the way Salt recognises a keyword argument on the command line.
 * The name must start with a letter or `_` and hold only word characters, `.` and `-`; `a==b` and a
 * value with an inner newline are not kwargs; a single trailing newline is dropped.
 * @returns `[name, value]` (value unparsed) or null when the string is not a kwarg.
 */
export function parseKwarg(s: string): [string, string] | null {
  const m = KWARG_RE.exec(s);
  return m ? [m[1]!, m[2]!] : null;
}

/** True for a dict carrying `__kwarg__: True`, the published form of keyword arguments. */
export function isKwargDict(v: unknown): v is PyDict {
  return isPyDict(v) && dictGet(v, '__kwarg__') === true;
}

/** A Salt job id: 20 digits, optionally followed by `_` and more (`salt.utils.jid.is_jid`). */
export function isJid(s: string): boolean {
  if (s.length !== 20 && (s.length <= 21 || s[20] !== '_')) return false;
  // Python's int() also accepts blanks around, a sign and single underscores between digits.
  return /^\s*[-+]?[0-9](?:_?[0-9])*\s*$/.test(s.slice(0, 20));
}

function isPyInt(v: unknown): v is number | bigint | boolean {
  return typeof v === 'bigint' || typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v));
}

function pyIntStr(v: number | bigint | boolean): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return typeof v === 'bigint' ? v.toString() : BigInt(v).toString();
}

/**
 * The single list Salt publishes: ints that print as a JID become strings, and non-empty kwargs are
 * appended as `{"__kwarg__": true, ...kwargs}` (marker first, then the kwargs in order).
 */
export function conditionInput(args: readonly unknown[], kwargs: PyDict | null | undefined): unknown[] {
  const out = args.map((a) => (isPyInt(a) && isJid(pyIntStr(a)) ? pyIntStr(a) : a));
  if (kwargs && isPyDict(kwargs)) {
    const entries = dictEntries(kwargs);
    if (entries.length > 0) {
      if (kwargs instanceof Map) {
        out.push(new Map<unknown, unknown>([['__kwarg__', true], ...entries]));
      } else {
        const kw: Record<string, unknown> = { __kwarg__: true };
        for (const [k, v] of entries) setOwn(kw, k as string, v);
        out.push(kw);
      }
    }
  }
  return out;
}

/** Options of {@link parseInput}. */
export interface ParseInputOptions {
  /** Return the single published list (default true) instead of `{ args, kwargs }`. */
  condition?: boolean;
  /** Kwarg names whose values stay raw strings instead of being YAML-loaded. */
  noParse?: readonly string[];
}

/** Positional and keyword arguments before they are conditioned into one list. */
export interface ParsedInput {
  args: unknown[];
  kwargs: Record<string, unknown>;
}

/**
 * Splits CLI/API input into args and kwargs as `salt.utils.args.parse_input` does:
 * - a `name=value` string is a kwarg whose value is yamlified (kept raw when `name` is in `noParse`);
 *   a later duplicate wins;
 * - any other string is a positional arg, yamlified;
 * - a dict with `__kwarg__: true` adds its entries to the kwargs; any other dict is positional, minus
 *   its `__kwarg__` key;
 * - anything else is positional, unchanged.
 * @returns the conditioned list (see {@link conditionInput}) unless `condition` is false.
 */
export function parseInput(input: readonly unknown[], opts: ParseInputOptions & { condition: false }): ParsedInput;
export function parseInput(input: readonly unknown[], opts?: ParseInputOptions & { condition?: true }): unknown[];
export function parseInput(input: readonly unknown[], opts?: ParseInputOptions): unknown[] | ParsedInput;
export function parseInput(input: readonly unknown[], opts: ParseInputOptions = {}): unknown[] | ParsedInput {
  const noParse = new Set(opts.noParse ?? []);
  const args: unknown[] = [];
  const kwargs: Record<string, unknown> = {};
  for (const item of input) {
    if (typeof item === 'string') {
      const kw = parseKwarg(item);
      if (kw) {
        const [name, value] = kw;
        setOwn(kwargs, name, noParse.has(name) ? value : yamlifyArg(value));
      } else {
        args.push(yamlifyArg(item));
      }
    } else if (isPyDict(item)) {
      if (isKwargDict(item)) {
        for (const [k, v] of dictEntries(item)) if (k !== '__kwarg__') setOwn(kwargs, String(k), v);
      } else {
        args.push(dictGet(item, '__kwarg__') === undefined ? item : withoutKwargMarker(item));
      }
    } else {
      args.push(item);
    }
  }
  if (opts.condition === false) return { args, kwargs };
  return conditionInput(args, kwargs);
}
