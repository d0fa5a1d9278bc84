/**
 * Finds state functions (`test.nop`, `file.managed`) by name, importing a state module only
 * when one of its functions is first needed.
 */
import { BUILTIN_STATES, type StateModuleImport } from '../states/index.js';
import type { SaltFunction, SaltModule, VirtualContext } from '../loader/types.js';

/** The state functions a run can call. */
export interface StateFunctions {
  /** The function, or undefined when no module provides it. */
  get(fun: string): Promise<SaltFunction | undefined>;
  /** True when the function is known to exist (only modules already imported are consulted). */
  has(fun: string): boolean;
  /** Imports the modules named so that {@link has} knows their functions. */
  preload(modules: Iterable<string>): Promise<void>;
  /** Salt's reason text for a missing function: `'x.y' is not available.` */
  missingFunString(fun: string): string;
}

function isSaltModule(v: unknown): v is SaltModule {
  return !!v && typeof v === 'object' && typeof (v as SaltModule).name === 'string' && typeof (v as SaltModule).functions === 'object';
}

/** The built-in state modules (plus extra tables, e.g. custom `_states`), loaded lazily. */
export class StateModuleLoader implements StateFunctions {
  private readonly modules = new Map<string, SaltModule | null>();

  constructor(
    private readonly vctx: VirtualContext,
    private readonly table: Readonly<Record<string, StateModuleImport>> = BUILTIN_STATES,
  ) {}

  /** Imports the modules a set of chunks uses, so {@link has} can answer synchronously. */
  async preload(names: Iterable<string>): Promise<void> {
    for (const name of new Set(names)) await this.load(name);
  }

  private async load(name: string): Promise<SaltModule | null> {
    if (this.modules.has(name)) return this.modules.get(name)!;
    let mod: SaltModule | null = null;
    const imp = Object.prototype.hasOwnProperty.call(this.table, name) ? this.table[name] : undefined;
    if (imp) {
      const ns = (await imp()) as { default?: unknown };
      const cand = ns.default ?? ns;
      if (isSaltModule(cand)) {
        const verdict = cand.virtual ? cand.virtual(this.vctx) : true;
        if (verdict !== false && !Array.isArray(verdict)) mod = cand;
      }
    }
    this.modules.set(name, mod);
    return mod;
  }

  async get(fun: string): Promise<SaltFunction | undefined> {
    const dot = fun.indexOf('.');
    if (dot <= 0) return undefined;
    const mod = await this.load(fun.slice(0, dot));
    const name = fun.slice(dot + 1);
    if (!mod || !Object.prototype.hasOwnProperty.call(mod.functions, name)) return undefined;
    return mod.functions[name];
  }

  has(fun: string): boolean {
    const dot = fun.indexOf('.');
    const mod = this.modules.get(fun.slice(0, dot));
    return !!mod && Object.prototype.hasOwnProperty.call(mod.functions, fun.slice(dot + 1));
  }

  missingFunString(fun: string): string {
    return `'${fun}' is not available.`;
  }
}
