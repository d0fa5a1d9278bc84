/**
 * A Jinja environment: options, filters, tests, globals and the template loader, as Salt's
 * `SandboxedEnvironment` is set up (StrictUndefined unless `allow_undefined`, `do` and loop
 * controls, SerializerExtension, Salt's filters/tests/globals). Templates are compiled (lexed,
 * parsed, filter and test names checked) once per environment.
 */
import { BUILTIN_FILTERS, BUILTIN_TESTS, builtinGlobals, type FilterFn } from './builtins.js';
import { TemplateNotFound, TemplateSyntaxError } from './errors.js';
import { Interpreter } from './interpreter.js';
import { tokenize } from './lexer.js';
import type { TemplateAst } from './nodes.js';
import { parseTemplate } from './parser.js';
import { SALT_FILTERS, SALT_TESTS, saltGlobals } from './salt_extensions.js';

/** A compiled template. */
export interface Template {
  ast: TemplateAst;
  /** `<template>` for a template compiled from a string, else the file it was loaded from. */
  filename: string;
}

/** What a loader returns for a template name. */
export interface TemplateSource {
  source: string;
  /** The path reported in errors (Salt: the cached copy under `<cachedir>/files/<saltenv>/`). */
  filename: string;
}

/** Finds a template by name; null when there is none (→ TemplateNotFound). */
export type TemplateLoader = (env: Environment, name: string) => Promise<TemplateSource | null>;

/** Options of an {@link Environment}. */
export interface EnvironmentOptions {
  /** StrictUndefined (Salt's default) vs Undefined (`allow_undefined: True`). Default true. */
  strictUndefined?: boolean;
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
  loader?: TemplateLoader;
  /** Include Salt's filters, tests and globals. Default true. */
  salt?: boolean;
}

/** The `filename` of a template compiled from a string. */
export const STRING_TEMPLATE = '<template>';

export class Environment {
  readonly strictUndefined: boolean;
  readonly trimBlocks: boolean;
  readonly lstripBlocks: boolean;
  readonly filters = new Map<string, FilterFn>();
  readonly tests = new Map<string, FilterFn>();
  readonly globals: Map<string, unknown>;
  private readonly loader?: TemplateLoader;
  private readonly cache = new Map<string, Template>();

  constructor(opts: EnvironmentOptions = {}) {
    this.strictUndefined = opts.strictUndefined ?? true;
    this.trimBlocks = opts.trimBlocks ?? false;
    this.lstripBlocks = opts.lstripBlocks ?? false;
    this.loader = opts.loader;
    for (const [k, f] of Object.entries(BUILTIN_FILTERS)) this.filters.set(k, f);
    for (const [k, t] of Object.entries(BUILTIN_TESTS)) this.tests.set(k, t);
    this.globals = builtinGlobals();
    if (opts.salt ?? true) {
      const indent = this.filters.get('indent')!;
      for (const [k, f] of Object.entries(SALT_FILTERS)) this.filters.set(k, f);
      this.filters.set('indent', indent);
      for (const [k, t] of Object.entries(SALT_TESTS)) this.tests.set(k, t);
      for (const [k, g] of saltGlobals()) this.globals.set(k, g);
    }
  }

  /** Salt's finalizer: values are printed with `str()`; dicts and lists print as Python reprs. */
  finalize(value: unknown): unknown {
    return value;
  }

  /**
   * Compiles template text.
   * @throws TemplateSyntaxError (with `frames` set to the error line) for bad syntax or an unknown
   *   filter or test name.
   */
  compile(source: string, filename: string = STRING_TEMPLATE): Template {
    const reportName = filename === STRING_TEMPLATE ? undefined : filename;
    try {
      const ast = parseTemplate(tokenize(source, { trimBlocks: this.trimBlocks, lstripBlocks: this.lstripBlocks }), reportName);
      this.checkNames(ast, reportName);
      return { ast, filename };
    } catch (err) {
      if (err instanceof TemplateSyntaxError) {
        err.filename = reportName;
        err.frames = [{ filename: reportName ?? '<unknown>', lineno: err.lineno }];
      }
      throw err;
    }
  }

  /** Loads and compiles a template by name. @throws TemplateNotFound, TemplateSyntaxError. */
  async getTemplate(name: string): Promise<Template> {
    if (!this.loader) throw new TemplateNotFound(name);
    const found = await this.loader(this, name);
    if (!found) throw new TemplateNotFound(name);
    const key = `${found.filename}\u0000${found.source}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const template = this.compile(found.source, found.filename);
    this.cache.set(key, template);
    return template;
  }

  /** Renders a compiled template with the given variables. @throws JinjaError subclasses. */
  async render(template: Template, vars: Map<string, unknown> | Record<string, unknown>): Promise<string> {
    const map = vars instanceof Map ? vars : new Map(Object.entries(vars));
    return (await new Interpreter(this).render(template, map)).output;
  }

  private checkNames(ast: TemplateAst, filename: string | undefined): void {
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (node === null || typeof node !== 'object') return;
      const n = node as { type?: string; name?: string; lineno?: number };
      if (n.type === 'Filter' && !this.filters.has(n.name!)) {
        throw new TemplateSyntaxError(`No filter named '${n.name}'.`, n.lineno!, filename);
      }
      if (n.type === 'Test' && !this.tests.has(n.name!)) {
        throw new TemplateSyntaxError(`No test named '${n.name}'.`, n.lineno!, filename);
      }
      for (const v of Object.values(node)) if (typeof v === 'object') visit(v);
    };
    visit(ast.body);
  }
}
