/** Failures of runner calls that the runner client reports specially. */

/**
 * Salt's `NotImplemented` exception: the function exists but cannot work here. Its message is
 * the call's return (without a traceback), with `success: false` and retcode 1.
 */
export class RunnerNotImplementedError extends Error {
  override readonly name = 'RunnerNotImplementedError';
  readonly code = 'ENOTIMPLEMENTED';
}

/** A runner or wheel function name that no module provides (`'x.y' is not available.`). */
export class FunctionNotFoundError extends Error {
  override readonly name = 'FunctionNotFoundError';
  readonly code = 'EFUNCTIONNOTFOUND';
}
