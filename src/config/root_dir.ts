/**
 * Salt's `root_dir` handling (`prepend_root_dir`, `should_prepend_root_dir`): path options are moved
 * under `root_dir`. A relative path is joined to it, an absolute path gets `root_dir` put in front,
 * and a path already inside `root_dir` is left as it is (so applying it twice changes nothing).
 */
import { normalize, posix, resolve } from 'node:path';

/** Path options the master moves under `root_dir` (besides the log files, see {@link logPathOptions}). */
export const MASTER_ROOT_DIR_OPTIONS = [
  'pki_dir',
  'cachedir',
  'pidfile',
  'sock_dir',
  'extension_modules',
  'autosign_file',
  'autoreject_file',
  'token_dir',
  'syndic_dir',
  'sqlite_queue_dir',
  'autosign_grains_dir',
] as const;

/** Path options the minion moves under `root_dir` (besides the log files). */
export const MINION_ROOT_DIR_OPTIONS = ['pki_dir', 'cachedir', 'sock_dir', 'extension_modules', 'pidfile'] as const;

/** Log options that are moved under `root_dir` only when they hold a path, not a URL like `udp://host`. */
export const MASTER_LOG_OPTIONS = ['log_file', 'key_logfile', 'ssh_log_file'] as const;
export const MINION_LOG_OPTIONS = ['log_file', 'key_logfile'] as const;

const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** True when `opts[key]` is set, not null and not a URL (`udp://`, `file://`, `tcp://` ...). */
export function shouldPrependRootDir(key: string, opts: Record<string, unknown>): boolean {
  const value = opts[key];
  return value !== undefined && value !== null && !(typeof value === 'string' && URL_SCHEME.test(value));
}

/** The log options of `candidates` that hold filesystem paths in `opts`. */
export function logPathOptions(opts: Record<string, unknown>, candidates: readonly string[]): string[] {
  return candidates.filter((key) => shouldPrependRootDir(key, opts));
}

/** Puts one path under `rootDir` the way Salt does; see the module comment. */
export function underRootDir(rootDir: string, path: string): string {
  const root = resolve(rootDir);
  const inside = root !== '/' && (path === root || path.startsWith(root + '/'));
  const rest = inside ? path.slice(root.length) : path;
  // Salt's salt.utils.path.join: normalise each part, strip the second part's leading '/', normalise.
  const tail = normalize(rest === '' ? '.' : rest).replace(/^\/+/, '');
  return posix.normalize(posix.join(root, tail));
}

/**
 * Moves each option of `keys` that is a string in `opts` under `opts.root_dir`, in place.
 * Options absent or null are left alone.
 */
export function prependRootDir(opts: Record<string, unknown>, keys: readonly string[]): void {
  const rootDir = typeof opts.root_dir === 'string' && opts.root_dir !== '' ? opts.root_dir : '/';
  for (const key of keys) {
    const value = opts[key];
    if (typeof value !== 'string') continue;
    opts[key] = underRootDir(rootDir, value);
  }
}

/**
 * The filesystem path held by option `key`, under `opts.root_dir` like Salt's path options.
 * Paths the loader already moved come back unchanged. Gives `undefined` when the option is unset,
 * null, empty or a URL.
 */
export function resolvePath(opts: Record<string, unknown>, key: string): string | undefined {
  const value = opts[key];
  if (typeof value !== 'string' || value === '' || !shouldPrependRootDir(key, opts)) return undefined;
  const rootDir = typeof opts.root_dir === 'string' && opts.root_dir !== '' ? opts.root_dir : '/';
  return underRootDir(rootDir, value);
}
