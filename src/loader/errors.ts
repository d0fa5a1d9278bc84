/**
 * The failures an execution function can report, each mapped by `runFunction` to the return
 * text Salt's minion gives for it (salt/minion.py `_thread_return`).
 */

/**
 * A command or operation inside an execution function failed (Salt's `CommandExecutionError`).
 * The job returns `"ERROR: <message>"` with retcode 1.
 */
export class CommandExecutionError extends Error {
  override readonly name = 'CommandExecutionError';
  readonly code = 'ECOMMANDEXEC';
  /** Extra structured data Salt attaches to the error (`info=`), e.g. stdout/stderr. */
  readonly info?: Record<string, unknown>;

  constructor(message: string, options: { info?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.info = options.info;
  }
}

/**
 * A binary an execution function needs is missing (Salt's `CommandNotFoundError`).
 * The job returns `"Command required for '<fun>' not found: <message>"`.
 */
export class CommandNotFoundError extends Error {
  override readonly name = 'CommandNotFoundError';
  readonly code = 'ECOMMANDNOTFOUND';
}

/**
 * The arguments do not fit the function's signature: the equivalent of the Python `TypeError`
 * raised when calling a function with too many, too few or unknown arguments. The message is
 * Python's, e.g. `ping() takes 0 positional arguments but 1 was given`; the job returns
 * `"Passed invalid arguments to <fun>: <message>\n<docstring>"`.
 */
export class ArgumentBindingError extends Error {
  override readonly name = 'ArgumentBindingError';
  readonly code = 'EARGBINDING';
}

/**
 * A function that is not loaded was called through `ctx.salt(...)` (a cross-module call).
 * Its message is Salt's missing-function text, e.g. `'x.y' is not available.`
 */
export class FunctionNotAvailableError extends Error {
  override readonly name = 'FunctionNotAvailableError';
  readonly code = 'ENOFUNCTION';

  constructor(
    readonly fun: string,
    message: string,
  ) {
    super(message);
  }
}

/** A module file found in a module directory does not export a usable `SaltModule`. */
export class ModuleLoadError extends Error {
  override readonly name = 'ModuleLoadError';
  readonly code = 'EMODULELOAD';

  constructor(
    readonly source: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/**
 * Salt's `SaltInvocationError` (defined with the argument parser in src/args): the function was
 * called in a way it cannot work with. The job returns `"ERROR executing '<fun>': <message>"`.
 */
export { SaltInvocationError } from '../args/errors.js';
