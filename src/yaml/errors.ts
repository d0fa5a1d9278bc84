/** Errors raised by Salt's YAML loader. */

/** Where in a YAML text something sits: 1-based line and column. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** The PyYAML exception class a libyaml-backed loader would have raised. */
export type PyYamlErrorKind = 'ScannerError' | 'ParserError' | 'ComposerError' | 'ConstructorError';

/**
 * The parts of a PyYAML `MarkedYAMLError` (what `str(exc)` prints), for callers that must
 * reproduce Salt's text: the YAML renderer prints only `problem` for a ScannerError and the whole
 * text otherwise (see {@link formatPyYamlError}). Marks are 1-based, as PyYAML prints them.
 */
export interface PyYamlErrorInfo {
  kind: PyYamlErrorKind;
  context?: string;
  contextMark?: SourcePosition;
  problem: string;
  problemMark?: SourcePosition;
}

/**
 * PyYAML's `str(MarkedYAMLError)` for a string input read by libyaml (marks without snippets):
 * context, its mark (unless equal to the problem mark), problem, problem mark; one per line.
 */
export function formatPyYamlError(info: PyYamlErrorInfo, streamName = '<unicode string>'): string {
  const mark = (m: SourcePosition) => `  in "${streamName}", line ${m.line}, column ${m.column}`;
  const lines: string[] = [];
  if (info.context !== undefined) lines.push(info.context);
  const cm = info.contextMark;
  const pm = info.problemMark;
  if (cm && (!pm || cm.line !== pm.line || cm.column !== pm.column)) lines.push(mark(cm));
  lines.push(info.problem);
  if (pm) lines.push(mark(pm));
  return lines.join('\n');
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
  /** What PyYAML (libyaml) would have raised for the same text, as far as known. */
  readonly pyyaml: PyYamlErrorInfo;

  constructor(
    problem: string,
    at: SourcePosition,
    filename?: string,
    options?: { cause?: unknown; pyyaml?: PyYamlErrorInfo },
  ) {
    const where = filename === undefined ? `at line ${at.line} column ${at.column}` : `in ${filename} line ${at.line}`;
    super(`${problem} ${where}`, options);
    this.problem = problem;
    this.line = at.line;
    this.column = at.column;
    this.filename = filename;
    this.pyyaml = options?.pyyaml ?? { kind: 'ConstructorError', problem, problemMark: at };
  }
}
