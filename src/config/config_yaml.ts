/**
 * Parses one Salt config file the way Salt's YAML loader (`SaltYamlSafeLoader`, YAML 1.1) reads it,
 * and remembers the line of each top-level option so that validation errors can point at it.
 *
 * Kept in one small module so it can later be swapped for the shared loader in `src/yaml/`.
 */
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { ScalarTag, Tags } from 'yaml';
import { ConfigError, type OptionSource } from './errors.js';
import { parseFlatConfig } from './flat_config.js';
import { BOOL_RE, FLOAT_RE, INT_RE, keyString, resolveSaltBool, resolveSaltFloat, resolveSaltInt } from './yaml11_scalars.js';

export { resolveSaltFloat, resolveSaltInt } from './yaml11_scalars.js';

/** The options of one file and where each top-level key sits in it. */
export interface ParsedConfigFile {
  /** The mapping the file holds (`{}` for an empty or comment-only file). */
  data: Record<string, unknown>;
  /** Top-level option name → file and 1-based line/column of its key. */
  sources: Map<string, OptionSource>;
}

const saltBool: ScalarTag = {
  identify: (v) => typeof v === 'boolean',
  default: true,
  tag: 'tag:yaml.org,2002:bool',
  test: BOOL_RE,
  resolve: (s) => resolveSaltBool(s),
};

const saltInt: ScalarTag = {
  identify: (v) => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)),
  default: true,
  tag: 'tag:yaml.org,2002:int',
  test: INT_RE,
  resolve: (s) => resolveSaltInt(s),
};

const saltFloat: ScalarTag = {
  identify: (v) => typeof v === 'number',
  default: true,
  tag: 'tag:yaml.org,2002:float',
  test: FLOAT_RE,
  resolve: (s) => resolveSaltFloat(s),
};

const REPLACED_TAGS = new Set([
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
  // Salt maps timestamps to plain strings: dropping the tag leaves them as strings.
  'tag:yaml.org,2002:timestamp',
]);

// Explicit `!!int "42"` / `!!float "1"` tags convert any text, as PyYAML does; the `yaml` package
// picks a tag without `test` first for explicit tags and ignores it for plain scalars.
const explicitTags: ScalarTag[] = [saltBool, saltInt, saltFloat].map(({ tag, resolve, identify }) => ({
  tag,
  resolve,
  identify,
}));

function saltTags(tags: Tags): Tags {
  const kept = tags.filter((t) => typeof t === 'string' || !REPLACED_TAGS.has(t.tag));
  return [...explicitTags, saltBool, saltInt, saltFloat, ...kept];
}

/** Maps (kept as Maps so that a `~` key is not lost) become plain objects, recursively. */
function plain(value: unknown): unknown {
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[keyString(k)] = plain(v);
    return out;
  }
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number' || typeof value === 'bigint') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value;
}

/**
 * Parses the text of config file `file` (used in messages) with Salt's YAML 1.1 rules.
 * An empty or comment-only file gives `{}`. Flat files (`key: scalar` lines and comments) take a
 * fast path ({@link parseFlatConfig}) that gives the same result without the YAML library.
 * @throws ConfigError naming the file, line and column on a YAML syntax error (including a
 *   duplicate key), or when the document is not a mapping.
 */
export function parseConfigYaml(text: string, file: string): ParsedConfigFile {
  return parseFlatConfig(text, file) ?? parseConfigYamlDocument(text, file);
}

/**
 * {@link parseConfigYaml} through the YAML library, for any file.
 * @throws ConfigError as {@link parseConfigYaml}.
 */
export function parseConfigYamlDocument(text: string, file: string): ParsedConfigFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.1',
    lineCounter,
    customTags: saltTags,
    uniqueKeys: true,
    prettyErrors: false,
  });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const pos = err.linePos?.[0] ?? lineCounter.linePos(err.pos[0]);
    const reason = err.message.split(/ at line \d+, column \d+/)[0]!.trim();
    throw new ConfigError(`YAML syntax error in ${file} line ${pos.line} column ${pos.col}: ${reason}`, {
      file,
      line: pos.line,
      column: pos.col,
      cause: err,
    });
  }
  const sources = new Map<string, OptionSource>();
  if (doc.contents === null) return { data: {}, sources };
  const data: unknown = plain(doc.toJS({ maxAliasCount: -1, mapAsMap: true }));
  if (data === null || data === undefined) return { data: {}, sources };
  if (!isMap(doc.contents) || typeof data !== 'object' || Array.isArray(data)) {
    const at = doc.contents.range ? lineCounter.linePos(doc.contents.range[0]) : { line: 1, col: 1 };
    throw new ConfigError(
      `${file} line ${at.line} must hold a mapping of options, got ${kindOf(data)}`,
      { file, line: at.line, column: at.col, value: data },
    );
  }
  for (const pair of doc.contents.items) {
    const key = pair.key;
    if (!isScalar(key) || !key.range) continue;
    const at = lineCounter.linePos(key.range[0]);
    sources.set(keyString(key.value), { file, line: at.line, column: at.col });
  }
  return { data: data as Record<string, unknown>, sources };
}
