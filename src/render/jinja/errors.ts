/**
 * The exceptions a Jinja template can raise, named after their Python classes because Salt's
 * messages depend on which class was raised (UndefinedError → "Jinja variable ...",
 * TemplateSyntaxError/TemplateRuntimeError → "Jinja syntax error: ...", anything else →
 * "Jinja error: ...").
 */

/** Where a template was executing: one frame of the template call stack (innermost last). */
export interface TemplateFrame {
  /** `<template>` for the template rendered from a string, else the loaded file's path. */
  filename: string;
  lineno: number;
}

/** Base of every error raised while compiling or rendering a template. */
export class JinjaError extends Error {
  override name = 'JinjaError';
  readonly code: string = 'JINJA_ERROR';
  /** Python's exception class name, e.g. `TypeError`, `UndefinedError`. */
  pyType: string = 'Exception';
  /** Python's module-qualified class name as a traceback prints it. */
  pyQualName: string = 'Exception';
  /** The template frames active when the error was raised; set once, by the innermost frame. */
  frames?: TemplateFrame[];
}

/** A template uses an undefined value in a way StrictUndefined forbids. */
export class UndefinedError extends JinjaError {
  override name = 'UndefinedError';
  override readonly code = 'JINJA_UNDEFINED';
  override pyType = 'UndefinedError';
  override pyQualName = 'jinja2.exceptions.UndefinedError';
}

/** A template does not parse, or names an unknown filter or test (checked before rendering). */
export class TemplateSyntaxError extends JinjaError {
  override name = 'TemplateSyntaxError';
  override readonly code = 'JINJA_SYNTAX';
  override pyType = 'TemplateSyntaxError';
  override pyQualName = 'jinja2.exceptions.TemplateSyntaxError';
  /** The file of the template, or undefined for the template rendered from a string. */
  filename?: string;
  constructor(
    message: string,
    readonly lineno: number,
    filename?: string,
  ) {
    super(message);
    this.filename = filename;
  }
}

/** A runtime failure Jinja itself raises (e.g. Salt's load_json on bad text). */
export class TemplateRuntimeError extends JinjaError {
  override name = 'TemplateRuntimeError';
  override readonly code = 'JINJA_RUNTIME';
  override pyType = 'TemplateRuntimeError';
  override pyQualName = 'jinja2.exceptions.TemplateRuntimeError';
}

/** An imported or included template does not exist. */
export class TemplateNotFound extends JinjaError {
  override name = 'TemplateNotFound';
  override readonly code = 'JINJA_TEMPLATE_NOT_FOUND';
  override pyType = 'TemplateNotFound';
  override pyQualName = 'jinja2.exceptions.TemplateNotFound';
  constructor(readonly templateName: string) {
    super(templateName);
  }
}

/**
 * A Python exception raised by the Python semantics the template relies on (TypeError,
 * ValueError, KeyError, ...) or by a Salt global (`raise` → salt.exceptions.TemplateError).
 */
export class PyException extends JinjaError {
  override name = 'PyException';
  override readonly code = 'JINJA_PY_EXCEPTION';
  constructor(pyType: string, message: string, qualName?: string) {
    super(message);
    this.pyType = pyType;
    this.pyQualName = qualName ?? pyType;
  }
}

/** Shorthand for a Python TypeError. */
export function pyTypeError(message: string): PyException {
  return new PyException('TypeError', message);
}

/** Shorthand for a Python ValueError. */
export function pyValueError(message: string): PyException {
  return new PyException('ValueError', message);
}
