/**
 * Error classes of the event bus. Each kind of failure has its own class and a stable `code`,
 * so callers use `instanceof` (or `code`) rather than matching messages.
 */

/** Common base: `name`, a stable `code` and an optional `cause`. */
export class EventBusError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A tag or data that Salt would refuse to fire (empty tag, data not a map). */
export class InvalidEventError extends EventBusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EEVENT_INVALID', message, options);
  }
}

/** A packed event (tag ‖ "\n\n" ‖ msgpack) that cannot be decoded. */
export class EventDecodeError extends EventBusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EEVENT_DECODE', message, options);
  }
}

/** Bytes on an IPC stream that are not a sequence of `{"head", "body"}` msgpack maps. */
export class FrameError extends EventBusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EEVENT_FRAME', message, options);
  }
}

/** The bus could not be reached (no socket file, connection refused, timeout). */
export class EventBusConnectError extends EventBusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EEVENT_CONNECT', message, options);
  }
}

/** The connection to the bus was lost while waiting for events. */
export class EventBusDisconnectedError extends EventBusError {
  constructor(message = 'the event bus connection was closed', options?: { cause?: unknown }) {
    super('EEVENT_DISCONNECTED', message, options);
  }
}

/** The bus cannot listen: another bus owns the socket, the path is too long or not a socket. */
export class EventBusListenError extends EventBusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EEVENT_LISTEN', message, options);
  }
}
