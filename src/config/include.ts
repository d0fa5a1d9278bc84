/**
 * Salt's config includes (`include_config`): `default_include` (`master.d/*.conf`) and `include:`.
 * Paths are globs relative to the including file's directory (`~` expands to the home directory);
 * matched files are read in sorted order and deep-merged (later files win, lists are merged), and a
 * file's own `include:` is read relative to that file.
 */
import { statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { dictUpdate } from './dict_update.js';
import type { OptionSource } from './errors.js';
import { globSync } from './glob.js';
import { readConfFile } from './read_conf.js';
import { homeDir } from './syspaths.js';

/** Options gathered from included files and the source of each top-level option. */
export interface IncludedConfig {
  data: Record<string, unknown>;
  sources: Map<string, OptionSource>;
  /** Every file read, in order. */
  files: string[];
}

function expandUser(path: string): string {
  if (path === '~') return homeDir();
  if (path.startsWith('~/')) return join(homeDir(), path.slice(2));
  return path;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Reads the files named by `include` (a glob or list of globs) relative to the directory of
 * `includingFile`. With `verbose`, a glob matching nothing is reported through `warn` with Salt's
 * message; `default_include` is not verbose, so a missing `master.d/` is silent.
 * @throws ConfigError when an included file is not valid YAML.
 */
export function includeConfig(
  include: unknown,
  includingFile: string,
  verbose: boolean,
  warn: (message: string) => void,
): IncludedConfig {
  const result: IncludedConfig = { data: {}, sources: new Map(), files: [] };
  if (!include) return result;
  const patterns = Array.isArray(include) ? include : [include];
  for (const entry of patterns) {
    if (typeof entry !== 'string' || entry === '') continue;
    let pattern = expandUser(entry);
    if (!isAbsolute(pattern)) pattern = join(dirname(includingFile), pattern);
    const matches = globSync(pattern).sort();
    if (matches.length === 0 && verbose) {
      warn(`Warning parsing configuration file: "include" path/glob '${pattern}' matches no files`);
    }
    for (const file of matches) {
      if (!isFile(file)) continue;
      const { data, sources } = readConfFile(file);
      result.files.push(file);
      if (data.include) {
        const nested = includeConfig(data.include, file, verbose, warn);
        Object.assign(data, nested.data);
        for (const [k, v] of nested.sources) sources.set(k, v);
        result.files.push(...nested.files);
      }
      dictUpdate(result.data, data, true, true);
      for (const [k, v] of sources) if (Object.hasOwn(data, k)) result.sources.set(k, v);
    }
  }
  return result;
}
