/**
 * The `pprint` outputter: Python's `pprint.pformat` of the data.
 */
import { pformat } from './python.js';
import type { OutputContext } from './types.js';

/** Salt's `pprint` outputter: `pprint.pformat(data)` (width 80, sorted dicts). */
export function pprintOutput(data: unknown, _ctx?: OutputContext): string {
  return pformat(data);
}
