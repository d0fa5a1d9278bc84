/** Failures of the reactor system. */

/** A reaction SLS could not be found, rendered or compiled (logged; the event gets no reaction). */
export class ReactionRenderError extends Error {
  override readonly name = 'ReactionRenderError';
  readonly code = 'EREACTIONRENDER';
}

/** A reaction names a client the reactor does not have (Salt: "ReactWrap is missing a wrapper function"). */
export class UnknownReactionTypeError extends Error {
  override readonly name = 'UnknownReactionTypeError';
  readonly code = 'EREACTIONTYPE';
}

/** A reaction's arguments are not in a form Salt accepts (`args` must be a dict or a list of one-key dicts). */
export class ReactionArgumentError extends Error {
  override readonly name = 'ReactionArgumentError';
  readonly code = 'EREACTIONARGS';
}

/** The reactor did not answer a `salt/reactors/manage/*` request in time (is the master running it?). */
export class ReactorNotAnsweringError extends Error {
  override readonly name = 'ReactorNotAnsweringError';
  readonly code = 'EREACTORTIMEOUT';
}
