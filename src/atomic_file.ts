/**
 * Atomic file replacement: write a temp file in the same directory, fsync it, rename it over
 * the target. A reader sees the old file or the whole new one, never half of it. Used by the job
 * cache, the key store and the module cache; the temp name starts with a dot, so directory
 * listings that skip dot files (keys, job returns) never see it.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, renameSync, unlinkSync, writeSync, fsyncSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

// Salt's atomicfile uses this prefix; job cache readers skip names starting with '.'.
const TEMP_PREFIX = '.___atomic_write';

/**
 * Writes `data` to `path` atomically with file mode `mode` (default 0o600, like Salt's
 * mkstemp-based atomic_open; the umask applies). With `fsync` (default true) the data is on disk
 * before the rename, so a crash leaves the old file or the new one, never an empty one.
 * @throws the underlying fs error (the temp file is removed first).
 */
export async function writeFileAtomic(path: string, data: Buffer | string, mode = 0o600, fsync = true): Promise<void> {
  const tmp = join(dirname(path), `${TEMP_PREFIX}${basename(path)}.${randomBytes(6).toString('hex')}`);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    if (fsync) await fh.sync();
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

/**
 * {@link writeFileAtomic} with blocking calls, for a worker thread that writes many small files:
 * four system calls and no thread-pool hop or promise per step. Never call it on a main loop.
 */
export function writeFileAtomicSync(path: string, data: Buffer | string, mode = 0o600, fsync = true): void {
  const tmp = join(dirname(path), `${TEMP_PREFIX}${basename(path)}.${randomBytes(6).toString('hex')}`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
    if (fsync) fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // the write error is the one to report
    }
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // the rename error is the one to report
    }
    throw err;
  }
}
