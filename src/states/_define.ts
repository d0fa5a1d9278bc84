/** `defineState`: declares a state function the way `defineFunction` declares an execution function. */
import { defineFunction, type ExtraArguments, type FunctionSpec } from '../loader/define.js';
import type { SaltFunction } from '../loader/types.js';
import type { StateCallContext } from '../state/runner.js';

/** A state function's return: `name`, `changes`, `result` (null = would change in test mode), `comment`. */
export interface StateRet {
  name: unknown;
  changes: Record<string, unknown>;
  result: boolean | null;
  comment: string | string[];
  [key: string]: unknown;
}

/** Declares a state function; its implementation receives the state call context. */
export function defineState<const A extends readonly string[] = readonly []>(
  spec: FunctionSpec<A>,
  impl: (params: { [K in A[number]]: unknown }, ctx: StateCallContext, extra: ExtraArguments) => StateRet | Promise<StateRet>,
): SaltFunction {
  return defineFunction(spec, (params, ctx, extra) => impl(params, ctx as StateCallContext, extra));
}
