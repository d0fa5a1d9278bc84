/**
 * Salt's outputters: turn return data into the exact text Salt prints.
 *
 * Entry points: {@link formatOutput} (Salt's `out_format`), {@link displayOutput} (`display_output`)
 * and {@link stringFormat} (`string_format`, colour codes removed).
 *
 * Data model — how Python values are given as JS values (see ./python.ts):
 * str → string; int → integral number or bigint; float → non-integral number, or PyFloat
 * (src/protocol/pytypes.ts) for an integral float such as `1.0`; None → null; bool → boolean;
 * bytes → Buffer; list → array; tuple → array flagged with `tuple()`; set → Set;
 * dict → plain object, or Map when keys are not all strings (keys typed) or when a plain object
 * would reorder integer-like keys; OrderedDict → the `OrderedDict` class (a Map subclass) exported
 * here: printed in insertion order where plain dicts are sorted.
 */
import { appendFileSync } from 'node:fs';
import { overlayOptions } from '../config/copy_options.js';
import { stripColorCodes } from './colors.js';
import { OutputDataError } from './errors.js';
import { highstateOutput } from './highstate.js';
import { jsonOutput } from './json.js';
import { keyOutput } from './key.js';
import { nestedOutput } from './nested.js';
import { newlineValuesOnlyOutput } from './newline_values_only.js';
import { pprintOutput } from './pprint.js';
import { pyRstrip } from './python.js';
import { rawOutput } from './raw.js';
import { txtOutput } from './txt.js';
import type { OutputContext, OutputOpts, Outputter } from './types.js';
import { yamlOutput } from './yaml.js';

export type { OutputContext, OutputOpts, Outputter } from './types.js';
export { OrderedDict, PyFloat, tuple, isTuple, pyRepr, pyStr, pformat } from './python.js';
export { OutputDataError, TaggedJsonError } from './errors.js';
export { getColors, stripColorCodes, stripEscSequence, type Colors } from './colors.js';
export { pyJsonDumps, type JsonDumpsOptions } from './json.js';
export { safeDump, type SafeDumpOptions } from './yaml.js';
export { parseTaggedJson } from './tagged.js';

const printNothing: Outputter = () => '';

/** The outputters by the names `--out` accepts. */
export const OUTPUTTERS: Readonly<Record<string, Outputter>> = Object.freeze({
  nested: nestedOutput,
  json: jsonOutput,
  yaml: yamlOutput,
  txt: txtOutput,
  raw: rawOutput,
  pprint: pprintOutput,
  newline_values_only: newlineValuesOnlyOutput,
  key: keyOutput,
  highstate: highstateOutput,
  quiet: printNothing,
  no_out: printNothing,
});

/** Salt's get_printout: which outputter and which opts (kwargs merged in, `color` decided). */
function resolvePrintout(
  out: string | null | undefined,
  opts: OutputOpts,
  kwargs: Record<string, unknown>,
): { outputter: Outputter; ctx: OutputContext } {
  let name = out;
  if ('output' in opts && opts.output !== 'highstate') name = opts.output as string | null;
  if (name === 'text') name = 'txt';
  if (!name) name = 'nested';
  // A view, not a copy: lazily computed options (the master id) stay unread, and the CLI pays
  // nothing per printed return for a large config.
  const merged: OutputOpts = overlayOptions(opts, kwargs);
  if (!('color' in merged)) {
    if (merged.force_color) merged.color = true;
    else merged.color = !merged.no_color && process.stdout.isTTY === true;
  }
  const outputter = Object.hasOwn(OUTPUTTERS, name) ? OUTPUTTERS[name] : OUTPUTTERS.nested;
  return { outputter, ctx: { opts: merged, kwargs } };
}

function isFallbackError(err: unknown): boolean {
  // OutputDataError stands for Python's KeyError/AttributeError/TypeError; a JS TypeError (e.g. a
  // property of null) is what the same data mistake looks like in JS.
  return err instanceof OutputDataError || err instanceof TypeError;
}

function run(outputter: Outputter, data: unknown, ctx: OutputContext): string | null {
  const text: unknown = outputter(data, ctx);
  if (text === null || text === undefined) return null;
  if (typeof text !== 'string') throw new OutputDataError('AttributeError', 'outputter did not return text');
  return pyRstrip(text);
}

/** Salt's try_printout: the outputter, else nested, else raw. Null when the outputter prints nothing. */
function tryPrintout(data: unknown, out: string | null | undefined, opts: OutputOpts, kwargs: Record<string, unknown>): string | null {
  const { outputter, ctx } = resolvePrintout(out, opts, kwargs);
  try {
    return run(outputter, data, ctx);
  } catch (err) {
    if (!isFallbackError(err)) throw err;
  }
  try {
    return run(OUTPUTTERS.nested, data, ctx);
  } catch (err) {
    if (!isFallbackError(err)) throw err;
  }
  return run(OUTPUTTERS.raw, data, ctx);
}

/**
 * Salt's `out_format`: the text outputter `out` makes of `data`, right-stripped.
 * `opts.output` (the `--out` option), when set and not "highstate", overrides `out`; "text" means txt;
 * an unknown or empty name means nested. If the outputter cannot print the data, nested is tried,
 * then raw. kwargs (e.g. `_retcode`, `nested_indent`) are merged into opts as Salt does.
 * Returns "" when the outputter prints nothing (quiet).
 */
export function formatOutput(
  data: unknown,
  out: string,
  opts: OutputOpts = {},
  kwargs: Record<string, unknown> = {},
): string {
  return tryPrintout(data, out, opts, kwargs) ?? '';
}

/** Salt's `string_format`: {@link formatOutput} with every colour sequence removed. */
export function stringFormat(
  data: unknown,
  out: string,
  opts: OutputOpts = {},
  kwargs: Record<string, unknown> = {},
): string {
  return stripColorCodes(formatOutput(data, out, opts, kwargs));
}

/**
 * Salt's `display_output`: writes the formatted text plus a newline, or nothing when the text is empty.
 * With `opts.output_file` set the text is appended to that file instead of written.
 */
export function displayOutput(
  data: unknown,
  out: string,
  opts: OutputOpts = {},
  kwargs: Record<string, unknown> = {},
  write: (s: string) => void = (s) => {
    process.stdout.write(s);
  },
): void {
  const text = formatOutput(data, out, opts, kwargs);
  if (!text) return;
  const file = opts.output_file;
  if (typeof file === 'string' && file) appendFileSync(file, text + '\n');
  else write(text + '\n');
}
