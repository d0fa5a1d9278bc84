/** The shared front of the grain/pillar matchers: the delimiter check, then subdict_match. */
import { TargetMatchError } from './errors.js';
import { subdictMatch, type SubdictMatchOptions } from './subdict.js';
import { silentLog, type TargetLogger } from './types.js';

/** Python `delimiter in tgt`, where tgt may be a str or a list. */
function contains(tgt: unknown, delimiter: string): boolean {
  if (typeof tgt === 'string') return tgt.includes(delimiter);
  if (Array.isArray(tgt)) return tgt.includes(delimiter);
  throw new TargetMatchError(`argument of type '${tgt === null ? 'NoneType' : typeof tgt}' is not iterable`, 'TypeError');
}

/**
 * Logs `insufficientMessage` and returns false when the delimiter is absent, otherwise matches
 * `data` with subdict_match. Throws TargetMatchError where Salt's matcher would raise.
 */
export function delimitedMatch(
  data: unknown,
  tgt: unknown,
  insufficientMessage: string,
  opts: SubdictMatchOptions & { log?: TargetLogger },
): boolean {
  const delimiter = opts.delimiter ?? ':';
  const log = opts.log ?? silentLog;
  if (!contains(tgt, delimiter)) {
    log('ERROR', insufficientMessage);
    return false;
  }
  if (typeof tgt !== 'string') throw new TargetMatchError("'list' object has no attribute 'split'", 'AttributeError');
  return subdictMatch(data, tgt, { ...opts, delimiter, log });
}
