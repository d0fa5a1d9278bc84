/**
 * Salt's `state` execution module: apply SLS files or the highstate, run one state, and show
 * what the top file, high data and low chunks compile to. Results print with the `highstate`
 * outputter; `__context__['retcode']` is 1 for compile errors and 2 for failed states.
 */
import { defineFunction } from '../loader/define.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { applyStates, showHigh, showLow, showTop, stateRetcode, type ApplyOptions } from '../state/apply.js';
import { fileClientFor } from '../state/file_client.js';
import { StateModuleLoader } from '../state/state_loader.js';
import { StateRunner } from '../state/runner.js';
import { isDict, pyStr } from '../state/_py.js';
import type { StateReturn } from '../state/types.js';

const EX_STATE_COMPILER_ERROR = 1;
const EX_STATE_FAILURE = 2;

/** `salt.utils.state.check_result`: false for an empty or failed return. */
function checkResult(running: unknown, recurse = false): boolean {
  if (!isDict(running) || !Object.keys(running).length) return false;
  for (const [id, r] of Object.entries(running)) {
    const expectList = id === '__extend__';
    if (!recurse && (expectList ? !Array.isArray(r) : !isDict(r))) return false;
    if (isDict(r)) {
      if (r.result === false) return false;
      if (!('result' in r) && !checkResult(r, true)) return false;
    }
  }
  return true;
}

/** Salt's `_set_retcode`: 1 for an error list, 2 when the return does not check out, else 0. */
function setRetcode(ctx: CallContext, ret: unknown): void {
  ctx.context.retcode = 0;
  if (Array.isArray(ret)) ctx.context.retcode = EX_STATE_COMPILER_ERROR;
  else if (!checkResult(ret)) ctx.context.retcode = EX_STATE_FAILURE;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Salt's `jid_to_time`: `20240102030405123456` → `2024, Jan 02 03:04:05.123456` ('' if not a jid). */
function jidToTime(jid: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{6})$/.exec(jid);
  if (!m) return '';
  return `${m[1]}, ${MONTHS[Number(m[2]) - 1]} ${m[3]} ${m[4]}:${m[5]}:${m[6]}.${m[7]}`;
}

/** `mods` as a list: a comma-separated string or a list. */
function splitMods(mods: unknown): string[] {
  if (mods === null || mods === undefined || mods === '') return [];
  if (Array.isArray(mods)) return mods.map((m) => pyStr(m));
  return pyStr(mods)
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
}

function pyBoolArg(v: unknown): boolean | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return ['true', 'yes', 'on', '1'].includes(v.toLowerCase());
  return !!v;
}

function options(ctx: CallContext, kwargs: Record<string, unknown>, extra: Partial<ApplyOptions> = {}): ApplyOptions {
  const test = pyBoolArg(kwargs.test);
  const saltenv = kwargs.saltenv !== undefined && kwargs.saltenv !== null ? pyStr(kwargs.saltenv) : undefined;
  let exclude = kwargs.exclude;
  if (typeof exclude === 'string') exclude = exclude.split(',').map((e) => e.trim());
  const opts = saltenv !== undefined ? { ...ctx.opts, saltenv } : ctx.opts;
  return {
    caller: ctx,
    fileClient: fileClientFor(opts),
    test: test ?? (ctx.opts.test ? true : undefined),
    saltenv,
    pillar: isDict(kwargs.pillar) ? kwargs.pillar : undefined,
    exclude: Array.isArray(exclude) ? exclude : undefined,
    ...extra,
  };
}

async function runApply(ctx: CallContext, o: ApplyOptions): Promise<unknown> {
  const out = await applyStates(o);
  if ('errors' in out) {
    ctx.context.retcode = EX_STATE_COMPILER_ERROR;
    return out.errors;
  }
  ctx.context.retcode = out.retcode;
  return out.states;
}

const APPLY_DOC = `
  Apply states: with no SLS names the highstate (top file), otherwise the named SLS files.

  CLI Example:

  .. code-block:: bash

      salt '*' state.apply
      salt '*' state.apply test pillar='{"foo": "bar"}'
`;

const mod: SaltModule = {
  name: 'state',
  functions: {
    apply: defineFunction(
      { args: ['mods'], defaults: { mods: null }, kwargs: true, outputter: 'highstate', pyName: 'apply_', doc: APPLY_DOC },
      ({ mods }, ctx, { kwargs }) => runApply(ctx, options(ctx, kwargs, { mods: splitMods(mods) })),
    ),
    sls: defineFunction(
      {
        args: ['mods', 'test', 'exclude', 'queue', 'state_events', 'sync_mods'],
        defaults: { test: null, exclude: null, queue: false, state_events: null, sync_mods: null },
        kwargs: true,
        outputter: 'highstate',
        doc: `
          Execute the states in one or more SLS files

          CLI Example:

          .. code-block:: bash

              salt '*' state.sls core,edit.vim saltenv=dev
        `,
      },
      ({ mods, test, exclude }, ctx, { kwargs }) => {
        const list = splitMods(mods);
        return runApply(ctx, options(ctx, { ...kwargs, test, exclude }, { mods: list.length ? list : undefined }));
      },
    ),
    highstate: defineFunction(
      {
        args: ['test', 'queue'],
        defaults: { test: null, queue: false },
        kwargs: true,
        outputter: 'highstate',
        doc: `
          Retrieve the state data from the salt master for this minion and execute it

          CLI Example:

          .. code-block:: bash

              salt '*' state.highstate
        `,
      },
      ({ test }, ctx, { kwargs }) => runApply(ctx, options(ctx, { ...kwargs, test })),
    ),
    test: defineFunction(
      { varargs: true, kwargs: true, outputter: 'highstate', doc: 'Alias of `state.apply` with `test=True`.' },
      (_p, ctx, { varargs, kwargs }) => runApply(ctx, options(ctx, { ...kwargs, test: true }, { mods: splitMods(varargs[0]) })),
    ),
    sls_id: defineFunction(
      {
        args: ['id_', 'mods', 'test', 'queue'],
        defaults: { test: null, queue: false },
        kwargs: true,
        outputter: 'highstate',
        doc: `
          Call a single ID from the named module(s) and handle all requisites

          CLI Example:

          .. code-block:: bash

              salt '*' state.sls_id my_state my_module
        `,
      },
      async ({ id_, mods, test }, ctx, { kwargs }) => {
        const o = options(ctx, { ...kwargs, test }, { mods: splitMods(mods) });
        const { high, errors } = await showHigh(o);
        if (errors.length) {
          ctx.context.retcode = EX_STATE_COMPILER_ERROR;
          return errors;
        }
        const id = pyStr(id_);
        if (!(id in high)) {
          ctx.context.retcode = EX_STATE_COMPILER_ERROR;
          return [`No matches for ID '${id}' found in SLS '${splitMods(mods).join(',')}' within saltenv '${o.saltenv ?? 'base'}'`];
        }
        const only: Record<string, unknown> = { [id]: high[id] };
        if (high.__extend__) only.__extend__ = high.__extend__;
        const states = new StateModuleLoader({ opts: ctx.opts, grains: ctx.grains, pillar: ctx.pillar });
        const runner = new StateRunner({ opts: { ...ctx.opts, test: !!o.test }, states, baseContext: ctx, fileClient: o.fileClient });
        const out = await runner.callHigh(only);
        setRetcode(ctx, out);
        return out;
      },
    ),
    single: defineFunction(
      {
        args: ['fun', 'name', 'test', 'queue'],
        defaults: { test: null, queue: false },
        kwargs: true,
        outputter: 'highstate',
        doc: `
          Execute a single state function with the named kwargs, returns False if
          insufficient data is sent to the command

          CLI Example:

          .. code-block:: bash

              salt '*' state.single pkg.installed name=vim
        `,
      },
      async ({ fun, name, test }, ctx, { kwargs }) => {
        const comps = pyStr(fun).split('.');
        if (comps.length < 2) {
          ctx.context.retcode = EX_STATE_COMPILER_ERROR;
          return 'Invalid function passed';
        }
        const args: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(kwargs)) if (!k.startsWith('__pub_') && !['saltenv', 'pillar', 'queue'].includes(k)) args[k] = v;
        const o = options(ctx, { ...kwargs, test });
        const high = {
          [pyStr(name)]: {
            [comps[0]]: [...Object.entries(args).map(([k, v]) => ({ [k]: v })), comps.slice(1).join('.')],
            __sls__: null,
            __env__: o.saltenv ?? 'base',
          },
        };
        const states = new StateModuleLoader({ opts: ctx.opts, grains: ctx.grains, pillar: ctx.pillar });
        const runner = new StateRunner({ opts: { ...ctx.opts, test: !!o.test }, states, baseContext: ctx, fileClient: o.fileClient });
        const out = await runner.callHigh(high);
        setRetcode(ctx, out);
        return out;
      },
    ),
    show_sls: defineFunction(
      {
        args: ['mods', 'test', 'queue'],
        defaults: { test: null, queue: false },
        kwargs: true,
        doc: `
          Display the state data from a specific sls or list of sls files on the master

          CLI Example:

          .. code-block:: bash

              salt '*' state.show_sls core,edit.vim saltenv=dev
        `,
      },
      async ({ mods, test }, ctx, { kwargs }) => {
        const { high, errors } = await showHigh(options(ctx, { ...kwargs, test }, { mods: splitMods(mods) }));
        const ret = errors.length ? errors : high;
        setRetcode(ctx, ret);
        return ret;
      },
    ),
    show_highstate: defineFunction(
      {
        args: ['queue'],
        defaults: { queue: false },
        kwargs: true,
        doc: `
          Retrieve the highstate data from the salt master and display it

          CLI Example:

          .. code-block:: bash

              salt '*' state.show_highstate
        `,
      },
      async (_p, ctx, { kwargs }) => {
        const { high, errors } = await showHigh(options(ctx, kwargs));
        const ret = errors.length ? errors : high;
        setRetcode(ctx, ret);
        return ret;
      },
    ),
    show_lowstate: defineFunction(
      {
        args: ['queue'],
        defaults: { queue: false },
        kwargs: true,
        doc: `
          List out the low data that will be applied to this minion

          CLI Example:

          .. code-block:: bash

              salt '*' state.show_lowstate
        `,
      },
      async (_p, ctx, { kwargs }) => {
        const out = await showLow(options(ctx, kwargs));
        return out.errors ?? out.chunks;
      },
    ),
    show_low_sls: defineFunction(
      {
        args: ['mods', 'test', 'queue'],
        defaults: { test: null, queue: false },
        kwargs: true,
        doc: `
          Display the low data from a specific sls

          CLI Example:

          .. code-block:: bash

              salt '*' state.show_low_sls foo
        `,
      },
      async ({ mods, test }, ctx, { kwargs }) => {
        const out = await showLow(options(ctx, { ...kwargs, test }, { mods: splitMods(mods) }));
        if (out.errors) ctx.context.retcode = EX_STATE_COMPILER_ERROR;
        return out.errors ?? out.chunks;
      },
    ),
    show_states: defineFunction(
      {
        args: ['queue'],
        defaults: { queue: false },
        kwargs: true,
        doc: `
          Returns the list of states that will be applied on highstate.

          CLI Example:

          .. code-block:: bash

              salt '*' state.show_states
        `,
      },
      async (_p, ctx, { kwargs }) => {
        const out = await showLow(options(ctx, kwargs));
        if (out.errors) {
          ctx.context.retcode = EX_STATE_COMPILER_ERROR;
          return out.errors;
        }
        const seen: string[] = [];
        for (const c of out.chunks ?? []) {
          const sls = pyStr(c.__sls__);
          if (!seen.includes(sls)) seen.push(sls);
        }
        return seen;
      },
    ),
    show_top: defineFunction(
      {
        args: ['queue'],
        defaults: { queue: false },
        kwargs: true,
        doc: `
          Return the top data that the minion will use for a highstate

          CLI Example:

          .. code-block:: bash

              salt '*' state.show_top
        `,
      },
      async (_p, ctx, { kwargs }) => showTop(options(ctx, kwargs)),
    ),
    running: defineFunction(
      {
        args: ['concurrent'],
        defaults: { concurrent: false },
        doc: `
          Return a list of strings that contain state return data if a state function
          is already running. This function is used to prevent multiple state calls
          from being run at the same time.

          CLI Example:

          .. code-block:: bash

              salt '*' state.running
        `,
      },
      ({ concurrent }, ctx) => {
        if (concurrent) return [];
        const out: string[] = [];
        for (const job of ctx.jobs?.list() ?? []) {
          if (job.jid === ctx.jid) continue;
          const fun = String(job.fun);
          if (!fun.startsWith('state.')) continue;
          out.push(`The function "${fun}" is running as PID ${job.pid} and was started at ${jidToTime(job.jid)} with jid ${job.jid}`);
        }
        return out;
      },
    ),
  },
};

export default mod;

export type { StateReturn };
export { stateRetcode };
