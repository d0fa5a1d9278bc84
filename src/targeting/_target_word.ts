/** Parsing of one compound-target word: `[engine[delimiter]@]pattern` (`salt.utils.minions.parse_target`). */

export type TargetEngine = 'G' | 'P' | 'I' | 'J' | 'L' | 'N' | 'S' | 'E' | 'R';

export interface TargetWord {
  engine: TargetEngine | null;
  /** The one-character delimiter given after G/P/I/J (as in `G|@a|b`), or null. */
  delimiter: string | null;
  pattern: string;
}

// Salt's TARGET_REX with Python's `.`/`$` semantics (no newline inside, `$` before a final newline).
const TARGET_RE = /^(?:([GPIJLNSER])((?<=[GPIJ])[^\n])?@)?([^\n]+)(?=\n?$)/su;

/** Splits a compound word into engine, delimiter and pattern; a word that does not parse is a plain glob. */
export function parseTargetWord(word: string): TargetWord {
  const m = TARGET_RE.exec(word);
  if (!m) return { engine: null, delimiter: null, pattern: word };
  return { engine: (m[1] as TargetEngine) ?? null, delimiter: m[2] ?? null, pattern: m[3] };
}
