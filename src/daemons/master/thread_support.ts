/**
 * What every master thread besides the main one (request workers, the job-cache writer) sets up
 * the same way: a logger whose lines go to the main thread, which owns the log file, and the
 * job store it writes returns with.
 */
import { LocalJobCache } from '../../jobs/local_cache.js';
import type { Logger } from '../../log/logger.js';
import { MasterJobStore } from '../../returners/index.js';
import type { FromWorker } from './messages.js';

/** A logger that posts each line to the main thread. */
export function threadLogger(post: (msg: FromWorker) => void): Logger {
  const log: Logger = {
    trace() {},
    debug: (msg) => post({ type: 'log', level: 'debug', msg }),
    info: (msg) => post({ type: 'log', level: 'info', msg }),
    warn: (msg) => post({ type: 'log', level: 'warn', msg }),
    error: (msg) => post({ type: 'log', level: 'error', msg }),
    critical: (msg) => post({ type: 'log', level: 'error', msg }),
    child: () => log,
  };
  return log;
}

/** The master's local job cache and the job store (job cache plus configured returners) over it. */
export function openJobStore(opts: Record<string, unknown>, log: Logger): { jobs: LocalJobCache; store: MasterJobStore } {
  const jobs = new LocalJobCache({
    cachedir: String(opts.cachedir),
    hashType: String(opts.hash_type ?? 'sha256'),
    keepJobsSeconds: Number(opts.keep_jobs_seconds ?? 86400),
    // Returns are written atomically (temp file + rename) but not fsynced, like Salt's
    // local_cache: an fsync per return caps a master at a few hundred returns per second.
    fsync: false,
    // Not the main loop: blocking calls cost a third less CPU than the thread-pool round trip.
    blockingReturns: true,
    logger: log,
  });
  return { jobs, store: new MasterJobStore(opts, { log, localCache: jobs }) };
}
