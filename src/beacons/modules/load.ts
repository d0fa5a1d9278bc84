/**
 * The `load` beacon: fires the load averages `{1m, 5m, 15m}` when one leaves its `[low, high]`
 * range (`averages`); with `onchangeonly` only when one crosses a bound since the last run
 * (`emitatstartup: False` skips the first run).
 */
import { loadavg } from 'node:os';
import { pyFloat } from '../../protocol/pytypes.js';
import { listToDict } from '../_config.js';
import type { BeaconModule } from '../types.js';

const KEYS = ['1m', '5m', '15m'] as const;

/** The load averages source (tests replace it). */
export const sources = { loadavg: (): number[] => loadavg() };

function validate(config: unknown): [boolean, string] {
  if (!Array.isArray(config)) return [false, 'Configuration for load beacon must be a list.'];
  const c = listToDict(config);
  if ('emitatstartup' in c && typeof c.emitatstartup !== 'boolean') return [false, 'Configuration for load beacon option emitatstartup must be a boolean.'];
  if ('onchangeonly' in c && typeof c.onchangeonly !== 'boolean') return [false, 'Configuration for load beacon option onchangeonly must be a boolean.'];
  if (!('averages' in c)) return [false, 'Averages configuration is required for load beacon.'];
  const avg = (c.averages ?? {}) as Record<string, unknown>;
  if (!KEYS.some((k) => k in avg)) return [false, 'Averages configuration for load beacon must contain 1m, 5m or 15m items.'];
  for (const k of KEYS) {
    if (!Array.isArray(avg[k])) return [false, 'Averages configuration for load beacon: 1m, 5m and 15m items must be a list of two items.'];
    if ((avg[k] as unknown[]).length !== 2) return [false, 'Configuration for load beacon: 1m, 5m and 15m items must be a list of two items.'];
  }
  return [true, 'Valid beacon configuration'];
}

const load: BeaconModule = {
  name: 'load',
  validate,
  beacon: (config, ctx) => {
    const c = listToDict(config);
    const emitAtStartup = c.emitatstartup ?? true;
    const onChangeOnly = c.onchangeonly ?? false;
    const avgs = sources.loadavg();
    const now: Record<string, number> = { '1m': avgs[0], '5m': avgs[1], '15m': avgs[2] };
    const key = `load.last_status.${String(c._beacon_name ?? 'load')}`;
    const last = (ctx.context[key] ??= {}) as Record<string, number>;
    const averages = (c.averages ?? {}) as Record<string, [unknown, unknown]>;
    if (onChangeOnly && Object.keys(last).length === 0) {
      Object.assign(last, now);
      if (!emitAtStartup) return [];
    }
    let send = false;
    for (const k of KEYS) {
      if (!(k in averages)) continue;
      const [low, high] = averages[k].map(Number);
      if (onChangeOnly) {
        if ((now[k] > high && last[k] < high) || (now[k] < low && last[k] > low)) {
          send = true;
          break;
        }
      } else if (now[k] < low || now[k] > high) {
        send = true;
        break;
      }
    }
    if (onChangeOnly) Object.assign(last, now);
    return send ? [{ '1m': pyFloat(now['1m']), '5m': pyFloat(now['5m']), '15m': pyFloat(now['15m']) }] : [];
  },
};

export default load;
