/**
 * Python's `fnmatch.fnmatch` on POSIX (case-sensitive, `*` also matches `/`) and Salt's
 * `expr_match` (a glob, or else a regular expression that must match the whole text).
 */

const regexCache = new Map<string, RegExp>();

function escapeRegex(ch: string): string {
  return /[\\^$.*+?()[\]{}|\/-]/.test(ch) ? '\\' + ch : ch;
}

/** Translates a shell glob to a regular expression source the way `fnmatch.translate` does. */
export function globToRegexSource(pattern: string): string {
  let out = '';
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i++]!;
    if (c === '*') {
      out += '.*';
      while (pattern[i] === '*') i++;
    } else if (c === '?') {
      out += '.';
    } else if (c === '[') {
      let j = i;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      while (j < n && pattern[j] !== ']') j++;
      if (j >= n) {
        out += '\\[';
        continue;
      }
      let stuff = pattern.slice(i, j);
      i = j + 1;
      let negate = false;
      if (stuff.startsWith('!')) {
        negate = true;
        stuff = stuff.slice(1);
      }
      let cls = '';
      for (const ch of stuff) cls += ch === '-' ? '-' : /[\\\]\[^]/.test(ch) ? '\\' + ch : ch;
      if (cls === '' && !negate) out += '(?!)';
      else if (cls === '' && negate) out += '.';
      else out += (negate ? '[^' : '[') + cls + ']';
    } else {
      out += escapeRegex(c);
    }
  }
  return out;
}

/** True when `name` matches the shell glob `pattern` (Python `fnmatch.fnmatch` on POSIX). */
export function fnmatch(name: string, pattern: string): boolean {
  let re = regexCache.get(pattern);
  if (!re) {
    try {
      re = new RegExp('^(?:' + globToRegexSource(pattern) + ')$', 's');
    } catch {
      re = /(?!)/;
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re.test(name);
}

/**
 * Salt's `expr_match(line, expr)`: `expr` as a glob, or as a regular expression anchored like
 * Python's `re.match(r"\A" + expr + r"\Z", line)` (the anchors are not grouped, as in Salt).
 * A pattern that is not a valid regular expression only counts as a glob.
 */
export function exprMatch(text: string, expr: string): boolean {
  if (fnmatch(text, expr)) return true;
  let re: RegExp;
  try {
    re = new RegExp('^' + expr + '$', 'y');
  } catch {
    return false;
  }
  re.lastIndex = 0;
  return re.test(text);
}
