/** The built-in beacon modules, by name. */
import diskusage from './modules/diskusage.js';
import inotify from './modules/inotify.js';
import load from './modules/load.js';
import memusage from './modules/memusage.js';
import networkInfo from './modules/network_info.js';
import ps from './modules/ps.js';
import service from './modules/service.js';
import type { BeaconModule } from './types.js';

export const BUILTIN_BEACONS: Readonly<Record<string, BeaconModule>> = {
  diskusage,
  inotify,
  load,
  memusage,
  network_info: networkInfo,
  ps,
  service,
};
