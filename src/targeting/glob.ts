/** The `glob` matcher (`glob_match`): shell-style match of the target against the minion id. */
import { fnmatch } from './fnmatch.js';

/** True when `tgt` is a string glob matching the whole `minionId` (a non-string target is false). */
export function globMatch(tgt: unknown, minionId: string): boolean {
  return typeof tgt === 'string' && fnmatch(minionId, tgt);
}
