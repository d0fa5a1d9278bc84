/**
 * The fast path of config parsing: most config files (and every one the CLI tools and tests
 * write) are flat — `key: scalar` lines, comments and blank lines. Those are read here without
 * the YAML library, with the same values, key order and key lines the full parse gives; anything
 * else (nesting, lists, flow collections, escapes, anchors, tags, tabs, non-ASCII, duplicate or
 * unusual keys) is left to the full parse.
 */
import type { ParsedConfigFile } from './config_yaml.js';
import type { OptionSource } from './errors.js';
import { keyString, resolvePlainScalar } from './yaml11_scalars.js';

// A top-level key at column 0 (letters, digits, `_`, `.`, `-`; not starting with a digit, `.`
// or `-`), a colon, then the rest of the line after at least one space (or nothing).
const LINE_RE = /^([A-Za-z_][A-Za-z0-9_.-]*):(?: +(.*))?$/;
const DOUBLE_QUOTED_RE = /^"([^"\\]*)"(?: +#.*)?$/;
const SINGLE_QUOTED_RE = /^'([^']*)'(?: +#.*)?$/;
// A plain scalar that cannot be anything but one: no indicator first, no `: `, no trailing `:`,
// no flow brackets, quotes or backslashes; a ` #` comment may follow.
const PLAIN_RE = /^((?:[A-Za-z0-9_./~+$=^(]|-(?=[^ ]))(?:[^#:'"\\[\]{} ]|:(?=[^ ])| +(?=[^# ]))*?)(?: +#.*)?$/;
// Lines the YAML library may read differently (or reject) are never taken here.
const SAFE_TEXT_RE = /^[\x20-\x7e\n]*$/;
const MAX_LINE = 1000;

/** The value of one `key: <rest>` line, or undefined when the fast path does not apply to it. */
function scalarValue(rest: string): { value: unknown } | undefined {
  if (rest === '') return { value: null };
  const first = rest[0];
  if (first === '"' || first === "'") {
    const m = (first === '"' ? DOUBLE_QUOTED_RE : SINGLE_QUOTED_RE).exec(rest);
    return m ? { value: m[1]! } : undefined;
  }
  if (first === '#') return { value: null };
  const m = PLAIN_RE.exec(rest);
  if (!m) return undefined;
  try {
    return { value: resolvePlainScalar(m[1]!) };
  } catch {
    return undefined; // the full parse reports the error
  }
}

/**
 * Parses a flat config file (see the module comment) as `parseConfigYaml` would.
 * @returns null when the text is not flat: the caller then uses the full parse.
 */
export function parseFlatConfig(text: string, file: string): ParsedConfigFile | null {
  if (!SAFE_TEXT_RE.test(text)) return null;
  const entries = new Map<string, unknown>();
  const sources = new Map<string, OptionSource>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trimEnd();
    if (line === '' || /^ *#/.test(line)) continue;
    if (line.length > MAX_LINE) return null;
    const m = LINE_RE.exec(line);
    if (!m) return null;
    let key: string;
    try {
      key = keyString(resolvePlainScalar(m[1]!));
    } catch {
      return null;
    }
    const scalar = scalarValue(m[2] ?? '');
    if (!scalar || entries.has(key)) return null;
    entries.set(key, scalar.value);
    sources.set(key, { file, line: i + 1, column: 1 });
  }
  const data: Record<string, unknown> = {};
  for (const [key, value] of entries) data[key] = value;
  return { data, sources };
}
