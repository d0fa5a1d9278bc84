/**
 * The grains cache (`grains_cache: True`): `<cachedir>/grains.cache.p`, msgpack like Salt's
 * `salt.payload.dump`, readable only by its owner, used while younger than
 * `grains_cache_expiration` seconds (default 300).
 */
import { mkdir, readFile, stat, unlink, writeFile, chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '../log/logger.js';
import { packBin, unpackBin } from '../protocol/binpack.js';
import { isGrainsDict, toGrains } from './merge.js';
import type { Grains } from './types.js';

/** The cache file for these options, or null without a `cachedir`. */
export function grainsCachePath(opts: Readonly<Record<string, unknown>>): string | null {
  return typeof opts.cachedir === 'string' && opts.cachedir ? join(opts.cachedir, 'grains.cache.p') : null;
}

/**
 * The cached grains when the cache is fresh: it exists, is at most `grains_cache_expiration`
 * seconds old (whole seconds, as Salt counts), `refresh_grains_cache` is not set, and it holds
 * a non-empty dict. Otherwise null.
 */
export async function readGrainsCache(opts: Readonly<Record<string, unknown>>, log: Logger, now = Date.now()): Promise<Grains | null> {
  const file = grainsCachePath(opts);
  if (file === null) return null;
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(file)).mtimeMs;
  } catch {
    log.debug('Grains cache file does not exist.');
    return null;
  }
  const expiration = Number(opts.grains_cache_expiration ?? 300);
  const age = Math.trunc((now - mtimeMs) / 1000);
  if (age > expiration) {
    log.debug(`Grains cache last modified ${age} seconds ago and cache expiration is set to ${expiration}. Grains cache expired. Refreshing.`);
    return null;
  }
  if (opts.refresh_grains_cache) {
    log.debug('refresh_grains_cache requested, Refreshing.');
    return null;
  }
  try {
    const value = unpackBin(await readFile(file));
    if (!isGrainsDict(value) || (value instanceof Map ? value.size === 0 : Object.keys(value).length === 0)) {
      log.debug('Cached grains are empty, cache might be corrupted. Refreshing.');
      return null;
    }
    log.debug('Retrieving grains from cache');
    return toGrains(value);
  } catch (err) {
    log.debug(`Unable to read the grains cache ${file}: ${(err as Error).message}`);
    return null;
  }
}

/** Writes the cache (mode 0600). A failure is logged and leaves no partial file behind. */
export async function writeGrainsCache(opts: Readonly<Record<string, unknown>>, grains: Grains, log: Logger): Promise<void> {
  const file = grainsCachePath(opts);
  if (file === null) return;
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(file, packBin(grains), { mode: 0o600 });
    await chmod(file, 0o600);
  } catch (err) {
    log.error(`Unable to write to grains cache file ${file}: ${(err as Error).message}`);
    await unlink(file).catch(() => undefined);
  }
}
