/**
 * Python's `difflib.unified_diff` as Salt's `salt.utils.stringutils.get_diff` uses it: the same
 * matching (difflib's SequenceMatcher with its "popular element" heuristic), the same hunks with
 * three lines of context, and empty file names (`--- \n+++ \n`). Lines keep their own endings;
 * a last line without one is printed as is, like difflib does.
 */

type Opcode = ['equal' | 'replace' | 'delete' | 'insert', number, number, number, number];

/** difflib's SequenceMatcher over two line lists (no junk function, autojunk on). */
class SequenceMatcher {
  private readonly b2j = new Map<string, number[]>();

  constructor(
    private readonly a: readonly string[],
    private readonly b: readonly string[],
  ) {
    b.forEach((line, j) => {
      const list = this.b2j.get(line);
      if (list) list.push(j);
      else this.b2j.set(line, [j]);
    });
    // Lines occurring in more than 1% of a long `b` are not used to anchor matches.
    if (b.length >= 200) {
      const limit = Math.floor(b.length / 100) + 1;
      for (const [line, idxs] of [...this.b2j]) if (idxs.length > limit) this.b2j.delete(line);
    }
  }

  private longestMatch(alo: number, ahi: number, blo: number, bhi: number): [number, number, number] {
    const { a, b } = this;
    let besti = alo;
    let bestj = blo;
    let bestsize = 0;
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const next = new Map<number, number>();
      for (const j of this.b2j.get(a[i]) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > bestsize) {
          besti = i - k + 1;
          bestj = j - k + 1;
          bestsize = k;
        }
      }
      j2len = next;
    }
    // Grow the match over equal (possibly popular) neighbours.
    while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
      besti--;
      bestj--;
      bestsize++;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
    return [besti, bestj, bestsize];
  }

  private matchingBlocks(): Array<[number, number, number]> {
    const la = this.a.length;
    const lb = this.b.length;
    const queue: Array<[number, number, number, number]> = [[0, la, 0, lb]];
    const blocks: Array<[number, number, number]> = [];
    while (queue.length) {
      const [alo, ahi, blo, bhi] = queue.pop()!;
      const [i, j, k] = this.longestMatch(alo, ahi, blo, bhi);
      if (k) {
        blocks.push([i, j, k]);
        if (alo < i && blo < j) queue.push([alo, i, blo, j]);
        if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
      }
    }
    blocks.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
    const merged: Array<[number, number, number]> = [];
    let [i1, j1, k1] = [0, 0, 0];
    for (const [i2, j2, k2] of blocks) {
      if (i1 + k1 === i2 && j1 + k1 === j2) k1 += k2;
      else {
        if (k1) merged.push([i1, j1, k1]);
        [i1, j1, k1] = [i2, j2, k2];
      }
    }
    if (k1) merged.push([i1, j1, k1]);
    merged.push([la, lb, 0]);
    return merged;
  }

  opcodes(): Opcode[] {
    let i = 0;
    let j = 0;
    const out: Opcode[] = [];
    for (const [ai, bj, size] of this.matchingBlocks()) {
      if (i < ai && j < bj) out.push(['replace', i, ai, j, bj]);
      else if (i < ai) out.push(['delete', i, ai, j, bj]);
      else if (j < bj) out.push(['insert', i, ai, j, bj]);
      i = ai + size;
      j = bj + size;
      if (size) out.push(['equal', ai, i, bj, j]);
    }
    return out;
  }

  groupedOpcodes(n: number): Opcode[][] {
    let codes = this.opcodes();
    if (codes.length === 0) codes = [['equal', 0, 1, 0, 1]];
    const first = codes[0];
    if (first[0] === 'equal') codes[0] = ['equal', Math.max(first[1], first[2] - n), first[2], Math.max(first[3], first[4] - n), first[4]];
    const last = codes[codes.length - 1];
    if (last[0] === 'equal') codes[codes.length - 1] = ['equal', last[1], Math.min(last[2], last[1] + n), last[3], Math.min(last[4], last[3] + n)];
    const groups: Opcode[][] = [];
    let group: Opcode[] = [];
    for (const code of codes) {
      let [tag, i1, i2, j1, j2] = code;
      if (tag === 'equal' && i2 - i1 > 2 * n) {
        group.push([tag, i1, Math.min(i2, i1 + n), j1, Math.min(j2, j1 + n)]);
        groups.push(group);
        group = [];
        i1 = Math.max(i1, i2 - n);
        j1 = Math.max(j1, j2 - n);
      }
      group.push([tag, i1, i2, j1, j2]);
    }
    if (group.length && !(group.length === 1 && group[0][0] === 'equal')) groups.push(group);
    return groups;
  }
}

function formatRange(start: number, stop: number): string {
  let beginning = start + 1;
  const length = stop - start;
  if (length === 1) return String(beginning);
  if (!length) beginning -= 1;
  return `${beginning},${length}`;
}

/**
 * The unified diff of two line lists (each line with its ending), joined into one string the
 * way Salt returns it; `''` when they are equal. `context` lines surround each change (default 3).
 */
export function unifiedDiff(a: readonly string[], b: readonly string[], context = 3): string {
  const groups = new SequenceMatcher(a, b).groupedOpcodes(context);
  if (!groups.length) return '';
  let out = '--- \n+++ \n';
  for (const group of groups) {
    const first = group[0];
    const last = group[group.length - 1];
    out += `@@ -${formatRange(first[1], last[2])} +${formatRange(first[3], last[4])} @@\n`;
    for (const [tag, i1, i2, j1, j2] of group) {
      if (tag === 'equal') {
        for (const line of a.slice(i1, i2)) out += ' ' + line;
        continue;
      }
      if (tag === 'replace' || tag === 'delete') for (const line of a.slice(i1, i2)) out += '-' + line;
      if (tag === 'replace' || tag === 'insert') for (const line of b.slice(j1, j2)) out += '+' + line;
    }
  }
  return out;
}

/** Python's `splitlines(True)` for file text: lines split after `\n`, `\r\n` or `\r`, endings kept. */
export function splitLinesKeepEnds(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}
