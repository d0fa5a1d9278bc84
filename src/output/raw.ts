/**
 * The `raw` outputter: Python's `str()` of the data.
 */
import { pyStr } from './python.js';
import type { OutputContext } from './types.js';

/** Salt's `raw` outputter: `str(data)`, so dicts print as Python literals. */
export function rawOutput(data: unknown, _ctx?: OutputContext): string {
  return pyStr(data);
}
