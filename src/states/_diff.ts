/**
 * Unified diffs in the form Python's `difflib.unified_diff` prints them (3 lines of context,
 * empty file names), from a line-level longest-common-subsequence alignment.
 */

type Op = ['equal' | 'replace' | 'delete' | 'insert', number, number, number, number];

/** Opcodes (like SequenceMatcher.get_opcodes) from an LCS alignment of two line lists. */
function opcodes(a: string[], b: string[]): Op[] {
  // Trim the common head and tail so the quadratic part stays small.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const A = a.slice(head, a.length - tail);
  const B = b.slice(head, b.length - tail);
  const n = A.length;
  const m = B.length;
  const pairs: Array<[number, number]> = [];
  if (n && m && n * m <= 25_000_000) {
    const dp = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        dp[i * (m + 1) + j] = A[i] === B[j] ? dp[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(dp[(i + 1) * (m + 1) + j], dp[i * (m + 1) + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (A[i] === B[j]) {
        pairs.push([i + head, j + head]);
        i++;
        j++;
      } else if (dp[(i + 1) * (m + 1) + j] >= dp[i * (m + 1) + j + 1]) i++;
      else j++;
    }
  }
  const all: Array<[number, number]> = [];
  for (let k = 0; k < head; k++) all.push([k, k]);
  all.push(...pairs);
  for (let k = tail; k > 0; k--) all.push([a.length - k, b.length - k]);
  all.push([a.length, b.length]);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  for (const [pi, pj] of all) {
    if (pi > i || pj > j) ops.push([pi > i && pj > j ? 'replace' : pi > i ? 'delete' : 'insert', i, pi, j, pj]);
    if (pi < a.length && pj < b.length) {
      const last = ops[ops.length - 1];
      if (last && last[0] === 'equal' && last[2] === pi && last[4] === pj) {
        last[2] = pi + 1;
        last[4] = pj + 1;
      } else ops.push(['equal', pi, pi + 1, pj, pj + 1]);
    }
    i = pi + 1;
    j = pj + 1;
  }
  return ops;
}

/** difflib's get_grouped_opcodes(n). */
function grouped(ops: Op[], n: number): Op[][] {
  let codes = ops.map((o) => [...o] as Op);
  if (!codes.length) codes = [['equal', 0, 1, 0, 1]];
  if (codes[0][0] === 'equal') {
    const [t, i1, i2, j1, j2] = codes[0];
    codes[0] = [t, Math.max(i1, i2 - n), i2, Math.max(j1, j2 - n), j2];
  }
  const last = codes.length - 1;
  if (codes[last][0] === 'equal') {
    const [t, i1, i2, j1, j2] = codes[last];
    codes[last] = [t, i1, Math.min(i2, i1 + n), j1, Math.min(j2, j1 + n)];
  }
  const nn = n + n;
  const groups: Op[][] = [];
  let group: Op[] = [];
  for (const [tag, i1, i2, j1, j2] of codes) {
    let [a1, a2, b1, b2] = [i1, i2, j1, j2];
    if (tag === 'equal' && a2 - a1 > nn) {
      group.push([tag, a1, Math.min(a2, a1 + n), b1, Math.min(b2, b1 + n)]);
      groups.push(group);
      group = [];
      a1 = Math.max(a1, a2 - n);
      b1 = Math.max(b1, b2 - n);
    }
    group.push([tag, a1, a2, b1, b2]);
  }
  if (group.length && !(group.length === 1 && group[0][0] === 'equal')) groups.push(group);
  return groups;
}

function range(start: number, stop: number): string {
  let beginning = start + 1;
  const length = stop - start;
  if (length === 1) return `${beginning}`;
  if (!length) beginning -= 1;
  return `${beginning},${length}`;
}

/**
 * `difflib.unified_diff(a, b, lineterm=lineterm)` with empty file names: the output lines
 * (headers end with `lineterm`; content lines keep their own endings).
 */
export function unifiedDiffLines(a: string[], b: string[], lineterm = '\n', n = 3): string[] {
  const out: string[] = [];
  let started = false;
  for (const group of grouped(opcodes(a, b), n)) {
    if (!started) {
      started = true;
      out.push(`--- ${lineterm}`, `+++ ${lineterm}`);
    }
    const first = group[0];
    const last = group[group.length - 1];
    out.push(`@@ -${range(first[1], last[2])} +${range(first[3], last[4])} @@${lineterm}`);
    for (const [tag, i1, i2, j1, j2] of group) {
      if (tag === 'equal') {
        for (const line of a.slice(i1, i2)) out.push(` ${line}`);
        continue;
      }
      if (tag === 'replace' || tag === 'delete') for (const line of a.slice(i1, i2)) out.push(`-${line}`);
      if (tag === 'replace' || tag === 'insert') for (const line of b.slice(j1, j2)) out.push(`+${line}`);
    }
  }
  return out;
}

/** Python's `str.splitlines(True)`: lines with their endings. */
export function splitLinesKeep(s: string): string[] {
  return s.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Salt's `get_diff`: the unified diff of two texts, as one string. */
export function getDiff(a: string, b: string): string {
  return unifiedDiffLines(splitLinesKeep(a), splitLinesKeep(b)).join('');
}
