/** A table of master-side functions (runners or wheel functions) by full name. */
import { pyDocstring, stripRst } from '../loader/docstring.js';
import { fnmatch } from '../targeting/fnmatch.js';
import type { MasterFunction, MasterModule } from './types.js';

/**
 * A table of master-side functions (runners or wheel functions) by full name (`jobs.list_jobs`),
 * with Salt's missing-function text and `get_docs` selection.
 */
export class FunctionTable {
  private readonly functions = new Map<string, MasterFunction>();

  constructor(modules: readonly MasterModule[]) {
    for (const mod of modules) {
      for (const [name, f] of Object.entries(mod.functions)) {
        f.pyName ??= name;
        this.functions.set(`${mod.name}.${name}`, f);
      }
    }
  }

  /** Every function name, sorted. */
  names(): string[] {
    return [...this.functions.keys()].sort();
  }

  get(fun: string): MasterFunction | undefined {
    return this.functions.get(fun);
  }

  /** Salt's `missing_fun_string`. */
  missingFunString(fun: string): string {
    return `'${fun}' is not available.`;
  }

  /**
   * Salt's `get_docs(arg)`: docstrings (as Python holds them, rst cleaned) of every function, of
   * those a glob selects, or of `arg` itself and the functions of module `arg`.
   */
  getDocs(arg?: string | null): Record<string, string> {
    let names = this.names();
    if (arg) {
      if (arg.includes('*')) names = names.filter((n) => fnmatch(n, arg));
      else {
        const prefix = arg.endsWith('.') ? arg : `${arg}.`;
        names = names.filter((n) => n === arg || n.startsWith(prefix));
      }
    }
    const ret: Record<string, string> = {};
    for (const n of names) ret[n] = stripRst(pyDocstring(this.functions.get(n)!.doc));
    return ret;
  }
}
