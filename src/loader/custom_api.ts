/**
 * What a custom module may import as `salt-ts` (`import { defineFunction } from 'salt-ts'`):
 * the helpers the built-in modules are written with, the errors Salt maps to its job returns,
 * and the types. When a custom module is synced or loaded, the `salt-ts` specifier is rewritten
 * to this file's URL, so the module shares the running minion's classes (`instanceof` works).
 */
export { defineFunction, dedentDoc, type ExtraArguments, type FunctionSpec } from './define.js';
export { defineState, type StateRet } from '../states/_define.js';
export { CommandExecutionError, CommandNotFoundError, SaltInvocationError } from './errors.js';
export type { CallContext, SaltCaller, SaltFunction, SaltModule, VirtualContext, VirtualResult } from './types.js';
export type { StateCallContext } from '../state/runner.js';
