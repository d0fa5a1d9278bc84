/**
 * The minion-side `compound` matcher (`compound_match`): words joined by `and`/`or`/`not` and
 * parentheses, each word a glob or an `X@pattern` engine term, evaluated like Salt does (the
 * per-word results are joined into a Python boolean expression and evaluated).
 */
import { evalBoolWords, PyEvalError } from './_pyeval.js';
import { pySplit, pyStr } from './_pystr.js';
import { parseTargetWord } from './_target_word.js';
import { globMatch } from './glob.js';
import { grainMatch, grainPcreMatch } from './grain.js';
import { ipcidrMatch } from './ipcidr.js';
import { listMatch } from './list.js';
import { nodegroupComp } from './nodegroup_comp.js';
import { pcreMatch } from './pcre.js';
import { pillarExactMatch, pillarMatch, pillarPcreMatch } from './pillar.js';
import { silentLog, type MatcherReturn, type MinionTargetContext } from './types.js';

const OPERS = new Set(['and', 'or', 'not', '(', ')']);

export interface CompoundOptions {
  /** `compound_pillar_exact`: I@ and J@ compare pillar values by equality. */
  pillarExact?: boolean;
}

function pyResult(v: MatcherReturn): string {
  return v === true ? 'True' : v === false ? 'False' : '[]';
}

/**
 * Evaluates a compound target (string, or array of words) for this minion. Returns Salt's raw
 * result: true/false, or `[]` when the expression evaluates to an empty list (`True and S@bad`).
 * A malformed expression logs an error and returns false. Exceptions of the engine matchers
 * (PyRegexError for a bad `E@` regex) propagate, as they do in Salt.
 */
export function compoundMatch(tgt: unknown, ctx: MinionTargetContext, opts: CompoundOptions = {}): MatcherReturn {
  const log = ctx.log ?? silentLog;
  if (typeof tgt !== 'string' && !Array.isArray(tgt)) {
    log('ERROR', 'Compound target received that is neither string, list nor tuple');
    return false;
  }
  let words: string[] = typeof tgt === 'string' ? pySplit(tgt) : tgt.map((w) => (typeof w === 'string' ? w : pyStr(w)));
  const results: string[] = [];
  while (words.length) {
    const word = words.shift()!;
    const info = parseTargetWord(word);
    if (OPERS.has(word)) {
      if (results.length) {
        const last = results[results.length - 1];
        if (last === '(' && (word === 'and' || word === 'or')) {
          log('ERROR', `Invalid beginning operator after "(": ${word}`);
          return false;
        }
        if (word === 'not' && !['and', 'or', '('].includes(last)) results.push('and');
        results.push(word);
      } else {
        if (word !== '(' && word !== 'not') {
          log('ERROR', `Invalid beginning operator: ${word}`);
          return false;
        }
        results.push(word);
      }
      continue;
    }
    if (!info.engine) {
      results.push(pyResult(globMatch(word, ctx.id)));
      continue;
    }
    const { pattern } = info;
    const delimiter = info.delimiter ?? undefined;
    let result: MatcherReturn;
    switch (info.engine) {
      case 'N': {
        const decomposed = nodegroupComp(pattern, ctx.nodegroups ?? {}, log);
        if (decomposed.length) words = decomposed.concat(words);
        continue;
      }
      case 'G':
        result = grainMatch(pattern, ctx.grains, delimiter, log);
        break;
      case 'P':
        result = grainPcreMatch(pattern, ctx.grains, delimiter, log);
        break;
      case 'I':
        result = (opts.pillarExact ? pillarExactMatch : pillarMatch)(pattern, ctx.pillar, delimiter, log);
        break;
      case 'J':
        result = (opts.pillarExact ? pillarExactMatch : pillarPcreMatch)(pattern, ctx.pillar, delimiter, log);
        break;
      case 'L':
        result = listMatch(pattern, ctx.id, log);
        break;
      case 'S':
        result = ipcidrMatch(pattern, ctx.grains, log);
        break;
      case 'E':
        result = pcreMatch(pattern, ctx.id);
        break;
      default:
        // R@ needs seco.range, which Salt minions normally lack.
        log('ERROR', `Unrecognized target engine "${info.engine}" for target expression "${word}"`);
        return false;
    }
    results.push(pyResult(result));
  }
  try {
    const v = evalBoolWords(results);
    return v === 'list' || v === 'tuple' ? [] : v;
  } catch (e) {
    if (!(e instanceof PyEvalError)) throw e;
    log('ERROR', `Invalid compound target: ${pyStr(tgt)} for results: ${results.join(' ')}`);
    return false;
  }
}
