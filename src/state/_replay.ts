/**
 * Test support: runs state conformance cases (state/requisites.json, state/highstate.json)
 * against an in-memory file_roots and normalises results the way the corpus README says.
 */
import assert from 'node:assert/strict';
import { minionDefaults } from '../config/minion_defaults.js';
import { Loader } from '../loader/loader.js';
import { MemoryFileClient } from './file_client_local.js';
import type { StateReturn } from './types.js';

/** A loader with Salt's minion defaults plus the case's options. */
export function caseLoader(
  extraOpts: Record<string, unknown> = {},
  grains: Record<string, unknown> = {},
  pillar: Record<string, unknown> = {},
): Loader {
  const opts: Record<string, unknown> = { ...(minionDefaults() as unknown as Record<string, unknown>), id: 'conformance-minion', ...extraOpts };
  return new Loader({ opts, grains, pillar });
}

/** The in-memory file client for a case's `files`. */
export function caseFiles(files: Record<string, Record<string, string>>): MemoryFileClient {
  return new MemoryFileClient(files);
}

const TRACEBACK_PREFIX = 'An exception occurred in this state: Traceback';

function normComment(c: unknown): unknown {
  if (typeof c === 'string' && c.startsWith(TRACEBACK_PREFIX)) {
    const lines = c.replace(/\n$/, '').split('\n');
    return `${TRACEBACK_PREFIX} ... ${lines[lines.length - 1]}`;
  }
  return c;
}

/** A state return as compared: no timings, pid placeholders, traceback prefix + last line. */
export function normaliseStates(states: StateReturn, replace: (s: string) => string = (s) => s): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [tag, r] of Object.entries(states)) {
    const copy: Record<string, unknown> = JSON.parse(replace(JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))));
    delete copy.start_time;
    delete copy.duration;
    const ch = copy.changes as Record<string, unknown> | undefined;
    if (ch && typeof ch === 'object' && 'pid' in ch && tag.startsWith('cmd_|-')) ch.pid = '{{PID}}';
    copy.comment = normComment(copy.comment);
    out[replace(tag)] = copy;
  }
  return out;
}

/** Compares a state return with the expected one (as a map; key order inside results ignored). */
export function assertStatesEqual(actual: StateReturn, expected: Record<string, unknown>, replace?: (s: string) => string): void {
  const exp = normaliseStates(expected as StateReturn);
  assert.deepEqual(sortKeys(normaliseStates(actual, replace)), sortKeys(exp));
}

/** Recursively sorts object keys (dict key order is not part of the comparison). */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}
