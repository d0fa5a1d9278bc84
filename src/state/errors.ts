/** Errors of the state system. */

/** A state compilation problem that stops the run (Salt's list-of-strings "errors" return). */
export class StateCompileError extends Error {
  override readonly name = 'StateCompileError';
  readonly code = 'ESTATECOMPILE';
  constructor(readonly errors: string[]) {
    super(errors.join('\n'));
  }
}

/** An SLS or top file failed to render; `message` is Salt's `str(SaltRenderError)`. */
export class SaltRenderError extends Error {
  override readonly name = 'SaltRenderError';
  readonly code = 'ESALTRENDER';
}
