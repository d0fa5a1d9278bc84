/**
 * `defineFunction`: the compact way execution modules declare a function, its Python-style
 * signature and its docstring.
 *
 * ```ts
 * echo: defineFunction({ args: ['text'], doc: 'Return a string.' }, ({ text }) => text),
 * run: defineFunction({ args: ['cmd', 'cwd'], defaults: { cwd: null }, kwargs: true, doc }, async ({ cmd, cwd }, ctx, { kwargs }) => ...),
 * ```
 */
import { bindArguments } from './bind.js';
import type { CallContext, SaltFunction } from './types.js';

/** How a function is declared: parameter names in order, defaults, `*args`/`**kwargs`, docs. */
export interface FunctionSpec<A extends readonly string[]> {
  /** Named parameters in Python order (default none). */
  args?: A;
  /** Defaults for trailing parameters, by name (a parameter without one is required). */
  defaults?: { readonly [K in A[number]]?: unknown };
  /** The function takes `*args` (extra positionals arrive in `extra.varargs`). */
  varargs?: boolean;
  /** The function takes `**kwargs` (unknown keywords, including `__pub_*`, arrive in `extra.kwargs`). */
  kwargs?: boolean;
  /** The docstring; indentation common to its lines and the leading newline are removed. */
  doc: string;
  /** Outputter for the function's return (Salt's `__outputter__`). */
  outputter?: string;
  /** The Python function's name in Salt when it differs from the Salt name (`true_`). */
  pyName?: string;
}

/** What a function implementation gets besides its named parameters. */
export interface ExtraArguments {
  /** Positional arguments beyond the named ones (only with `varargs`). */
  varargs: unknown[];
  /** Keyword arguments that are not named parameters (only with `kwargs`). */
  kwargs: Record<string, unknown>;
}

/** Removes the first blank line, common indentation and trailing whitespace from a docstring. */
export function dedentDoc(doc: string): string {
  const lines = doc.replace(/^[ \t]*\n/, '').replace(/\s+$/, '').split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut).replace(/[ \t]+$/, '')).join('\n');
}

/**
 * Declares an execution function. The implementation receives its named parameters already
 * bound (defaults applied) the way Python binds a call, so a call that does not fit the
 * signature fails with Salt's "Passed invalid arguments" before the implementation runs.
 */
export function defineFunction<const A extends readonly string[] = readonly []>(
  spec: FunctionSpec<A>,
  impl: (params: { [K in A[number]]: unknown }, ctx: CallContext, extra: ExtraArguments) => unknown,
): SaltFunction {
  const signature = {
    args: [...(spec.args ?? [])] as string[],
    defaults: { ...(spec.defaults ?? {}) } as Record<string, unknown>,
    varargs: spec.varargs ?? false,
    kwargs: spec.kwargs ?? false,
  };
  const fn: SaltFunction = {
    signature,
    doc: dedentDoc(spec.doc),
    outputter: spec.outputter,
    pyName: spec.pyName,
    fn: (ctx, args, kwargs) => {
      const bound = bindArguments(signature, args, kwargs, fn.pyName);
      return impl(bound.params as { [K in A[number]]: unknown }, ctx, { varargs: bound.varargs, kwargs: bound.kwargs });
    },
  };
  return fn;
}
