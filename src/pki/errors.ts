/** Error classes of the key store (`src/pki`). */

/** Common base: `name`, a stable `code` and an optional `cause`. */
export class PkiError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A minion id cannot name a key file (empty, `.`/`..`, or holds `/`, `\` or NUL). */
export class InvalidMinionIdError extends PkiError {
  constructor(id: unknown) {
    super('EMINIONID', `Invalid minion id: expected a file name without '/', '\\' or NUL, got ${JSON.stringify(id)}`);
  }
}

/** A key status name is not one of Salt's key directories. */
export class InvalidKeyStatusError extends PkiError {
  constructor(status: unknown) {
    super(
      'EKEYSTATUS',
      `Invalid key status: expected one of minions, minions_pre, minions_rejected, minions_denied, got ${JSON.stringify(status)}`,
    );
  }
}

/** Writing a key or key pair failed (no write access to the directory, disk error). */
export class KeyWriteError extends PkiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EKEYWRITE', message, options);
  }
}

/**
 * Reading a key failed for a reason other than its absence (out of file descriptors, an I/O
 * error): the answer is unknown, so no decision (denied, not accepted) may be drawn from it.
 */
export class KeyReadError extends PkiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EKEYREAD', message, options);
  }
}
