/**
 * Loads `/etc/salt/master` and `/etc/salt/minion` like Salt's `master_config` / `minion_config`:
 * defaults, the config file, `default_include` and `include:` files, `root_dir`, the minion id,
 * and type checks with clear errors.
 */
import { statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { ConfigError, type OptionSource } from './errors.js';
import { includeConfig } from './include.js';
import { getMinionId, type HostInfo } from './minion_id.js';
import { masterDefaults, type MasterOpts } from './master_defaults.js';
import { minionDefaults, type MinionOpts } from './minion_defaults.js';
import { readConfFile } from './read_conf.js';
import {
  logPathOptions,
  MASTER_LOG_OPTIONS,
  MASTER_ROOT_DIR_OPTIONS,
  MINION_LOG_OPTIONS,
  MINION_ROOT_DIR_OPTIONS,
  prependRootDir,
} from './root_dir.js';
import * as sys from './syspaths.js';
import { validateId, validateOpts } from './validate.js';
import { globSync, hasMagic } from './glob.js';

/** How to find and adjust the configuration. */
export interface LoadConfigOptions {
  /** The `-c` directory; default `$SALT_CONFIG_DIR` or `/etc/salt`. */
  configDir?: string;
  /** An explicit config file path; wins over `configDir` and the environment. */
  configFile?: string;
  /** Options set on top of the files (command-line flags), before `root_dir` and validation; `undefined` values are ignored. */
  overrides?: Record<string, unknown>;
  /** Environment to read `SALT_CONFIG_DIR`, `SALT_MASTER_CONFIG`, `SALT_MINION_CONFIG` from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Receives warnings (an `include:` glob matching nothing); default prints Salt's `[WARNING ] ...` to stderr. */
  warn?: (message: string) => void;
  /** Host facts for computing an id that is not configured; default the real host. */
  host?: HostInfo;
}

/** Minion-only loading options. */
export interface LoadMinionConfigOptions extends LoadConfigOptions {
  /** Write a generated id to `<root_dir>/etc/salt/minion_id` (the minion daemon and salt-call do). */
  cacheMinionId?: boolean;
  /** Use this id when none is configured, instead of computing one. */
  minionId?: string;
}

type Role = 'master' | 'minion';

function defaultWarn(message: string): void {
  process.stderr.write(`[WARNING ] ${message}\n`);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The config file Salt would read for `role` (Salt's `load_config`): `configFile`, else
 * `<configDir or $SALT_CONFIG_DIR or /etc/salt>/<role>`; when that is the default path, an existing
 * file named by `$SALT_MASTER_CONFIG` / `$SALT_MINION_CONFIG` is used instead.
 */
export function configFilePath(role: Role, opts: Pick<LoadConfigOptions, 'configDir' | 'configFile' | 'env'> = {}): string {
  const env = opts.env ?? process.env;
  if (opts.configFile) return resolve(opts.configFile);
  const dir = opts.configDir || env.SALT_CONFIG_DIR || sys.CONFIG_DIR;
  const path = resolve(dir, role);
  const defaultPath = join(sys.CONFIG_DIR, role);
  const envPath = env[role === 'master' ? 'SALT_MASTER_CONFIG' : 'SALT_MINION_CONFIG'];
  if (path === defaultPath && envPath && isFile(envPath)) return resolve(envPath);
  return path;
}

interface GatheredConfig {
  /** The options from the files, then `overrides`. */
  values: Record<string, unknown>;
  sources: Map<string, OptionSource>;
  path: string;
  found: boolean;
}

function withRole(role: Role, err: unknown): never {
  if (err instanceof ConfigError && !err.message.startsWith('Cannot start')) {
    throw new ConfigError(`Cannot start ${role}: ${err.message}`, {
      file: err.file,
      line: err.line,
      column: err.column,
      option: err.option,
      constraint: err.constraint,
      value: err.value,
      cause: err.cause ?? err,
    });
  }
  throw err;
}

/** Reads the main file and its includes: file values, then default_include, then include (shallow, as Salt). */
function gather(role: Role, defaultInclude: string, opts: LoadConfigOptions): GatheredConfig {
  const warn = opts.warn ?? defaultWarn;
  const path = configFilePath(role, opts);
  const found = isFile(path);
  const values: Record<string, unknown> = {};
  const sources = new Map<string, OptionSource>();
  try {
    if (found) {
      const main = readConfFile(path);
      Object.assign(values, main.data);
      for (const [k, v] of main.sources) sources.set(k, v);
      values.conf_file = path;
    }
    const layers = [
      includeConfig(values.default_include ?? defaultInclude, path, false, warn),
      includeConfig(values.include ?? [], path, true, warn),
    ];
    for (const layer of layers) {
      Object.assign(values, layer.data);
      for (const [k, v] of layer.sources) sources.set(k, v);
    }
  } catch (err) {
    withRole(role, err);
  }
  for (const [k, v] of Object.entries(opts.overrides ?? {})) {
    if (v === undefined) continue;
    values[k] = v;
    sources.delete(k);
  }
  return { values, sources, path, found };
}

/** Salt's `_adjust_log_file_override`: `log_dir` moves a relative or default `log_file` into it. */
function adjustLogFile(values: Record<string, unknown>, defaultLogFile: string): void {
  const logDir = values.log_dir;
  if (typeof logDir !== 'string' || !logDir) return;
  const logFile = values.log_file;
  if (typeof logFile === 'string' && logFile) {
    if (!isAbsolute(logFile)) values.log_file = join(logDir, logFile);
  } else {
    values.log_file = join(logDir, basename(defaultLogFile));
  }
}

/** Steps shared by master and minion after the files are merged over the defaults. */
function applyCommon(opts: Record<string, unknown>): void {
  if ('environment' in opts) {
    if (opts.saltenv !== null && opts.saltenv !== undefined) opts.environment = opts.saltenv;
    else opts.saltenv = opts.environment;
  }
  if (Array.isArray(opts.fileserver_backend)) {
    opts.fileserver_backend = opts.fileserver_backend.map((b) =>
      b === 'git' || b === 'hg' || b === 'svn' || b === 'minion' ? `${b}fs` : b,
    );
  }
  opts.__cli = basename(process.argv[1] ?? '');
  // Unix socket paths are short; Salt moves a long sock_dir under the cache dir.
  if ((opts.sock_dir as string).length > (opts.cachedir as string).length + 10) {
    opts.sock_dir = join(opts.cachedir as string, '.salt-unix');
  }
  opts.extension_modules = opts.extension_modules || join(opts.cachedir as string, 'extmods');
  if (!Array.isArray(opts.utils_dirs) || opts.utils_dirs.length === 0) {
    opts.utils_dirs = [join(opts.extension_modules as string, 'utils')];
  }
  opts.open_mode = opts.open_mode === true;
  for (const key of ['file_roots', 'pillar_roots'] as const) {
    const roots = opts[key] as Record<string, string[]>;
    for (const env of Object.keys(roots)) {
      roots[env] = roots[env]!.flatMap((dir) => (hasMagic(dir) ? globSync(dir) : [dir]));
    }
  }
  if (opts.ipc_write_buffer === 'dynamic') opts.ipc_write_buffer = 0;
  if (opts.ssl === false || opts.ssl === null || opts.ssl === undefined) opts.ssl = null;
  else if (opts.ssl === true) opts.ssl = {};
  if (Array.isArray(opts.return)) opts.return = opts.return.join(',');
}

function appendDomain(opts: Record<string, unknown>): void {
  const domain = opts.append_domain;
  const id = opts.id as string;
  if (typeof domain !== 'string' || id.endsWith(domain) || id.endsWith('.')) return;
  opts.id = `${id}.${domain}`;
}

function build<T extends Record<string, unknown>>(role: Role, defaults: T, gathered: GatheredConfig): T {
  const opts: Record<string, unknown> = { ...defaults };
  adjustLogFile(gathered.values, defaults.log_file as string);
  Object.assign(opts, gathered.values);
  opts.config_dir = dirname(gathered.path);
  opts.__role = role;
  validateOpts(role, opts, gathered.sources);
  applyCommon(opts);
  return opts as T;
}

/**
 * Defines `key` on `obj` as computed once, on the first read of `obj` or of a copy that kept the
 * accessor ({@link copyOptions}); each object then holds it as plain data (also when assigned).
 * It reads as null while being computed; a compute that throws is retried on the next read.
 */
function lazyProperty(obj: Record<string, unknown>, key: string, compute: () => unknown): void {
  let state: 'pending' | 'computing' | 'done' = 'pending';
  let value: unknown = null;
  const settle = (target: object, v: unknown): void => {
    Object.defineProperty(target, key, { value: v, writable: true, enumerable: true, configurable: true });
  };
  Object.defineProperty(obj, key, {
    enumerable: true,
    configurable: true,
    get(this: object) {
      if (state === 'computing') return null;
      if (state === 'pending') {
        state = 'computing';
        try {
          value = compute();
          state = 'done';
        } finally {
          if (state === 'computing') state = 'pending';
        }
      }
      settle(this, value);
      return value;
    },
    set(this: object, v: unknown) {
      settle(this, v);
    },
  });
}

/**
 * Loads the master configuration: Salt's defaults, `<config dir>/master`, `master.d/*.conf`,
 * `include:` files and `overrides`, then Salt's derived options (`token_dir`, `id` = minion id +
 * `_master`, ...) and `root_dir` in front of the path options. A missing file means defaults.
 * Unknown options are kept.
 * @throws ConfigError on a YAML error (file, line, column) or a bad option value (file, line,
 *   option, constraint, value).
 */
export function loadMasterConfig(opts: LoadConfigOptions = {}): MasterOpts {
  const defaults = masterDefaults();
  const gathered = gather('master', defaults.default_include, opts);
  const o = build('master', defaults, gathered) as MasterOpts;
  const external = o.external_auth as Record<string, unknown>;
  if (external && typeof external === 'object' && 'rest' in external) o.keep_acl_in_token = true;
  o.token_dir = join(o.cachedir, 'tokens');
  o.syndic_dir = join(o.cachedir, 'syndics');
  const computedId = !o.id;
  if (computedId) {
    // Computing the master id asks the resolver (child processes); most callers (the salt CLI)
    // never read it, so it is computed, and checked, on first use.
    lazyProperty(o as unknown as Record<string, unknown>, 'id', () => {
      const { id, isIp } = getMinionId(o, { cache: false, host: opts.host });
      const scratch = { ...o, id } as MasterOpts;
      if (!isIp) appendDomain(scratch);
      const masterId = `${scratch.id}_master`;
      validateId('master', { id: masterId }, gathered.sources);
      return masterId;
    });
  } else {
    appendDomain(o);
  }
  prependRootDir(o, [...MASTER_ROOT_DIR_OPTIONS, ...logPathOptions(o, MASTER_LOG_OPTIONS)]);
  o.auto_accept = o.auto_accept === true;
  if (typeof o.file_ignore_regex === 'string') o.file_ignore_regex = [o.file_ignore_regex];
  if (Array.isArray(o.file_ignore_regex)) {
    o.file_ignore_regex = o.file_ignore_regex.filter((re) => {
      try {
        new RegExp(String(re));
        return true;
      } catch {
        return false;
      }
    });
  }
  if (typeof o.file_ignore_glob === 'string') o.file_ignore_glob = [o.file_ignore_glob];
  if (o.worker_threads < 3 && o.peer && Object.keys(o.peer).length > 0) o.worker_threads = 3;
  if (!computedId) validateId('master', o, gathered.sources);
  return o;
}

/**
 * Loads the minion configuration: Salt's defaults, `<config dir>/minion`, `minion.d/*.conf`,
 * `include:` files and `overrides`, then the id (configured, `minionId`, the cached
 * `<root_dir>/etc/salt/minion_id`, or the host's FQDN, cached when `cacheMinionId`),
 * `append_minionid_config_dirs` and `root_dir` in front of the path options.
 * A missing file means defaults. Unknown options are kept.
 * @throws ConfigError on a YAML error (file, line, column) or a bad option value (file, line,
 *   option, constraint, value), including an id Salt would refuse.
 */
export function loadMinionConfig(opts: LoadMinionConfigOptions = {}): MinionOpts {
  const defaults = minionDefaults();
  const gathered = gather('minion', defaults.default_include, opts);
  const o = build('minion', defaults, gathered) as MinionOpts;
  let usingIp = false;
  if (!o.id) {
    if (opts.minionId) o.id = opts.minionId;
    else {
      const { id, isIp } = getMinionId(o, { cache: opts.cacheMinionId ?? false, host: opts.host });
      o.id = id;
      usingIp = isIp;
    }
  }
  if (!usingIp) appendDomain(o);
  validateId('minion', o, gathered.sources);
  const appendDirs = Array.isArray(o.append_minionid_config_dirs) ? o.append_minionid_config_dirs : [];
  for (const dir of appendDirs) {
    if (dir === 'pki_dir' || dir === 'cachedir' || dir === 'extension_modules') {
      o[dir] = join(o[dir] as string, o.id);
    } else if (dir === 'default_include' && typeof o.default_include === 'string') {
      o.default_include = join(dirname(o.default_include), o.id, basename(o.default_include));
    }
  }
  if (appendDirs.includes('pidfile')) {
    o.pidfile = join(dirname(o.pidfile), 'salt', o.id, basename(o.pidfile));
  }
  prependRootDir(o, [...MINION_ROOT_DIR_OPTIONS, ...logPathOptions(o, MINION_LOG_OPTIONS)]);
  if (o.beacons === undefined || o.beacons === null) o.beacons = {};
  return o;
}
