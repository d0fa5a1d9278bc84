/**
 * Python `fnmatch.fnmatchcase` (what `fnmatch.fnmatch` is on POSIX): `*` any run (dots and
 * newlines included), `?` one character, `[...]` a class with `[!...]` negation. A `^` at the
 * start of a class is literal, an unclosed `[` is literal, reversed ranges match nothing.
 * Matching is by Unicode code point and case-sensitive.
 */

type GlobToken =
  | { kind: 'star' }
  | { kind: 'any' }
  | { kind: 'literal'; cp: number }
  | { kind: 'class'; negate: boolean; ranges: Array<[number, number]> };

interface ClassItem {
  cp: number;
  /** True for a hyphen that joins two chunks (a range), false for a literal character. */
  rangeJoin: boolean;
}

const HYPHEN = 0x2d;
const BANG = 0x21;
const CLOSE = 0x5d;

/** Splits a class body the way Python's fnmatch.translate does: hyphens between chunks are ranges. */
function classItems(p: number[], start: number, end: number): ClassItem[] {
  const body = p.slice(start, end);
  if (!body.includes(HYPHEN)) return body.map((cp) => ({ cp, rangeJoin: false }));
  const chunks: number[][] = [];
  let from = start;
  let k = p[start] === BANG ? start + 2 : start + 1;
  for (;;) {
    k = p.indexOf(HYPHEN, k);
    if (k < 0 || k >= end) break;
    chunks.push(p.slice(from, k));
    from = k + 1;
    k += 3;
  }
  const last = p.slice(from, end);
  if (last.length) chunks.push(last);
  else chunks[chunks.length - 1].push(HYPHEN);
  // A reversed range (z-a) is removed together with its two endpoints.
  for (let i = chunks.length - 1; i > 0; i--) {
    const prev = chunks[i - 1];
    if (prev[prev.length - 1] > chunks[i][0]) {
      chunks[i - 1] = prev.slice(0, -1).concat(chunks[i].slice(1));
      chunks.splice(i, 1);
    }
  }
  const items: ClassItem[] = [];
  chunks.forEach((chunk, idx) => {
    if (idx > 0) items.push({ cp: HYPHEN, rangeJoin: true });
    for (const cp of chunk) items.push({ cp, rangeJoin: false });
  });
  return items;
}

function classToken(items: ClassItem[]): GlobToken {
  if (items.length === 0) return { kind: 'class', negate: false, ranges: [] }; // never matches
  let negate = false;
  if (items[0].cp === BANG && !items[0].rangeJoin) {
    if (items.length === 1) return { kind: 'any' };
    negate = true;
    items = items.slice(1);
  }
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < items.length; i++) {
    const lo = items[i].cp;
    if (i + 2 < items.length && items[i + 1].rangeJoin) {
      ranges.push([lo, items[i + 2].cp]);
      i += 2;
    } else {
      ranges.push([lo, lo]);
    }
  }
  return { kind: 'class', negate, ranges };
}

function compileGlob(pattern: string): GlobToken[] {
  const p = Array.from(pattern, (c) => c.codePointAt(0)!);
  const out: GlobToken[] = [];
  const n = p.length;
  let i = 0;
  while (i < n) {
    const c = p[i++];
    if (c === 0x2a) {
      if (out.length === 0 || out[out.length - 1].kind !== 'star') out.push({ kind: 'star' });
    } else if (c === 0x3f) {
      out.push({ kind: 'any' });
    } else if (c === 0x5b) {
      let j = i;
      if (j < n && p[j] === BANG) j++;
      if (j < n && p[j] === CLOSE) j++;
      while (j < n && p[j] !== CLOSE) j++;
      if (j >= n) {
        out.push({ kind: 'literal', cp: c });
      } else {
        out.push(classToken(classItems(p, i, j)));
        i = j + 1;
      }
    } else {
      out.push({ kind: 'literal', cp: c });
    }
  }
  return out;
}

function tokenMatches(t: GlobToken, cp: number): boolean {
  switch (t.kind) {
    case 'any':
      return true;
    case 'literal':
      return t.cp === cp;
    case 'class': {
      const inside = t.ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
      return inside !== t.negate;
    }
    default:
      return false;
  }
}

const cache = new Map<string, GlobToken[]>();

function tokensFor(pattern: string): GlobToken[] {
  let tokens = cache.get(pattern);
  if (!tokens) {
    tokens = compileGlob(pattern);
    if (cache.size >= 512) cache.clear();
    cache.set(pattern, tokens);
  }
  return tokens;
}

/**
 * Python `fnmatch.fnmatchcase(name, pattern)`: true when the whole of `name` matches.
 * Never throws: every pattern is valid.
 */
export function fnmatch(name: string, pattern: string): boolean {
  const toks = tokensFor(pattern);
  const s = Array.from(name, (c) => c.codePointAt(0)!);
  // Every token but `*` consumes exactly one character, so backtracking to the last star suffices.
  let si = 0;
  let ti = 0;
  let starTi = -1;
  let starSi = 0;
  while (si < s.length) {
    const t = toks[ti];
    if (t && t.kind === 'star') {
      starTi = ti++;
      starSi = si;
    } else if (t && tokenMatches(t, s[si])) {
      ti++;
      si++;
    } else if (starTi >= 0) {
      ti = starTi + 1;
      si = ++starSi;
    } else {
      return false;
    }
  }
  while (ti < toks.length && toks[ti].kind === 'star') ti++;
  return ti === toks.length;
}

/** Python `fnmatch.filter(names, pattern)`: the matching names, in their order. */
export function fnmatchFilter(names: Iterable<string>, pattern: string): string[] {
  return [...names].filter((n) => fnmatch(n, pattern));
}
