/** Errors about how a function was called. */

/**
 * Salt's `SaltInvocationError`: a function was called with arguments it cannot take, e.g.
 * "The following keyword arguments are not valid: k=v, k2=v2".
 */
export class SaltInvocationError extends Error {
  override readonly name = 'SaltInvocationError';
  readonly code = 'SALT_INVOCATION_ERROR';
}
