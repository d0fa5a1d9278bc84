/**
 * The client's target preparation before publishing (`LocalClient._prep_pub`): nodegroups are
 * resolved to compound targets and `N@` words are expanded, so minions need no nodegroups.
 */
import { pySplit, pyStr } from './_pystr.js';
import { SaltInvocationError } from './errors.js';
import { nodegroupComp } from './nodegroup_comp.js';
import { silentLog, type Nodegroups, type TargetLogger } from './types.js';

export interface PreparedTarget {
  tgt: unknown;
  tgtType: string;
}

/**
 * Rewrites `tgt`/`tgtType` as the client publishes them. `nodegroup` becomes `compound` with
 * the group's expansion; a compound target (string or word list) has each `N@group` word
 * expanded and is re-joined with single spaces. Other types pass through unchanged.
 * Throws SaltInvocationError "Node group <ng> unavailable in <confFile>" for an unknown group
 * (or one that expands to nothing).
 */
export function prepPublishTarget(
  tgt: unknown,
  tgtType: string,
  nodegroups: Nodegroups = {},
  confFile = '/etc/salt/master',
  log: TargetLogger = silentLog,
): PreparedTarget {
  const unavailable = (ng: string) => new SaltInvocationError(`Node group ${ng} unavailable in ${confFile}`);
  if (tgtType === 'nodegroup') {
    if (typeof tgt !== 'string' || !Object.hasOwn(nodegroups, tgt)) throw unavailable(pyStr(tgt));
    tgt = nodegroupComp(tgt, nodegroups, log);
    tgtType = 'compound';
  }
  if (tgtType === 'compound') {
    let words: unknown[];
    if (typeof tgt === 'string') words = pySplit(tgt);
    else if (Array.isArray(tgt)) words = tgt;
    else throw new SaltInvocationError(`Compound target must be a string or a list of words: got ${pyStr(tgt)}`);
    const out: string[] = [];
    for (const word of words) {
      const w = typeof word === 'string' ? word : pyStr(word);
      if (w.startsWith('N@') && w.length > 2) {
        const resolved = nodegroupComp(w.slice(2), nodegroups, log);
        if (!resolved.length) throw unavailable(w.slice(2));
        out.push(...resolved);
      } else out.push(w);
    }
    tgt = out.join(' ');
  }
  return { tgt, tgtType };
}
