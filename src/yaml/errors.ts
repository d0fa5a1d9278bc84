/** Errors raised by Salt's YAML loader. */

/** Where in a YAML text something sits: 1-based line and column. */
export interface SourcePosition {
  line: number;
  column: number;
}

/**
 * A YAML text that Salt's loader rejects: a syntax error, a duplicate key ("found conflicting ID"),
 * an unknown tag, an undefined alias, a value a tag cannot convert.
 *
 * `problem` is the bare reason; `message` adds the file (when known) and the line, e.g.
 * `found conflicting ID 'a' in /srv/salt/x.sls line 3`.
 */
export class SaltYamlError extends Error {
  override readonly name = 'SaltYamlError';
  readonly code = 'SALT_YAML_ERROR';
  readonly problem: string;
  readonly line: number;
  readonly column: number;
  readonly filename: string | undefined;

  constructor(problem: string, at: SourcePosition, filename?: string, options?: { cause?: unknown }) {
    const where = filename === undefined ? `at line ${at.line} column ${at.column}` : `in ${filename} line ${at.line}`;
    super(`${problem} ${where}`, options);
    this.problem = problem;
    this.line = at.line;
    this.column = at.column;
    this.filename = filename;
  }
}
