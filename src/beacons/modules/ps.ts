/**
 * The `ps` beacon: for each configured process, fires `{name: "Running"}` when it should be
 * `running` and is, `{name: "Stopped"}` when it should be `stopped` and is not running, and
 * `{name: False}` for any other wish when it is not running.
 */
import { processNames } from '../_proc.js';
import { listToDict } from '../_config.js';
import type { BeaconModule } from '../types.js';

/** Where processes are listed from (tests point it elsewhere). */
export const sources = { procDir: '/proc' };

const ps: BeaconModule = {
  name: 'ps',
  validate: (config) => {
    if (!Array.isArray(config)) return [false, 'Configuration for ps beacon must be a list.'];
    const c = listToDict(config);
    if (!('processes' in c)) return [false, 'Configuration for ps beacon requires processes.'];
    if (typeof c.processes !== 'object' || c.processes === null || Array.isArray(c.processes)) return [false, 'Processes for ps beacon must be a dictionary.'];
    return [true, 'Valid beacon configuration'];
  },
  beacon: (config) => {
    const procs = processNames(sources.procDir);
    const wanted = (listToDict(config).processes ?? {}) as Record<string, unknown>;
    const ret: Record<string, unknown>[] = [];
    for (const [name, want] of Object.entries(wanted)) {
      const running = procs.has(name);
      if (want === 'running') {
        if (running) ret.push({ [name]: 'Running' });
      } else if (want === 'stopped') {
        if (!running) ret.push({ [name]: 'Stopped' });
      } else if (!running) {
        ret.push({ [name]: false });
      }
    }
    return ret;
  },
};

export default ps;
