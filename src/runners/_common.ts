/**
 * Helpers the runner modules share: the master job cache, the master's minion data cache
 * (Salt's `localfs` cache under `cachedir/minions/<id>/<key>.p`), and target resolution.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalJobCache } from '../jobs/local_cache.js';
import { validMinionId } from '../jobs/minion_id.js';
import { CommandExecutionError } from '../loader/errors.js';
import { KeyStore } from '../pki/keystore.js';
import { packBin, unpackBin } from '../protocol/binpack.js';
import { checkMinions } from '../targeting/check_minions.js';
import type { Opts } from './types.js';

export type Dict = Record<string, unknown>;

/** A plain map (not a list, buffer or null). */
export function isMap(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Uint8Array);
}

/**
 * Salt's `_get_returner`: the first configured job cache of `ext_job_cache`, `ext_source`,
 * `master_job_cache`. Only `local_cache` exists here.
 * @throws CommandExecutionError naming any other returner.
 */
export function jobCacheFor(opts: Opts, extSource?: unknown): LocalJobCache {
  const names = [opts.ext_job_cache, extSource, opts.master_job_cache ?? 'local_cache'];
  const name = names.find((n) => typeof n === 'string' && n !== '') as string | undefined;
  if (name !== undefined && name !== 'local_cache') {
    throw new CommandExecutionError(`The '${name}' returner is not available: only local_cache is supported`);
  }
  return new LocalJobCache({ cachedir: String(opts.cachedir), hashType: typeof opts.hash_type === 'string' ? opts.hash_type : 'sha256' });
}

/** Salt's `salt.utils.args.split_input`: a list as is, else the text split on commas and stripped. */
export function splitInput(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  return String(v).split(',').map((x) => x.trim());
}

/** The master's key store for `opts` (no events, no cache side effects). */
export function keyStoreFor(opts: Opts): KeyStore {
  return new KeyStore({ pkiDir: String(opts.pki_dir), hashType: typeof opts.hash_type === 'string' ? opts.hash_type : 'sha256' });
}

/** The master's minion data cache (Salt's `localfs` cache, bank `minions/<id>`). */
export class MinionDataCache {
  readonly dir: string;

  constructor(opts: Opts) {
    this.dir = join(String(opts.cachedir), 'minions');
  }

  /** Ids with a cache directory (Salt's `cache.list("minions")`). */
  list(): string[] {
    try {
      return readdirSync(this.dir).filter((n) => {
        try {
          return statSync(join(this.dir, n)).isDirectory();
        } catch {
          return false;
        }
      });
    } catch {
      return [];
    }
  }

  /** The value stored under `<id>/<key>.p`, or undefined when there is none or it cannot be read. */
  fetch(id: string, key: string): unknown {
    if (!validMinionId(id)) return undefined;
    try {
      return unpackBin(readFileSync(join(this.dir, id, `${key}.p`)));
    } catch {
      return undefined;
    }
  }

  /** Replaces `<id>/<key>.p` atomically. */
  store(id: string, key: string, value: unknown): void {
    const dir = join(this.dir, id);
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `.${key}.p.${process.pid}.${Date.now()}`);
    writeFileSync(tmp, packBin(value));
    renameSync(tmp, join(dir, `${key}.p`));
  }

  /** Removes `<id>/<key>.p` (Salt's `cache.flush(bank, key)`). */
  flush(id: string, key: string): void {
    rmSync(join(this.dir, id, `${key}.p`), { force: true });
  }
}

/**
 * Salt's `CkMinions.check_minions(tgt, tgt_type)` as a runner sees it: the accepted minions the
 * target names, using the minion data cache for grain/pillar targets. Never throws.
 */
export function targetMinions(opts: Opts, tgt: unknown, tgtType: unknown, greedy = true): string[] {
  const cache = new MinionDataCache(opts);
  const dataCache = opts.minion_data_cache !== false;
  return checkMinions(tgt, typeof tgtType === 'string' ? tgtType : 'glob', {
    acceptedIds: keyStoreFor(opts).list('minions'),
    getMinionData: (id: string) => {
      const data = cache.fetch(id, 'data');
      return isMap(data) ? (data as never) : undefined;
    },
    cachedIds: cache.list(),
    minionDataCache: dataCache,
    nodegroups: (opts.nodegroups ?? {}) as never,
    greedy,
  }).minions;
}
