/** The master job cache (Salt's `local_cache` layout) and minion id validation. */
export { LocalJobCache } from './local_cache.js';
export type { LocalJobCacheOptions, CachedReturn, StoreReturnOutcome, JobCacheLogger } from './local_cache.js';
export { validMinionId } from './minion_id.js';
export { JobCacheError, InvalidJobInputError, JobCacheWriteError, JobCacheReadError } from './errors.js';
