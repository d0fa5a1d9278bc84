/**
 * Python `re` (3.10, str patterns) translated to JavaScript RegExp.
 *
 * The pattern is parsed the way `sre_parse` does, so patterns Python rejects throw
 * {@link PyRegexError} with Python's message (`"unterminated character set at position 0"`).
 * The JS output reproduces Python semantics where JS differs: `$` also matches before a final
 * newline, `.` excludes only `\n`, `\w`/`\d`/`\s`/`\b` are Unicode-aware, `\Z`, `\A`, `(?P<n>)`,
 * `(?P=n)`, scoped flags `(?s:...)`, `(?m:...)`, `(?x:...)`, `(?i:...)`, and global inline flags anywhere
 * (3.10 accepts them with a warning). Constructs JS cannot express throw {@link PyRegexUnsupportedError}.
 */
import { PY_WHITESPACE } from './_pystr.js';

/** A pattern Python's `re.compile` rejects (Python type `re.error`, or `OverflowError`). */
export class PyRegexError extends Error {
  override readonly name = 'PyRegexError';
  readonly code = 'PY_RE_ERROR';
  /** The Python exception class name, as the conformance cases record it. */
  readonly pyType: string;
  constructor(
    /** Python's message without the position suffix. */
    readonly msg: string,
    readonly pattern: string,
    /** Code point offset into the pattern, or undefined when Python gives none. */
    readonly pos?: number,
    pyType = 'error',
  ) {
    super(pos === undefined ? msg : `${msg} ${positionText(pattern, pos)}`);
    this.pyType = pyType;
  }
}

/** A valid Python pattern that has no JavaScript equivalent here (e.g. conditional groups, `\N{...}`). */
export class PyRegexUnsupportedError extends Error {
  override readonly name = 'PyRegexUnsupportedError';
  readonly code = 'PY_RE_UNSUPPORTED';
  constructor(
    readonly pattern: string,
    readonly feature: string,
  ) {
    super(`Python regex ${JSON.stringify(pattern)} uses ${feature}, which has no JavaScript equivalent`);
  }
}

function positionText(pattern: string, pos: number): string {
  if (!pattern.includes('\n')) return `at position ${pos}`;
  const before = Array.from(pattern).slice(0, pos);
  const lineno = before.filter((c) => c === '\n').length + 1;
  const colno = pos - before.lastIndexOf('\n');
  return `at position ${pos} (line ${lineno}, column ${colno})`;
}

// ---------------------------------------------------------------------------------------------
// Parse tree

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  x: boolean;
  a: boolean;
  u: boolean;
}
type FlagName = keyof Flags;

type Category = 'd' | 'D' | 'w' | 'W' | 's' | 'S';
type ClassPart = { t: 'lit'; cp: number } | { t: 'range'; lo: number; hi: number } | { t: 'cat'; cat: Category };

type Node =
  | { t: 'lit'; cp: number }
  | { t: 'any' }
  | { t: 'cat'; cat: Category }
  | { t: 'class'; negate: boolean; parts: ClassPart[] }
  | { t: 'at'; at: 'bol' | 'eol' | 'A' | 'Z' | 'b' | 'B' }
  | { t: 'group'; id: number | null; name?: string; add: Partial<Flags>; del: Partial<Flags>; body: Alt }
  | { t: 'look'; behind: boolean; neg: boolean; body: Alt }
  | { t: 'ref'; id: number }
  | { t: 'repeat'; min: number; max: number; lazy: boolean; item: Node[] };

interface Alt {
  branches: Node[][];
}

const MAXREPEAT = 4294967295;
const DIGITS = '0123456789';
const OCTDIGITS = '01234567';
const HEXDIGITS = '0123456789abcdefABCDEF';
const ASCIILETTERS = /^[A-Za-z]$/;
const VERBOSE_WS = ' \t\n\r\v\f';
const FLAG_CHARS = 'iLmsxatu';
const SIMPLE_ESCAPES: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };
const CATEGORIES = new Set(['d', 'D', 's', 'S', 'w', 'W']);

class VerboseRestart {}

class Parser {
  private readonly chars: string[];
  private pos = 0;
  /** Group widths by group number; undefined while the group is still open. Index 0 unused. */
  private readonly widths: Array<[number, number] | undefined> = [undefined];
  private readonly names = new Map<string, number>();
  private lookbehindGroups: number | null = null;
  readonly globalFlags: Flags;

  constructor(
    private readonly pattern: string,
    flags: Flags,
  ) {
    this.chars = Array.from(pattern);
    this.globalFlags = { ...flags };
  }

  get groupCount(): number {
    return this.widths.length - 1;
  }

  groupNameEntries(): Array<[string, number]> {
    return [...this.names];
  }

  error(msg: string, offset = 0): PyRegexError {
    return new PyRegexError(msg, this.pattern, this.pos - offset);
  }

  private peek(): string | null {
    const c = this.chars[this.pos];
    if (c === undefined) return null;
    if (c === '\\') {
      const d = this.chars[this.pos + 1];
      if (d === undefined) throw new PyRegexError('bad escape (end of pattern)', this.pattern, this.pos);
      return c + d;
    }
    return c;
  }

  private get(): string | null {
    const t = this.peek();
    if (t !== null) this.pos += t.length === 2 ? 2 : 1;
    return t;
  }

  private match(s: string): boolean {
    if (this.peek() === s) {
      this.get();
      return true;
    }
    return false;
  }

  private getWhile(n: number, allowed: string): string {
    let out = '';
    for (let k = 0; k < n; k++) {
      const c = this.chars[this.pos];
      if (!isIn(allowed, c)) break;
      out += c;
      this.pos++;
    }
    return out;
  }

  private getUntil(terminator: string, what: string): string {
    let result = '';
    for (;;) {
      const c = this.get();
      if (c === null) {
        if (!result) throw this.error('missing ' + what);
        throw this.error(`missing ${terminator}, unterminated name`, result.length);
      }
      if (c === terminator) {
        if (!result) throw this.error('missing ' + what, 1);
        break;
      }
      result += c;
    }
    return result;
  }

  parse(): Alt {
    const verbose = this.globalFlags.x;
    const alt = this.parseSub(verbose, 0);
    if (this.peek() !== null) throw this.error('unbalanced parenthesis');
    return alt;
  }

  private parseSub(verbose: boolean, nested: number): Alt {
    const branches: Node[][] = [];
    for (;;) {
      branches.push(this.parseSeq(verbose, nested + 1));
      if (!this.match('|')) break;
    }
    return { branches };
  }

  private parseSeq(verbose: boolean, nested: number): Node[] {
    const seq: Node[] = [];
    for (;;) {
      const token = this.peek();
      if (token === null || token === '|' || token === ')') break;
      this.get();
      if (verbose) {
        if (VERBOSE_WS.includes(token)) continue;
        if (token === '#') {
          for (;;) {
            const c = this.get();
            if (c === null || c === '\n') break;
          }
          continue;
        }
      }
      if (token.length === 2) {
        seq.push(this.escape(token));
      } else if (!'.[{()*+?^$|'.includes(token)) {
        seq.push({ t: 'lit', cp: token.codePointAt(0)! });
      } else if (token === '[') {
        seq.push(this.charClass());
      } else if ('*+?{'.includes(token)) {
        this.repeat(token, seq);
      } else if (token === '.') {
        seq.push({ t: 'any' });
      } else if (token === '(') {
        const node = this.group(verbose, nested);
        if (node) seq.push(node);
      } else if (token === '^') {
        seq.push({ t: 'at', at: 'bol' });
      } else if (token === '$') {
        seq.push({ t: 'at', at: 'eol' });
      }
    }
    return seq;
  }

  private repeat(token: string, seq: Node[]): void {
    const here = this.pos;
    let min = 0;
    let max = MAXREPEAT;
    if (token === '?') max = 1;
    else if (token === '+') min = 1;
    else if (token === '{') {
      if (this.chars[this.pos] === '}') {
        seq.push({ t: 'lit', cp: 0x7b });
        return;
      }
      const lo = this.getWhile(Infinity, DIGITS);
      let hi: string;
      if (this.chars[this.pos] === ',') {
        this.pos++;
        hi = this.getWhile(Infinity, DIGITS);
      } else hi = lo;
      if (this.chars[this.pos] !== '}') {
        seq.push({ t: 'lit', cp: 0x7b });
        this.pos = here;
        return;
      }
      this.pos++;
      if (lo) {
        min = Number(lo);
        if (min >= MAXREPEAT) throw new PyRegexError('the repetition number is too large', this.pattern, undefined, 'OverflowError');
      }
      if (hi) {
        max = Number(hi);
        if (max >= MAXREPEAT) throw new PyRegexError('the repetition number is too large', this.pattern, undefined, 'OverflowError');
        if (max < min) throw this.error('min repeat greater than max repeat', this.pos - here);
      }
    }
    const at = here - 1;
    const last = seq[seq.length - 1];
    if (!last || last.t === 'at') throw new PyRegexError('nothing to repeat', this.pattern, at);
    if (last.t === 'repeat') throw new PyRegexError('multiple repeat', this.pattern, at);
    let item: Node[] = [last];
    if (last.t === 'group' && last.id === null && !Object.keys(last.add).length && !Object.keys(last.del).length) {
      item = last.body.branches.length === 1 ? last.body.branches[0] : [last];
    }
    const lazy = this.match('?');
    seq[seq.length - 1] = { t: 'repeat', min, max, lazy, item };
  }

  private escape(token: string): Node {
    const c = token[1];
    if (c === 'A') return { t: 'at', at: 'A' };
    if (c === 'Z') return { t: 'at', at: 'Z' };
    if (c === 'b') return { t: 'at', at: 'b' };
    if (c === 'B') return { t: 'at', at: 'B' };
    if (CATEGORIES.has(c)) return { t: 'cat', cat: c as Category };
    if (c in SIMPLE_ESCAPES) return { t: 'lit', cp: SIMPLE_ESCAPES[c] };
    const common = this.commonEscape(token);
    if (common !== null) return { t: 'lit', cp: common };
    if (c === '0') {
      const more = this.getWhile(2, OCTDIGITS);
      return { t: 'lit', cp: parseInt('0' + more, 8) };
    }
    if (DIGITS.includes(c)) {
      let escape = token;
      if (isIn(DIGITS, this.chars[this.pos])) {
        escape += this.chars[this.pos++];
        if (OCTDIGITS.includes(escape[1]) && OCTDIGITS.includes(escape[2]) && isIn(OCTDIGITS, this.chars[this.pos])) {
          escape += this.chars[this.pos++];
          const v = parseInt(escape.slice(1), 8);
          if (v > 0o377) throw this.error(`octal escape value ${escape} outside of range 0-0o377`, escape.length);
          return { t: 'lit', cp: v };
        }
      }
      const id = Number(escape.slice(1));
      if (id < this.widths.length) {
        if (this.widths[id] === undefined) throw this.error('cannot refer to an open group', escape.length);
        this.checkLookbehindGroup(id);
        return { t: 'ref', id };
      }
      throw this.error(`invalid group reference ${id}`, escape.length - 1);
    }
    if (ASCIILETTERS.test(c)) throw this.error(`bad escape ${token}`, token.length);
    return { t: 'lit', cp: c.codePointAt(0)! };
  }

  /** `\x`, `\u`, `\U`, `\N{...}`: the code point, or null when `token` is none of them. */
  private commonEscape(token: string): number | null {
    const c = token[1];
    const digits = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
    if (digits) {
      const escape = token + this.getWhile(digits, HEXDIGITS);
      if (escape.length !== digits + 2) throw this.error(`incomplete escape ${escape}`, escape.length);
      const v = parseInt(escape.slice(2), 16);
      if (v > 0x10ffff) throw this.error(`bad escape ${escape}`, escape.length);
      return v;
    }
    if (c === 'N') throw new PyRegexUnsupportedError(this.pattern, 'a named character escape \\N{...}');
    return null;
  }

  private classEscape(token: string): ClassPart {
    const c = token[1];
    if (c === 'b') return { t: 'lit', cp: 8 };
    if (c in SIMPLE_ESCAPES) return { t: 'lit', cp: SIMPLE_ESCAPES[c] };
    if (CATEGORIES.has(c)) return { t: 'cat', cat: c as Category };
    const common = this.commonEscape(token);
    if (common !== null) return { t: 'lit', cp: common };
    if (OCTDIGITS.includes(c)) {
      const escape = token + this.getWhile(2, OCTDIGITS);
      const v = parseInt(escape.slice(1), 8);
      if (v > 0o377) throw this.error(`octal escape value ${escape} outside of range 0-0o377`, escape.length);
      return { t: 'lit', cp: v };
    }
    if (DIGITS.includes(c) || ASCIILETTERS.test(c)) throw this.error(`bad escape ${token}`, token.length);
    return { t: 'lit', cp: c.codePointAt(0)! };
  }

  private charClass(): Node {
    const here = this.pos - 1;
    const parts: ClassPart[] = [];
    const negate = this.match('^');
    const unterminated = () => new PyRegexError('unterminated character set', this.pattern, here);
    for (;;) {
      const token = this.get();
      if (token === null) throw unterminated();
      if (token === ']' && parts.length) break;
      const code1 = token.length === 2 ? this.classEscape(token) : ({ t: 'lit', cp: token.codePointAt(0)! } as ClassPart);
      if (this.match('-')) {
        const that = this.get();
        if (that === null) throw unterminated();
        if (that === ']') {
          parts.push(code1, { t: 'lit', cp: 0x2d });
          break;
        }
        const code2 = that.length === 2 ? this.classEscape(that) : ({ t: 'lit', cp: that.codePointAt(0)! } as ClassPart);
        if (code1.t !== 'lit' || code2.t !== 'lit' || code2.cp < code1.cp) {
          throw this.error(`bad character range ${token}-${that}`, token.length + 1 + that.length);
        }
        parts.push({ t: 'range', lo: code1.cp, hi: code2.cp });
      } else {
        parts.push(code1);
      }
    }
    return { t: 'class', negate, parts };
  }

  private checkLookbehindGroup(id: number): void {
    if (this.lookbehindGroups !== null) {
      if (this.widths[id] === undefined) throw this.error('cannot refer to an open group');
      if (id >= this.lookbehindGroups) throw this.error('cannot refer to group defined in the same lookbehind subpattern');
    }
  }

  private group(verbose: boolean, nested: number): Node | null {
    const start = this.pos - 1;
    let capture = true;
    let name: string | undefined;
    let add: Partial<Flags> = {};
    let del: Partial<Flags> = {};
    if (this.match('?')) {
      const char = this.get();
      if (char === null) throw this.error('unexpected end of pattern');
      if (char === 'P') {
        if (this.match('<')) {
          name = this.getUntil('>', 'group name');
          if (!isIdentifier(name)) throw this.error(`bad character in group name ${pyQuote(name)}`, name.length + 1);
        } else if (this.match('=')) {
          const ref = this.getUntil(')', 'group name');
          if (!isIdentifier(ref)) throw this.error(`bad character in group name ${pyQuote(ref)}`, ref.length + 1);
          const id = this.names.get(ref);
          if (id === undefined) throw this.error(`unknown group name ${pyQuote(ref)}`, ref.length + 1);
          if (this.widths[id] === undefined) throw this.error('cannot refer to an open group', ref.length + 1);
          this.checkLookbehindGroup(id);
          return { t: 'ref', id };
        } else {
          const next = this.get();
          if (next === null) throw this.error('unexpected end of pattern');
          throw this.error('unknown extension ?P' + next, next.length + 2);
        }
      } else if (char === ':') {
        capture = false;
      } else if (char === '#') {
        for (;;) {
          if (this.peek() === null) throw this.error('missing ), unterminated comment', this.pos - start);
          if (this.get() === ')') break;
        }
        return null;
      } else if (char === '=' || char === '!' || char === '<') {
        let kind = char;
        let behind = false;
        let saved: number | null = null;
        if (char === '<') {
          const next = this.get();
          if (next === null) throw this.error('unexpected end of pattern');
          if (next !== '=' && next !== '!') throw this.error('unknown extension ?<' + next, next.length + 2);
          kind = next;
          behind = true;
          saved = this.lookbehindGroups;
          if (saved === null) this.lookbehindGroups = this.widths.length;
        }
        const body = this.parseSub(verbose, nested + 1);
        if (behind && saved === null) this.lookbehindGroups = null;
        if (!this.match(')')) throw this.error('missing ), unterminated subpattern', this.pos - start);
        if (behind) {
          const [lo, hi] = this.altWidth(body);
          if (lo !== hi) throw new PyRegexError('look-behind requires fixed-width pattern', this.pattern);
        }
        return { t: 'look', behind, neg: kind === '!', body };
      } else if (char === '(') {
        throw new PyRegexUnsupportedError(this.pattern, 'a conditional group (?(id)yes|no)');
      } else if (FLAG_CHARS.includes(char) || char === '-') {
        const flags = this.inlineFlags(char);
        if (flags === null) {
          // Python 3.10 accepts global flags anywhere (with a DeprecationWarning) and applies them everywhere.
          if (this.globalFlags.x && !verbose) throw new VerboseRestart();
          return null;
        }
        [add, del] = flags;
        capture = false;
      } else {
        throw this.error('unknown extension ?' + char, char.length + 1);
      }
    }
    let id: number | null = null;
    if (capture) {
      id = this.widths.length;
      this.widths.push(undefined);
      if (name !== undefined) {
        const old = this.names.get(name);
        if (old !== undefined) {
          throw this.error(`redefinition of group name ${pyQuote(name)} as group ${id}; was group ${old}`, name.length + 1);
        }
        this.names.set(name, id);
      }
    }
    const subVerbose = (verbose || !!add.x) && !del.x;
    const body = this.parseSub(subVerbose, nested + 1);
    if (!this.match(')')) throw this.error('missing ), unterminated subpattern', this.pos - start);
    if (id !== null) this.widths[id] = this.altWidth(body);
    return { t: 'group', id, name, add, del, body };
  }

  /** Parses `(?aiLmsux)` / `(?flags-flags:`; null for global flags (which are applied here). */
  private inlineFlags(first: string): [Partial<Flags>, Partial<Flags>] | null {
    const add: Partial<Flags> = {};
    const del: Partial<Flags> = {};
    let char: string | null = first;
    const typeFlags = (f: Partial<Flags>) => Number(!!f.a) + Number(!!f.u);
    if (char !== '-') {
      for (;;) {
        if (char === 'L') throw this.error("bad inline flags: cannot use 'L' flag with a str pattern");
        if (char !== 't') add[char as FlagName] = true;
        if ((char === 'a' || char === 'u') && typeFlags(add) > 1) {
          throw this.error("bad inline flags: flags 'a', 'u' and 'L' are incompatible");
        }
        char = this.get();
        if (char === null) throw this.error('missing -, : or )');
        if (')-:'.includes(char)) break;
        if (!FLAG_CHARS.includes(char)) throw this.error(/\p{L}/u.test(char) ? 'unknown flag' : 'missing -, : or )', char.length);
      }
    }
    if (char === ')') {
      for (const k of Object.keys(add) as FlagName[]) this.globalFlags[k] = true;
      if (add.a) this.globalFlags.u = false;
      return null;
    }
    if (char === '-') {
      char = this.get();
      if (char === null) throw this.error('missing flag');
      if (!FLAG_CHARS.includes(char)) throw this.error(/\p{L}/u.test(char) ? 'unknown flag' : 'missing flag', char.length);
      for (;;) {
        if ('aLu'.includes(char)) throw this.error("bad inline flags: cannot turn off flags 'a', 'u' and 'L'");
        if (char !== 't') del[char as FlagName] = true;
        char = this.get();
        if (char === null) throw this.error('missing :');
        if (char === ':') break;
        if (!FLAG_CHARS.includes(char)) throw this.error(/\p{L}/u.test(char) ? 'unknown flag' : 'missing :', char.length);
      }
    }
    if ((Object.keys(add) as FlagName[]).some((k) => del[k])) throw this.error('bad inline flags: flag turned on and off', 1);
    return [add, del];
  }

  private altWidth(alt: Alt): [number, number] {
    let lo = Infinity;
    let hi = 0;
    for (const b of alt.branches) {
      const [l, h] = this.seqWidth(b);
      lo = Math.min(lo, l);
      hi = Math.max(hi, h);
    }
    return [lo === Infinity ? 0 : lo, hi];
  }

  private seqWidth(seq: Node[]): [number, number] {
    let lo = 0;
    let hi = 0;
    for (const n of seq) {
      const [l, h] = this.nodeWidth(n);
      lo += l;
      hi += h;
    }
    return [lo, hi];
  }

  private nodeWidth(n: Node): [number, number] {
    switch (n.t) {
      case 'lit':
      case 'any':
      case 'cat':
      case 'class':
        return [1, 1];
      case 'at':
      case 'look':
        return [0, 0];
      case 'group':
        return this.altWidth(n.body);
      case 'ref':
        return this.widths[n.id] ?? [0, 0];
      case 'repeat': {
        const [l, h] = this.seqWidth(n.item);
        return [l * n.min, n.max === MAXREPEAT ? (h === 0 ? 0 : Infinity) : h * n.max];
      }
    }
  }
}

/** True when `ch` is one character of `set` (never for an absent character). */
function isIn(set: string, ch: string | undefined): boolean {
  return ch !== undefined && ch.length === 1 && set.includes(ch);
}

function isIdentifier(s: string): boolean {
  return /^[\p{XID_Start}_][\p{XID_Continue}]*$/u.test(s.normalize('NFKC'));
}

function pyQuote(s: string): string {
  return s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/'/g, "\\'")}'`;
}

// ---------------------------------------------------------------------------------------------
// Emission

const WORD_U = '\\p{L}\\p{N}_';
const WORD_A = 'A-Za-z0-9_';
const SPACE_A = ' \\t\\n\\r\\f\\v';

function categoryBody(cat: Category, ascii: boolean): { body: string; negated: boolean } {
  const lower = cat.toLowerCase();
  const body = lower === 'd' ? (ascii ? '0-9' : '\\p{Nd}') : lower === 'w' ? (ascii ? WORD_A : WORD_U) : ascii ? SPACE_A : PY_WHITESPACE;
  return { body, negated: cat !== lower };
}

function lit(cp: number): string {
  const ch = String.fromCodePoint(cp);
  return /^[A-Za-z0-9_]$/.test(ch) ? ch : `\\u{${cp.toString(16)}}`;
}

/** Code points that simple case mapping relates to `cp` (for scoped `(?i:...)`). */
function caseVariants(cp: number): number[] {
  const ch = String.fromCodePoint(cp);
  const out = new Set<number>([cp]);
  for (const v of [ch.toLowerCase(), ch.toUpperCase()]) {
    const cps = Array.from(v);
    if (cps.length === 1) out.add(cps[0].codePointAt(0)!);
  }
  return [...out];
}

class Emitter {
  constructor(
    private readonly pattern: string,
    private readonly global: Flags,
    private readonly names: Map<number, string>,
  ) {}

  alt(a: Alt, f: Flags): string {
    return a.branches.map((b) => this.seq(b, f)).join('|');
  }

  seq(s: Node[], f: Flags): string {
    return s.map((n) => this.node(n, f)).join('');
  }

  private localCase(f: Flags): boolean {
    if (f.i && !this.global.i) return true;
    if (!f.i && this.global.i) throw new PyRegexUnsupportedError(this.pattern, 'a scoped (?-i:...) under global IGNORECASE');
    return false;
  }

  private classParts(parts: ClassPart[], f: Flags, expandCase: boolean): string {
    let out = '';
    for (const p of parts) {
      if (p.t === 'cat') {
        const { body, negated } = categoryBody(p.cat, f.a);
        out += negated ? `[^${body}]` : body;
      } else if (p.t === 'lit') {
        out += expandCase ? caseVariants(p.cp).map(lit).join('') : lit(p.cp);
      } else {
        out += `${lit(p.lo)}-${lit(p.hi)}`;
        if (expandCase && p.hi - p.lo < 4096) {
          for (let cp = p.lo; cp <= p.hi; cp++) for (const v of caseVariants(cp)) if (v < p.lo || v > p.hi) out += lit(v);
        }
      }
    }
    return out;
  }

  private node(n: Node, f: Flags): string {
    switch (n.t) {
      case 'lit': {
        if (this.localCase(f)) {
          const vs = caseVariants(n.cp);
          if (vs.length > 1) return `[${vs.map(lit).join('')}]`;
        }
        return lit(n.cp);
      }
      case 'any':
        return f.s ? '[\\s\\S]' : '[^\\n]';
      case 'cat': {
        const { body, negated } = categoryBody(n.cat, f.a);
        return `[${negated ? '^' : ''}${body}]`;
      }
      case 'class': {
        const body = this.classParts(n.parts, f, this.localCase(f));
        return `[${n.negate ? '^' : ''}${body}]`;
      }
      case 'at': {
        const w = f.a ? WORD_A : WORD_U;
        switch (n.at) {
          case 'bol':
            return f.m ? '(?<![^\\n])' : '(?<![\\s\\S])';
          case 'eol':
            return f.m ? '(?![^\\n])' : '(?=\\n?(?![\\s\\S]))';
          case 'A':
            return '(?<![\\s\\S])';
          case 'Z':
            return '(?![\\s\\S])';
          case 'b':
            return `(?:(?<=[${w}])(?![${w}])|(?<![${w}])(?=[${w}]))`;
          case 'B':
            return `(?:(?<=[${w}])(?=[${w}])|(?<![${w}])(?![${w}])(?:(?<=[\\s\\S])|(?=[\\s\\S])))`;
        }
        break;
      }
      case 'group': {
        const inner: Flags = { ...f };
        for (const k of Object.keys(n.add) as FlagName[]) inner[k] = true;
        if (n.add.a) inner.u = false;
        if (n.add.u) inner.a = false;
        for (const k of Object.keys(n.del) as FlagName[]) inner[k] = false;
        const body = this.alt(n.body, inner);
        if (n.id === null) return `(?:${body})`;
        const name = this.names.get(n.id);
        return name !== undefined ? `(?<${name}>${body})` : `(${body})`;
      }
      case 'look':
        return `(?${n.behind ? '<' : ''}${n.neg ? '!' : '='}${this.alt(n.body, f)})`;
      case 'ref':
        if (this.localCase(f)) throw new PyRegexUnsupportedError(this.pattern, 'a backreference under scoped (?i:...)');
        return `(?:\\${n.id})`;
      case 'repeat': {
        const q =
          n.min === 0 && n.max === MAXREPEAT
            ? '*'
            : n.min === 1 && n.max === MAXREPEAT
              ? '+'
              : n.min === 0 && n.max === 1
                ? '?'
                : n.max === MAXREPEAT
                  ? `{${n.min},}`
                  : n.min === n.max
                    ? `{${n.min}}`
                    : `{${n.min},${n.max}}`;
        return `(?:${this.seq(n.item, f)})${q}${n.lazy ? '?' : ''}`;
      }
    }
    return '';
  }
}

// ---------------------------------------------------------------------------------------------
// Public API

const NO_FLAGS: Flags = { i: false, m: false, s: false, x: false, a: false, u: true };

function parseFlagArg(flags: string): Flags {
  const f = { ...NO_FLAGS };
  for (const c of flags) {
    if (c === 'i' || c === 'm' || c === 's' || c === 'x' || c === 'a' || c === 'u') f[c] = true;
    else throw new TypeError(`pyRegex flags must be letters of "imsxau": got ${JSON.stringify(flags)}`);
  }
  if (f.a) f.u = false;
  return f;
}

const compiled = new Map<string, RegExp>();

/**
 * Compiles a Python `re` pattern (str semantics, Python 3.10) to an equivalent JS RegExp
 * (flags `v`, plus `i` for IGNORECASE). `flags` holds Python flag letters: `i m s x a u`.
 * Results are cached. Throws PyRegexError where Python raises `re.error`, and
 * PyRegexUnsupportedError for valid Python constructs JS cannot express.
 */
export function pyRegex(pattern: string, flags = ''): RegExp {
  const key = flags + '\u0000' + pattern;
  const hit = compiled.get(key);
  if (hit) return new RegExp(hit);
  const base = parseFlagArg(flags);
  let parser = new Parser(pattern, base);
  let tree: Alt;
  try {
    tree = parser.parse();
  } catch (e) {
    if (!(e instanceof VerboseRestart)) throw e;
    parser = new Parser(pattern, { ...base, x: true });
    tree = parser.parse();
  }
  const g = parser.globalFlags;
  const names = new Map(parser.groupNameEntries().map(([n, id]) => [id, n] as [number, string]));
  const source = new Emitter(pattern, g, names).alt(tree, g);
  let re: RegExp;
  try {
    re = new RegExp(source, g.i ? 'iv' : 'v');
  } catch (e) {
    throw new PyRegexUnsupportedError(pattern, `a construct JavaScript rejected (${(e as Error).message})`);
  }
  if (compiled.size >= 1024) compiled.clear();
  compiled.set(key, re);
  return new RegExp(re);
}

const sticky = new Map<string, RegExp>();

/**
 * Python `re.match(pattern, s)`: matches at the start of `s` only (not anchored at the end).
 * Returns the match, or null. Throws like {@link pyRegex}.
 */
export function pyReMatch(pattern: string, s: string, flags = ''): RegExpExecArray | null {
  const key = flags + '\u0000' + pattern;
  let re = sticky.get(key);
  if (!re) {
    const base = pyRegex(pattern, flags);
    re = new RegExp(base.source, base.flags + 'y');
    if (sticky.size >= 1024) sticky.clear();
    sticky.set(key, re);
  }
  re.lastIndex = 0;
  return re.exec(s);
}
