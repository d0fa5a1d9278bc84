/** Loads cli/args.json cases with Python value kinds kept (see _py_json.ts), grouped by `input.kind`. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir } from '../../test/support/conformance.js';
import { parsePyJson } from './_py_json.js';

export interface ArgsCase {
  id: string;
  what?: string;
  input: Record<string, unknown> & { kind: string };
  expected: Record<string, unknown>;
}

/** The cases of cli/args.json whose `input.kind` is `kind`. */
export function argsCases(kind: string): ArgsCase[] {
  const all = parsePyJson(readFileSync(join(conformanceDir, 'cli', 'args.json'), 'utf8')) as ArgsCase[];
  return all.filter((c) => c.input.kind === kind);
}
