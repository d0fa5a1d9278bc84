/** Where `beacons.save` writes: `<dir of conf_file>/<dir of default_include>/beacons.conf`. */
import { dirname, join } from 'node:path';
import { configDirOf } from '../schedule/persist.js';

/** `<config dir>/minion.d/beacons.conf`. */
export function beaconsConfPath(opts: Record<string, unknown>): string {
  const include = typeof opts.default_include === 'string' ? opts.default_include : 'minion.d/*.conf';
  return join(configDirOf(opts), dirname(include), 'beacons.conf');
}
