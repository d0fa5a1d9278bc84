/** The `list` matcher (`list_match`): the minion id is one of a comma-separated list. */
import { pyStr } from './_pystr.js';
import { silentLog, type TargetLogger } from './types.js';

/**
 * A string target matches when it equals the id, contains `,id,`, starts with `id,` or ends with
 * `,id` (no trimming: `a, id` does not match). An array target matches by membership.
 */
export function listMatch(tgt: unknown, minionId: string, log: TargetLogger = silentLog): boolean {
  if (typeof tgt === 'string') {
    return tgt.includes(`,${minionId},`) || tgt.startsWith(minionId + ',') || tgt.endsWith(',' + minionId) || tgt === minionId;
  }
  if (Array.isArray(tgt)) return tgt.includes(minionId);
  if (tgt instanceof Set) return tgt.has(minionId);
  if (tgt !== null && typeof tgt === 'object') return Object.hasOwn(tgt, minionId);
  log('WARNING', `List matcher unexpectedly did not return, for target ${pyStr(tgt)}, this is probably a bug.`);
  return false;
}
