/**
 * The master side of `cp.push` (`_file_recv`): a minion uploads a file in chunks into
 * `cachedir/minions/<id>/files/<path>`. Only with `file_recv: True`, within
 * `file_recv_max_size` MiB, for a valid minion id and a relative path that stays inside that
 * directory.
 */
import { appendFile, lstat, mkdir, realpath, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { validMinionId } from '../jobs/minion_id.js';
import { cleanRelativePath, isWithin } from './paths.js';

/** Upload bytes as they arrive decoded from the wire: Buffer, or text for valid UTF-8 (lossless). */
function chunkBytes(data: unknown): Buffer | null {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data);
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return null;
}

/**
 * Stores one `_file_recv` chunk. The request handler has already verified the minion's token.
 * @returns true when written; false when refused (Salt's reply in every refusal case).
 */
export async function receiveFile(load: Record<string, unknown>, opts: Record<string, unknown>): Promise<boolean> {
  if (!('id' in load) || !('path' in load) || !('loc' in load)) return false;
  if (!Array.isArray(load.path) || !load.path.every((p) => typeof p === 'string')) return false;
  if (opts.file_recv !== true) return false;
  if (!validMinionId(load.id)) return false;
  const loc = load.loc;
  if (typeof loc !== 'number' || !Number.isInteger(loc) || loc < 0) return false;
  const data = chunkBytes(load.data);
  if (!data) return false;
  const maxMiB = typeof opts.file_recv_max_size === 'number' ? opts.file_recv_max_size : 100;
  if (data.length + loc > maxMiB * 1024 * 1024) return false;
  const rel = cleanRelativePath((load.path as string[]).filter((p) => p !== '').join('/'));
  if (rel === null) return false;
  const cachedir = resolve(String(opts.cachedir ?? '/var/cache/salt/master'));
  const base = join(cachedir, 'minions', load.id, 'files');
  const target = resolve(base, rel);
  if (!isWithin(base, target) || target === base) return false;
  try {
    await mkdir(dirname(target), { recursive: true });
    // A symlink planted anywhere on the way must not lead the write out of the minion's directory.
    const realDir = await realpath(dirname(target));
    if (!isWithin(await realpath(base), realDir)) return false;
    const existing = await lstat(target).catch(() => null);
    if (existing && !existing.isFile()) return false;
    if (existing && loc !== 0) await appendFile(target, data);
    else await writeFile(target, data);
  } catch {
    return false;
  }
  return true;
}
