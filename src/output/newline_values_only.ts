/**
 * The `newline_values_only` outputter: the values of the top dict, one per line.
 */
import { OutputDataError } from './errors.js';
import { dictItems, isDict, isTuple, pyStr } from './python.js';
import type { OutputContext } from './types.js';

/**
 * Salt's `newline_values_only` outputter: each value of the top-level dict `str()`-ed, a list value
 * flattened one level (not a tuple), joined with newlines.
 * @throws OutputDataError ('AttributeError') when the data is not a dict (Salt falls back to nested).
 */
export function newlineValuesOnlyOutput(data: unknown, _ctx?: OutputContext): string {
  if (!isDict(data)) throw new OutputDataError('AttributeError', 'newline_values_only needs a dict');
  const values: unknown[] = [];
  for (const [, value] of dictItems(data)) {
    if (Array.isArray(value) && !isTuple(value)) values.push(...value);
    else values.push(value);
  }
  return values.map(pyStr).join('\n');
}
