/**
 * Targeting: which minions a target expression names. Minion side (`minionMatches`: does this
 * minion run the publication), client side (`prepPublishTarget`: nodegroup resolution before
 * publishing) and master side (`checkMinions`: the expected minion list), with the Python
 * semantics Salt's matching depends on (`fnmatch`, `re`, `ipaddress`, `subdict_match`).
 */
export { fnmatch, fnmatchFilter } from './fnmatch.js';
export { pyRegex, pyReMatch, PyRegexError, PyRegexUnsupportedError } from './pyregex.js';
export { subdictMatch, type SubdictMatchOptions } from './subdict.js';
export { globMatch } from './glob.js';
export { pcreMatch } from './pcre.js';
export { listMatch } from './list.js';
export { grainMatch, grainPcreMatch } from './grain.js';
export { pillarMatch, pillarPcreMatch, pillarExactMatch } from './pillar.js';
export { ipcidrMatch, parseIpTarget, grainsMatchIp, type IpTarget } from './ipcidr.js';
export { compoundMatch, type CompoundOptions } from './compound.js';
export { nodegroupMatch } from './nodegroup.js';
export { nodegroupComp } from './nodegroup_comp.js';
export { matchTarget, minionMatches, MINION_TGT_TYPES, type TargetLoad } from './minion.js';
export { prepPublishTarget, type PreparedTarget } from './publish.js';
export {
  checkMinions,
  type CheckMinionsContext,
  type CheckMinionsResult,
  type CachedMinionData,
} from './check_minions.js';
export { SaltInvocationError, TargetMatchError } from './errors.js';
export {
  isTruthy,
  silentLog,
  type MatcherReturn,
  type MinionTargetContext,
  type Nodegroups,
  type TargetLogger,
  type TargetLogLevel,
} from './types.js';
