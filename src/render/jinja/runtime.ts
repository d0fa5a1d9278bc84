/**
 * Runtime objects of the Jinja interpreter: undefined values, callables (functions, macros),
 * namespaces, loop contexts, imported template modules and the `salt` function proxy.
 */
import { UndefinedError } from './errors.js';

/** Marks "no object" for an Undefined that stands for a plain missing name. */
export const MISSING: unique symbol = Symbol('missing');

/**
 * Jinja's Undefined. `strict` (StrictUndefined, Salt's default) makes every use except `is defined`
 * and the `default` filter raise UndefinedError; otherwise it prints as '' and is falsy.
 */
export class Undefined {
  constructor(
    readonly strict: boolean,
    readonly name: unknown,
    readonly obj: unknown = MISSING,
    readonly hint?: string,
  ) {}

  /** Jinja's `_undefined_message`. */
  message(): string {
    if (this.hint !== undefined) return this.hint;
    if (this.obj === MISSING) return `${reprName(this.name)} is undefined`;
    if (typeof this.name !== 'string') return `${objectTypeRepr(this.obj)} has no element ${reprName(this.name)}`;
    return `${reprName(objectTypeRepr(this.obj))} has no attribute ${reprName(this.name)}`;
  }

  fail(): never {
    throw new UndefinedError(this.message());
  }
}

function reprName(v: unknown): string {
  if (typeof v === 'string') return v.includes("'") && !v.includes('"') ? `"${v}"` : `'${v.replace(/'/g, "\\'")}'`;
  return String(v);
}

/** Jinja's `object_type_repr`: `dict object`, `None`, `jinja2.utils.Namespace object`, ... */
export function objectTypeRepr(obj: unknown): string {
  if (obj === null || obj === undefined) return 'None';
  return `${pyClassName(obj)} object`;
}

/** The qualified Python class name of a template value. */
export function pyClassName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return (v as unknown as Record<symbol, unknown>)[Symbol.for('salt-ts.tuple')] ? 'tuple' : 'list';
  if (v instanceof Set) return 'set';
  if (v instanceof Namespace) return 'jinja2.utils.Namespace';
  if (v instanceof LoopContext) return 'jinja2.runtime.LoopContext';
  if (v instanceof TemplateModule) return 'jinja2.environment.TemplateModule';
  if (v instanceof Undefined) return v.strict ? 'jinja2.runtime.StrictUndefined' : 'jinja2.runtime.Undefined';
  if (v instanceof PyCallable) return v.className;
  if (v instanceof SaltProxy || v instanceof SaltModuleProxy) return 'salt.utils.templates.AliasedLoader';
  const ctor = (v as { constructor?: { name?: string } }).constructor?.name;
  if (ctor === 'PyFloat') return 'float';
  return 'dict';
}

/** Keyword arguments of a call. */
export type Kwargs = Record<string, unknown>;

/** Creates an empty keyword-argument object (no prototype, so any name is a plain key). */
export function kwargsOf(entries: Iterable<[string, unknown]> = []): Kwargs {
  const out: Kwargs = Object.create(null);
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/** Anything a template can call: a Python-like function, a bound method, a macro. */
export abstract class PyCallable {
  abstract readonly pyName: string;
  /** The Python class name used in messages (`builtin_function_or_method`, `jinja2.runtime.Macro`). */
  readonly className: string = 'builtin_function_or_method';
  abstract call(args: unknown[], kwargs: Kwargs): unknown;
}

/** A function implemented in TypeScript (a Python builtin, a bound method, a Salt function). */
export class PyFunction extends PyCallable {
  constructor(
    readonly pyName: string,
    private readonly fn: (args: unknown[], kwargs: Kwargs) => unknown,
  ) {
    super();
  }
  call(args: unknown[], kwargs: Kwargs): unknown {
    return this.fn(args, kwargs);
  }
}

/** Jinja's `namespace()` object: attributes settable with `{% set ns.attr = ... %}`. */
export class Namespace {
  readonly attrs = new Map<string, unknown>();
}

/** The `loop` variable of a for loop. */
export class LoopContext {
  index0 = -1;
  private lastChanged: unknown[] | undefined;
  constructor(
    private readonly items: unknown[],
    readonly depth0: number,
    readonly recurse?: PyCallable,
  ) {}
  get length(): number {
    return this.items.length;
  }
  get index(): number {
    return this.index0 + 1;
  }
  get revindex(): number {
    return this.items.length - this.index0;
  }
  get revindex0(): number {
    return this.items.length - this.index;
  }
  get first(): boolean {
    return this.index0 === 0;
  }
  get last(): boolean {
    return this.index0 === this.items.length - 1;
  }
  get depth(): number {
    return this.depth0 + 1;
  }
  get previtem(): unknown {
    return this.index0 > 0 ? this.items[this.index0 - 1] : MISSING;
  }
  get nextitem(): unknown {
    return this.index0 + 1 < this.items.length ? this.items[this.index0 + 1] : MISSING;
  }
  cycle(args: unknown[]): unknown {
    if (args.length === 0) throw new TypeError('no items for cycling given');
    return args[this.index0 % args.length];
  }
  changed(args: unknown[], equals: (a: unknown[], b: unknown[]) => boolean): boolean {
    if (this.lastChanged !== undefined && equals(this.lastChanged, args)) return false;
    this.lastChanged = args;
    return true;
  }
}

/** An imported template: its exported top-level names, and its output (its `str()`). */
export class TemplateModule {
  constructor(
    readonly name: string,
    readonly exports: Map<string, unknown>,
    readonly body: string,
  ) {}
}

/** Calls a Salt execution function: `fun` is `module.function`. */
export type SaltFunctionCaller = (fun: string, args: unknown[], kwargs: Kwargs) => Promise<unknown>;

/** The `salt` template variable: `salt['mod.fun'](...)` and `salt.mod.fun(...)`. */
export class SaltProxy {
  constructor(readonly caller: SaltFunctionCaller) {}
  /** `salt['mod.fun']`. */
  function(name: string): PyFunction {
    return new PyFunction(name, (args, kwargs) => this.caller(name, args, kwargs));
  }
}

/** `salt.mod`: a module whose attributes are its functions. */
export class SaltModuleProxy {
  constructor(
    readonly salt: SaltProxy,
    readonly module: string,
  ) {}
}
