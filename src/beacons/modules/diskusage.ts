/**
 * The `diskusage` beacon: fires `{diskusage: <percent>, mount}` for every mount point (matched as
 * a Python regex from the start, `$` appended) whose use reaches its threshold (`63%` or `63`).
 */
import { pyFloat } from '../../protocol/pytypes.js';
import { pyReMatch } from '../../targeting/pyregex.js';
import { diskUsagePercent, mountPoints } from '../_proc.js';
import { removeHiddenOptions } from '../_config.js';
import type { BeaconModule } from '../types.js';

/** Where mounts are read from (tests point it elsewhere). */
export const sources = { mounts: '/proc/mounts' };

const diskusage: BeaconModule = {
  name: 'diskusage',
  validate: (config) => (Array.isArray(config) ? [true, 'Valid beacon configuration'] : [false, 'Configuration for diskusage beacon must be a list.']),
  beacon: (config, ctx) => {
    const parts = mountPoints(sources.mounts);
    const ret: Record<string, unknown>[] = [];
    for (const entry of removeHiddenOptions(config)) {
      const mount = Object.keys(entry)[0];
      if (mount === undefined) continue;
      const mountRe = mount.endsWith('$') ? mount : `${mount}$`;
      const threshold = Number(String(entry[mount]).replace(/%/g, ''));
      for (const part of parts) {
        if (!pyReMatch(mountRe, part)) continue;
        let usage: number;
        try {
          usage = diskUsagePercent(part);
        } catch {
          ctx.log.warn(`${part} is not a valid mount point.`);
          continue;
        }
        if (usage >= threshold) ret.push({ diskusage: pyFloat(usage), mount: part });
      }
    }
    return ret;
  },
};

export default diskusage;
