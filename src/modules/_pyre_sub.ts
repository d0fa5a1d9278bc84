/**
 * Python `re` pieces the file module needs beyond matching: `re.sub`/`re.subn` with Python's
 * replacement templates (`\1`, `\g<name>`, escapes), `re.escape`, and flag values
 * (`re.MULTILINE` is 8) given as an integer, a name or a list of names.
 */
import { pyRegex, PyRegexError } from '../targeting/pyregex.js';
import { CommandExecutionError } from '../loader/errors.js';

/** Python's `re.error`, as it appears in a traceback. */
export class PyReError extends Error {
  override readonly name = 're.error';
  readonly code = 'EPYRE';
}

/** Python's RegexFlag values by name (long and short names). */
const FLAG_VALUES: Record<string, number> = {
  TEMPLATE: 1, T: 1, IGNORECASE: 2, I: 2, LOCALE: 4, L: 4, MULTILINE: 8, M: 8,
  DOTALL: 16, S: 16, UNICODE: 32, U: 32, VERBOSE: 64, X: 64, DEBUG: 128, ASCII: 256, A: 256,
};

/**
 * Salt's `_get_flags`: an int as is, a flag name or a list of names OR-ed together.
 * @throws CommandExecutionError for an unknown name or a value of another kind.
 */
export function reFlags(flags: unknown): number {
  if (typeof flags === 'number' && Number.isInteger(flags)) return flags;
  if (typeof flags === 'boolean') return flags ? 1 : 0;
  const list = typeof flags === 'string' ? [flags] : Array.isArray(flags) ? flags : null;
  if (!list) {
    throw new CommandExecutionError(
      `Invalid re flags: "${String(flags)}", must be given either as a single flag string, a list of strings, as an integer, or as an re flag`,
    );
  }
  let out = 0;
  for (const flag of list) {
    const value = FLAG_VALUES[String(flag).toUpperCase()];
    if (!value) throw new CommandExecutionError(`Invalid re flag given: ${String(flag)}`);
    out |= value;
  }
  return out;
}

/** The pyRegex flag letters for Python flag bits (bytes patterns: ASCII semantics). */
export function flagLetters(flags: number, bytesPattern = false): string {
  let s = '';
  if (flags & 2) s += 'i';
  if (flags & 8) s += 'm';
  if (flags & 16) s += 's';
  if (flags & 64) s += 'x';
  if (flags & 256 || bytesPattern) s += 'a';
  return s;
}

/**
 * Compiles a Python pattern with Python flag bits to a global JS RegExp.
 * @throws PyReError where Python's `re.compile` raises `re.error`.
 */
export function compilePy(pattern: string, flags: number, bytesPattern = false): RegExp {
  try {
    const re = pyRegex(pattern, flagLetters(flags, bytesPattern));
    return new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
  } catch (err) {
    if (err instanceof PyRegexError) throw new PyReError(err.message);
    throw err;
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

type TemplatePart = string | { group: number | string };

/** Parses a Python replacement template. @throws PyReError like Python's `re` does. */
function parseTemplate(repl: string, groupCount: number, names: Set<string>): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let lit = '';
  const flush = () => {
    if (lit) parts.push(lit);
    lit = '';
  };
  const groupRef = (g: number, pos: number) => {
    if (g > groupCount) throw new PyReError(`invalid group reference ${g} at position ${pos}`);
    flush();
    parts.push({ group: g });
  };
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i];
    if (c !== '\\') {
      lit += c;
      continue;
    }
    const start = i;
    const n = repl[i + 1];
    if (n === undefined) throw new PyReError(`bad escape (end of pattern) at position ${start}`);
    i++;
    if (n === 'g') {
      const m = /^<([^>]*)>/.exec(repl.slice(i + 1));
      if (!m) throw new PyReError(`missing < at position ${i + 1}`);
      const name = m[1];
      i += m[0].length;
      if (/^\d+$/.test(name)) groupRef(Number(name), start + 3);
      else if (names.has(name)) {
        flush();
        parts.push({ group: name });
      } else if (name === '') throw new PyReError(`missing group name at position ${start + 3}`);
      else throw new PyReError(`unknown group name '${name}' at position ${start + 3}`);
    } else if (n === '0') {
      let oct = '';
      while (oct.length < 2 && /[0-7]/.test(repl[i + 1] ?? '')) oct += repl[++i];
      lit += String.fromCharCode(parseInt('0' + oct, 8));
    } else if (/\d/.test(n)) {
      const n2 = repl[i + 1] ?? '';
      const n3 = repl[i + 2] ?? '';
      if (/[0-7]/.test(n) && /[0-7]/.test(n2) && /[0-7]/.test(n3)) {
        const v = parseInt(n + n2 + n3, 8);
        if (v > 0o377) throw new PyReError(`octal escape value \\${n}${n2}${n3} outside of range 0-0o377 at position ${start}`);
        lit += String.fromCharCode(v);
        i += 2;
      } else if (/\d/.test(n2)) {
        groupRef(Number(n + n2), start + 1);
        i++;
      } else groupRef(Number(n), start + 1);
    } else if (n in SIMPLE_ESCAPES) {
      lit += SIMPLE_ESCAPES[n];
    } else if (/[A-Za-z]/.test(n)) {
      throw new PyReError(`bad escape \\${n} at position ${start}`);
    } else {
      lit += '\\' + n;
    }
  }
  flush();
  return parts;
}

/**
 * Python's `re.subn(pattern, repl, text, count)`: the text with at most `count` matches
 * (all when 0) replaced by the expanded template, and how many were replaced.
 */
export function pySubn(re: RegExp, repl: string, text: string, count = 0): [string, number] {
  const probe = new RegExp(`${re.source}|`, re.flags.replace('g', '')).exec('')!;
  const names = new Set(Object.keys(probe.groups ?? {}));
  const template = parseTemplate(repl, probe.length - 1, names);
  let out = '';
  let last = 0;
  let n = 0;
  for (const m of text.matchAll(re)) {
    if (count > 0 && n >= count) break;
    out += text.slice(last, m.index);
    for (const p of template) {
      if (typeof p === 'string') out += p;
      else out += (typeof p.group === 'number' ? m[p.group] : m.groups?.[p.group]) ?? '';
    }
    last = m.index + m[0].length;
    n++;
  }
  return [out + text.slice(last), n];
}

/** Python 3.7+ `re.escape`: a backslash before each regex-special character. */
export function pyReEscape(s: string): string {
  return s.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => '\\' + c);
}
