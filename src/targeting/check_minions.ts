/**
 * The master's target resolution (`salt.utils.minions.CkMinions.check_minions`): which accepted
 * minions a target names, from the accepted key ids (glob/pcre/list) and the minion data cache
 * (grain/pillar/ipcidr), with compound targets combined by set algebra.
 */
import { evalSetTokens, PyEvalError, type SetToken } from './_pyeval.js';
import { compareCodePoints, pySplit, pyStr, sortedIgnorecase } from './_pystr.js';
import { parseTargetWord } from './_target_word.js';
import { fnmatchFilter } from './fnmatch.js';
import { grainsMatchIp, parseIpTarget } from './ipcidr.js';
import { nodegroupComp } from './nodegroup_comp.js';
import { pyReMatch } from './pyregex.js';
import { subdictMatch } from './subdict.js';
import { silentLog, type Nodegroups, type TargetLogger } from './types.js';

/** One minion's entry in the master's minion data cache. */
export interface CachedMinionData {
  grains?: Record<string, unknown>;
  pillar?: Record<string, unknown>;
}

export interface CheckMinionsContext {
  /** Ids with an accepted key (`<pki_dir>/minions`, dot-files already excluded). */
  acceptedIds: string[];
  /** The cached data of a minion, or undefined when it has none. */
  getMinionData: (id: string) => CachedMinionData | undefined;
  /** Ids present in the minion data cache (accepted or not); default: accepted ids that have data. */
  cachedIds?: string[];
  /** The master's `minion_data_cache` option; default true. */
  minionDataCache?: boolean;
  /** The master's `nodegroups` option. */
  nodegroups?: Nodegroups;
  /** Keep accepted minions that have no cached data; default true. */
  greedy?: boolean;
  /** Delimiter for grain/pillar targets; default `:`. */
  delimiter?: string;
  /** Receives Salt's WARNING+ log records. */
  log?: TargetLogger;
}

export interface CheckMinionsResult {
  /** Matching ids: in Salt's order for glob/pcre/list; otherwise sorted by code point (Salt returns a set). */
  minions: string[];
  /** Ids named by a list target that have no accepted key. */
  missing: string[];
}

type CacheSearch = 'grains' | 'pillar';
interface CacheMode {
  regexMatch?: boolean;
  exactMatch?: boolean;
}

/** A failure that Salt's check_minions catches and reports as "Failed matching available minions". */
class CheckFailure extends Error {}

class CkMinions {
  private readonly log: TargetLogger;
  private readonly cacheEnabled: boolean;
  private readonly accepted: string[];

  constructor(private readonly ctx: CheckMinionsContext) {
    this.log = ctx.log ?? silentLog;
    this.cacheEnabled = ctx.minionDataCache ?? true;
    this.accepted = sortedIgnorecase(ctx.acceptedIds);
  }

  private cachedIds(): string[] {
    return this.ctx.cachedIds ?? this.accepted.filter((id) => this.ctx.getMinionData(id) !== undefined);
  }

  glob(expr: string): CheckMinionsResult {
    return { minions: fnmatchFilter(this.accepted, expr), missing: [] };
  }

  pcre(expr: string): CheckMinionsResult {
    return { minions: this.accepted.filter((id) => pyReMatch(expr, id) !== null), missing: [] };
  }

  list(expr: unknown, ignoreMissing = false): CheckMinionsResult {
    const items = typeof expr === 'string' ? expr.split(',').filter((m) => m) : Array.isArray(expr) ? expr.map(pyStr) : [];
    const known = new Set(this.accepted);
    return {
      minions: items.filter((x) => known.has(x)),
      missing: ignoreMissing ? [] : items.filter((x) => !known.has(x)),
    };
  }

  /** Ids to start from and to look up, per greedy mode; null when nothing can match. */
  private cacheScope(greedy: boolean): { minions: string[]; lookup: string[] } | null {
    if (greedy) return { minions: [...this.accepted], lookup: this.cacheEnabled ? this.cachedIds() : [] };
    if (!this.cacheEnabled) return null;
    const cached = this.cachedIds();
    return { minions: cached, lookup: cached };
  }

  cache(expr: string, delimiter: string, greedy: boolean, search: CacheSearch, mode: CacheMode): CheckMinionsResult {
    const scope = this.cacheScope(greedy);
    if (!scope) return { minions: [], missing: [] };
    if (!this.cacheEnabled || scope.lookup.length === 0) return { minions: scope.minions, missing: [] };
    const minions = new Set(scope.minions);
    for (const id of scope.lookup) {
      if (greedy && !minions.has(id)) continue;
      const data = this.ctx.getMinionData(id);
      if (data === undefined) {
        if (!greedy) minions.delete(id);
        continue;
      }
      if (!subdictMatch(data[search] ?? null, expr, { delimiter, ...mode, log: this.log })) minions.delete(id);
    }
    return { minions: [...minions].sort(compareCodePoints), missing: [] };
  }

  ipcidr(expr: string, greedy: boolean): CheckMinionsResult {
    const scope = this.cacheScope(greedy);
    if (!scope) return { minions: [], missing: [] };
    if (!this.cacheEnabled) return { minions: scope.minions, missing: [] };
    const target = parseIpTarget(expr);
    if (!target) {
      this.log('ERROR', `Invalid IP/CIDR target: ${expr}`);
      return { minions: [], missing: [] };
    }
    const minions = new Set(scope.minions);
    for (const id of scope.lookup) {
      const data = this.ctx.getMinionData(id);
      if (data === undefined) {
        if (!greedy) minions.delete(id);
        continue;
      }
      if (!grainsMatchIp(target, data.grains)) minions.delete(id);
    }
    return { minions: [...minions].sort(compareCodePoints), missing: [] };
  }

  // Like Salt, the call's delimiter is unused here: G@/P@/I@/J@ take their own (default ':').
  compound(expr: unknown, _delimiter: string, greedy: boolean, pillarExact = false): CheckMinionsResult {
    if (typeof expr !== 'string' && !Array.isArray(expr)) {
      this.log('ERROR', 'Compound target that is neither string, list nor tuple');
      return { minions: [], missing: [] };
    }
    const all: ReadonlySet<string> = new Set(this.accepted);
    if (!this.cacheEnabled) return { minions: [...all], missing: [] };
    const invalid = (message: string): CheckMinionsResult => {
      this.log('ERROR', message);
      return { minions: [], missing: [] };
    };
    let words: string[] = typeof expr === 'string' ? pySplit(expr) : expr.map(pyStr);
    const results: SetToken[] = [];
    // Open '(' and pending 'not' ('-') awaiting their closing parenthesis.
    const unmatched: Array<'(' | '-'> = [];
    const missing: string[] = [];
    const closeNot = () => {
      if (unmatched[unmatched.length - 1] === '-') {
        results.push(')');
        unmatched.pop();
      }
    };
    const openNot = () => {
      results.push('(', all, '-');
      unmatched.push('-');
    };
    while (words.length) {
      const word = words.shift()!;
      if (word === 'and' || word === 'or' || word === 'not' || word === '(' || word === ')') {
        if (!results.length) {
          if (word === 'not') openNot();
          else if (word === '(') {
            results.push('(');
            unmatched.push('(');
          } else return invalid(`Expression may begin with binary operator: ${word}`);
          continue;
        }
        const last = results[results.length - 1];
        if (last === '(' && (word === 'and' || word === 'or')) return invalid(`Invalid beginning operator after "(": ${word}`);
        if (word === 'not') {
          if (last !== '&' && last !== '|' && last !== '(') results.push('&');
          openNot();
        } else if (word === 'and') results.push('&');
        else if (word === 'or') results.push('|');
        else if (word === '(') {
          results.push('(');
          unmatched.push('(');
        } else {
          if (unmatched[unmatched.length - 1] !== '(') {
            return invalid(`Invalid compound expr (unexpected right parenthesis): ${pyStr(expr)}`);
          }
          results.push(')');
          unmatched.pop();
          closeNot();
        }
        continue;
      }
      const info = parseTargetWord(word);
      let found: CheckMinionsResult;
      switch (info.engine) {
        case null:
          found = this.glob(word);
          break;
        case 'N': {
          const decomposed = nodegroupComp(info.pattern, this.ctx.nodegroups ?? {}, this.log);
          if (decomposed.length) words = decomposed.concat(words);
          continue;
        }
        case 'G':
          found = this.cache(info.pattern, info.delimiter ?? ':', greedy, 'grains', {});
          break;
        case 'P':
          found = this.cache(info.pattern, info.delimiter ?? ':', greedy, 'grains', { regexMatch: true });
          break;
        case 'I':
          found = this.cache(info.pattern, info.delimiter ?? ':', greedy, 'pillar', pillarExact ? { exactMatch: true } : {});
          break;
        case 'J':
          found = this.cache(info.pattern, info.delimiter ?? ':', greedy, 'pillar', pillarExact ? { exactMatch: true } : { regexMatch: true });
          break;
        case 'L':
          // Ids excluded by a 'not' are not reported missing.
          found = this.list(info.pattern, results[results.length - 1] === '-');
          break;
        case 'S':
          found = this.ipcidr(info.pattern, greedy);
          break;
        case 'E':
          found = this.pcre(info.pattern);
          break;
        default:
          // Salt calls _all_minions(pattern, greedy), which takes one argument: a TypeError.
          throw new CheckFailure('_all_minions() takes from 1 to 2 positional arguments but 3 were given');
      }
      results.push(new Set(found.minions));
      missing.push(...found.missing);
      closeNot();
    }
    for (let k = 0; k < unmatched.length; k++) results.push(')'); // a missing ')' is auto-closed
    try {
      return { minions: evalSetTokens(results).sort(compareCodePoints), missing };
    } catch (e) {
      if (!(e instanceof PyEvalError)) throw e;
      return invalid(`Invalid compound target: ${pyStr(expr)}`);
    }
  }
}

/**
 * Resolves a target to the accepted minion ids it names, as the master does before publishing.
 * tgt types: glob, pcre, list, grain, grain_pcre, pillar, pillar_pcre, pillar_exact, ipcidr,
 * compound, compound_pillar_exact, nodegroup. Never throws: an invalid regex, an unknown tgt
 * type or an R@ term log "Failed matching available minions with <type> pattern: <expr>" and
 * give no minions, like Salt.
 */
export function checkMinions(tgt: unknown, tgtType: string, ctx: CheckMinionsContext): CheckMinionsResult {
  const ck = new CkMinions(ctx);
  const expr = tgt ?? '';
  const delimiter = ctx.delimiter ?? ':';
  const greedy = ctx.greedy ?? true;
  const str = (): string => {
    if (typeof expr !== 'string') throw new CheckFailure(`expected a string target, got ${pyStr(expr)}`);
    return expr;
  };
  try {
    switch (tgtType) {
      case 'glob':
        return ck.glob(str());
      case 'pcre':
        return ck.pcre(str());
      case 'list':
        return ck.list(expr);
      case 'grain':
        return ck.cache(str(), delimiter, greedy, 'grains', {});
      case 'grain_pcre':
        return ck.cache(str(), delimiter, greedy, 'grains', { regexMatch: true });
      case 'pillar':
        return ck.cache(str(), delimiter, greedy, 'pillar', {});
      case 'pillar_pcre':
        return ck.cache(str(), delimiter, greedy, 'pillar', { regexMatch: true });
      case 'pillar_exact':
        return ck.cache(str(), delimiter, greedy, 'pillar', { exactMatch: true });
      case 'ipcidr':
        return ck.ipcidr(str(), greedy);
      case 'compound':
        return ck.compound(expr, delimiter, greedy);
      case 'compound_pillar_exact':
        return ck.compound(expr, delimiter, greedy, true);
      case 'nodegroup': {
        // An unknown group expands to Salt's "" (an empty target), not to an empty list.
        const words = nodegroupComp(str(), ctx.nodegroups ?? {}, ctx.log ?? silentLog);
        return ck.compound(words.length ? words : '', ':', greedy);
      }
      default:
        throw new CheckFailure(`no matcher for tgt_type ${tgtType}`);
    }
  } catch {
    (ctx.log ?? silentLog)('ERROR', `Failed matching available minions with ${tgtType} pattern: ${pyStr(expr)}`);
    return { minions: [], missing: [] };
  }
}
