/** Small file helpers of the key store: atomic writes with an exact mode, listings that skip dot files. */
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { writeFileAtomicSync } from '../atomic_file.js';
import { KeyReadError } from './errors.js';
import { dirname, join } from 'node:path';

/**
 * Writes `data` to `path` atomically: a dot-named temp file in the same directory (invisible to
 * key listings), created with exactly `mode`, fsync'ed, then renamed over `path`. Creates the
 * parent directory (mode 0700) when missing.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // The open mode is filtered by the umask; 0400-style modes stay exact because umask only clears bits.
  writeFileAtomicSync(path, Buffer.isBuffer(data) || typeof data === 'string' ? data : Buffer.from(data), mode, true);
}

/** Python's `sorted(names, key=str.lower)`. */
export function sortedIgnoreCase(names: Iterable<string>): string[] {
  return [...names]
    .map((name, index) => ({ name, key: name.toLowerCase(), index }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index))
    .map((e) => e.name);
}

/** Names of the non-dot entries of `dir`, or `undefined` when `dir` cannot be listed. */
export function listDir(dir: string): string[] | undefined {
  try {
    return readdirSync(dir).filter((name) => !name.startsWith('.'));
  } catch {
    return undefined;
  }
}

export { isDir, isFile } from '../fs_checks.js';

/**
 * The text of a key file, or `undefined` when there is none. Any other failure (EMFILE under a
 * connection storm, EIO) throws {@link KeyReadError}: a key that could not be read is not a
 * missing or different key, and must not get a minion denied or refused.
 */
export function readKeyFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw new KeyReadError(`Cannot read the key ${path}: ${(err as Error).message}`, { cause: err });
  }
}
