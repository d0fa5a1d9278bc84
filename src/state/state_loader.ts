/**
 * Finds state functions (`test.nop`, `file.managed`) by name, importing a state module only
 * when one of its functions is first needed.
 */
import { BUILTIN_STATES, type StateModuleImport } from '../states/index.js';
import { customModuleDirs, listCustomModuleFiles, versionedImportUrl } from '../loader/custom_files.js';
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

/**
 * The state modules for these minion options: the built-in ones, overridden by custom state
 * modules (synced `_states` in `<extension_modules>/states`, `<module_dirs entry>/states`,
 * `states_dirs`) of the same file name; within those the first found wins.
 */
export function stateModuleTable(opts: Record<string, unknown>): Readonly<Record<string, StateModuleImport>> {
  const custom = listCustomModuleFiles(customModuleDirs(opts, 'states'), opts);
  if (custom.size === 0) return BUILTIN_STATES;
  const table: Record<string, StateModuleImport> = { ...BUILTIN_STATES };
  for (const [name, files] of custom) table[name] = () => import(versionedImportUrl(files[0]));
  return table;
}

/** The built-in state modules (plus extra tables, e.g. custom `_states`), loaded lazily. */
export class StateModuleLoader implements StateFunctions {
  private readonly modules = new Map<string, SaltModule | null>();
  private readonly table: Readonly<Record<string, StateModuleImport>>;

  /** @param table the modules by name; defaults to {@link stateModuleTable} of `vctx.opts`. */
  constructor(
    private readonly vctx: VirtualContext,
    table?: Readonly<Record<string, StateModuleImport>>,
  ) {
    this.table = table ?? stateModuleTable(vctx.opts);
  }

  /** Imports the modules a set of chunks uses, so {@link has} can answer synchronously. */
  async preload(names: Iterable<string>): Promise<void> {
    for (const name of new Set(names)) await this.load(name);
  }

  private async load(name: string): Promise<SaltModule | null> {
    if (this.modules.has(name)) return this.modules.get(name)!;
    let mod: SaltModule | null = null;
    const imp = Object.prototype.hasOwnProperty.call(this.table, name) ? this.table[name] : undefined;
    if (imp) {
      let ns: { default?: unknown };
      try {
        ns = (await imp()) as { default?: unknown };
      } catch (err) {
        // A custom state module that fails to import is missing, as in Salt; a built-in one is a bug.
        if (imp === BUILTIN_STATES[name]) throw err;
        this.modules.set(name, null);
        return null;
      }
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
