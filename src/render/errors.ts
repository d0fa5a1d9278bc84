/**
 * Errors of the SLS renderer pipeline. `message` is exactly Salt's `str(exception)`; `name` is the
 * Python class Salt would have raised (SaltRenderError for wrapped Jinja/YAML errors; ComposerError,
 * JSONDecodeError and AttributeError pass through Salt unwrapped). Where the error happened is
 * kept in fields (`file`, `line`), never added to the message.
 */
export { JsonDecodeError } from './py_json.js';

/** Where a render error happened, beyond what Salt's message says. */
export interface RenderLocation {
  /** The SLS file (path relative to its environment's root), when known. */
  file?: string;
  saltenv?: string;
  sls?: string;
}

/**
 * Salt's context excerpt: up to 5 lines either side of `line` (1-based), `[...]` where cut, the
 * marker appended to the error line; the whole text when `line` is past its end.
 */
export function getContext(template: string, line: number, marker = '    <======================', numLines = 5): string {
  const lines = splitPyLines(template);
  if (line > lines.length) return template;
  const start = Math.max(0, line - numLines - 1);
  const end = Math.min(lines.length, line + numLines);
  let errorAt = line - start - 1;
  const buf: string[] = [];
  if (start > 0) {
    buf.push('[...]');
    errorAt++;
  }
  buf.push(...lines.slice(start, end));
  if (end < lines.length) buf.push('[...]');
  if (marker && errorAt >= 0 && errorAt < buf.length) buf[errorAt] += marker;
  return `---\n${buf.join('\n')}\n---`;
}

function splitPyLines(s: string): string[] {
  const out = s.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (out.length && out[out.length - 1] === '') out.pop();
  return out;
}

/**
 * Salt's SaltRenderError: `message`, then the traceback when given, then — when a line and a
 * buffer are known — `; line N` and the context excerpt with the error line marked.
 */
export class SaltRenderError extends Error {
  override readonly name = 'SaltRenderError';
  readonly code = 'SALT_RENDER_ERROR';
  /** Salt's `error`: the message without line context. */
  readonly error: string;
  readonly lineNum: number | undefined;
  readonly buffer: string;
  file?: string;
  saltenv?: string;
  sls?: string;
  /** The line of the error in the file, when known (also when Salt's message gives none). */
  line?: number;

  constructor(message: string, lineNum?: number, buf = '', trace?: string, options?: { cause?: unknown }) {
    let text = message;
    if (trace) text += `\n${trace}\n`;
    if (lineNum && buf) text += `; line ${lineNum}\n\n${getContext(buf, lineNum)}`;
    super(text, options);
    this.error = message;
    this.lineNum = lineNum || undefined;
    this.buffer = buf;
    this.line = lineNum || undefined;
  }
}

/** PyYAML's ComposerError (several documents in one SLS); Salt does not wrap it. */
export class YamlComposerError extends Error {
  override readonly name = 'ComposerError';
  readonly code = 'YAML_COMPOSER_ERROR';
  line?: number;
  file?: string;
}

/**
 * A renderer that needs text got data (e.g. `#!yaml|jinja`): Salt fails with Python's
 * AttributeError "'collections.OrderedDict' object has no attribute 'read'".
 */
export class RendererInputError extends Error {
  override readonly name = 'AttributeError';
  readonly code = 'RENDERER_INPUT_NOT_TEXT';
  file?: string;
}

/** A renderer Salt has but salt-ts cannot run (e.g. `py`, which executes Python code). */
export class UnsupportedRendererError extends Error {
  override readonly name = 'UnsupportedRendererError';
  readonly code = 'RENDERER_UNSUPPORTED';
  file?: string;
}

/** Attaches where an error happened (file, saltenv, sls) without touching its message. */
export function locate<E>(err: E, where: RenderLocation): E {
  if (err instanceof Error) {
    const target = err as Error & RenderLocation;
    if (target.file === undefined && where.file !== undefined) target.file = where.file;
    if (target.saltenv === undefined && where.saltenv !== undefined) target.saltenv = where.saltenv;
    if (target.sls === undefined && where.sls !== undefined) target.sls = where.sls;
  }
  return err;
}
