/**
 * Salt's `salt.utils.json.dumps` / `loads` for returner storage: Python's separators
 * (`{"a": 1, "b": [1, 2]}`), non-ASCII kept as is, integral floats written `1.0`; bytes are
 * decoded as UTF-8 text (Salt's `salt.utils.data.decode` before storing).
 */
import { pyJsonDumps } from '../output/json.js';
import { pyJsonLoads } from '../render/py_json.js';

function bytesAsText(v: unknown): unknown {
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v instanceof Map) return Object.fromEntries([...v.entries()].map(([k, val]) => [String(k), val]));
  if (v instanceof Set) return [...v];
  if (v === undefined) return null;
  throw new TypeError(`Object of type ${typeof v} is not JSON serializable`);
}

/**
 * One line of JSON as Python's `json.dumps(value, ensure_ascii=False)` writes it.
 * @throws OutputDataError (TypeError) for a value JSON cannot hold.
 */
export function saltJsonDumps(value: unknown): string {
  return pyJsonDumps(value, { ensureAscii: false, default: bytesAsText });
}

/**
 * Python's `json.loads` (integral floats stay floats, big ints stay exact).
 * @throws JsonDecodeError for invalid JSON.
 */
export function saltJsonLoads(text: string): unknown {
  return pyJsonLoads(text);
}
