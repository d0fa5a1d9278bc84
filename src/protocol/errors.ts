/**
 * Error classes of the protocol layer. Each kind of failure has its own class with a stable
 * `code`, so callers can use `instanceof` (or `code`) instead of matching messages.
 */

/** Common base: `name`, a stable `code` and an optional `cause`. */
export class ProtocolLayerError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A msgpack buffer is malformed, truncated, or holds a value the wire format cannot carry. */
export class PayloadError extends ProtocolLayerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EPAYLOAD', message, options);
  }
}

/**
 * A Crypticle blob failed its HMAC check (wrong key, tampering, wrong length). Salt
 * re-authenticates on this error, so it is kept apart from every other failure.
 */
export class AuthenticationError extends ProtocolLayerError {
  constructor(message = 'message authentication failed', options?: { cause?: unknown }) {
    super('EAUTH_HMAC', message, options);
  }
}

/** A Crypticle blob is authentic but does not carry the nonce the receiver expected. */
export class NonceError extends ProtocolLayerError {
  constructor(message = 'Nonce verification error', options?: { cause?: unknown }) {
    super('ENONCE', message, options);
  }
}

/** A Crypticle key string does not decode to 56 bytes (24-byte AES key + 32-byte HMAC key). */
export class InvalidKeyError extends ProtocolLayerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EKEY', message, options);
  }
}

/** An algorithm name outside Salt's list (`OAEP-SHA1`, `OAEP-SHA224`, `PKCS1v15-SHA1`, `PKCS1v15-SHA224`). */
export class UnsupportedAlgorithmError extends ProtocolLayerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EALGO', message, options);
  }
}

/** An RSA operation failed: unparseable key, bad OAEP ciphertext, bad X9.31 padding, message too long. */
export class RsaError extends ProtocolLayerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERSA', message, options);
  }
}

/** A request or publish envelope does not have the shape Salt's peers send. */
export class ProtocolError extends ProtocolLayerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EPROTO', message, options);
  }
}
