/**
 * Python's `textwrap.wrap` (default settings), which optparse uses to lay out help text: words split on
 * ASCII whitespace and after hyphens inside words, long words broken, whitespace dropped at line ends.
 */

const WS = '\\t\\n\\x0b\\x0c\\r ';
const WS_CHARS = '\t\n\x0b\x0c\r ';
const LETTER = '[\\p{L}\\p{Nl}\\p{No}_]';
const WORD_PUNCT = `[\\p{L}\\p{N}_!"'&.,?]`;
const NWS = `[^${WS}]`;

// textwrap.TextWrapper.wordsep_re, spelled for JS; built on first use (only help text needs it,
// and a Unicode-property pattern is costly to compile at every program start).
let wordsep: RegExp | null = null;

function wordsepRe(): RegExp {
  wordsep ??= new RegExp(
    `[${WS}]+` +
      `|(?<=${WORD_PUNCT})-{2,}(?=[\\p{L}\\p{N}_])` +
      `|${NWS}+?(?:-(?:(?<=${LETTER}{2}-)|(?<=${LETTER}-${LETTER}-))(?=${LETTER}-?${LETTER})` +
      `|(?=[${WS}]|$)` +
      `|(?<=${WORD_PUNCT})(?=-{2,}[\\p{L}\\p{N}_]))`,
    'gu',
  );
  return wordsep;
}

function splitChunks(text: string): string[] {
  let munged = '';
  for (const ch of text) {
    if (ch === '\t') munged += ' '.repeat(8 - (munged.length % 8));
    else munged += WS_CHARS.includes(ch) ? ' ' : ch;
  }
  return [...munged.matchAll(wordsepRe())].map((m) => m[0]).filter((c) => c !== '');
}

/** Wraps `text` into lines of at most `width` characters, as Python's `textwrap.wrap(text, width)`. */
export function textWrap(text: string, width: number): string[] {
  const chunks = splitChunks(text).reverse();
  const lines: string[] = [];
  while (chunks.length > 0) {
    const line: string[] = [];
    let len = 0;
    if (lines.length > 0 && chunks[chunks.length - 1]!.trim() === '') chunks.pop();
    while (chunks.length > 0) {
      const l = chunks[chunks.length - 1]!.length;
      if (len + l > width) break;
      line.push(chunks.pop()!);
      len += l;
    }
    if (chunks.length > 0 && chunks[chunks.length - 1]!.length > width) {
      const spaceLeft = width < 1 ? 1 : width - len;
      const chunk = chunks[chunks.length - 1]!;
      let end = spaceLeft;
      if (chunk.length > spaceLeft) {
        const hyphen = chunk.lastIndexOf('-', spaceLeft - 1);
        if (hyphen > 0 && /[^-]/.test(chunk.slice(0, hyphen))) end = hyphen + 1;
      }
      line.push(chunk.slice(0, end));
      chunks[chunks.length - 1] = chunk.slice(end);
    }
    if (line.length > 0 && line[line.length - 1]!.trim() === '') line.pop();
    if (line.length > 0) lines.push(line.join(''));
  }
  return lines;
}
