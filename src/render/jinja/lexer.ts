/**
 * Jinja2's lexer (default delimiters): splits a template into text and tag tokens, applying
 * whitespace control (`{%-`, `-%}`, `{%+`, `+%}`), `trim_blocks`, `lstrip_blocks`, `{% raw %}`,
 * and the rule that one trailing newline of the source is dropped (`keep_trailing_newline` off).
 */
import { TemplateSyntaxError } from './errors.js';

export type TokenType =
  | 'data'
  | 'block_begin'
  | 'block_end'
  | 'variable_begin'
  | 'variable_end'
  | 'name'
  | 'string'
  | 'integer'
  | 'float'
  | 'operator'
  | 'eof';

export interface Token {
  type: TokenType;
  /** For data: the text; name: the identifier; string: the unescaped value; operator: the symbol. */
  value: string;
  /** Parsed value of integer/float tokens. */
  num?: number;
  isFloat?: boolean;
  lineno: number;
}

/** Lexer settings (Jinja environment options). */
export interface LexerOptions {
  trimBlocks: boolean;
  lstripBlocks: boolean;
}

const OPERATORS = ['//', '**', '==', '!=', '>=', '<=', '+', '-', '/', '*', '%', '~', '[', ']', '(', ')', '{', '}', '<', '>', '=', '.', ':', '|', ',', ';'];
const NAME_RE = /[\p{L}_][\p{L}\p{N}_]*/uy;
const FLOAT_RE = /(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?e[+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/iy;
const INT_RE = /0b(?:_?[01])+|0o(?:_?[0-7])+|0x(?:_?[\da-f])+|[1-9](?:_?\d)*|0(?:_?0)*/iy;
const RAW_END_RE = /\{%([-+]?)\s*endraw\s*([-+]?)%\}/g;

/** Normalises newlines and drops one trailing newline, as Jinja does before lexing. */
export function normalizeSource(source: string): string {
  const lines = source.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

function countLines(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}

/** Python's unicode-escape decoding of a Jinja string literal body. */
function unescapeString(body: string, lineno: number): string {
  return body.replace(/\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}]*\}|[0-7]{1,3}|[\s\S])/g, (esc) => {
    const c = esc[1]!;
    switch (c) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case '\\':
      case "'":
      case '"':
        return c;
      case '\n':
        return '';
      case 'x':
      case 'u':
      case 'U':
        return String.fromCodePoint(parseInt(esc.slice(2), 16));
      case 'N':
        throw new TemplateSyntaxError('\\N{...} escapes are not supported', lineno);
    }
    if (/[0-7]/.test(c)) return String.fromCodePoint(parseInt(esc.slice(1), 8));
    return esc;
  });
}

/** Tokenizes a template. @throws TemplateSyntaxError for unclosed tags, comments, strings or raw blocks. */
export function tokenize(rawSource: string, opts: LexerOptions): Token[] {
  const src = normalizeSource(rawSource);
  const tokens: Token[] = [];
  let pos = 0;
  let lineno = 1;
  /** Strip the whitespace at the start of the next data token (set by `-%}` and friends). */
  let stripNext = false;
  /** Drop one newline at the start of the next data token (trim_blocks after `%}`). */
  let trimNext = false;

  const pushData = (text: string, nextTag: string | null, dataStart: number) => {
    if (stripNext) text = text.replace(/^\s+/, '');
    else if (trimNext && text.startsWith('\n')) text = text.slice(1);
    stripNext = false;
    trimNext = false;
    if (nextTag !== null) {
      const modifier = nextTag[2];
      if (modifier === '-') text = text.replace(/\s+$/, '');
      else if (opts.lstripBlocks && modifier !== '+' && (nextTag[1] === '%' || nextTag[1] === '#')) {
        const m = /\n[ \t]*$/.exec(text);
        if (m) text = text.slice(0, m.index + 1);
        else if ((dataStart === 0 || src[dataStart - 1] === '\n') && /^[ \t]*$/.test(text)) text = '';
      }
    }
    return text;
  };

  while (pos < src.length) {
    const open = /\{[{%#]/g;
    open.lastIndex = pos;
    const m = open.exec(src);
    const tagStart = m ? m.index : src.length;
    const tagText = m ? src.slice(tagStart, tagStart + 3) : null;
    const rawData = src.slice(pos, tagStart);
    const data = pushData(rawData, tagText, pos);
    if (data) tokens.push({ type: 'data', value: data, lineno });
    lineno += countLines(rawData);
    if (!m) break;
    pos = tagStart + 2;
    const kind = src[tagStart + 1]!;
    if (src[pos] === '-' || src[pos] === '+') pos++;
    if (kind === '#') {
      const end = /[-+]?#\}/g;
      end.lastIndex = pos;
      const e = end.exec(src);
      if (!e) throw new TemplateSyntaxError('Missing end of comment tag', lineno);
      lineno += countLines(src.slice(pos, e.index + e[0].length));
      pos = e.index + e[0].length;
      if (e[0][0] === '-') stripNext = true;
      else if (opts.trimBlocks && e[0][0] !== '+') trimNext = true;
      continue;
    }
    if (kind === '%') {
      const raw = /\s*raw\s*([-+]?)%\}/y;
      raw.lastIndex = pos;
      const r = raw.exec(src);
      if (r) {
        const beginLine = lineno;
        lineno += countLines(r[0]);
        pos += r[0].length;
        RAW_END_RE.lastIndex = pos;
        const e = RAW_END_RE.exec(src);
        if (!e) throw new TemplateSyntaxError('Missing end of raw directive', beginLine);
        let body = src.slice(pos, e.index);
        if (r[1] === '-') body = body.replace(/^\s+/, '');
        else if (opts.trimBlocks && r[1] !== '+' && body.startsWith('\n')) body = body.slice(1);
        if (e[1] === '-') body = body.replace(/\s+$/, '');
        else if (opts.lstripBlocks && e[1] !== '+') {
          const lm = /(^|\n)[ \t]*$/.exec(body);
          if (lm) body = body.slice(0, lm.index + lm[1]!.length);
        }
        if (body) tokens.push({ type: 'data', value: body, lineno });
        lineno += countLines(src.slice(pos, e.index + e[0].length));
        pos = e.index + e[0].length;
        if (e[2] === '-') stripNext = true;
        else if (opts.trimBlocks && e[2] !== '+') trimNext = true;
        continue;
      }
    }
    const isBlock = kind === '%';
    tokens.push({ type: isBlock ? 'block_begin' : 'variable_begin', value: '', lineno });
    const closer = isBlock ? '%}' : '}}';
    const depth: string[] = [];
    for (;;) {
      // whitespace
      while (pos < src.length && /\s/.test(src[pos]!)) {
        if (src[pos] === '\n') lineno++;
        pos++;
      }
      if (pos >= src.length) {
        throw new TemplateSyntaxError(`Unexpected end of template. Jinja was looking for the following tags: '${isBlock ? 'end of statement block' : 'end of print statement'}'.`, lineno);
      }
      if (depth.length === 0) {
        const c = src[pos];
        if ((c === '-' || c === '+') && src.startsWith(closer, pos + 1)) {
          // `-%}` strips what follows; `+%}` keeps the newline even with trim_blocks
          if (c === '-') stripNext = true;
          pos += 3;
          tokens.push({ type: isBlock ? 'block_end' : 'variable_end', value: '', lineno });
          break;
        }
        if (src.startsWith(closer, pos)) {
          pos += 2;
          if (isBlock && opts.trimBlocks) trimNext = true;
          tokens.push({ type: isBlock ? 'block_end' : 'variable_end', value: '', lineno });
          break;
        }
      }
      const c = src[pos]!;
      if (c === "'" || c === '"') {
        let i = pos + 1;
        while (i < src.length && src[i] !== c) i += src[i] === '\\' ? 2 : 1;
        if (i >= src.length) throw new TemplateSyntaxError('unexpected char ' + JSON.stringify(c).replace(/"/g, "'") + ` at ${pos}`, lineno);
        const body = src.slice(pos + 1, i);
        tokens.push({ type: 'string', value: unescapeString(body, lineno), lineno });
        lineno += countLines(body);
        pos = i + 1;
        continue;
      }
      FLOAT_RE.lastIndex = pos;
      const f = /\d/.test(c) && src[pos - 1] !== '.' ? FLOAT_RE.exec(src) : null;
      if (f) {
        tokens.push({ type: 'float', value: f[0], num: Number(f[0].replace(/_/g, '')), isFloat: true, lineno });
        pos += f[0].length;
        continue;
      }
      INT_RE.lastIndex = pos;
      const n = /\d/.test(c) ? INT_RE.exec(src) : null;
      if (n) {
        const text = n[0].replace(/_/g, '').toLowerCase();
        const num = text.startsWith('0b') ? parseInt(text.slice(2), 2) : text.startsWith('0o') ? parseInt(text.slice(2), 8) : text.startsWith('0x') ? parseInt(text.slice(2), 16) : Number(text);
        tokens.push({ type: 'integer', value: n[0], num, lineno });
        pos += n[0].length;
        continue;
      }
      NAME_RE.lastIndex = pos;
      const nm = NAME_RE.exec(src);
      if (nm) {
        tokens.push({ type: 'name', value: nm[0], lineno });
        pos += nm[0].length;
        continue;
      }
      const op = OPERATORS.find((o) => src.startsWith(o, pos));
      if (!op) throw new TemplateSyntaxError(`unexpected char ${pyChar(c)} at ${pos}`, lineno);
      if (op === '(' || op === '[' || op === '{') depth.push(op);
      else if (op === ')' || op === ']' || op === '}') {
        const expected = { ')': '(', ']': '[', '}': '{' }[op];
        if (depth.length === 0) throw new TemplateSyntaxError(`unexpected '${op}'`, lineno);
        const top = depth.pop();
        if (top !== expected) {
          const want = { '(': ')', '[': ']', '{': '}' }[top!];
          throw new TemplateSyntaxError(`unexpected '${op}', expected '${want}'`, lineno);
        }
      }
      tokens.push({ type: 'operator', value: op, lineno });
      pos += op.length;
    }
  }
  tokens.push({ type: 'eof', value: '', lineno: tokens.length ? tokens[tokens.length - 1]!.lineno : 1 });
  return tokens;
}

function pyChar(c: string): string {
  return c === "'" ? `"'"` : `'${c}'`;
}
