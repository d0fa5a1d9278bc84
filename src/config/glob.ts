/**
 * A small synchronous glob with Python's `glob.glob` rules (non-recursive): `*`, `?` and `[...]`
 * (`[!...]` negates) match within one path segment, and a wildcard never matches a leading dot
 * unless the pattern segment starts with one. Node 20 has no `fs.globSync`.
 */
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';

const MAGIC = /[*?[]/;

/** True when `pattern` has glob wildcards (Python's `glob.has_magic`). */
export function hasMagic(pattern: string): boolean {
  return MAGIC.test(pattern);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Translates one fnmatch segment to an anchored RegExp (Python's `fnmatch.translate`). */
export function fnmatchToRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      let j = i + 1;
      if (segment[j] === '!') j++;
      if (segment[j] === ']') j++;
      while (j < segment.length && segment[j] !== ']') j++;
      if (j >= segment.length) {
        re += '\\[';
      } else {
        let body = segment.slice(i + 1, j).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = '^' + body.slice(1);
        else if (body.startsWith('^')) body = '\\' + body;
        re += `[${body}]`;
        i = j;
      }
    } else re += escapeRegExp(c);
  }
  return new RegExp(`^${re}$`, 's');
}

function lexists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Expands `pattern` to the existing paths it matches, unsorted like Python's `glob.glob`
 * (callers sort). A pattern without wildcards gives itself when the path exists.
 */
export function globSync(pattern: string): string[] {
  if (!hasMagic(pattern)) return lexists(pattern) ? [pattern] : [];
  const absolute = isAbsolute(pattern);
  const segments = pattern.split(sep).filter((s, i) => s !== '' || i === 0);
  let bases = [absolute ? sep : ''];
  for (const segment of segments) {
    if (segment === '') continue;
    const next: string[] = [];
    for (const base of bases) {
      if (!hasMagic(segment)) {
        const candidate = base === '' ? segment : join(base, segment);
        if (existsSync(candidate) || lexists(candidate)) next.push(candidate);
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(base === '' ? '.' : base);
      } catch {
        continue;
      }
      const re = fnmatchToRegExp(segment);
      const dotOk = segment.startsWith('.');
      for (const name of names) {
        if (name.startsWith('.') && !dotOk) continue;
        if (re.test(name)) next.push(base === '' ? name : join(base, name));
      }
    }
    bases = next;
  }
  return bases;
}
