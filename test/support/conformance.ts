/**
 * Locates and loads the real-Salt conformance corpus (`../shared/conformance` beside the repo,
 * or $SALT_TS_CONFORMANCE). Tests replay these cases: they are the judge of compatibility.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'tsconfig.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

export const repoRoot = findRepoRoot();

export const conformanceDir = process.env.SALT_TS_CONFORMANCE
  ? resolve(process.env.SALT_TS_CONFORMANCE)
  : resolve(repoRoot, '..', 'shared', 'conformance');

export interface ConformanceCase<I = any, E = any> {
  id: string;
  what?: string;
  input: I;
  expected: E;
  [k: string]: unknown;
}

/** Loads `<conformance>/<folder>/<file>` and returns its cases (the file's array, or its `cases`). */
export function loadCases<I = any, E = any>(folder: string, file: string): ConformanceCase<I, E>[] {
  const path = join(conformanceDir, folder, file);
  const data = JSON.parse(readFileSync(path, 'utf8'));
  if (Array.isArray(data)) return data;
  if (Array.isArray(data.cases)) return data.cases;
  throw new Error(`${path}: no cases array`);
}
