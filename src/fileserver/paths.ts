/**
 * Path safety for the file server and `salt://` URL handling. Every path that arrives from the
 * network passes through here before it names a file: relative paths only, no `..`, no NUL,
 * and (with {@link isInside}) the real path of the result must stay inside its root.
 */
import { realpath } from 'node:fs/promises';
import { posix, resolve, sep } from 'node:path';

/**
 * The normalised form of a relative fileserver path (`a//b/./c` → `a/b/c`), or null when it
 * is not safe: empty, absolute, containing NUL or a backslash-free `..` segment anywhere
 * (Salt refuses `../` before normalising; refusing every `..` segment is stricter).
 */
export function cleanRelativePath(path: unknown): string | null {
  if (typeof path !== 'string' || path === '' || path.includes('\0')) return null;
  if (path.startsWith('/')) return null;
  if (path.split('/').some((part) => part === '..')) return null;
  const clean = posix.normalize(path).replace(/\/+$/, '');
  if (clean === '' || clean === '.' || clean.startsWith('/') || clean === '..' || clean.startsWith('../')) return null;
  return clean;
}

/**
 * True when a saltenv name can be used as a directory name (the `__env__` root substitution and
 * the minion cache `cachedir/files/<saltenv>/`): non-empty text without `/`, `\`, NUL, not `.`/`..`.
 */
export function safeEnvName(saltenv: unknown): saltenv is string {
  return typeof saltenv === 'string' && saltenv !== '' && saltenv !== '.' && saltenv !== '..' && !/[/\\\0]/.test(saltenv);
}

/** True when `child` is `parent` or below it (both absolute, already resolved). */
export function isWithin(parent: string, child: string): boolean {
  const p = parent.endsWith(sep) ? parent : parent + sep;
  return child === parent || child.startsWith(p);
}

/**
 * Salt's `clean_path(root, path, subdir=True, realpath=True)` without its symlink loophole:
 * the real path of `path` (symlinks resolved) must lie inside the real path of `root`.
 * @returns the real path, or null when it escapes or does not exist.
 */
export async function realPathInside(root: string, path: string): Promise<string | null> {
  let realRoot: string;
  let realFile: string;
  try {
    realRoot = await realpath(resolve(root));
    realFile = await realpath(resolve(root, path));
  } catch {
    return null;
  }
  return isWithin(realRoot, realFile) ? realFile : null;
}

/** A `salt://` URL split into its path and the `?saltenv=` query (Salt's `salt.utils.url.parse`). */
export interface SaltUrl {
  path: string;
  saltenv: string | null;
}

/**
 * Salt's `salt.utils.url.parse`: `salt://a/b?saltenv=dev` → `{path: 'a/b', saltenv: 'dev'}`.
 * A text that is not a `salt://` URL comes back as its own path. `?env=` is dropped (no longer
 * supported by Salt either).
 */
export function parseSaltUrl(url: string): SaltUrl {
  if (!url.startsWith('salt://')) return { path: url, saltenv: null };
  const resource = url.slice('salt://'.length);
  if (resource.includes('?env=')) return { path: resource.split('?env=', 1)[0]!, saltenv: null };
  const q = resource.indexOf('?saltenv=');
  if (q >= 0) return { path: resource.slice(0, q), saltenv: resource.slice(q + '?saltenv='.length) };
  return { path: resource, saltenv: null };
}

/** Salt's `salt.utils.url.create`: `salt://<path>[?saltenv=<env>]`. */
export function createSaltUrl(path: string, saltenv?: string | null): string {
  const p = path.replace(/\\/g, '/').replace(/^\/+/, '');
  return `salt://${p}${saltenv ? `?saltenv=${saltenv}` : ''}`;
}

/**
 * The master-side query split of Fileserver.find_file: `path?saltenv=x&k=v` → the path and
 * its query options (a `|`-escaped path keeps its `?`).
 */
export function splitPathQuery(path: string): { path: string; query: Record<string, string> } {
  const query: Record<string, string> = {};
  if (path.startsWith('|')) return { path: path.slice(1), query };
  const q = path.indexOf('?');
  if (q < 0) return { path, query };
  for (const comp of path.slice(q + 1).split('&')) {
    const eq = comp.indexOf('=');
    if (eq < 0) continue;
    query[comp.slice(0, eq)] = comp.slice(eq + 1);
  }
  return { path: path.slice(0, q), query };
}
