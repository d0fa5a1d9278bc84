/** Errors of the targeting code (one class per kind of failure). */

/**
 * Bad target given to the client, e.g. an unknown nodegroup: Salt's `SaltInvocationError`,
 * defined once with the argument parser in src/args.
 */
export { SaltInvocationError } from '../args/errors.js';

/**
 * A failure Salt's matcher raises as a Python exception that escapes the matcher
 * (e.g. `TypeError` for a list given to the pcre matcher). `pyType` is the Python class name.
 */
export class TargetMatchError extends Error {
  override readonly name = 'TargetMatchError';
  readonly code = 'TARGET_MATCH_ERROR';
  constructor(
    message: string,
    readonly pyType: string,
  ) {
    super(message);
  }
}
