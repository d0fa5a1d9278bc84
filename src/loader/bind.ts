/**
 * Binds positional and keyword arguments to a function's parameters the way a Python call
 * does, with Python's TypeError texts for calls that do not fit.
 */
import type { FunctionSignature } from '../args/signature.js';
import { ArgumentBindingError } from './errors.js';

/** The result of binding: named parameters (defaults filled in), extra positionals, extra keywords. */
export interface BoundArguments {
  params: Record<string, unknown>;
  varargs: unknown[];
  kwargs: Record<string, unknown>;
}

function quoteList(names: string[]): string {
  const q = names.map((n) => `'${n}'`);
  if (q.length === 1) return q[0];
  if (q.length === 2) return `${q[0]} and ${q[1]}`;
  return `${q.slice(0, -1).join(', ')}, and ${q[q.length - 1]}`;
}

/**
 * Binds `args`/`kwargs` to `sig` like CPython: keyword problems are reported before too many
 * positionals, then missing required arguments.
 *
 * @throws ArgumentBindingError with CPython 3.10's message detail, e.g.
 *   `takes 0 positional arguments but 1 was given`, `got an unexpected keyword argument 'x'`,
 *   `got multiple values for argument 'a'`, `missing 1 required positional argument: 'a'`.
 */
export function bindArguments(
  sig: FunctionSignature,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
  functionName = '<function>',
): BoundArguments {
  const fail = (detail: string) => new ArgumentBindingError(`${functionName}() ${detail}`);
  const names = sig.args;
  const defaults = sig.defaults ?? {};
  const params: Record<string, unknown> = {};
  const positional = Math.min(args.length, names.length);
  for (let i = 0; i < positional; i++) params[names[i]] = args[i];
  const varargs = sig.varargs ? args.slice(names.length) : [];
  const extraKwargs: Record<string, unknown> = {};

  const kwonly = sig.kwonlyargs ?? [];
  for (const [key, value] of Object.entries(kwargs)) {
    if (kwonly.includes(key)) {
      params[key] = value;
    } else if (names.includes(key)) {
      if (Object.prototype.hasOwnProperty.call(params, key)) {
        throw fail(`got multiple values for argument '${key}'`);
      }
      params[key] = value;
    } else if (sig.kwargs) {
      extraKwargs[key] = value;
    } else {
      throw fail(`got an unexpected keyword argument '${key}'`);
    }
  }

  if (!sig.varargs && args.length > names.length) {
    const required = names.filter((n) => !(n in defaults)).length;
    const given = args.length;
    const takes =
      required === names.length
        ? `${names.length} positional argument${names.length === 1 ? '' : 's'}`
        : `from ${required} to ${names.length} positional arguments`;
    throw fail(`takes ${takes} but ${given} ${given === 1 ? 'was' : 'were'} given`);
  }

  const missing = names.filter((n) => !(n in params) && !(n in defaults));
  if (missing.length > 0) {
    throw fail(
      `missing ${missing.length} required positional argument${missing.length === 1 ? '' : 's'}: ${quoteList(missing)}`,
    );
  }
  const missingKw = kwonly.filter((n) => !(n in params) && !(n in defaults));
  if (missingKw.length > 0) {
    throw fail(
      `missing ${missingKw.length} required keyword-only argument${missingKw.length === 1 ? '' : 's'}: ${quoteList(missingKw)}`,
    );
  }
  for (const n of [...names, ...kwonly]) {
    if (!(n in params)) params[n] = defaults[n];
  }
  return { params, varargs, kwargs: extraKwargs };
}
