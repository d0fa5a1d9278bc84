/** The minion-side `nodegroup` matcher (`nodegroup_match`). */
import { compoundMatch } from './compound.js';
import { nodegroupComp } from './nodegroup_comp.js';
import { silentLog, type MatcherReturn, type MinionTargetContext, type Nodegroups } from './types.js';

/**
 * Matches the minion against nodegroup `tgt` of `nodegroups` (expanded, then compound-matched).
 * Salt's minion calls this matcher without nodegroups, so a publication with tgt_type
 * `nodegroup` reaching a minion never matches; clients resolve nodegroups before publishing.
 */
export function nodegroupMatch(tgt: unknown, nodegroups: Nodegroups | undefined, ctx: MinionTargetContext): MatcherReturn {
  if (!nodegroups || Object.keys(nodegroups).length === 0) return false;
  if (typeof tgt !== 'string' || !Object.hasOwn(nodegroups, tgt)) return false;
  const words = nodegroupComp(tgt, nodegroups, ctx.log ?? silentLog);
  // An expansion to nothing is Salt's "" target, which compound-matches as an empty expression.
  return compoundMatch(words.length ? words : '', ctx);
}
