/**
 * The Salt mine: the master stores what minions send (`_mine`) and serves it back (`_mine_get`);
 * the minion's `mine.*` functions and its `__mine_interval` schedule entry feed it.
 */
export { handleMineCommand, mineGet, mineStore, mineDelete, mineFlush, minePath, MINE_COMMANDS } from './master.js';
export { MinionCacheBank, InvalidMinionIdError } from './store.js';
export { parseFunctionDefinition, wrapAclStructure, MINE_ITEM_ACL_ID, MINE_ITEM_ACL_DATA, MINE_ITEM_ACL_VERSION, type MineFunctionDefinition } from './acl.js';
export { mineIntervalJob, MINE_INTERVAL_JOB } from './minion.js';
