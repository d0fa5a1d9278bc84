/**
 * Test-side access to the output conformance corpus (/work/shared/conformance/output), read with
 * the tagged-JSON reader so that floats, bytes, tuples and OrderedDicts keep their Python types.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir } from '../../test/support/conformance.js';
import { parseTaggedJson } from './tagged.js';
import type { OutputOpts } from './types.js';

/** One outputter case: `formatOutput(input.data, input.out, input.opts, input.kwargs)` → `expected`. */
export interface OutputCase {
  id: string;
  what?: string;
  input: {
    out?: string;
    data?: unknown;
    data_repr?: string;
    opts?: OutputOpts;
    kwargs?: Record<string, unknown>;
    cli?: string[];
    pki?: Record<string, string[]>;
  };
  expected: { text?: string; stdout: string; text_stripped?: string };
}

/** Loads `output/<file>` of the corpus as tagged JSON. */
export function loadOutputCases(file: string): OutputCase[] {
  const parsed = parseTaggedJson(readFileSync(join(conformanceDir, 'output', file), 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`output/${file}: expected a list of cases`);
  return parsed as OutputCase[];
}
