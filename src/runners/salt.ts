/**
 * The `salt` runner: execution modules run on the master itself (`salt.cmd`), and publishing a
 * job to minions from a runner (`salt.execute`).
 */
import { defineMasterFunction } from './_define.js';
import type { Dict } from './_common.js';
import type { MasterModule } from './types.js';

/** Salt's `clean_kwargs`: drops the `__pub_*`-style keywords (names starting with `__`). */
function cleanKwargs(kwargs: Dict): Dict {
  return Object.fromEntries(Object.entries(kwargs).filter(([k]) => !k.startsWith('__')));
}

const salt: MasterModule = {
  name: 'salt',
  functions: {
    cmd: defineMasterFunction(
      {
        args: ['fun'],
        varargs: true,
        kwargs: true,
        doc: `
          Execute \`\`fun\`\` with the given \`\`args\`\` and \`\`kwargs\`\`.  Parameter \`\`fun\`\` should
          be the string :ref:\`name <all-salt.modules>\` of the execution module to call.

          .. note::
              Execution modules will be loaded *every time* this function is called.

          with_pillar : False
              If \`\`True\`\`, pillar data will be compiled for the master

          CLI Example:

          .. code-block:: bash

              salt-run salt.cmd test.ping
              # call functions with arguments and keyword arguments
              salt-run salt.cmd test.arg 1 2 3 a=1
        `,
      },
      async ({ fun }, ctx, { varargs, kwargs }) => {
        const kw = cleanKwargs(kwargs);
        delete kw.with_pillar;
        const opts = structuredClone(ctx.opts);
        const [{ loadGrains }, { Loader }] = await Promise.all([import('../grains/load.js'), import('../loader/loader.js')]);
        const grains = await loadGrains(opts, { log: ctx.log });
        opts.grains = grains;
        opts.pillar = {};
        const loader = new Loader({ opts, grains, pillar: {}, log: ctx.log });
        const name = String(fun);
        const func = await loader.get(name);
        if (!func) return `'${name}' is not available.`;
        return func.fn(loader.makeContext({ jid: ctx.jid, context: ctx.context }), varargs, kw);
      },
    ),
    execute: defineMasterFunction(
      {
        args: ['tgt', 'fun', 'arg', 'timeout', 'tgt_type', 'ret', 'jid', 'kwarg'],
        defaults: { arg: [], timeout: null, tgt_type: 'glob', ret: '', jid: '', kwarg: null },
        kwargs: true,
        doc: `
          Execute \`\`fun\`\` on all minions matched by \`\`tgt\`\` and \`\`tgt_type\`\`.
          Parameter \`\`fun\`\` is the name of execution module function to call.

          This function should mainly be used as a helper for runner modules,
          in order to avoid redundant code.
        `,
      },
      async ({ tgt, fun, arg, timeout, tgt_type, kwarg }, ctx) => {
        const args = Array.isArray(arg) ? [...arg] : [];
        if (kwarg && typeof kwarg === 'object') args.push({ ...(kwarg as Dict), __kwarg__: true });
        try {
          const job = await ctx.minions().run(tgt as string, String(fun), args, {
            tgtType: String(tgt_type),
            timeout: Number(timeout || ctx.opts.timeout || 5),
          });
          const ret: Dict = {};
          for (const [id, r] of Object.entries(job?.returns ?? {})) ret[id] = r.ret;
          return ret;
        } catch (err) {
          ctx.log.error(`Error while executing ${String(fun)} on ${String(tgt)} (${String(tgt_type)})`);
          ctx.log.error((err as Error).message);
          return {};
        }
      },
    ),
  },
};

export default salt;
