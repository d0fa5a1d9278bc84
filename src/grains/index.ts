/**
 * Grains: the facts a minion reports about itself, with Salt's names, types and precedence.
 * `loadGrains` is the entry point; the rest is exported for tests and for callers that need
 * one piece (the network parsers, the cache).
 */
export { loadGrains, type LoadGrainsOptions } from './load.js';
export { coreGrains, coreModule, serverId } from './core.js';
export { BUILTIN_MODULES, staticGrainsPath } from './builtin_modules.js';
export { customGrainsDirs, loadCustomGrainModules } from './custom.js';
export { grainsCachePath, readGrainsCache, writeGrainsCache } from './cache.js';
export { GrainsConfigError, CustomGrainsModuleError } from './errors.js';
export type { GrainContext, GrainFunction, GrainModule, Grains } from './types.js';
