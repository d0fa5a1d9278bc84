/**
 * Pillar: compiling a minion's pillar from `pillar_roots` (`compilePillar`, the master side of
 * `_pillar` and masterless `pillar.items`), the merge strategies, the top file logic, and the
 * hook through which the minion daemon lets `pillar.items` fetch a fresh pillar from the master.
 */
export { compilePillar, type CompilePillarArgs, type CompiledPillar, type PillarRenderer } from './compile.js';
export { mergePillar, mergeRecurse, MERGE_STRATEGIES } from './merge.js';
export { mergePillarTops, pillarTopMatches, confirmTop, PillarTopTypeError, type MergedTops, type PillarTop } from './top.js';
export { registerPillarFetcher, pillarFetcher, type PillarFetcher, type PillarFetchRequest } from './fetcher.js';
