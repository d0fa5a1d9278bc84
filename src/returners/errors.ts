/** Errors of the returners, one class per kind of failure. */

/** No returner has this name. */
export class ReturnerNotFoundError extends Error {
  override readonly name = 'ReturnerNotFoundError';
  readonly code = 'ERETURNER_NOT_FOUND';
}

/** The returner exists but does not provide the function asked for (Salt's KeyError on `returners[fstr]`). */
export class ReturnerFunctionError extends Error {
  override readonly name = 'ReturnerFunctionError';
  readonly code = 'ERETURNER_FUNCTION';
}

/** A returner option has the wrong type or value. */
export class ReturnerConfigError extends Error {
  override readonly name = 'ReturnerConfigError';
  readonly code = 'ERETURNER_CONFIG';
}

/** The returner's server (PostgreSQL, Redis) cannot be reached (Salt's SaltMasterError there). */
export class ReturnerConnectionError extends Error {
  override readonly name = 'ReturnerConnectionError';
  readonly code = 'ERETURNER_CONNECTION';
}

/** The returner's store refused or failed an operation (a SQL error, a write error). */
export class ReturnerStoreError extends Error {
  override readonly name = 'ReturnerStoreError';
  readonly code = 'ERETURNER_STORE';
}
