/**
 * The `network_info` beacon: fires `{interface, network_info: {counters}}` for an interface whose
 * counters equal (`type: equal`, the default) or exceed (`type: greater`) a configured value.
 */
import { NET_ATTRS, netIoCounters } from '../_proc.js';
import { listToDict } from '../_config.js';
import type { BeaconModule } from '../types.js';

const VALID_ITEMS = ['type', ...NET_ATTRS];

/** Where counters are read from (tests point it elsewhere). */
export const sources = { netDev: '/proc/net/dev' };

const networkInfo: BeaconModule = {
  name: 'network_info',
  validate: (config) => {
    if (!Array.isArray(config)) return [false, 'Configuration for network_info beacon must be a list.'];
    const interfaces = (listToDict(config).interfaces ?? {}) as Record<string, unknown>;
    for (const item of Object.values(interfaces)) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) return [false, 'Configuration for network_info beacon must be a list of dictionaries.'];
      if (!Object.keys(item).some((k) => VALID_ITEMS.includes(k))) return [false, 'Invalid configuration item in Beacon configuration.'];
    }
    return [true, 'Valid beacon configuration'];
  },
  beacon: (config) => {
    const stats = netIoCounters(sources.netDev);
    const interfaces = (listToDict(config).interfaces ?? {}) as Record<string, Record<string, unknown>>;
    const ret: Record<string, unknown>[] = [];
    for (const [name, cfg] of Object.entries(interfaces)) {
      const counters = stats.get(name);
      if (!counters) continue;
      let hit = false;
      for (const attr of NET_ATTRS) {
        if (!(attr in cfg)) continue;
        const want = Math.trunc(Number(cfg[attr]));
        if (cfg.type === 'greater' ? counters[attr] > want : counters[attr] === want) hit = true;
      }
      if (hit) ret.push({ interface: name, network_info: Object.fromEntries(NET_ATTRS.map((a) => [a, counters[a]])) });
    }
    return ret;
  },
};

export default networkInfo;
