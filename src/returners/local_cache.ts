/**
 * The `local_cache` returner: Salt's default master job cache, on disk under
 * `<cachedir>/jobs` (see `src/jobs/local_cache.ts` for the layout).
 */
import { LocalJobCache } from '../jobs/local_cache.js';
import { formatJidInstance, formatJidInstanceExt } from '../protocol/jid.js';
import { keepJobsSeconds } from './options.js';
import type { Dict, Returner, ReturnerContext } from './types.js';

/** The `local_cache` returner over a {@link LocalJobCache}. */
export class LocalCacheReturner implements Returner {
  readonly name = 'local_cache';

  /**
   * @param cache the cache to use; by default one for `cachedir`, `hash_type`,
   *   `keep_jobs_seconds` and `unique_jid` of the options.
   */
  constructor(
    private readonly ctx: ReturnerContext,
    readonly cache: LocalJobCache = new LocalJobCache({
      cachedir: String(ctx.opts.cachedir),
      hashType: typeof ctx.opts.hash_type === 'string' ? ctx.opts.hash_type : 'sha256',
      keepJobsSeconds: keepJobsSeconds(ctx.opts),
      uniqueJid: ctx.opts.unique_jid === true,
      fsync: false,
    }),
  ) {}

  async prep_jid(nocache = false, passedJid?: string | null): Promise<string> {
    return this.cache.prepJid({ jid: passedJid ?? undefined, nocache });
  }

  /** Stores a `_return` load; invalid, duplicate or nocache returns are skipped (and logged by the cache). */
  async returner(ret: Dict): Promise<void> {
    await this.cache.storeReturn(ret);
  }

  async save_load(jid: string, load: Dict, minions?: string[] | null): Promise<void> {
    await this.cache.saveLoad(jid, load, minions ?? undefined);
  }

  async save_minions(jid: string, minions: string[], syndicId?: string | null): Promise<void> {
    await this.cache.saveMinions(jid, minions, syndicId ?? undefined);
  }

  get_load(jid: string): Promise<Dict> {
    return this.cache.getLoad(jid);
  }

  async get_jid(jid: string): Promise<Record<string, Dict>> {
    return this.cache.getReturns(jid);
  }

  async get_jids(): Promise<Record<string, Dict>> {
    const out: Record<string, Dict> = {};
    for (const { jid, load } of await this.cache.listJobs()) {
      const entry = formatJidInstance(jid, load);
      if (this.ctx.opts.job_cache_store_endtime) {
        const endtime = await this.cache.getEndtime(jid);
        if (endtime) entry.EndTime = endtime;
      }
      out[jid] = entry;
    }
    return out;
  }

  async get_jids_filter(count: number, filterFindJob = true): Promise<Dict[]> {
    const jobs = (await this.cache.listJobs())
      .map(({ jid, load }) => formatJidInstanceExt(jid, load))
      .filter((j) => !(filterFindJob && j.Function === 'saltutil.find_job'));
    return count > 0 ? jobs.slice(-count) : [];
  }

  async clean_old_jobs(): Promise<void> {
    await this.cache.cleanOldJobs();
  }

  update_endtime(jid: string, time: string): Promise<void> {
    return this.cache.updateEndtime(jid, time);
  }

  get_endtime(jid: string): Promise<string | null> {
    return this.cache.getEndtime(jid);
  }
}

/** Builds the `local_cache` returner for a daemon's options. */
export function createLocalCacheReturner(ctx: ReturnerContext): Returner {
  return new LocalCacheReturner(ctx);
}
