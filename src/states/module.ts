/**
 * Salt's `module` state module: `module.run` calls execution functions as a state
 * (the 3006 "new style": `- mod.fun: [args or {kwarg: v} items]`).
 */
import type { SaltModule } from '../loader/types.js';
import { isDict, pyStr } from '../state/_py.js';
import { defineState, type StateRet } from './_define.js';

/** Splits a function's argument list into positional args and keyword args (`- key: value` items). */
function splitArgs(items: unknown): { args: unknown[]; kwargs: Record<string, unknown> } {
  const args: unknown[] = [];
  const kwargs: Record<string, unknown> = {};
  const list = items === null || items === undefined ? [] : Array.isArray(items) ? items : [items];
  for (const item of list) {
    if (isDict(item) && Object.keys(item).length === 1) Object.assign(kwargs, item);
    else if (isDict(item)) Object.assign(kwargs, item);
    else args.push(item);
  }
  return { args, kwargs };
}

function failed(ret: unknown): boolean {
  if (ret === false) return true;
  if (isDict(ret)) {
    if ('result' in ret && ret.result === false) return true;
    if ('success' in ret && ret.success === false) return true;
  }
  return false;
}

const mod: SaltModule = {
  name: 'module',
  functions: {
    run: defineState(
      { args: [], kwargs: true, doc: 'Run a single module function or a range of module functions in a batch.' },
      async (_p, ctx, { kwargs }) => {
        const name = ctx.low.name;
        const funcs = Object.keys(kwargs).filter((k) => k.includes('.') && !k.startsWith('__'));
        const ret: StateRet = { name, changes: {}, result: true, comment: '' };
        if (!funcs.length && typeof name === 'string' && name.includes('.')) funcs.push(name);
        const missing: string[] = [];
        for (const f of funcs) if (!(await ctx.loader.listFunctions()).includes(f)) missing.push(f);
        if (missing.length) {
          ret.comment = `Unavailable function${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.`;
          ret.result = false;
          return ret;
        }
        if (ctx.test) {
          ret.comment = `Function${funcs.length > 1 ? 's' : ''} ${funcs.join(', ')} to be executed.`;
          ret.result = null;
          return ret;
        }
        const failures: string[] = [];
        const success: string[] = [];
        for (const f of funcs) {
          const { args, kwargs: kw } = splitArgs(kwargs[f]);
          try {
            const out = await ctx.salt(f, args, kw);
            if (failed(out)) failures.push(`'${f}': ${pyStr(out)}`);
            else success.push(`${f}: Success`);
            ret.changes[f] = out;
          } catch (err) {
            failures.push(`'${f}' failed: ${(err as Error).message}`);
          }
        }
        if (failures.length) {
          ret.comment = failures.join(', ');
          ret.result = false;
        } else ret.comment = success.join(', ');
        return ret;
      },
    ),
  },
};

export default mod;
