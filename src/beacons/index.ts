/**
 * Beacons: minion-side monitors (`beacons:` in config or pillar) whose findings reach the master
 * as `salt/beacon/<id>/<beacon>/...` events. See {@link Beacons}.
 */
export { Beacons, type BeaconsOptions } from './beacons.js';
export { listToDict, removeHiddenOptions } from './_config.js';
export { BUILTIN_BEACONS } from './registry.js';
export { beaconsConfPath } from './persist.js';
export type { BeaconChange, BeaconContext, BeaconControl, BeaconEvent, BeaconModule } from './types.js';
