/**
 * Salt's YAML loader (`salt.utils.yaml.safe_load`, i.e. SaltYamlSafeLoader on PyYAML's CSafeLoader),
 * used for CLI arguments, config files, SLS files and pillar.
 *
 * The `yaml` package only parses; every scalar is then resolved here with PyYAML's YAML 1.1 rules:
 * - yes/no/on/off/true/false (three spellings each) are bools; `y`, `n`, `tRUE` stay strings;
 * - `null`, `Null`, `NULL`, `~` and empty are None; `none` is a string;
 * - ints: `0x1f`, `0b101`, `1:30` (base 60 → 90), `1_000`; Salt drops the leading zeros of an unsigned
 *   int so `0644` is 644 while `+0644` is octal 420; `0o17` is a string;
 * - floats need a dot (`1e3` is a string, `1.0e+3` a float, `.5` a float, `-.5` a string);
 *   integral floats come back as PyFloat so `1.0` stays a float;
 * - timestamps stay strings; `!!binary` gives a Buffer, `!!set` a Set, `!!omap`/`!!pairs` a list of pairs;
 * - `<<` merge keys as Salt flattens them; a duplicate key is an error ("found conflicting ID").
 *
 * A mapping whose keys are all strings becomes a plain object; one with any other key (`{1: a}`) becomes a
 * Map keyed by the Python-like key values, so int keys stay ints.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node as YamlNode,
  type Pair as YamlPair,
  type Scalar,
} from 'yaml';
import { PyFloat } from '../protocol/pytypes.js';
import {
  constructBinary,
  constructBool,
  constructFloat,
  constructInt,
  resolvePlainTag,
  ScalarConstructError,
  TAG,
} from './_resolve.js';
import { translateSyntaxError } from './_pyyaml_errors.js';
import { SaltYamlError, type PyYamlErrorInfo, type SourcePosition } from './errors.js';

export {
  formatPyYamlError,
  SaltYamlError,
  type PyYamlErrorInfo,
  type PyYamlErrorKind,
  type SourcePosition,
} from './errors.js';

/** Options of {@link loadSaltYaml} and {@link parseSaltYamlDocument}. */
export interface SaltYamlOptions {
  /** Named in error messages ("... in /srv/salt/x.sls line 3"). */
  filename?: string;
}

/** A key or index on the way from the document root to a value. */
export type YamlPathItem = string | number;

/** A loaded document that still knows where each of its values came from. */
export interface SaltYamlDocument {
  /** The loaded value (None → null for an empty document). */
  value: unknown;
  /**
   * Where the value at `path` starts: for a mapping entry the position of its key, for a list item the
   * position of the item; `[]` is the document itself. Mapping keys that are not strings are given as
   * their Python `str()` (`1`, `True`). Undefined when the path does not exist.
   */
  positionOf(path: readonly YamlPathItem[]): SourcePosition | undefined;
}

/**
 * Loads one YAML document with Salt's rules (see the module comment).
 * @returns the value; an empty or comment-only text gives null.
 * @throws SaltYamlError for a syntax error, several documents, a duplicate key, an undefined alias,
 *   an unknown or unsupported tag, or a tagged value that cannot be converted.
 */
export function loadSaltYaml(text: string, opts: SaltYamlOptions = {}): unknown {
  return new Loader(text, opts, false).load().value;
}

/**
 * Like {@link loadSaltYaml} but also records source positions, so that a config or SLS error can name
 * the line of the offending key.
 * @throws SaltYamlError as loadSaltYaml does.
 */
export function parseSaltYamlDocument(text: string, opts: SaltYamlOptions = {}): SaltYamlDocument {
  return new Loader(text, opts, true).load();
}

/**
 * A YAML node with aliases already followed; `null` stands for an absent node (an empty scalar).
 * A bare pair is a single-entry mapping written inside a flow sequence (`[a: 1]`).
 */
type Resolved = YamlNode | YamlPair | null;

interface Pair {
  key: Resolved;
  value: Resolved;
  keyOffset: number;
}

function pathKey(path: readonly YamlPathItem[]): string {
  return JSON.stringify(path.map((p) => (typeof p === 'number' ? p : `s:${p}`)));
}

class Loader {
  private readonly lines = new LineCounter();
  private doc!: Document.Parsed;
  private readonly constructed = new Map<YamlNode | YamlPair, unknown>();
  private readonly inProgress = new Set<YamlNode | YamlPair>();
  private readonly positions = new Map<string, SourcePosition>();

  constructor(
    private readonly text: string,
    private readonly opts: SaltYamlOptions,
    private readonly trackPositions: boolean,
  ) {}

  load(): SaltYamlDocument {
    this.doc = parseDocument(this.text, {
      schema: 'failsafe',
      uniqueKeys: false,
      merge: false,
      lineCounter: this.lines,
      prettyErrors: true,
    });
    const first = this.doc.errors[0];
    if (first) {
      const at = first.linePos?.[0] ?? this.lines.linePos(first.pos[0]);
      const problem = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      const firstRoot = this.doc.contents?.range?.[0];
      const pyyaml = translateSyntaxError(this.text, first, this.lines, firstRoot);
      throw new SaltYamlError(problem, { line: at.line, column: at.col }, this.opts.filename, { cause: first, pyyaml });
    }
    const root = this.doc.contents;
    const value = root === null ? null : this.construct(this.follow(root), 0, []);
    const positions = this.positions;
    return {
      value,
      positionOf(path) {
        if (path.length === 0) return root?.range ? positions.get(pathKey([])) : undefined;
        return positions.get(pathKey(path));
      },
    };
  }

  private mark(offset: number): SourcePosition {
    const at = this.lines.linePos(offset);
    return { line: at.line, column: at.col };
  }

  /**
   * Throws a construction error. `context` is PyYAML's context line and the offset of the node it
   * names (e.g. "while constructing a mapping" at the mapping's start); the message keeps the
   * historical `<context>: <problem>` form.
   */
  private fail(problem: string, offset: number, context?: { text: string; offset: number }): never {
    const at = this.mark(offset);
    const pyyaml: PyYamlErrorInfo = {
      kind: 'ConstructorError',
      context: context?.text,
      contextMark: context ? this.mark(context.offset) : undefined,
      problem,
      problemMark: at,
    };
    const message = context ? `${context.text}: ${problem}` : problem;
    throw new SaltYamlError(message, at, this.opts.filename, { pyyaml });
  }

  private offsetOf(node: Resolved, fallback: number): number {
    if (isPair(node)) return this.offsetOf(node.key as Resolved, fallback);
    return node?.range?.[0] ?? fallback;
  }

  private follow(node: unknown): Resolved {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) this.fail(`found undefined alias '${node.source}'`, node.range?.[0] ?? 0);
      return target;
    }
    return node as YamlNode | YamlPair;
  }

  private record(path: readonly YamlPathItem[] | null, offset: number): void {
    if (!this.trackPositions || path === null) return;
    const at = this.lines.linePos(offset);
    this.positions.set(pathKey(path), { line: at.line, column: at.col });
  }

  /** The tag Salt's loader acts on: the explicit one, or what the implicit resolvers give. */
  private tagOf(node: Resolved): string {
    if (node === null) return TAG.null;
    if (isPair(node)) return TAG.map;
    const explicit = node.tag;
    if (isScalar(node)) {
      if (explicit === '!') return TAG.str;
      if (explicit) return explicit;
      return node.type === 'PLAIN' || node.type === undefined ? resolvePlainTag(scalarText(node)) : TAG.str;
    }
    if (explicit && explicit !== '!') return explicit;
    return isSeq(node) ? TAG.seq : TAG.map;
  }

  private construct(node: Resolved, offset: number, path: readonly YamlPathItem[] | null): unknown {
    const start = this.offsetOf(node, offset);
    this.record(path, start);
    if (node === null) return null;
    if (this.constructed.has(node) && !this.trackPositions) return this.constructed.get(node);
    if (this.inProgress.has(node)) this.fail('found a recursive alias, which is not supported', start);
    this.inProgress.add(node);
    try {
      const value = this.constructNew(node, start, path);
      this.constructed.set(node, value);
      return value;
    } finally {
      this.inProgress.delete(node);
    }
  }

  private constructNew(node: YamlNode | YamlPair, start: number, path: readonly YamlPathItem[] | null): unknown {
    const tag = this.tagOf(node);
    if (isScalar(node)) return this.constructScalar(node, tag, start);
    if (isSeq(node)) {
      if (tag === TAG.seq) {
        return node.items.map((item, i) => this.construct(this.follow(item), start, path && [...path, i]));
      }
      if (tag === TAG.omap || tag === TAG.pairs) return this.constructPairs(node.items, tag, start, path);
      if (tag === TAG.map || tag === TAG.set) this.fail('expected a mapping node, but found sequence', start);
      return this.fail(`could not determine a constructor for the tag '${tag}'`, start);
    }
    if (isPair(node)) return this.constructMapping(node, start, path);
    if (isMap(node)) {
      if (tag === TAG.map) return this.constructMapping(node, start, path);
      if (tag === TAG.set) {
        const set = new Set<unknown>();
        for (const pair of this.flatten(node, start)) {
          set.add(this.construct(pair.key, pair.keyOffset, null));
        }
        return set;
      }
      if (tag === TAG.seq || tag === TAG.omap || tag === TAG.pairs) {
        this.fail('expected a sequence node, but found mapping', start);
      }
      return this.fail(`could not determine a constructor for the tag '${tag}'`, start);
    }
    return this.fail('unexpected YAML node', start);
  }

  private constructScalar(node: Scalar, tag: string, start: number): unknown {
    const text = scalarText(node);
    try {
      switch (tag) {
        case TAG.str:
        case TAG.pythonUnicode:
        case TAG.timestamp: // Salt keeps timestamps as the text
          return text;
        case TAG.null:
          return null;
        case TAG.bool:
          return constructBool(text);
        case TAG.int:
          return constructInt(text);
        case TAG.float:
          return constructFloat(text);
        case TAG.binary:
          return constructBinary(text);
        case TAG.seq:
        case TAG.omap:
        case TAG.pairs:
          return this.fail('expected a sequence node, but found scalar', start);
        case TAG.map:
        case TAG.set:
          return this.fail('expected a mapping node, but found scalar', start);
        default:
          // Includes !!merge and !!value outside a mapping key, which PyYAML's safe loader cannot build.
          return this.fail(`could not determine a constructor for the tag '${tag}'`, start);
      }
    } catch (err) {
      if (err instanceof ScalarConstructError) this.fail(err.message, start);
      throw err;
    }
  }

  private constructPairs(items: unknown[], tag: string, start: number, path: readonly YamlPathItem[] | null): unknown[][] {
    const what = tag === TAG.omap ? 'an ordered map' : 'pairs';
    return items.map((raw, i) => {
      const item = this.follow(raw);
      const at = this.offsetOf(item, start);
      const entries = isPair(item) ? [item] : isMap(item) ? item.items : undefined;
      if (!entries) return this.fail(`while constructing ${what}: expected a mapping of length 1`, at);
      if (entries.length !== 1) {
        this.fail(`while constructing ${what}: expected a single mapping item, but found ${entries.length} items`, at);
      }
      const pair = entries[0]!;
      const keyNode = this.follow(pair.key);
      const key = this.construct(keyNode, at, path && [...path, i, 0]);
      const value = this.construct(this.follow(pair.value), this.offsetOf(keyNode, at), path && [...path, i, 1]);
      return [key, value];
    });
  }

  /**
   * Salt's flatten_mapping: `<<` entries are removed and the merged mappings' entries put first,
   * except those whose key text the mapping already has; `=` keys become strings.
   */
  private flatten(node: YamlNode | YamlPair, start: number): Pair[] {
    const items = isPair(node) ? [node] : isMap(node) ? node.items : this.fail('expected a mapping node', start);
    const own: Pair[] = [];
    const merged: Pair[] = [];
    for (const item of items) {
      const key = this.follow(item.key);
      const keyOffset = this.offsetOf(key, start);
      const value = this.follow(item.value);
      const keyTag = this.tagOf(key);
      if (keyTag !== TAG.merge) {
        own.push({ key, value, keyOffset });
        continue;
      }
      const valueOffset = this.offsetOf(value, keyOffset);
      if (isMap(value) || isPair(value)) {
        merged.push(...this.flatten(value, valueOffset));
      } else if (isSeq(value)) {
        const groups: Pair[][] = [];
        for (const raw of value.items) {
          const sub = this.follow(raw);
          if (!isMap(sub) && !isPair(sub)) {
            this.fail(`expected a mapping for merging, but found ${nodeKind(sub)}`, this.offsetOf(sub, valueOffset), {
              text: 'while constructing a mapping',
              offset: start,
            });
          }
          groups.push(this.flatten(sub, this.offsetOf(sub, valueOffset)));
        }
        for (const group of groups.reverse()) merged.push(...group);
      } else {
        this.fail(`expected a mapping or list of mappings for merging, but found ${nodeKind(value)}`, valueOffset, {
          text: 'while constructing a mapping',
          offset: start,
        });
      }
    }
    if (merged.length === 0) return own;
    const ownKeys = new Set(own.map((p) => keyText(p.key)));
    return [...merged.filter((p) => !ownKeys.has(keyText(p.key))), ...own];
  }

  /** Python's repr of a PyYAML node, as PyYAML prints it (`ScalarNode(tag='...', value='x')`). */
  private nodeRepr(node: Resolved): string {
    const tag = this.tagOf(node);
    if (node === null) return `ScalarNode(tag=${pyStrRepr(tag)}, value='')`;
    if (isScalar(node)) return `ScalarNode(tag=${pyStrRepr(tag)}, value=${pyStrRepr(scalarText(node))})`;
    const kind = isSeq(node) ? 'SequenceNode' : 'MappingNode';
    return `${kind}(tag=${pyStrRepr(tag)}, value=${this.nodeValueRepr(node)})`;
  }

  /** Python's repr of a PyYAML node's `value`: the text, a list of nodes, or a list of (key, value) pairs. */
  private nodeValueRepr(node: Resolved): string {
    if (node === null) return '';
    if (isScalar(node)) return scalarText(node);
    if (isSeq(node)) return `[${node.items.map((item) => this.nodeRepr(this.follow(item))).join(', ')}]`;
    const pairs = isPair(node) ? [node] : isMap(node) ? node.items : [];
    return `[${pairs
      .map((p) => `(${this.nodeRepr(this.follow(p.key))}, ${this.nodeRepr(this.follow(p.value))})`)
      .join(', ')}]`;
  }

  private constructMapping(node: YamlNode | YamlPair, start: number, path: readonly YamlPathItem[] | null): unknown {
    const entries: [unknown, unknown][] = [];
    const seen = new Set<string>();
    for (const pair of this.flatten(node, start)) {
      const keyTag = this.tagOf(pair.key);
      const key =
        keyTag === TAG.value && isScalar(pair.key)
          ? scalarText(pair.key)
          : this.construct(pair.key, pair.keyOffset, null);
      const id = hashKey(key);
      const context = { text: 'while constructing a mapping', offset: start };
      if (id === undefined) this.fail(`found unacceptable key ${this.nodeValueRepr(pair.key)}`, pair.keyOffset, context);
      if (seen.has(id)) this.fail(`found conflicting ID '${pyStrKey(key)}'`, pair.keyOffset, context);
      seen.add(id);
      const childPath = path && [...path, typeof key === 'string' ? key : pyStrKey(key)];
      const value = this.construct(pair.value, pair.keyOffset, childPath);
      this.record(childPath, pair.keyOffset);
      entries.push([key, value]);
    }
    if (entries.every(([k]) => typeof k === 'string')) {
      const obj: Record<string, unknown> = {};
      for (const [k, v] of entries) {
        Object.defineProperty(obj, k as string, { value: v, enumerable: true, writable: true, configurable: true });
      }
      return obj;
    }
    return new Map(entries);
  }
}

function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replaceAll(quote, `\\${quote}`);
  return quote + body + quote;
}

function scalarText(node: Scalar): string {
  const src = node.source;
  return typeof src === 'string' ? src : String(node.value ?? '');
}

function keyText(node: Resolved): string {
  if (node === null) return '';
  if (isPair(node)) return `n:${keyText(node.key as Resolved)}`;
  if (isScalar(node)) return `s:${scalarText(node)}`;
  return `n:${node.range?.[0] ?? -1}`;
}

function nodeKind(node: Resolved): string {
  if (node === null || isScalar(node)) return 'scalar';
  if (isPair(node)) return 'mapping';
  return isSeq(node) ? 'sequence' : 'mapping';
}

/**
 * An identity that matches Python dict key equality (1 == 1.0 == True, 0 == False), or undefined for
 * an unhashable key (list, dict, set).
 */
function hashKey(key: unknown): string | undefined {
  if (key === null) return 'None';
  if (typeof key === 'string') return `s:${key}`;
  if (typeof key === 'boolean') return `n:${key ? 1 : 0}`;
  if (typeof key === 'bigint') return `n:${key}`;
  if (key instanceof PyFloat) return numberId(key.value);
  if (typeof key === 'number') return numberId(key);
  if (Buffer.isBuffer(key)) return `b:${key.toString('hex')}`;
  return undefined;
}

let nanCounter = 0;
function numberId(n: number): string {
  if (Number.isNaN(n)) return `nan:${nanCounter++}`; // nan never equals another nan
  if (Number.isInteger(n)) return `n:${BigInt(n)}`;
  return `n:${n}`;
}

/** Python's str() of a mapping key, for messages and paths. */
function pyStrKey(key: unknown): string {
  if (key === null) return 'None';
  if (typeof key === 'boolean') return key ? 'True' : 'False';
  if (key instanceof PyFloat) return key.toString();
  if (Buffer.isBuffer(key)) return `b'${key.toString('latin1')}'`;
  return String(key);
}
