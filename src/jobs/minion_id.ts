/**
 * Salt's `valid_id` (salt-wire 4.4): the check every minion id from the network passes before it
 * names a file (keys, job cache returns, tokens).
 */
import { join, resolve, dirname } from 'node:path';

/**
 * True when `id` is text that can safely name a file or directory directly under a directory:
 * non-empty, without `/`, `\` or NUL, and not `.` or `..` (joining it under a directory must
 * stay one level inside that directory, as Salt's `clean_path` requires).
 */
export function validMinionId(id: unknown): id is string {
  if (typeof id !== 'string' || id === '') return false;
  if (id.includes('/') || id.includes('\\') || id.includes('\0')) return false;
  const root = '/salt-root';
  return dirname(resolve(join(root, id))) === root;
}
