/** Where an option's value came from: a file and the 1-based line (and column) of its key. */
export interface OptionSource {
  file: string;
  line: number;
  column?: number;
}

/** Details carried by a {@link ConfigError} so callers need not parse the message. */
export interface ConfigErrorDetails {
  /** The config file at fault, when known. */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** 1-based column in `file` (YAML syntax errors). */
  column?: number;
  /** The option name, for a bad value. */
  option?: string;
  /** What the option must be, e.g. "a port number (1-65535)". */
  constraint?: string;
  /** The offending value. */
  value?: unknown;
  cause?: unknown;
}

/**
 * A configuration file or option that Salt would refuse (or that our daemons cannot use).
 * The message names the file, the line, the option, the constraint and the value.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'ECONFIG';
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly option?: string;
  readonly constraint?: string;
  readonly value?: unknown;

  constructor(message: string, details: ConfigErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.file = details.file;
    this.line = details.line;
    this.column = details.column;
    this.option = details.option;
    this.constraint = details.constraint;
    this.value = details.value;
  }
}
