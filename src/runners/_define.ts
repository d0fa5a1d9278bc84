/**
 * `defineMasterFunction`: how runner and wheel modules declare a function, its Python-style
 * signature and its docstring (the master-side twin of the loader's `defineFunction`).
 */
import { bindArguments } from '../loader/bind.js';
import { dedentDoc } from '../loader/define.js';
import type { MasterCallContext, MasterFunction } from './types.js';

/** How a function is declared: parameter names in order, defaults, `*args`/`**kwargs`, docs. */
export interface MasterFunctionSpec<A extends readonly string[]> {
  args?: A;
  /** Defaults of trailing parameters, by name (a parameter without one is required). */
  defaults?: { readonly [K in A[number]]?: unknown };
  varargs?: boolean;
  kwargs?: boolean;
  doc: string;
  pyName?: string;
}

/** Extra positional and keyword arguments (only with `varargs` / `kwargs`). */
export interface MasterExtraArguments {
  varargs: unknown[];
  kwargs: Record<string, unknown>;
}

/**
 * Declares a runner or wheel function. Arguments are bound the way Python binds a call, so a
 * call that does not fit the signature throws ArgumentBindingError (Python's TypeError text)
 * before the implementation runs.
 */
export function defineMasterFunction<const A extends readonly string[] = readonly []>(
  spec: MasterFunctionSpec<A>,
  impl: (params: { [K in A[number]]: unknown }, ctx: MasterCallContext, extra: MasterExtraArguments) => unknown,
): MasterFunction {
  const signature = {
    args: [...(spec.args ?? [])] as string[],
    defaults: { ...(spec.defaults ?? {}) } as Record<string, unknown>,
    varargs: spec.varargs ?? false,
    kwargs: spec.kwargs ?? false,
  };
  const f: MasterFunction = {
    signature,
    doc: dedentDoc(spec.doc),
    pyName: spec.pyName,
    fn: (ctx, args, kwargs) => {
      const bound = bindArguments(signature, args, kwargs, f.pyName);
      return impl(bound.params as { [K in A[number]]: unknown }, ctx, { varargs: bound.varargs, kwargs: bound.kwargs });
    },
  };
  return f;
}
