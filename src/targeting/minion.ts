/**
 * The minion's decision whether a publication targets it (`Minion._target_load`): the matcher
 * named by `tgt_type` (glob by default) is called with the target, plus the delimiter for
 * grain/grain_pcre/pillar (not pillar_pcre, as in Salt).
 */
import { compoundMatch } from './compound.js';
import { globMatch } from './glob.js';
import { grainMatch, grainPcreMatch } from './grain.js';
import { ipcidrMatch } from './ipcidr.js';
import { listMatch } from './list.js';
import { nodegroupMatch } from './nodegroup.js';
import { pcreMatch } from './pcre.js';
import { pillarExactMatch, pillarMatch, pillarPcreMatch } from './pillar.js';
import { isTruthy, silentLog, type MatcherReturn, type MinionTargetContext } from './types.js';

/** The targeting fields of a publication load. */
export interface TargetLoad {
  tgt: unknown;
  tgt_type?: string;
  /** Present only when the client gave a delimiter other than `:`. */
  delimiter?: string;
}

/** The tgt_types a minion has a matcher for; any other type is "not targeted". */
export const MINION_TGT_TYPES = [
  'glob',
  'pcre',
  'list',
  'grain',
  'grain_pcre',
  'pillar',
  'pillar_pcre',
  'pillar_exact',
  'ipcidr',
  'compound',
  'compound_pillar_exact',
  'nodegroup',
] as const;

/**
 * The raw return of the minion's matcher for this load (true/false, or `[]` from ipcidr/compound).
 * An unknown tgt_type returns false. Throws what Salt's matcher lets escape: PyRegexError for an
 * invalid `pcre`/`E@` regex, TargetMatchError for targets of the wrong Python type.
 */
export function matchTarget(load: TargetLoad, ctx: MinionTargetContext): MatcherReturn {
  const log = ctx.log ?? silentLog;
  const { tgt } = load;
  const delimiter = load.delimiter ?? ':';
  switch (load.tgt_type ?? 'glob') {
    case 'glob':
      return globMatch(tgt, ctx.id);
    case 'pcre':
      return pcreMatch(tgt, ctx.id);
    case 'list':
      return listMatch(tgt, ctx.id, log);
    case 'grain':
      return grainMatch(tgt, ctx.grains, delimiter, log);
    case 'grain_pcre':
      return grainPcreMatch(tgt, ctx.grains, delimiter, log);
    case 'pillar':
      return pillarMatch(tgt, ctx.pillar, delimiter, log);
    case 'pillar_pcre':
      return pillarPcreMatch(tgt, ctx.pillar, ':', log);
    case 'pillar_exact':
      return pillarExactMatch(tgt, ctx.pillar, ':', log);
    case 'ipcidr':
      return ipcidrMatch(tgt, ctx.grains, log);
    case 'compound':
      return compoundMatch(tgt, ctx);
    case 'compound_pillar_exact':
      return compoundMatch(tgt, ctx, { pillarExact: true });
    case 'nodegroup':
      return nodegroupMatch(tgt, undefined, ctx);
    default:
      return false;
  }
}

/**
 * True when the minion runs the publication. A matcher exception (e.g. an invalid regex)
 * means the job is not run, as in Salt where the exception aborts the payload handling.
 */
export function minionMatches(load: TargetLoad, ctx: MinionTargetContext): boolean {
  try {
    return isTruthy(matchTarget(load, ctx));
  } catch {
    return false;
  }
}
