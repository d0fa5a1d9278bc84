/**
 * Where the minion keeps its saved schedule (Salt's `<config dir>/minion.d/_schedule.conf`, a
 * YAML `schedule:` map included at start-up by `default_include`), and reading/writing it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { safeDump } from '../output/yaml.js';
import { loadSaltYaml } from '../yaml/salt_yaml.js';
import { CONFIG_DIR } from '../config/syspaths.js';

type Dict = Record<string, unknown>;

/** A plain map (not a list, buffer or null). */
export function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Date);
}

/**
 * The directory of the main config file: `conf_dir`, else `config_dir`, else the directory of
 * `conf_file`, else the system config dir.
 */
export function configDirOf(opts: Dict): string {
  if (typeof opts.conf_dir === 'string') return opts.conf_dir;
  if (typeof opts.config_dir === 'string') return opts.config_dir;
  if (typeof opts.conf_file === 'string') return dirname(opts.conf_file);
  return CONFIG_DIR;
}

/** The include directory (`minion.d` from `default_include: minion.d/*.conf`) under the config dir. */
export function includeDirOf(opts: Dict, role: 'minion' | 'master' = 'minion'): string {
  const include = typeof opts.default_include === 'string' ? opts.default_include : `${role}.d/*.conf`;
  return join(configDirOf(opts), dirname(include));
}

/** `<config dir>/minion.d/_schedule.conf`. */
export function scheduleConfPath(opts: Dict): string {
  return join(includeDirOf(opts, opts.__role === 'master' ? 'master' : 'minion'), '_schedule.conf');
}

/** The `schedule` map saved in `_schedule.conf`, or `{}` when the file is missing or empty. */
export function readSavedSchedule(path: string): Dict {
  if (!existsSync(path)) return {};
  const text = readFileSync(path, 'utf8');
  if (!text.trim()) return {};
  const doc = loadSaltYaml(text);
  return isDict(doc) && isDict(doc.schedule) ? doc.schedule : {};
}

/** Writes `{<key>: value}` as YAML (Salt's safe_dump, block style) atomically, creating the directory. */
export function writeYamlConf(path: string, key: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, safeDump({ [key]: value }, { defaultFlowStyle: false }));
  renameSync(tmp, path);
}
