/**
 * Salt-compatible configuration: `/etc/salt/master` and `/etc/salt/minion` with Salt's option
 * names, defaults, includes, `root_dir` handling and minion id, validated with clear errors.
 */
export { loadMasterConfig, loadMinionConfig, configFilePath } from './load.js';
export type { LoadConfigOptions, LoadMinionConfigOptions } from './load.js';
export { masterDefaults } from './master_defaults.js';
export type { MasterOpts, CommonOpts, RootsMap } from './master_defaults.js';
export { minionDefaults } from './minion_defaults.js';
export type { MinionOpts } from './minion_defaults.js';
export { ConfigError } from './errors.js';
export type { OptionSource, ConfigErrorDetails } from './errors.js';
export { resolvePath, prependRootDir, shouldPrependRootDir } from './root_dir.js';
export { getMinionId, generateMinionId, minionIdCachePath, systemHostInfo } from './minion_id.js';
export type { HostInfo } from './minion_id.js';
export { isValidMinionId, validateOpts, LOG_LEVELS, HASH_TYPES } from './validate.js';
export { parseConfigYaml } from './config_yaml.js';
export type { ParsedConfigFile } from './config_yaml.js';
export { includeConfig } from './include.js';
export { dictUpdate } from './dict_update.js';
export { copyOptions, overlayOptions } from './copy_options.js';
export * as syspaths from './syspaths.js';
export { currentUser } from './_user.js';
