/**
 * The execution-module loader: its public surface.
 */
export { Loader, type CallDetails, type LoaderOptions } from './loader.js';
export { pyDocstring, stripRst } from './docstring.js';
export { runFunction, deriveRetcode, formatTraceback, pyTruthy, type FunctionResult, type RunOptions } from './run.js';
export { defineFunction, dedentDoc, type ExtraArguments, type FunctionSpec } from './define.js';
export { bindArguments, type BoundArguments } from './bind.js';
export { BUILTIN_MODULES, type ModuleImport } from './builtin_modules.js';
export {
  ArgumentBindingError,
  CommandExecutionError,
  CommandNotFoundError,
  FunctionNotAvailableError,
  ModuleLoadError,
  SaltInvocationError,
} from './errors.js';
export type {
  ArgspecReport,
  CallContext,
  FunctionDirectory,
  FunctionSignature,
  JobRegistry,
  RunningJob,
  SaltCaller,
  SaltFunction,
  SaltModule,
  VirtualContext,
  VirtualResult,
} from './types.js';
