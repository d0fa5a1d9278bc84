/**
 * Tag matching as Salt's `event_match_type` defines it: `startswith` (default), `endswith`,
 * `find` (substring), `regex` (anchored at the start, like Python's `re.match`) and `fnmatch`.
 */
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
    case 'fnmatch': {
      const re = fnmatchRegex(pattern);
      return (tag) => re.test(tag);
    }
    default:
      throw new InvalidEventError(
        `The event match type must be one of ${MATCH_TYPES.join(', ')}: got ${JSON.stringify(matchType)}`,
      );
  }
}

/** Python `fnmatch` (POSIX, case-sensitive): `*`, `?`, `[seq]`, `[!seq]`, whole-string match. */
export function fnmatchRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j++;
      if (j >= pattern.length) {
        out += '\\[';
      } else {
        let body = pattern.slice(i + 1, j).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = '^' + body.slice(1);
        else if (body.startsWith('^')) body = '\\' + body;
        out += `[${body}]`;
        i = j;
      }
    } else out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^(?:${out})$`, 's');
}
