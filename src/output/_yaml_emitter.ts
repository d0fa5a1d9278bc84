/**
 * A YAML writer that produces what Salt's `yaml.dump(..., Dumper=SafeOrderedDumper)` produces:
 * PyYAML's SafeRepresenter and implicit resolver (YAML 1.1) feeding libyaml's emitter (CSafeDumper).
 *
 * Behaviour reproduced: block and flow styles, indentless sequences under mapping keys, simple and
 * complex (`? `) keys, scalar style choice (plain / single / double quoted / literal for !!binary),
 * folding at 80 columns, libyaml's notion of printable characters (so characters outside the BMP
 * are written as `\UXXXXXXXX` in double quotes). Not reproduced: anchors and aliases for objects that
 * appear twice (JS data from JSON or msgpack never shares objects).
 */
import {
  OrderedDict,
  PyFloat,
  dictItems,
  isDict,
  isInt,
  pyCompare,
  pyFloatRepr,
  reprInt,
} from './python.js';

const TAG_PREFIX = 'tag:yaml.org,2002:';
const STR = TAG_PREFIX + 'str';

interface ScalarNode {
  kind: 'scalar';
  tag: string;
  value: string;
  style: 'literal' | null;
}
interface SeqNode {
  kind: 'seq';
  tag: string;
  items: YamlNode[];
  flow: boolean;
}
interface MapNode {
  kind: 'map';
  tag: string;
  pairs: [YamlNode, YamlNode][];
  flow: boolean;
}
type YamlNode = ScalarNode | SeqNode | MapNode;

/** Options of {@link safeDump}, named after PyYAML's `yaml.dump` arguments. */
export interface SafeDumpOptions {
  /** true → every collection in flow style (`{a: [1, 2]}`); false → block style. Default false. */
  defaultFlowStyle?: boolean;
  /** Indentation step, 2..9 (others fall back to 2, as libyaml does). Default 2. */
  indent?: number;
  /** Line width for folding long scalars. Default 80. */
  width?: number;
  /** Write non-ASCII printable characters as is (Salt: true). Default true. */
  allowUnicode?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Representer (PyYAML SafeRepresenter + Salt's SafeOrderedDumper)

function floatValue(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (n === Infinity) return '.inf';
  if (n === -Infinity) return '-.inf';
  let value = pyFloatRepr(n).toLowerCase();
  if (!value.includes('.') && value.includes('e')) value = value.replace('e', '.0e');
  return value;
}

function encodeBytesBase64(b: Uint8Array): string {
  // base64.encodebytes: lines of at most 76 characters, each ending in a newline.
  const text = Buffer.from(b).toString('base64');
  let out = '';
  for (let i = 0; i < text.length; i += 76) out += text.slice(i, i + 76) + '\n';
  return out;
}

function represent(v: unknown, flow: boolean): YamlNode {
  const scalar = (tag: string, value: string, style: 'literal' | null = null): ScalarNode => ({
    kind: 'scalar',
    tag: TAG_PREFIX + tag,
    value,
    style,
  });
  if (v === null || v === undefined) return scalar('null', 'null');
  if (typeof v === 'string') return scalar('str', v);
  if (typeof v === 'boolean') return scalar('bool', v ? 'true' : 'false');
  if (v instanceof PyFloat) return scalar('float', floatValue(v.value));
  if (isInt(v)) return scalar('int', reprInt(v));
  if (typeof v === 'number') return scalar('float', floatValue(v));
  if (v instanceof Uint8Array) return scalar('binary', encodeBytesBase64(v), 'literal');
  if (Array.isArray(v)) return { kind: 'seq', tag: TAG_PREFIX + 'seq', items: v.map((x) => represent(x, flow)), flow };
  if (v instanceof Set) {
    const pairs = sortedPairs([...v].map((k) => [k, null] as [unknown, unknown]));
    return { kind: 'map', tag: TAG_PREFIX + 'set', pairs: pairs.map(([k, x]) => [represent(k, flow), represent(x, flow)]), flow };
  }
  if (isDict(v)) {
    const items = v instanceof OrderedDict ? dictItems(v) : sortedPairs(dictItems(v));
    return {
      kind: 'map',
      tag: TAG_PREFIX + 'map',
      pairs: items.map(([k, x]) => [represent(k, flow), represent(x, flow)]),
      flow,
    };
  }
  // Salt's SafeOrderedDumper writes anything it does not know as a null.
  return scalar('null', 'NULL');
}

function sortedPairs(items: [unknown, unknown][]): [unknown, unknown][] {
  try {
    return [...items].sort((a, b) => pyCompare(a[0], b[0]));
  } catch {
    return items; // PyYAML keeps the insertion order when keys cannot be ordered.
  }
}

// ---------------------------------------------------------------------------------------------
// Resolver (YAML 1.1 implicit types, as PyYAML's Resolver)

const IMPLICIT: [string, RegExp, string][] = [
  ['bool', /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/, 'yYnNtTfFoO'],
  [
    'float',
    /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
    '-+0123456789.',
  ],
  [
    'int',
    /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
    '-+0123456789',
  ],
  ['merge', /^(?:<<)$/, '<'],
  ['null', /^(?:~|null|Null|NULL|)$/, '~nN'],
  [
    'timestamp',
    /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
    '0123456789',
  ],
  ['value', /^(?:=)$/, '='],
];

/** The tag a plain scalar would be read back as. Python's `$` also matches before a final newline. */
function resolvePlain(value: string): string {
  const first = value === '' ? '' : value[0];
  const candidate = value.endsWith('\n') ? value.slice(0, -1) : value;
  for (const [tag, re, firsts] of IMPLICIT) {
    const applies = first === '' ? tag === 'null' : firsts.includes(first);
    if (applies && (re.test(value) || re.test(candidate))) return TAG_PREFIX + tag;
  }
  return STR;
}

// ---------------------------------------------------------------------------------------------
// Scalar analysis (libyaml yaml_emitter_analyze_scalar)

interface ScalarAnalysis {
  multiline: boolean;
  flowPlainAllowed: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
  byteLength: number;
}

function isBreak(cp: number): boolean {
  return cp === 0x0a || cp === 0x0d || cp === 0x85 || cp === 0x2028 || cp === 0x2029;
}

function isBlankz(cp: number | undefined): boolean {
  return cp === undefined || cp === 0 || cp === 0x20 || cp === 0x09 || isBreak(cp);
}

/** libyaml's IS_PRINTABLE: only BMP characters, and not tab, CR, NEL, BOM or surrogates. */
function isPrintable(cp: number): boolean {
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
}

function analyzeScalar(value: string, unicode: boolean): ScalarAnalysis {
  const cps = [...value].map((ch) => ch.codePointAt(0)!);
  const byteLength = Buffer.byteLength(value, 'utf8');
  if (cps.length === 0) {
    return {
      multiline: false,
      flowPlainAllowed: false,
      blockPlainAllowed: true,
      singleQuotedAllowed: true,
      blockAllowed: false,
      byteLength,
    };
  }
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;

  if (value.startsWith('---') || value.startsWith('...')) {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  let followedByWhitespace = isBlankz(cps[1]);

  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i];
    const ch = String.fromCodePoint(cp);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) {
        flowIndicators = true;
        blockIndicators = true;
      }
      if (ch === '?' || ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else {
      if (',?[]{}'.includes(ch)) flowIndicators = true;
      if (ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '#' && precededByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    }
    if (!isPrintable(cp) || (cp > 0x7f && !unicode)) specialCharacters = true;
    if (isBreak(cp)) lineBreaks = true;

    if (cp === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === cps.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(cp)) {
      if (i === 0) leadingBreak = true;
      if (i === cps.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankz(cp);
    if (i + 1 < cps.length) followedByWhitespace = isBlankz(cps[i + 2]);
  }

  const a: ScalarAnalysis = {
    multiline: lineBreaks,
    flowPlainAllowed: true,
    blockPlainAllowed: true,
    singleQuotedAllowed: true,
    blockAllowed: true,
    byteLength,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
  }
  if (trailingSpace) a.blockAllowed = false;
  if (breakSpace) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
    a.blockAllowed = false;
  }
  if (lineBreaks) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
  }
  if (flowIndicators) a.flowPlainAllowed = false;
  if (blockIndicators) a.blockPlainAllowed = false;
  return a;
}

// ---------------------------------------------------------------------------------------------
// Emitter (libyaml's yaml_emitter_* behaviour, driven recursively over the node tree)

type ScalarStyle = 'plain' | 'single' | 'double' | 'literal';

interface TagData {
  handle: string;
  suffix: string;
  verbatim: boolean;
}

function tagData(tag: string): TagData {
  if (tag.startsWith(TAG_PREFIX)) return { handle: '!!', suffix: tag.slice(TAG_PREFIX.length), verbatim: false };
  if (tag.startsWith('!')) return { handle: '!', suffix: tag.slice(1), verbatim: false };
  return { handle: '', suffix: tag, verbatim: true };
}

interface Context {
  root: boolean;
  sequence: boolean;
  mapping: boolean;
  simpleKey: boolean;
}

class Emitter {
  private out = '';
  private column = 0;
  private whitespace = true;
  private indention = true;
  private indent = -1;
  private readonly indents: number[] = [];
  private flowLevel = 0;
  private ctx: Context = { root: false, sequence: false, mapping: false, simpleKey: false };
  private readonly analyses = new Map<ScalarNode, ScalarAnalysis>();

  constructor(
    private readonly bestIndent: number,
    private readonly bestWidth: number,
    private readonly unicode: boolean,
  ) {}

  document(root: YamlNode): string {
    this.node(root, { root: true, sequence: false, mapping: false, simpleKey: false });
    this.writeIndent();
    return this.out;
  }

  private analysis(node: ScalarNode): ScalarAnalysis {
    let a = this.analyses.get(node);
    if (!a) {
      a = analyzeScalar(node.value, this.unicode);
      this.analyses.set(node, a);
    }
    return a;
  }

  // --- low-level writers

  private put(text: string): void {
    this.out += text;
    this.column += [...text].length;
  }

  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.put(indicator);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  private writeIndent(): void {
    const indent = this.indent >= 0 ? this.indent : 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    if (this.column < indent) this.put(' '.repeat(indent - this.column));
    this.whitespace = true;
    this.indention = true;
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? this.bestIndent : 0;
    else if (!indentless) this.indent += this.bestIndent;
  }

  private popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  private writeTag(tag: TagData): void {
    if (tag.verbatim) {
      this.writeIndicator('!<', true, false, false);
      this.put(tag.suffix);
      this.writeIndicator('>', false, false, false);
      return;
    }
    if (!this.whitespace) this.put(' ');
    this.put(tag.handle + tag.suffix);
    this.whitespace = false;
    this.indention = false;
  }

  // --- nodes

  private node(node: YamlNode, ctx: Context): void {
    this.ctx = ctx;
    if (node.kind === 'scalar') this.scalar(node);
    else if (node.kind === 'seq') this.sequence(node);
    else this.mapping(node);
  }

  /** libyaml's check_simple_key: can this node be written as `key:` on one line? */
  private isSimpleKey(node: YamlNode): boolean {
    if (node.kind === 'scalar') {
      const a = this.analysis(node);
      if (a.multiline) return false;
      const tag = this.scalarTag(node);
      const tagLength = tag ? tag.handle.length + tag.suffix.length : 0;
      return tagLength + a.byteLength <= 128;
    }
    const empty = node.kind === 'seq' ? node.items.length === 0 : node.pairs.length === 0;
    if (!empty) return false;
    const tag = this.collectionTag(node);
    return (tag ? tag.handle.length + tag.suffix.length : 0) <= 128;
  }

  private scalarTag(node: ScalarNode): TagData | null {
    const plainImplicit = node.tag === resolvePlain(node.value);
    const quotedImplicit = node.tag === STR;
    return plainImplicit || quotedImplicit ? null : tagData(node.tag);
  }

  private collectionTag(node: SeqNode | MapNode): TagData | null {
    const implicit = node.tag === TAG_PREFIX + (node.kind === 'seq' ? 'seq' : 'map');
    return implicit ? null : tagData(node.tag);
  }

  private selectScalarStyle(node: ScalarNode): { style: ScalarStyle; tag: TagData | null } {
    const a = this.analysis(node);
    let tag = this.scalarTag(node);
    const plainImplicit = node.tag === resolvePlain(node.value);
    const quotedImplicit = node.tag === STR;
    const noTag = tag === null;
    let style: ScalarStyle = node.style === 'literal' ? 'literal' : 'plain';
    if (this.ctx.simpleKey && a.multiline) style = 'double';
    if (style === 'plain') {
      if ((this.flowLevel && !a.flowPlainAllowed) || (!this.flowLevel && !a.blockPlainAllowed)) style = 'single';
      if (!node.value.length && (this.flowLevel || this.ctx.simpleKey)) style = 'single';
      if (noTag && !plainImplicit) style = 'single';
    }
    if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
    if (style === 'literal' && (!a.blockAllowed || this.flowLevel || this.ctx.simpleKey)) style = 'double';
    if (noTag && !quotedImplicit && style !== 'plain') tag = { handle: '!', suffix: '', verbatim: false };
    return { style, tag };
  }

  private scalar(node: ScalarNode): void {
    const { style, tag } = this.selectScalarStyle(node);
    if (tag) this.writeTag(tag);
    this.increaseIndent(true, false);
    const allowBreaks = !this.ctx.simpleKey;
    if (style === 'plain') this.writePlain(node.value, allowBreaks);
    else if (style === 'single') this.writeSingleQuoted(node.value, allowBreaks);
    else if (style === 'double') this.writeDoubleQuoted(node.value, allowBreaks);
    else this.writeLiteral(node.value);
    this.popIndent();
  }

  private sequence(node: SeqNode): void {
    const tag = this.collectionTag(node);
    if (tag) this.writeTag(tag);
    const ctx = this.ctx;
    if (this.flowLevel || node.flow || node.items.length === 0) {
      this.writeIndicator('[', true, true, false);
      this.increaseIndent(true, false);
      this.flowLevel++;
      node.items.forEach((item, i) => {
        if (i > 0) this.writeIndicator(',', false, false, false);
        if (this.column > this.bestWidth) this.writeIndent();
        this.node(item, { root: false, sequence: true, mapping: false, simpleKey: false });
      });
      this.flowLevel--;
      this.popIndent();
      this.writeIndicator(']', false, false, false);
      return;
    }
    this.increaseIndent(false, ctx.mapping && !this.indention);
    for (const item of node.items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item, { root: false, sequence: true, mapping: false, simpleKey: false });
    }
    this.popIndent();
  }

  private mapping(node: MapNode): void {
    const tag = this.collectionTag(node);
    if (tag) this.writeTag(tag);
    if (this.flowLevel || node.flow || node.pairs.length === 0) {
      this.writeIndicator('{', true, true, false);
      this.increaseIndent(true, false);
      this.flowLevel++;
      node.pairs.forEach(([key, value], i) => {
        if (i > 0) this.writeIndicator(',', false, false, false);
        if (this.column > this.bestWidth) this.writeIndent();
        if (this.isSimpleKey(key)) {
          this.node(key, { root: false, sequence: false, mapping: true, simpleKey: true });
          this.writeIndicator(':', false, false, false);
        } else {
          this.writeIndicator('?', true, false, false);
          this.node(key, { root: false, sequence: false, mapping: true, simpleKey: false });
          if (this.column > this.bestWidth) this.writeIndent();
          this.writeIndicator(':', true, false, false);
        }
        this.node(value, { root: false, sequence: false, mapping: true, simpleKey: false });
      });
      this.flowLevel--;
      this.popIndent();
      this.writeIndicator('}', false, false, false);
      return;
    }
    this.increaseIndent(false, false);
    for (const [key, value] of node.pairs) {
      this.writeIndent();
      if (this.isSimpleKey(key)) {
        this.node(key, { root: false, sequence: false, mapping: true, simpleKey: true });
        this.writeIndicator(':', false, false, false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.node(key, { root: false, sequence: false, mapping: true, simpleKey: false });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(value, { root: false, sequence: false, mapping: true, simpleKey: false });
    }
    this.popIndent();
  }

  // --- scalar writers

  private writeBreakChar(ch: string): void {
    if (ch === '\n') this.putBreak();
    else {
      this.out += ch;
      this.column = 0;
    }
  }

  private writePlain(value: string, allowBreaks: boolean): void {
    const chars = [...value];
    if (!this.whitespace && (chars.length || this.flowLevel)) this.put(' ');
    let spaces = false;
    let breaks = false;
    chars.forEach((ch, i) => {
      const cp = ch.codePointAt(0)!;
      if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > this.bestWidth && chars[i + 1] !== ' ') {
          this.writeIndent();
        } else this.put(ch);
        spaces = true;
      } else if (isBreak(cp)) {
        if (!breaks && ch === '\n') this.putBreak();
        this.writeBreakChar(ch);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(ch);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    });
    this.whitespace = false;
    this.indention = false;
  }

  private writeSingleQuoted(value: string, allowBreaks: boolean): void {
    const chars = [...value];
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    chars.forEach((ch, i) => {
      const cp = ch.codePointAt(0)!;
      if (ch === ' ') {
        if (
          allowBreaks &&
          !spaces &&
          this.column > this.bestWidth &&
          i !== 0 &&
          i !== chars.length - 1 &&
          chars[i + 1] !== ' '
        ) {
          this.writeIndent();
        } else this.put(ch);
        spaces = true;
      } else if (isBreak(cp)) {
        if (!breaks && ch === '\n') this.putBreak();
        this.writeBreakChar(ch);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (ch === "'") this.put("'");
        this.put(ch);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    });
    if (breaks) this.writeIndent();
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDoubleQuoted(value: string, allowBreaks: boolean): void {
    const chars = [...value];
    this.writeIndicator('"', true, false, false);
    let spaces = false;
    chars.forEach((ch, i) => {
      const cp = ch.codePointAt(0)!;
      if (
        !isPrintable(cp) ||
        (!this.unicode && cp > 0x7f) ||
        cp === 0xfeff ||
        isBreak(cp) ||
        ch === '"' ||
        ch === '\\'
      ) {
        this.put('\\' + doubleQuotedEscape(cp));
        spaces = false;
      } else if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > this.bestWidth && i !== 0 && i !== chars.length - 1) {
          this.writeIndent();
          if (chars[i + 1] === ' ') this.put('\\');
        } else this.put(ch);
        spaces = true;
      } else {
        this.put(ch);
        spaces = false;
      }
    });
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(value: string): void {
    this.writeIndicator('|', true, false, false);
    const chars = [...value];
    const first = chars[0];
    if (first !== undefined && (first === ' ' || isBreak(first.codePointAt(0)!))) {
      this.writeIndicator(String(this.bestIndent), false, false, false);
    }
    const last = chars[chars.length - 1];
    let chomp = '';
    if (last === undefined || !isBreak(last.codePointAt(0)!)) chomp = '-';
    else if (chars.length === 1) chomp = '+';
    else if (isBreak(chars[chars.length - 2].codePointAt(0)!)) chomp = '+';
    if (chomp) this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const ch of chars) {
      if (isBreak(ch.codePointAt(0)!)) {
        this.writeBreakChar(ch);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(ch);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

const SHORT_ESCAPES: Record<number, string> = {
  0x00: '0',
  0x07: 'a',
  0x08: 'b',
  0x09: 't',
  0x0a: 'n',
  0x0b: 'v',
  0x0c: 'f',
  0x0d: 'r',
  0x1b: 'e',
  0x22: '"',
  0x5c: '\\',
  0x85: 'N',
  0xa0: '_',
  0x2028: 'L',
  0x2029: 'P',
};

function doubleQuotedEscape(cp: number): string {
  const short = SHORT_ESCAPES[cp];
  if (short !== undefined) return short;
  const hexText = cp.toString(16).toUpperCase();
  if (cp <= 0xff) return 'x' + hexText.padStart(2, '0');
  if (cp <= 0xffff) return 'u' + hexText.padStart(4, '0');
  return 'U' + hexText.padStart(8, '0');
}

/**
 * Salt's `salt.utils.yaml.safe_dump` text for a value (one document, ending with a newline):
 * dict keys sorted (unless an OrderedDict, or unorderable), bytes as `!!binary`, tuples as lists,
 * unknown objects as `NULL`.
 */
export function safeDump(data: unknown, opts: SafeDumpOptions = {}): string {
  const indent = opts.indent !== undefined && opts.indent > 1 && opts.indent < 10 ? opts.indent : 2;
  let width = opts.width ?? 80;
  if (width >= 0 && width <= indent * 2) width = 80;
  if (width < 0) width = Number.MAX_SAFE_INTEGER;
  const root = represent(data, opts.defaultFlowStyle ?? false);
  return new Emitter(indent, width, opts.allowUnicode ?? true).document(root);
}
