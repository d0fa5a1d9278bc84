/** The `grain` and `grain_pcre` matchers. */
import { delimitedMatch } from './_delimited.js';
import { silentLog, type TargetLogger } from './types.js';

/** `grain_match`: glob `key:value` against the grains (delimiter default `:`). Logs and returns false without a delimiter. */
export function grainMatch(tgt: unknown, grains: unknown, delimiter = ':', log: TargetLogger = silentLog): boolean {
  return delimitedMatch(grains, tgt, 'Got insufficient arguments for grains match statement from master', { delimiter, log });
}

/** `grain_pcre_match`: like grainMatch with Python `re.match` on lower-cased value and pattern. */
export function grainPcreMatch(tgt: unknown, grains: unknown, delimiter = ':', log: TargetLogger = silentLog): boolean {
  return delimitedMatch(grains, tgt, 'Got insufficient arguments for grains pcre match statement from master', {
    delimiter,
    log,
    regexMatch: true,
  });
}
