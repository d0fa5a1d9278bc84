/** The `pcre` matcher (`pcre_match`): Python `re.match` of the target against the minion id. */
import { TargetMatchError } from './errors.js';
import { pyReMatch } from './pyregex.js';

/**
 * True when the Python regex `tgt` matches at the start of `minionId` (not anchored at the end).
 * Throws PyRegexError for an invalid regex and TargetMatchError (TypeError) for a non-string target,
 * as Salt's matcher lets both escape.
 */
export function pcreMatch(tgt: unknown, minionId: string): boolean {
  if (typeof tgt !== 'string') throw new TargetMatchError('first argument must be string or compiled pattern', 'TypeError');
  return pyReMatch(tgt, minionId) !== null;
}
