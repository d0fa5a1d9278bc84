/**
 * Returners: where job returns, job loads and events go besides the master's event bus.
 *
 * - {@link ReturnerSet}: the returners of one process by name (Salt's `mminion.returners`).
 * - {@link MasterJobStore}: `master_job_cache` / `ext_job_cache` on the master (jids, loads, returns).
 * - {@link EventReturnQueue}: `event_return` with `event_return_queue` batching.
 * - {@link runMinionReturners}: the minion's `--return` / `return:` returners after a job.
 */
export * from './types.js';
export * from './errors.js';
export { getReturnerOptions, configOption, keepJobsSeconds } from './options.js';
export { LocalCacheReturner } from './local_cache.js';
export { PgjsonbReturner, PGJSONB_SCHEMA, pgjsonbOptions } from './pgjsonb.js';
export { RedisReturner, redisOptions } from './redis_return.js';
export { RawfileJsonReturner, rawfileJsonFilename } from './rawfile_json.js';
export { SyslogReturner, syslogOptions, type SyslogTarget } from './syslog_return.js';
export { MasterJobStore, type StoreJobOutcome } from './job_store.js';
export { EventReturnQueue, eventReturnNames, type EventReturnQueueOptions } from './event_return_queue.js';
export { runMinionReturners, minionReturnerNames, minionReturnData } from './minion_returns.js';
export { ReturnerSet, createReturner, returnerNames, type ReturnerSetOptions } from './registry.js';
