/**
 * The execution-module loader: finds a function by its Salt name (`test.ping`), importing its
 * module only when first needed, and answers what `sys.*` asks about the loaded functions.
 */
import { resolve } from 'node:path';
import { nullLogger, type Logger } from '../log/logger.js';
import { fnmatch } from '../targeting/fnmatch.js';
import { bindArguments } from './bind.js';
import { BUILTIN_MODULES, type ModuleImport } from './builtin_modules.js';
import { listCustomModuleFiles, versionedImportUrl } from './custom_files.js';
import { pyDocstring, stripRst } from './docstring.js';
import { FunctionNotAvailableError, ModuleLoadError } from './errors.js';
import type {
  ArgspecReport,
  CallContext,
  FunctionDirectory,
  JobRegistry,
  MinionServices,
  SaltFunction,
  SaltModule,
  VirtualContext,
} from './types.js';

/** How a loader is set up. */
export interface LoaderOptions {
  opts: Record<string, unknown>;
  grains?: Record<string, unknown>;
  pillar?: Record<string, unknown>;
  jobs?: JobRegistry;
  log?: Logger;
  /**
   * Extra directories of custom modules (`module_dirs`, synced `_modules`): `.js`/`.mjs`/`.ts`
   * files whose default export is a `SaltModule` (TypeScript is transpiled to `<cachedir>/tscache`).
   * A custom module overrides a built-in one of the same name. Files starting with `_` are skipped.
   */
  moduleDirs?: string[];
  /** Sends an event to the master bus (`_minion_event`); absent when there is no master (salt-call --local). */
  fireMaster?: (tag: string, data: Record<string, unknown>) => Promise<void>;
  /** The minion daemon's live services, handed to every call as `ctx.minion` (filled in later is fine: kept by reference). */
  minion?: MinionServices;
  /** The built-in table (defaults to {@link BUILTIN_MODULES}); tests pass their own. */
  builtins?: Readonly<Record<string, readonly ModuleImport[]>>;
}

/** Per-call details for {@link Loader.makeContext}. */
export interface CallDetails {
  jid?: string;
  signal?: AbortSignal;
  /** The `__context__` to use; a fresh `{}` when omitted. */
  context?: Record<string, unknown>;
}

function isSaltModule(value: unknown): value is SaltModule {
  if (!value || typeof value !== 'object') return false;
  const m = value as Partial<SaltModule>;
  return typeof m.name === 'string' && !!m.functions && typeof m.functions === 'object';
}

/** The loader of execution modules. Lazy: a module is imported the first time it is needed. */
export class Loader implements FunctionDirectory {
  readonly opts: Record<string, unknown>;
  /** The grains functions see; replaced by {@link reload} when given new ones. */
  grains: Record<string, unknown>;
  /** The pillar functions see; replaced by {@link reload} when given new ones. */
  pillar: Record<string, unknown>;
  readonly jobs?: JobRegistry;
  readonly fireMaster?: (tag: string, data: Record<string, unknown>) => Promise<void>;
  readonly minion?: MinionServices;
  readonly log: Logger;
  private readonly builtins: Readonly<Record<string, readonly ModuleImport[]>>;
  private readonly moduleDirs: string[];
  private customFiles?: Map<string, string[]>;
  private readonly modules = new Map<string, SaltModule>();
  /** Module names whose `virtual()` refused, with the reason (null when none was given). */
  private readonly missing = new Map<string, string | null>();
  private readonly pending = new Map<string, Promise<SaltModule | undefined>>();
  private allLoaded?: Promise<void>;

  constructor(options: LoaderOptions) {
    this.opts = options.opts;
    this.grains = options.grains ?? {};
    this.pillar = options.pillar ?? {};
    this.jobs = options.jobs;
    this.fireMaster = options.fireMaster;
    this.minion = options.minion;
    this.log = options.log ?? nullLogger;
    this.builtins = options.builtins ?? BUILTIN_MODULES;
    this.moduleDirs = (options.moduleDirs ?? []).map((d) => resolve(d));
  }

  /** Names of the modules imported so far (for start-up checks and tests). */
  loadedModuleNames(): string[] {
    return [...this.modules.keys()].sort();
  }

  /** Finds a function by its Salt name, importing its module if needed. */
  async get(fun: string): Promise<SaltFunction | undefined> {
    const dot = fun.indexOf('.');
    if (dot <= 0) return undefined;
    const mod = await this.loadModule(fun.slice(0, dot));
    const name = fun.slice(dot + 1);
    if (!mod || !Object.prototype.hasOwnProperty.call(mod.functions, name)) return undefined;
    return mod.functions[name];
  }

  /** True when the function exists here (its module is imported to find out). */
  async has(fun: string): Promise<boolean> {
    return (await this.get(fun)) !== undefined;
  }

  /**
   * Salt's text for a function that cannot be called: `'x.y' is not available.`, or, when the
   * module's `virtual()` refused, `'x' __virtual__ returned False[: reason]`.
   */
  missingFunString(fun: string): string {
    const modName = fun.split('.')[0];
    if (!this.modules.has(modName) && this.missing.has(modName)) {
      const reason = this.missing.get(modName);
      return reason != null ? `'${modName}' __virtual__ returned False: ${reason}` : `'${modName}' __virtual__ returned False`;
    }
    return `'${fun}' is not available.`;
  }

  async listFunctions(): Promise<string[]> {
    await this.loadAll();
    const out: string[] = [];
    for (const [modName, mod] of this.modules) {
      for (const f of Object.keys(mod.functions)) out.push(`${modName}.${f}`);
    }
    return out.sort();
  }

  async listModules(): Promise<string[]> {
    await this.loadAll();
    return [...this.modules.keys()].sort();
  }

  /**
   * Docstrings the way `sys.doc <pattern>` selects them: a pattern with `*` is a glob over
   * function names; otherwise `mod` (or `mod.`) selects the module's functions and an exact
   * name selects that function. No pattern selects everything. Docs are returned in Python's
   * raw docstring layout with Salt's rst clean-up applied.
   */
  async getDoc(pattern?: string): Promise<Record<string, string | null>> {
    const all = await this.listFunctions();
    let selected: string[];
    if (pattern === undefined) selected = all;
    else if (pattern.includes('*')) selected = all.filter((f) => fnmatch(f, pattern));
    else {
      const target = pattern === '' ? '' : pattern.endsWith('.') ? pattern : `${pattern}.`;
      selected = all.filter((f) => f === pattern || f.startsWith(target));
    }
    const docs: Record<string, string | null> = {};
    for (const f of selected) {
      const fn = await this.get(f);
      docs[f] = fn?.doc ? stripRst(pyDocstring(fn.doc)) : null;
    }
    return docs;
  }

  /**
   * Argument specs the way `sys.argspec <pattern>` reports them (Salt 3006 `argspec_report`):
   * a pattern with `*` or `.` is a glob, otherwise it names a module.
   */
  async argspec(pattern = ''): Promise<Record<string, ArgspecReport>> {
    const all = await this.listFunctions();
    const selected =
      pattern.includes('*') || pattern.includes('.')
        ? all.filter((f) => fnmatch(f, pattern))
        : all.filter((f) => f.startsWith(`${pattern}.`));
    const out: Record<string, ArgspecReport> = {};
    for (const f of selected) {
      const fn = await this.get(f);
      if (!fn) continue;
      const sig = fn.signature;
      const defaults = sig.args.filter((a) => sig.defaults && a in sig.defaults).map((a) => sig.defaults![a]);
      out[f] = {
        args: sig.args.length ? [...sig.args] : null,
        defaults: defaults.length ? defaults : null,
        varargs: sig.varargs ? true : null,
        kwargs: sig.kwargs ? true : null,
      };
    }
    return out;
  }

  async provider(module: string): Promise<string> {
    const mod = await this.loadModule(module);
    return mod && Object.keys(mod.functions).length > 0 ? mod.name : '';
  }

  /**
   * Drops every loaded module (and the list of custom module files) so the next call imports
   * them afresh, e.g. after `saltutil.sync_modules`; optionally with new grains and pillar.
   */
  reload(update: { grains?: Record<string, unknown>; pillar?: Record<string, unknown> } = {}): void {
    if (update.grains) this.grains = update.grains;
    if (update.pillar) this.pillar = update.pillar;
    this.modules.clear();
    this.missing.clear();
    this.pending.clear();
    this.allLoaded = undefined;
    this.customFiles = undefined;
  }

  /** Builds the context a function runs with; `salt()` calls share its `context`. */
  makeContext(details: CallDetails = {}): CallContext {
    const ctx: CallContext = {
      opts: this.opts,
      grains: this.grains,
      pillar: this.pillar,
      log: this.log,
      jid: details.jid,
      context: details.context ?? {},
      jobs: this.jobs,
      signal: details.signal,
      loader: this,
      fireMaster: this.fireMaster,
      minion: this.minion,
      salt: (fun, args = [], kwargs = {}) => this.call(fun, args, kwargs, ctx),
    };
    return ctx;
  }

  /**
   * Calls a function directly, like `__salt__['mod.fun'](*args, **kwargs)` in Salt: no CLI
   * parsing and no `__pub_*` keywords. `parent` shares its `__context__`, jid and abort signal.
   *
   * @throws FunctionNotAvailableError when the function does not exist; otherwise whatever the
   *   function throws, including ArgumentBindingError for arguments that do not fit.
   */
  async call(fun: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}, parent?: CallContext): Promise<unknown> {
    const func = await this.get(fun);
    if (!func) throw new FunctionNotAvailableError(fun, this.missingFunString(fun));
    const ctx = parent ?? this.makeContext();
    return await func.fn(ctx, args, kwargs);
  }

  // --- loading -------------------------------------------------------------------------

  private listCustomFiles(): Map<string, string[]> {
    this.customFiles ??= listCustomModuleFiles(this.moduleDirs, this.opts, this.log);
    return this.customFiles;
  }

  private candidates(name: string): Array<{ source: string; load: ModuleImport }> {
    const out: Array<{ source: string; load: ModuleImport }> = [];
    for (const file of this.listCustomFiles().get(name) ?? []) {
      out.push({ source: file, load: () => import(versionedImportUrl(file)) });
    }
    for (const load of this.builtins[name] ?? []) out.push({ source: `builtin:${name}`, load });
    return out;
  }

  private async loadModule(name: string): Promise<SaltModule | undefined> {
    const have = this.modules.get(name);
    if (have) return have;
    if (this.missing.has(name)) return undefined;
    let p = this.pending.get(name);
    if (!p) {
      p = this.importByName(name);
      this.pending.set(name, p);
    }
    return p;
  }

  private async importByName(name: string): Promise<SaltModule | undefined> {
    for (const cand of this.candidates(name)) {
      const mod = await this.importCandidate(cand.source, cand.load);
      if (!mod) continue;
      const effective = this.register(mod);
      if (effective === name) return mod;
    }
    // A custom module may publish a virtual name unrelated to its file name.
    if (this.listCustomFiles().size > 0 && !this.allLoaded) {
      await this.loadAll();
      return this.modules.get(name);
    }
    return this.modules.get(name);
  }

  private async importCandidate(source: string, load: ModuleImport): Promise<SaltModule | undefined> {
    let ns: unknown;
    try {
      ns = await load();
    } catch (err) {
      this.log.error(`Failed to import module ${source}: ${(err as Error).message}`);
      return undefined;
    }
    const candidate = (ns as { default?: unknown }).default ?? ns;
    if (!isSaltModule(candidate)) {
      const error = new ModuleLoadError(source, `${source} does not export a SaltModule (an object with name and functions)`);
      this.log.error(error.message);
      return undefined;
    }
    return candidate;
  }

  /** Evaluates `virtual()` and records the module under its effective name; returns that name or undefined. */
  private register(mod: SaltModule): string | undefined {
    let name = mod.virtualName ?? mod.name;
    if (mod.virtual) {
      const vctx: VirtualContext = { opts: this.opts, grains: this.grains, pillar: this.pillar };
      let verdict: ReturnType<NonNullable<SaltModule['virtual']>>;
      try {
        verdict = mod.virtual(vctx);
      } catch (err) {
        verdict = [false, (err as Error).message];
      }
      if (Array.isArray(verdict)) {
        if (!this.modules.has(name)) this.missing.set(name, verdict[1] ?? null);
        return undefined;
      }
      if (verdict === false) {
        if (!this.modules.has(name)) this.missing.set(name, null);
        return undefined;
      }
      if (typeof verdict === 'string') name = verdict;
    }
    if (!this.modules.has(name)) {
      // Argument errors name the Python function; Salt's is named like the Salt function unless aliased.
      for (const [key, fn] of Object.entries(mod.functions)) fn.pyName ??= key;
      this.modules.set(name, mod);
      this.missing.delete(name);
    }
    return name;
  }

  private loadAll(): Promise<void> {
    if (!this.allLoaded) {
      this.allLoaded = (async () => {
        const names = new Set([...this.listCustomFiles().keys(), ...Object.keys(this.builtins)]);
        for (const name of [...names].sort()) {
          if (this.modules.has(name)) continue;
          for (const cand of this.candidates(name)) {
            const mod = await this.importCandidate(cand.source, cand.load);
            if (mod && this.register(mod) === name) break;
          }
        }
      })();
    }
    return this.allLoaded;
  }
}

