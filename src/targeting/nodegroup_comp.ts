/**
 * Nodegroups: expansion of a nodegroup into compound words (`salt.utils.minions.nodegroup_comp`)
 * and the minion-side `nodegroup` matcher.
 */
import { pySplit, pyStr } from './_pystr.js';
import { silentLog, type TargetLogger, type Nodegroups } from './types.js';

const OPERS = new Set(['and', 'or', 'not', '(', ')']);
const REGEX_CHARS = ['(', '[', '{', '\\', '?', '}', ']', ')'];

/**
 * A group of plain words (no operator, no `*`, no `X@` engine) becomes one compound word:
 * `E@w1,w2` when a word looks like a regex, else `L@w1,w2`. Null when the words do not qualify.
 */
function joinPlainWords(words: string[]): string[] | null {
  if (words.some((w) => OPERS.has(w))) return null;
  if (words.some((w) => w.includes('*') || /^[A-Z]@/.test(w))) return null;
  const regexLike = words.some((w) => REGEX_CHARS.some((c) => w.includes(c)));
  return [(regexLike ? 'E@' : 'L@') + words.join(',')];
}

function expand(name: string, nodegroups: Nodegroups, skip: Set<string> | null, log: TargetLogger): string[] {
  const firstCall = skip === null;
  if (skip === null) skip = new Set();
  else if (skip.has(name)) {
    log('ERROR', `Failed nodegroup expansion: illegal nested nodegroup "${name}"`);
    return [];
  }
  if (!Object.hasOwn(nodegroups, name)) {
    log('ERROR', `Failed nodegroup expansion: unknown nodegroup "${name}"`);
    return [];
  }
  const def = nodegroups[name];
  let words: string[];
  if (typeof def === 'string') words = pySplit(def);
  else if (Array.isArray(def)) words = def.map(pyStr);
  else {
    log('ERROR', `Nodegroup '${name}' (${pyStr(def)}) is neither a string, list nor tuple`);
    return [];
  }
  skip.add(name);
  let expanded = false;
  const ret: string[] = [];
  for (const word of words) {
    if (OPERS.has(word)) ret.push(word);
    else if (word.length >= 3 && word.startsWith('N@')) {
      expanded = true;
      ret.push(...expand(word.slice(2), nodegroups, skip, log));
    } else ret.push(word);
  }
  if (ret.length) {
    ret.unshift('(');
    ret.push(')');
  }
  skip.delete(name);
  if (!firstCall) return joinPlainWords(words) ?? ret;
  if (expanded) return ret;
  // No nested group: the original definition, for backwards compatibility (or its L@/E@ join).
  return joinPlainWords(words) ?? words;
}

/**
 * Expands nodegroup `name` into compound-target words. Nested `N@group` words are expanded
 * recursively, each wrapped in `( ... )`; a nested group of plain ids becomes one `L@a,b`
 * (or `E@...`) word. A top-level group with no nested group keeps its own words (or their
 * L@/E@ join). An unknown or cyclic group expands to nothing and logs an error.
 */
export function nodegroupComp(name: string, nodegroups: Nodegroups, log: TargetLogger = silentLog): string[] {
  return expand(name, nodegroups, null, log);
}
