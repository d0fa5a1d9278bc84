/**
 * Errors raised while formatting output.
 *
 * Salt's outputter chain (`try_printout`) falls back to `nested`, then `raw`, when an outputter raises
 * KeyError, AttributeError or TypeError. {@link OutputDataError} stands for those three: an outputter
 * got data of a shape it cannot print.
 */

/** The Python exception kinds that make Salt fall back to another outputter. */
export type PyErrorKind = 'KeyError' | 'AttributeError' | 'TypeError';

/** Data of a shape the outputter cannot print (Salt: KeyError / AttributeError / TypeError). */
export class OutputDataError extends Error {
  override readonly name = 'OutputDataError';
  readonly code = 'OUTPUT_BAD_DATA';
  constructor(
    readonly pyKind: PyErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A tagged-JSON document (the conformance corpus format) that cannot be read. */
export class TaggedJsonError extends Error {
  override readonly name = 'TaggedJsonError';
  readonly code = 'TAGGED_JSON_INVALID';
}
