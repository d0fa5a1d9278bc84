/**
 * Salt's `expr_match` (a glob, or else a regular expression that must match the whole text).
 * The glob side is Python's `fnmatch.fnmatch` on POSIX, from `targeting/fnmatch.ts`.
 */
import { fnmatch } from '../targeting/fnmatch.js';

/**
 * Salt's `expr_match(line, expr)`: `expr` as a glob, or as a regular expression anchored like
 * Python's `re.match(r"\A" + expr + r"\Z", line)` (the anchors are not grouped, as in Salt).
 * A pattern that is not a valid regular expression only counts as a glob.
 */
export function exprMatch(text: string, expr: string): boolean {
  if (fnmatch(text, expr)) return true;
  let re: RegExp;
  try {
    re = new RegExp('^' + expr + '$', 'y');
  } catch {
    return false;
  }
  re.lastIndex = 0;
  return re.test(text);
}
