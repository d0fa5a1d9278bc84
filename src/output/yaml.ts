/**
 * The `yaml` outputter.
 */
import { safeDump } from './_yaml_emitter.js';
import { OutputDataError } from './errors.js';
import type { OutputContext } from './types.js';

export { safeDump, type SafeDumpOptions } from './_yaml_emitter.js';

/**
 * Salt's `yaml` outputter: block style with sorted keys (an OrderedDict keeps its order).
 * `output_indent` absent → indent 2; a number ≥ 0 → that indent (2..9 honoured); negative → flow style.
 * @throws OutputDataError ('TypeError') when `output_indent` is not a number (Salt then falls back to nested).
 */
export function yamlOutput(data: unknown, ctx: OutputContext): string {
  if (!('output_indent' in ctx.opts)) return safeDump(data, { defaultFlowStyle: false });
  const indent = ctx.opts.output_indent;
  if (typeof indent !== 'number' && typeof indent !== 'boolean') {
    throw new OutputDataError('TypeError', `'>=' not supported between '${typeof indent}' and 'int'`);
  }
  const n = Number(indent);
  if (n >= 0) return safeDump(data, { defaultFlowStyle: false, indent: n });
  return safeDump(data, { defaultFlowStyle: true, indent: 0 });
}
