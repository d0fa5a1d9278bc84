/**
 * Tag matching as Salt's `event_match_type` defines it: `startswith` (default), `endswith`,
 * `find` (substring), `regex` (anchored at the start, like Python's `re.match`) and `fnmatch`.
 */
import { fnmatch } from '../targeting/fnmatch.js';
import { InvalidEventError } from './errors.js';

export type MatchType = 'startswith' | 'endswith' | 'find' | 'regex' | 'fnmatch';

export const MATCH_TYPES: readonly MatchType[] = ['startswith', 'endswith', 'find', 'regex', 'fnmatch'];

/**
 * Returns a predicate telling whether an event tag matches `pattern`.
 * @throws InvalidEventError for an unknown match type or a regex that does not compile.
 */
export function tagMatcher(pattern: string, matchType: MatchType = 'startswith'): (tag: string) => boolean {
  switch (matchType) {
    case 'startswith':
      return (tag) => tag.startsWith(pattern);
    case 'endswith':
      return (tag) => tag.endsWith(pattern);
    case 'find':
      return (tag) => tag.includes(pattern);
    case 'regex': {
      let re: RegExp;
      try {
        re = new RegExp('^(?:' + pattern + ')');
      } catch (err) {
        throw new InvalidEventError(`The tag pattern ${JSON.stringify(pattern)} is not a valid regex: ${(err as Error).message}`);
      }
      return (tag) => re.test(tag);
    }
    case 'fnmatch':
      return (tag) => fnmatch(tag, pattern);
    default:
      throw new InvalidEventError(
        `The event match type must be one of ${MATCH_TYPES.join(', ')}: got ${JSON.stringify(matchType)}`,
      );
  }
}
