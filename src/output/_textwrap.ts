/**
 * Python's `textwrap.TextWrapper(...).fill()` with its default options (tabs expanded, whitespace
 * made spaces, words split after hyphens, long words broken), as the highstate warnings use it.
 */
import { strLen } from './python.js';

/** Options of {@link fill}, named after TextWrapper's. */
export interface FillOptions {
  width: number;
  initialIndent?: string;
  subsequentIndent?: string;
}

const WS = '[\\t\\n\\x0b\\x0c\\r ]';
const NWS = '[^\\t\\n\\x0b\\x0c\\r ]';
const WORD = '[\\p{L}\\p{N}_]';
const WORD_PUNCT = `(?:${WORD}|[!"'&.,?])`;
const LETTER = '[\\p{L}_]';
const WORDSEP = new RegExp(
  `(${WS}+` +
    `|(?<=${WORD_PUNCT})-{2,}(?=${WORD})` +
    `|${NWS}+?(?:-(?:(?<=${LETTER}{2}-)|(?<=${LETTER}-${LETTER}-))(?=${LETTER}-?${LETTER})` +
    `|(?=${WS}|$)` +
    `|(?<=${WORD_PUNCT})(?=-{2,}${WORD})))`,
  'u',
);

function expandTabs(s: string, tabsize = 8): string {
  let out = '';
  let column = 0;
  for (const ch of s) {
    if (ch === '\t') {
      const n = tabsize - (column % tabsize);
      out += ' '.repeat(n);
      column += n;
    } else if (ch === '\n' || ch === '\r') {
      out += ch;
      column = 0;
    } else {
      out += ch;
      column++;
    }
  }
  return out;
}

function splitChunks(text: string): string[] {
  const munged = expandTabs(text).replace(/[\t\n\x0b\x0c\r ]/g, ' ');
  // re.split with one capture group: keep the separators, drop empty strings.
  const global = new RegExp(WORDSEP.source, 'gu');
  return munged.split(global).filter((chunk) => chunk !== undefined && chunk !== '');
}

/** Python `textwrap.fill(text, width, initial_indent, subsequent_indent)` with the default options. */
export function fill(text: string, opts: FillOptions): string {
  const chunks = splitChunks(text).reverse();
  const lines: string[] = [];
  while (chunks.length) {
    const indent = lines.length ? (opts.subsequentIndent ?? '') : (opts.initialIndent ?? '');
    const width = opts.width - strLen(indent);
    if (chunks[chunks.length - 1].trim() === '' && lines.length) chunks.pop();
    const cur: string[] = [];
    let curLen = 0;
    while (chunks.length) {
      const l = strLen(chunks[chunks.length - 1]);
      if (curLen + l <= width) {
        cur.push(chunks.pop()!);
        curLen += l;
      } else break;
    }
    if (chunks.length && strLen(chunks[chunks.length - 1]) > width) {
      const spaceLeft = width < 1 ? 1 : width - curLen;
      const chunk = [...chunks[chunks.length - 1]];
      let end = spaceLeft;
      if (chunk.length > spaceLeft) {
        const hyphen = chunk.slice(0, spaceLeft).lastIndexOf('-');
        if (hyphen > 0 && chunk.slice(0, hyphen).some((c) => c !== '-')) end = hyphen + 1;
      }
      cur.push(chunk.slice(0, end).join(''));
      chunks[chunks.length - 1] = chunk.slice(end).join('');
    }
    if (cur.length && cur[cur.length - 1].trim() === '') cur.pop();
    if (cur.length) lines.push(indent + cur.join(''));
  }
  return lines.join('\n');
}
