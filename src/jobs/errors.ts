/** Error classes of the job cache, each with a stable `code`. */

/** Common base: `name`, a stable `code` and an optional `cause`. */
export class JobCacheError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A caller passed something the cache cannot store (a jid that is not text, a load that is not a map, a bad id). */
export class InvalidJobInputError extends JobCacheError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EJOB_INPUT', message, options);
  }
}

/** The cache could not create a job directory or write a file after retrying. */
export class JobCacheWriteError extends JobCacheError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EJOB_WRITE', message, options);
  }
}

/** A cache file exists but does not hold valid msgpack. */
export class JobCacheReadError extends JobCacheError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EJOB_READ', message, options);
  }
}
