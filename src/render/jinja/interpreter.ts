/**
 * Runs a parsed template. Evaluation is asynchronous so that a template can call Salt functions
 * (`salt['grains.get'](...)`), which are async in salt-ts: every call simply awaits its result.
 *
 * Scoping follows Jinja: `for`, `with`, macros and block captures open a scope; `if` does not;
 * top-level `set` and macros are the template's exports (for `import`/`from ... import`).
 * The interpreter keeps a stack of template frames (file and line) that errors carry, so the
 * caller can report where a template failed, as Salt does from Jinja's traceback.
 */
import { JinjaError, PyException, TemplateNotFound, TemplateRuntimeError, pyTypeError, type TemplateFrame } from './errors.js';
import type { Environment, Template } from './environment.js';
import { getAttribute, NO_ATTRIBUTE } from './methods.js';
import type { AssignTarget, CallArgs, Expr, MacroParam, Stmt } from './nodes.js';
import {
  kwargsOf,
  LoopContext,
  Namespace,
  PyCallable,
  PyFunction,
  SaltProxy,
  TemplateModule,
  Undefined,
  type Kwargs,
} from './runtime.js';
import {
  checkDefined,
  contains,
  dictEntries,
  dictGet,
  dictHas,
  dictSet,
  isDict,
  isTuple,
  iterate,
  newDict,
  numInfo,
  pyAdd,
  pyCmp,
  pyDiv,
  pyEq,
  pyFloorDiv,
  pyMod,
  pyMul,
  pyNeg,
  pyPos,
  pyPow,
  pySub,
  toInt,
  toStr,
  truthy,
  tuple,
} from './values.js';

class BreakSignal {}
class ContinueSignal {}

/** A variable scope; the root scope of a render falls back to the render context, then globals. */
class Scope {
  readonly vars = new Map<string, unknown>();
  constructor(
    readonly parent: Scope | null,
    private readonly context: Map<string, unknown> | null = null,
  ) {}

  lookup(name: string): { found: boolean; value: unknown } {
    for (let s: Scope | null = this; s; s = s.parent) {
      if (s.vars.has(name)) return { found: true, value: s.vars.get(name) };
      if (s.context?.has(name)) return { found: true, value: s.context.get(name) };
    }
    return { found: false, value: undefined };
  }

  /** Every visible variable, outermost first (what `with context` passes on). */
  flatten(): Map<string, unknown> {
    const chain: Scope[] = [];
    for (let s: Scope | null = this; s; s = s.parent) chain.unshift(s);
    const out = new Map<string, unknown>();
    for (const s of chain) {
      if (s.context) for (const [k, v] of s.context) out.set(k, v);
      for (const [k, v] of s.vars) out.set(k, v);
    }
    return out;
  }
}

/** A template macro (also `caller` of a call block). */
export class Macro extends PyCallable {
  override readonly className = 'jinja2.runtime.Macro';
  constructor(
    readonly pyName: string,
    private readonly params: MacroParam[],
    private readonly body: Stmt[],
    private readonly closure: Scope,
    private readonly interp: Interpreter,
    private readonly filename: string,
    private readonly lineno: number,
  ) {
    super();
  }

  private uses(name: string): boolean {
    return mentionsName(this.body, name);
  }

  async call(args: unknown[], kwargs: Kwargs): Promise<string> {
    const scope = new Scope(this.closure);
    const varargs = this.uses('varargs');
    const catchKwargs = this.uses('kwargs');
    if (args.length > this.params.length && !varargs) {
      throw pyTypeError(`macro '${this.pyName}' takes not more than ${this.params.length} argument(s)`);
    }
    const extraKw = newDict();
    const kw = { ...kwargs };
    if ('caller' in kw) {
      scope.vars.set('caller', kw.caller);
      delete kw.caller;
    }
    for (const key of Object.keys(kw)) {
      if (!this.params.some((p) => p.name === key)) {
        if (!catchKwargs) throw pyTypeError(`macro '${this.pyName}' takes no keyword argument '${key}'`);
        extraKw.set(key, kw[key]);
      }
    }
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i]!;
      if (i < args.length) {
        if (p.name in kw) throw pyTypeError(`macro '${this.pyName}' got multiple values for argument '${p.name}'`);
        scope.vars.set(p.name, args[i]);
      } else if (p.name in kw) scope.vars.set(p.name, kw[p.name]);
      else if (p.default) scope.vars.set(p.name, await this.interp.evalIn(p.default, scope));
      else scope.vars.set(p.name, new Undefined(this.interp.env.strictUndefined, p.name, undefined, `parameter '${p.name}' was not provided`));
    }
    if (varargs) scope.vars.set('varargs', tuple(args.slice(this.params.length)));
    if (catchKwargs) scope.vars.set('kwargs', extraKw);
    if (!scope.vars.has('caller') && this.uses('caller')) {
      scope.vars.set('caller', new Undefined(this.interp.env.strictUndefined, 'caller'));
    }
    return this.interp.withFrame(this.filename, this.lineno, () => this.interp.capture(this.body, scope));
  }
}

function mentionsName(tree: unknown, name: string): boolean {
  if (Array.isArray(tree)) return tree.some((t) => mentionsName(t, name));
  if (tree === null || typeof tree !== 'object') return false;
  const node = tree as Record<string, unknown>;
  if (node.type === 'Name' && node.name === name) return true;
  if (node.type === 'Macro') return false;
  return Object.values(node).some((v) => typeof v === 'object' && mentionsName(v, name));
}

/** Renders templates of one environment; one instance per top-level render. */
export class Interpreter {
  private readonly frames: TemplateFrame[] = [];

  constructor(readonly env: Environment) {}

  /** Renders `template` with `vars`; returns its output and its top-level exports. */
  async render(template: Template, vars: Map<string, unknown>): Promise<{ output: string; exports: Map<string, unknown> }> {
    const root = new Scope(null, vars);
    const output = await this.withFrame(template.filename, 1, () => this.capture(template.ast.body, root));
    const exports = new Map<string, unknown>();
    for (const [k, v] of root.vars) if (!k.startsWith('_')) exports.set(k, v);
    return { output, exports };
  }

  /** Runs `fn` inside a template frame; errors leaving it carry the frame stack. */
  async withFrame<T>(filename: string, lineno: number, fn: () => Promise<T>): Promise<T> {
    this.frames.push({ filename, lineno });
    try {
      return await fn();
    } catch (err) {
      if (err instanceof BreakSignal || err instanceof ContinueSignal) throw err;
      if (err instanceof Error && (err as JinjaError).frames === undefined) {
        (err as JinjaError).frames = this.frames.map((f) => ({ ...f }));
      }
      throw err;
    } finally {
      this.frames.pop();
    }
  }

  private at(lineno: number): void {
    const top = this.frames[this.frames.length - 1];
    if (top) top.lineno = lineno;
  }

  async capture(body: Stmt[], scope: Scope): Promise<string> {
    const out: string[] = [];
    await this.execBody(body, scope, out);
    return out.join('');
  }

  evalIn(expr: Expr, scope: Scope): Promise<unknown> {
    return this.eval(expr, scope);
  }

  private get strict(): boolean {
    return this.env.strictUndefined;
  }

  // -- statements ---------------------------------------------------------------------------

  private async execBody(body: Stmt[], scope: Scope, out: string[]): Promise<void> {
    for (const stmt of body) await this.exec(stmt, scope, out);
  }

  private async exec(stmt: Stmt, scope: Scope, out: string[]): Promise<void> {
    this.at(stmt.lineno);
    switch (stmt.type) {
      case 'Output':
        out.push(stmt.text);
        return;
      case 'Print': {
        const value = await this.eval(stmt.expr, scope);
        this.at(stmt.lineno);
        out.push(toStr(this.env.finalize(value)));
        return;
      }
      case 'If': {
        if (truthy(await this.eval(stmt.test, scope))) return this.execBody(stmt.body, scope, out);
        for (const elif of stmt.elifs) {
          if (truthy(await this.eval(elif.test, scope))) return this.execBody(elif.body, scope, out);
        }
        return this.execBody(stmt.else_, scope, out);
      }
      case 'For':
        return this.execFor(stmt, scope, out);
      case 'Set':
        return this.assign(stmt.target, await this.eval(stmt.expr, scope), scope);
      case 'SetBlock': {
        let value: unknown = await this.capture(stmt.body, new Scope(scope));
        if (stmt.filter) value = await this.applyFilterChain(stmt.filter, value, scope);
        return this.assign(stmt.target, value, scope);
      }
      case 'Macro':
        scope.vars.set(stmt.name, new Macro(stmt.name, stmt.params, stmt.body, scope, this, this.currentFile(), stmt.lineno));
        return;
      case 'CallBlock': {
        const caller = new Macro('caller', stmt.params, stmt.body, scope, this, this.currentFile(), stmt.lineno);
        const call = stmt.call as Extract<Expr, { type: 'Call' }>;
        const fn = await this.eval(call.node, scope);
        const { args, kwargs } = await this.evalArgs(call, scope);
        kwargs.caller = caller;
        out.push(toStr(await this.callValue(fn, args, kwargs)));
        return;
      }
      case 'FilterBlock': {
        const body = await this.capture(stmt.body, new Scope(scope));
        out.push(toStr(await this.applyFilterChain(stmt.filter, body, scope)));
        return;
      }
      case 'With': {
        const inner = new Scope(scope);
        for (const [target, expr] of stmt.targets) await this.assign(target, await this.eval(expr, scope), inner);
        return this.execBody(stmt.body, inner, out);
      }
      case 'Do':
        await this.eval(stmt.expr, scope);
        return;
      case 'Break':
        throw new BreakSignal();
      case 'Continue':
        throw new ContinueSignal();
      case 'Import': {
        scope.vars.set(stmt.target, await this.importModule(stmt.template, stmt.withContext, scope));
        return;
      }
      case 'FromImport': {
        const module = await this.importModule(stmt.template, stmt.withContext, scope);
        for (const [name, alias] of stmt.names) {
          if (module.exports.has(name)) scope.vars.set(alias, module.exports.get(name));
          else {
            const hint = `the template ${toStrRepr(module.name)} (imported on line ${stmt.lineno}) does not export the requested name ${toStrRepr(name)}`;
            scope.vars.set(alias, new Undefined(this.strict, name, undefined, hint));
          }
        }
        return;
      }
      case 'ImportData': {
        const module = await this.importModule(stmt.template, stmt.withContext, scope);
        this.at(stmt.lineno);
        scope.vars.set(stmt.target, await this.callFilter(`load_${stmt.format}`, module, [], kwargsOf()));
        return;
      }
      case 'LoadBlock': {
        const text = await this.capture(stmt.body, new Scope(scope));
        this.at(stmt.lineno);
        return this.assign(stmt.target, await this.callFilter(`load_${stmt.format}`, text, [], kwargsOf()), scope);
      }
      case 'Include': {
        const names = await this.eval(stmt.template, scope);
        const candidates = Array.isArray(names) ? names : [names];
        let template: Template | undefined;
        for (const name of candidates) {
          try {
            template = await this.env.getTemplate(toStr(name));
            break;
          } catch (err) {
            if (!(err instanceof TemplateNotFound)) throw err;
            if (candidates.length === 1 && !stmt.ignoreMissing) throw err;
          }
        }
        if (!template) {
          if (stmt.ignoreMissing) return;
          throw new PyException('TemplatesNotFound', `none of the templates given were found: ${candidates.map(toStr).join(', ')}`);
        }
        const vars = stmt.withContext ? scope.flatten() : new Map<string, unknown>();
        out.push((await this.render(template, vars)).output);
        return;
      }
      case 'Block':
        return this.execBody(stmt.body, scope, out);
    }
  }

  private currentFile(): string {
    return this.frames[this.frames.length - 1]?.filename ?? '<template>';
  }

  private async importModule(templateExpr: Expr, withContext: boolean, scope: Scope): Promise<TemplateModule> {
    const name = await this.eval(templateExpr, scope);
    if (name instanceof TemplateModule) return name;
    const template = await this.env.getTemplate(toStr(name));
    const vars = withContext ? scope.flatten() : new Map<string, unknown>();
    const { output, exports } = await this.render(template, vars);
    return new TemplateModule(toStr(name), exports, output);
  }

  private async execFor(stmt: Extract<Stmt, { type: 'For' }>, scope: Scope, out: string[]): Promise<void> {
    const iterable = await this.eval(stmt.iter, scope);
    const runLoop = async (source: unknown, depth0: number, into: string[]): Promise<void> => {
      let items = iterate(source);
      if (stmt.test) {
        const kept: unknown[] = [];
        for (const item of items) {
          const probe = new Scope(scope);
          await this.assign(stmt.target, item, probe);
          if (truthy(await this.eval(stmt.test, probe))) kept.push(item);
        }
        items = kept;
      }
      const recurse = stmt.recursive
        ? new PyFunction('loop', async (args) => {
            const sub: string[] = [];
            await runLoop(args[0], depth0 + 1, sub);
            return sub.join('');
          })
        : undefined;
      const loop = new LoopContext(items, depth0, recurse);
      const inner = new Scope(scope);
      for (const item of items) {
        loop.index0++;
        inner.vars.clear();
        inner.vars.set('loop', loop);
        await this.assign(stmt.target, item, inner);
        try {
          await this.execBody(stmt.body, inner, into);
        } catch (sig) {
          if (sig instanceof BreakSignal) break;
          if (sig instanceof ContinueSignal) continue;
          throw sig;
        }
      }
      if (items.length === 0 && depth0 === 0) await this.execBody(stmt.else_, new Scope(scope), into);
    };
    await runLoop(iterable, 0, out);
  }

  private async assign(target: AssignTarget, value: unknown, scope: Scope): Promise<void> {
    if (target.type === 'Name') {
      scope.vars.set(target.name, value);
      return;
    }
    if (target.type === 'NSRef') {
      const ns = scope.lookup(target.name).value;
      if (!(ns instanceof Namespace)) throw new TemplateRuntimeError('cannot assign attribute on non-namespace object');
      ns.attrs.set(target.attr, value);
      return;
    }
    const items = iterate(value);
    const n = target.items.length;
    if (items.length < n) throw new PyException('ValueError', `not enough values to unpack (expected ${n}, got ${items.length})`);
    if (items.length > n) throw new PyException('ValueError', `too many values to unpack (expected ${n})`);
    for (let i = 0; i < n; i++) await this.assign(target.items[i]!, items[i], scope);
  }

  // -- expressions --------------------------------------------------------------------------

  private lookupName(name: string, scope: Scope): unknown {
    const found = scope.lookup(name);
    if (found.found) return found.value;
    if (this.env.globals.has(name)) return this.env.globals.get(name);
    return new Undefined(this.strict, name);
  }

  private async eval(expr: Expr, scope: Scope): Promise<unknown> {
    switch (expr.type) {
      case 'Const':
        return expr.value;
      case 'Name':
        return this.lookupName(expr.name, scope);
      case 'List': {
        const items: unknown[] = [];
        for (const item of expr.items) items.push(await this.eval(item, scope));
        return items;
      }
      case 'Tuple': {
        const items: unknown[] = [];
        for (const item of expr.items) items.push(await this.eval(item, scope));
        return tuple(items);
      }
      case 'Dict': {
        const d = newDict();
        for (const [k, v] of expr.pairs) {
          const key = await this.eval(k, scope);
          dictSet(d, key, await this.eval(v, scope));
        }
        return d;
      }
      case 'Getattr':
        return this.getattr(await this.eval(expr.node, scope), expr.attr);
      case 'Getitem': {
        const obj = await this.eval(expr.node, scope);
        if (expr.arg.type === 'Slice') {
          const s = expr.arg;
          const part = async (e?: Expr) => (e ? await this.eval(e, scope) : null);
          return this.slice(obj, await part(s.start), await part(s.stop), await part(s.step));
        }
        return this.getitem(obj, await this.eval(expr.arg, scope));
      }
      case 'Slice':
        throw new TemplateRuntimeError('slice outside of a subscript');
      case 'Call': {
        const fn = await this.eval(expr.node, scope);
        const { args, kwargs } = await this.evalArgs(expr, scope);
        this.at(expr.lineno);
        return this.callValue(fn, args, kwargs);
      }
      case 'Filter': {
        const value = expr.node ? await this.eval(expr.node, scope) : new Undefined(this.strict, 'filter input');
        const { args, kwargs } = await this.evalArgs(expr, scope);
        this.at(expr.lineno);
        return this.callFilter(expr.name, value, args, kwargs);
      }
      case 'Test': {
        const value = await this.eval(expr.node, scope);
        const { args, kwargs } = await this.evalArgs(expr, scope);
        const test = this.env.tests.get(expr.name);
        if (!test) throw new TemplateRuntimeError(`No test named '${expr.name}'.`);
        const result = truthy(await test(this, value, args, kwargs));
        return expr.negate ? !result : result;
      }
      case 'CondExpr': {
        if (truthy(await this.eval(expr.test, scope))) return this.eval(expr.expr1, scope);
        if (expr.expr2) return this.eval(expr.expr2, scope);
        // Jinja uses the plain (lenient) Undefined here, even under StrictUndefined.
        return new Undefined(false, null, null, `the inline if-expression on line ${expr.lineno} evaluated to false and no else section was defined.`);
      }
      case 'And': {
        const left = await this.eval(expr.left, scope);
        return truthy(left) ? this.eval(expr.right, scope) : left;
      }
      case 'Or': {
        const left = await this.eval(expr.left, scope);
        return truthy(left) ? left : this.eval(expr.right, scope);
      }
      case 'Not':
        return !truthy(await this.eval(expr.node, scope));
      case 'Neg':
        return pyNeg(await this.eval(expr.node, scope));
      case 'Pos':
        return pyPos(await this.eval(expr.node, scope));
      case 'BinOp': {
        const left = await this.eval(expr.left, scope);
        const right = await this.eval(expr.right, scope);
        this.at(expr.lineno);
        switch (expr.op) {
          case 'add':
            return pyAdd(left, right);
          case 'sub':
            return pySub(left, right);
          case 'mul':
            return pyMul(left, right);
          case 'div':
            return pyDiv(left, right);
          case 'floordiv':
            return pyFloorDiv(left, right);
          case 'mod':
            return pyMod(left, right);
          case 'pow':
            return pyPow(left, right);
          case 'concat':
            return toStr(left) + toStr(right);
        }
        return undefined;
      }
      case 'Compare': {
        let left = await this.eval(expr.expr, scope);
        for (const [op, rightExpr] of expr.ops) {
          const right = await this.eval(rightExpr, scope);
          if (!compareOp(op, left, right)) return false;
          left = right;
        }
        return true;
      }
    }
  }

  private async evalArgs(call: CallArgs, scope: Scope): Promise<{ args: unknown[]; kwargs: Kwargs }> {
    const args: unknown[] = [];
    for (const a of call.args) args.push(await this.eval(a, scope));
    const kwargs = kwargsOf();
    for (const [k, v] of call.kwargs) kwargs[k] = await this.eval(v, scope);
    if (call.dynArgs) args.push(...iterate(await this.eval(call.dynArgs, scope)));
    if (call.dynKwargs) {
      const extra = checkDefined(await this.eval(call.dynKwargs, scope));
      if (!isDict(extra)) throw pyTypeError('argument after ** must be a mapping');
      for (const [k, v] of dictEntries(extra)) kwargs[toStr(k)] = v;
    }
    return { args, kwargs };
  }

  private async applyFilterChain(filter: Expr, value: unknown, scope: Scope): Promise<unknown> {
    if (filter.type !== 'Filter') return value;
    const input = filter.node ? await this.applyFilterChain(filter.node, value, scope) : value;
    const { args, kwargs } = await this.evalArgs(filter, scope);
    return this.callFilter(filter.name, input, args, kwargs);
  }

  /** Calls a filter by name (also used by the Salt import/load tags). */
  async callFilter(name: string, value: unknown, args: unknown[], kwargs: Kwargs): Promise<unknown> {
    const filter = this.env.filters.get(name);
    if (!filter) throw new TemplateRuntimeError(`No filter named '${name}'.`);
    return filter(this, value, args, kwargs);
  }

  /** Calls a test by name. */
  async callTest(name: string, value: unknown, args: unknown[]): Promise<boolean> {
    const test = this.env.tests.get(name);
    if (!test) throw new TemplateRuntimeError(`No test named '${name}'.`);
    return truthy(await test(this, value, args, kwargsOf()));
  }

  /** Calls any template callable. */
  async callValue(fn: unknown, args: unknown[], kwargs: Kwargs): Promise<unknown> {
    if (fn instanceof PyCallable) return fn.call(args, kwargs);
    if (fn instanceof LoopContext && fn.recurse) return fn.recurse.call(args, kwargs);
    if (fn instanceof Undefined) fn.fail();
    throw pyTypeError(`'${fn === null ? 'NoneType' : typeof fn === 'string' ? 'str' : 'object'}' object is not callable`);
  }

  /** Jinja's `environment.getattr`: the attribute, else the item, else Undefined. */
  getattr(obj: unknown, attr: string): unknown {
    if (obj instanceof Undefined) obj.fail();
    const v = getAttribute(obj, attr);
    if (v !== NO_ATTRIBUTE) return v;
    if (isDict(obj) && dictHas(obj, attr)) return dictGet(obj, attr);
    return new Undefined(this.strict, attr, obj);
  }

  /** Jinja's `environment.getitem`: the item, else the attribute (for str keys), else Undefined. */
  getitem(obj: unknown, key: unknown): unknown {
    if (obj instanceof Undefined) obj.fail();
    if (obj instanceof SaltProxy && typeof key === 'string') return obj.function(key);
    if (isDict(obj)) {
      if (dictHas(obj, key)) return dictGet(obj, key);
    } else if ((Array.isArray(obj) || typeof obj === 'string') && numInfo(key) && typeof key !== 'boolean') {
      const seq = typeof obj === 'string' ? [...obj] : obj;
      let i = toInt(key);
      if (i < 0) i += seq.length;
      if (i >= 0 && i < seq.length) return seq[i];
    } else if (obj instanceof TemplateModule || obj instanceof Namespace || obj instanceof LoopContext) {
      // only attributes
    }
    if (typeof key === 'string') {
      const v = getAttribute(obj, key);
      if (v !== NO_ATTRIBUTE) return v;
    }
    return new Undefined(this.strict, key, obj);
  }

  private slice(obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
    if (obj instanceof Undefined) obj.fail();
    const isStr = typeof obj === 'string';
    if (!isStr && !Array.isArray(obj)) throw pyTypeError(`'${typeof obj === 'object' ? 'dict' : typeof obj}' object is not subscriptable`);
    const seq = isStr ? [...obj] : obj;
    const n = seq.length;
    const st = step === null ? 1 : toInt(step);
    if (st === 0) throw new PyException('ValueError', 'slice step cannot be zero');
    const norm = (v: unknown, dflt: number, lo: number, hi: number) => {
      if (v === null) return dflt;
      let i = toInt(v);
      if (i < 0) i += n;
      return Math.min(Math.max(i, lo), hi);
    };
    const out: unknown[] = [];
    if (st > 0) {
      const a = norm(start, 0, 0, n);
      const b = norm(stop, n, 0, n);
      for (let i = a; i < b; i += st) out.push(seq[i]);
    } else {
      const a = norm(start, n - 1, -1, n - 1);
      const b = norm(stop, -1, -1, n - 1);
      for (let i = a; i > b; i += st) out.push(seq[i]);
    }
    if (isStr) return out.join('');
    return isTuple(obj) ? tuple(out) : out;
  }
}

function compareOp(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case 'eq':
      return pyEq(a, b);
    case 'ne':
      return !pyEq(a, b);
    case 'lt':
      return pyCmp(a, b, '<') < 0;
    case 'lteq':
      return pyCmp(a, b, '<=') <= 0;
    case 'gt':
      return pyCmp(a, b, '>') > 0;
    case 'gteq':
      return pyCmp(a, b, '>=') >= 0;
    case 'in':
      return contains(b, a);
    case 'notin':
      return !contains(b, a);
  }
  return false;
}

function toStrRepr(s: string): string {
  return s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s}'`;
}

export { Scope };
