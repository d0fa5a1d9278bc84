/** The failures of the file server and the file clients. */

/** The master's file server answered something that is not what the command returns. */
export class FileTransportError extends Error {
  override readonly name = 'FileTransportError';
  readonly code = 'EFILETRANSPORT';
}

/** A file client was asked for something its configuration cannot give (e.g. no master link). */
export class FileClientUnavailableError extends Error {
  override readonly name = 'FileClientUnavailableError';
  readonly code = 'EFILECLIENT';
}
