/**
 * The state system: top files, SLS compilation, requisites and execution.
 */
export { applyStates, showHigh, showLow, showTop, stateRetcode, noStatesResult, type ApplyOptions, type ApplyResult } from './apply.js';
export {
  applyExclude,
  compileHighData,
  genTag,
  orderChunks,
  reconcileExtend,
  requisiteIn,
  verifyHigh,
  STATE_INTERNAL_KEYWORDS,
  STATE_REQUISITE_KEYWORDS,
} from './compile.js';
export { HighStateCompiler, type HighStateOptions } from './highstate.js';
export { StateRunner, formatCall, type StateCallContext, type StateRunnerOptions } from './runner.js';
export { StateModuleLoader, type StateFunctions } from './state_loader.js';
export { LocalFileClient, MemoryFileClient, type FileRoots } from './file_client_local.js';
export { fileClientFor, registerRemoteFileClient } from './file_client.js';
export { StateCompileError, SaltRenderError } from './errors.js';
export type { FileClient, FetchedFile, HighData, LowChunk, RenderSlsArgs, SlsRenderer, StateResult, StateReturn } from './types.js';
