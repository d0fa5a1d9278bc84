/**
 * Python's `shlex.split(s)` (POSIX mode, no comments): how Salt splits a command that is not
 * run through a shell.
 */
/** Python's ValueError from shlex for unbalanced quotes or a trailing backslash. */
export class ShlexSplitError extends Error {
  override readonly name = 'ValueError';
  readonly code = 'ESHLEX';
}

const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

/**
 * Splits a command line into words: whitespace separates words, `'...'` is literal, `"..."`
 * allows `\"` and `\\` escapes, a backslash outside quotes escapes the next character.
 * @throws ShlexSplitError (named ValueError) "No closing quotation" / "No escaped character" like Python's ValueError texts.
 */
export function shlexSplit(s: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (WHITESPACE.has(c)) {
      if (inWord) {
        words.push(word);
        word = '';
        inWord = false;
      }
      i++;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new ShlexSplitError('No closing quotation');
      word += s.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < s.length) {
        const d = s[i];
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < s.length && (s[i + 1] === '"' || s[i + 1] === '\\')) {
          word += s[i + 1];
          i += 2;
          continue;
        }
        word += d;
        i++;
      }
      if (!closed) throw new ShlexSplitError('No closing quotation');
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= s.length) throw new ShlexSplitError('No escaped character');
      word += s[i + 1];
      inWord = true;
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
