/** The `memusage` beacon: fires `{memusage: <percent>}` when memory use reaches `percent`. */
import { pyFloat } from '../../protocol/pytypes.js';
import { memoryUsagePercent } from '../_proc.js';
import { listToDict } from '../_config.js';
import type { BeaconModule } from '../types.js';

/** Where memory figures are read from (tests point it elsewhere). */
export const sources = { meminfo: '/proc/meminfo' };

const memusage: BeaconModule = {
  name: 'memusage',
  validate: (config) => {
    if (!Array.isArray(config)) return [false, 'Configuration for memusage beacon must be a list.'];
    if (!('percent' in listToDict(config))) return [false, 'Configuration for memusage beacon requires percent.'];
    return [true, 'Valid beacon configuration'];
  },
  beacon: (config) => {
    const c = listToDict(config);
    const usage = memoryUsagePercent(sources.meminfo);
    const threshold = Number(String(c.percent).replace(/%/g, ''));
    return usage >= threshold ? [{ memusage: pyFloat(usage) }] : [];
  },
};

export default memusage;
