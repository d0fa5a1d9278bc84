/**
 * The master's job cache through returners: `master_job_cache` (default `local_cache`) holds
 * jids, publish loads and returns; `ext_job_cache`, when set, also gets every publish load, and
 * minions return to it directly (it is added to the publish `ret`, as Salt's LocalClient does),
 * so the master then stores no returns itself (Salt's `store_job` rule).
 *
 * One instance per process (the main thread publishes, the workers store returns).
 */
import { validMinionId } from '../jobs/minion_id.js';
import { genJid, isJid, jidToTime } from '../protocol/jid.js';
import type { LocalJobCache } from '../jobs/local_cache.js';
import type { Logger } from '../log/logger.js';
import { LocalCacheReturner } from './local_cache.js';
import { ReturnerSet } from './registry.js';
import type { Dict } from './types.js';

/** What {@link MasterJobStore.storeReturn} did with a return. */
export interface StoreJobOutcome {
  /** The return reached the master job cache. */
  stored: boolean;
  /** The job's jid (a `req` jid is replaced by the one allocated), null for an invalid load. */
  jid: string | null;
  /** Why it was not stored. */
  reason?: 'invalid-load' | 'invalid-id' | 'job-cache-off' | 'ext-job-cache' | 'nocache' | 'duplicate' | 'unknown-jid' | 'returner-error';
}

function isMap(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function nameOf(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v.trim() : fallback;
}

/** The master job cache and external job cache of one master process. */
export class MasterJobStore {
  /** `master_job_cache` (default `local_cache`). */
  readonly masterJobCache: string;
  /** `ext_job_cache`, or '' when unset. */
  readonly extJobCache: string;
  readonly returners: ReturnerSet;

  /**
   * @param opts the master options.
   * @param deps `localCache`: the process's LocalJobCache to share; `returners`: a set to share
   *   (default: a new one, closed by {@link close}).
   */
  constructor(
    private readonly opts: Dict,
    deps: { log?: Logger; localCache?: LocalJobCache; returners?: ReturnerSet } = {},
  ) {
    this.masterJobCache = nameOf(opts.master_job_cache, 'local_cache') || 'local_cache';
    this.extJobCache = nameOf(opts.ext_job_cache);
    this.returners = deps.returners ?? new ReturnerSet({ opts, log: deps.log }, { localCache: deps.localCache });
    this.log = deps.log;
  }

  private readonly log: Logger | undefined;

  /**
   * Salt's `_prep_jid`: a jid from the master job cache (the given one, or a new one).
   * @throws ReturnerNotFoundError / ReturnerFunctionError when the cache cannot allocate jids
   *   (Salt answers "Failed to allocate a jid ..." then).
   */
  async prepJid(nocache = false, passedJid?: string | null): Promise<string> {
    return this.returners.fn(this.masterJobCache, 'prep_jid')(nocache, passedJid || null);
  }

  /**
   * Salt's `_prep_pub` storage: the publish load goes to `ext_job_cache` (with the minions) and
   * always to the master job cache. Failures are logged, never thrown: a publish goes out anyway.
   */
  async savePublishLoad(jid: string, load: Dict, minions: string[]): Promise<void> {
    if (this.extJobCache) {
      try {
        await this.returners.fn(this.extJobCache, 'save_load')(jid, load, minions);
      } catch (err) {
        this.log?.critical(`The specified returner used for the external job cache "${this.extJobCache}" failed to save the load of ${jid}: ${(err as Error).message}`);
      }
    }
    try {
      await this.returners.fn(this.masterJobCache, 'save_load')(jid, load, minions);
    } catch (err) {
      this.log?.critical(`The specified returner used for the master job cache "${this.masterJobCache}" failed to save the load of ${jid}: ${(err as Error).message}`);
    }
  }

  /**
   * The publish `ret` with `ext_job_cache` appended (Salt's LocalClient does this), so minions
   * send their returns to the external job cache.
   */
  publishRet(ret: unknown): string {
    const base = typeof ret === 'string' ? ret : '';
    if (!this.extJobCache) return base;
    return base ? `${base},${this.extJobCache}` : this.extJobCache;
  }

  /**
   * Salt's `store_job` for a minion's `_return` load (the caller fires the events): allocates a
   * jid for `req` returns and saves their load, then stores the return in the master job cache
   * unless `job_cache` is off, an `ext_job_cache` is set, or the job is `nocache`. A job without
   * a saved load gets the return's load saved. With `job_cache_store_endtime` the end time is
   * stored too. Returner failures are logged; only a broken local disk throws.
   */
  async storeReturn(load: Dict): Promise<StoreJobOutcome> {
    if (!isMap(load) || !('return' in load) || !('jid' in load) || !('id' in load)) return { stored: false, jid: null, reason: 'invalid-load' };
    if (!validMinionId(load.id)) return { stored: false, jid: typeof load.jid === 'string' ? load.jid : null, reason: 'invalid-id' };
    const endtime = jidToTime(genJid());
    const skip = this.opts.job_cache === false || this.extJobCache !== '';
    if (this.masterJobCache === 'local_cache' && !skip) return this.storeLocal(load, endtime);

    const cache = this.masterJobCache;
    let jid = String(load.jid);
    if (jid === 'req') {
      load.arg = load.arg ?? load.fun_args ?? [];
      load.tgt_type = 'glob';
      load.tgt = load.id;
      try {
        jid = await this.prepJid(Boolean(load.nocache));
        load.jid = jid;
        await this.returners.fn(cache, 'save_load')(jid, load);
      } catch (err) {
        this.log?.critical(`The specified '${cache}' returner threw an error: ${(err as Error).message}`);
      }
    } else if (isJid(jid)) {
      try {
        await this.prepJid(false, jid);
      } catch (err) {
        this.log?.critical(`The specified '${cache}' returner threw an error: ${(err as Error).message}`);
      }
    }
    if (this.opts.job_cache === false) return { stored: false, jid, reason: 'job-cache-off' };
    if (this.extJobCache) return { stored: false, jid, reason: 'ext-job-cache' };
    if (jid === 'nocache') return { stored: false, jid, reason: 'nocache' };
    if (!('fun' in load) && isMap(load.return)) {
      if ('fun' in load.return) load.fun = load.return.fun;
      if ('user' in load.return) load.user = load.return.user;
    }
    try {
      const saved = await this.returners.fn(cache, 'get_load')(jid);
      if (Object.keys(saved).length === 0) await this.returners.fn(cache, 'save_load')(jid, load);
    } catch (err) {
      this.log?.critical(`The specified '${cache}' returner threw an error saving the load of ${jid}: ${(err as Error).message}`);
    }
    try {
      await this.returners.fn(cache, 'returner')(load);
    } catch (err) {
      this.log?.critical(`The specified '${cache}' returner threw an error storing the return of ${String(load.id)}: ${(err as Error).message}`);
      return { stored: false, jid, reason: 'returner-error' };
    }
    await this.storeEndtime(jid, endtime);
    return { stored: true, jid };
  }

  /** The local_cache fast path: LocalJobCache.storeReturn applies store_job's rules itself. */
  private async storeLocal(load: Dict, endtime: string): Promise<StoreJobOutcome> {
    const local = this.returners.get('local_cache') as LocalCacheReturner;
    if (load.jid === 'nocache') return { stored: false, jid: 'nocache', reason: 'nocache' };
    const outcome = await local.cache.storeReturn(load);
    if (!outcome.stored) return { stored: false, jid: outcome.jid, reason: outcome.reason };
    if (load.jid === 'req') load.jid = outcome.jid;
    await this.storeEndtime(outcome.jid, endtime);
    return { stored: true, jid: outcome.jid };
  }

  private async storeEndtime(jid: string, endtime: string): Promise<void> {
    if (!this.opts.job_cache_store_endtime || !this.returners.has(this.masterJobCache, 'update_endtime')) return;
    try {
      await this.returners.fn(this.masterJobCache, 'update_endtime')(jid, endtime);
    } catch (err) {
      this.log?.warn(`Could not store the end time of ${jid}: ${(err as Error).message}`);
    }
  }

  /** Salt's `store_minions`: the minions a syndic forwarded a job to. @throws ReturnerFunctionError */
  async saveMinions(jid: string, minions: string[], syndicId?: string | null): Promise<void> {
    return this.returners.fn(this.masterJobCache, 'save_minions')(jid, minions, syndicId ?? null);
  }

  /** Salt's `clean_old_jobs` maintenance: the master job cache's, when it has one. Errors are logged. */
  async cleanOldJobs(): Promise<void> {
    if (!this.returners.has(this.masterJobCache, 'clean_old_jobs')) return;
    try {
      await this.returners.fn(this.masterJobCache, 'clean_old_jobs')();
    } catch (err) {
      this.log?.warn(`Job cache cleanup (${this.masterJobCache}) failed: ${(err as Error).message}`);
    }
  }

  /** Closes the returners' connections. */
  close(): Promise<void> {
    return this.returners.close();
  }
}
