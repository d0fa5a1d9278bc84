/** The `pillar`, `pillar_pcre` and `pillar_exact` matchers. */
import { delimitedMatch } from './_delimited.js';
import { silentLog, type TargetLogger } from './types.js';

/** `pillar_match`: glob `key:value` against the pillar (delimiter default `:`). */
export function pillarMatch(tgt: unknown, pillar: unknown, delimiter = ':', log: TargetLogger = silentLog): boolean {
  return delimitedMatch(pillar, tgt, 'Got insufficient arguments for pillar match statement from master', { delimiter, log });
}

/** `pillar_pcre_match`: Python `re.match` on lower-cased value and pattern. */
export function pillarPcreMatch(tgt: unknown, pillar: unknown, delimiter = ':', log: TargetLogger = silentLog): boolean {
  return delimitedMatch(pillar, tgt, 'Got insufficient arguments for pillar PCRE match statement from master', {
    delimiter,
    log,
    regexMatch: true,
  });
}

/** `pillar_exact_match`: equality of lower-cased value and pattern. */
export function pillarExactMatch(tgt: unknown, pillar: unknown, delimiter = ':', log: TargetLogger = silentLog): boolean {
  return delimitedMatch(pillar, tgt, 'Got insufficient arguments for pillar match statement from master', {
    delimiter,
    log,
    exactMatch: true,
  });
}
