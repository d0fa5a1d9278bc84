/**
 * Salt's `salt` state module (salt/states/saltmod.py), used by orchestration on the master:
 * `salt.state` (apply SLS or the highstate on targets), `salt.function` (run an execution
 * function on targets), `salt.runner`, `salt.wheel`, and `salt.wait_for_event`.
 *
 * Like Salt, it reaches minions and master functions through `__salt__`: `saltutil.cmd`,
 * `saltutil.runner` and `saltutil.wheel` (the orchestration's master minion provides them, see
 * src/orchestrate/master_minion.ts). Argument events go to `salt/run/<orchestration jid>/args`
 * when the run is an orchestration (`opts.__orchestration_jid__`).
 */
import { checkResult } from '../client/runner_client.js';
import type { EventClient } from '../events/client.js';
import type { SaltModule } from '../loader/types.js';
import { pyFloatRepr } from '../protocol/pytypes.js';
import { isDict, pyStr } from '../state/_py.js';
import type { StateCallContext } from '../state/runner.js';
import { fnmatch } from '../targeting/fnmatch.js';
import { defineState, type StateRet } from './_define.js';

type Dict = Record<string, unknown>;

/** One minion's answer as `saltutil.cmd` gives it: `ret` (or `return`), `out`, `retcode`, `jid`, or `failed`. */
type MinionData = Dict;

function orchestrationJid(ctx: StateCallContext): string | null {
  const jid = ctx.opts.__orchestration_jid__;
  return typeof jid === 'string' && jid ? jid : null;
}

/** Salt's `_fire_args`: `salt/run/<orchestration jid>/args` with what is about to run. */
async function fireArgs(ctx: StateCallContext, data: Dict): Promise<void> {
  const jid = orchestrationJid(ctx);
  if (!jid || !ctx.fireMaster) {
    ctx.log.debug('Unable to fire args event due to missing __orchestration_jid__');
    return;
  }
  try {
    await ctx.fireMaster(`salt/run/${jid}/args`, data);
  } catch (err) {
    ctx.log.debug(`Could not fire the args event: ${(err as Error).message}`);
  }
}

/** `fail_minions` as a list: a list as is, a comma-separated text split; anything else is ignored with a warning. */
function failMinionsList(value: unknown, ret: StateRet): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return value.split(',').map((m) => m.trim());
  if (Array.isArray(value)) return value.map(String);
  ((ret.warnings ??= []) as string[]).push("'fail_minions' needs to be a list or a comma separated string. Ignored.");
  return [];
}

/** A minion's data with `return` renamed `ret`, as Salt normalises it. */
function normalise(mdata: unknown): MinionData {
  const d: MinionData = isDict(mdata) ? { ...mdata } : {};
  if ('return' in d && !('ret' in d)) {
    d.ret = d.return;
    delete d.return;
  }
  return d;
}

function firstJid(cmdRet: Dict): string | undefined {
  const first = Object.values(cmdRet)[0];
  return isDict(first) && typeof first.jid === 'string' ? first.jid : undefined;
}

async function saltutilCmd(ctx: StateCallContext, tgt: unknown, fun: string, cmdKw: Dict): Promise<Dict> {
  const out = await ctx.salt('saltutil.cmd', [tgt, fun], cmdKw);
  return isDict(out) ? out : {};
}

const STATE_DOC = `
    Invoke a state run on a given target

    name
        An arbitrary name used to track the state execution

    tgt
        The target specification for the state run.

    tgt_type
        The target type to resolve, defaults to \`\`glob\`\`

    highstate
        Defaults to None, if set to True the target systems will ignore any
        sls references specified in the sls option and call state.highstate
        on the targeted minions

    sls
        A group of sls files to execute. This can be defined as a single string
        containing a single sls file, or a list of sls files

    test
        Pass \`\`test=true\`\` or \`\`test=false\`\` through to the state function.

    pillar
        Pass the \`\`pillar\`\` kwarg through to the state function

    expect_minions
        An optional boolean for failing if some minions do not respond

    fail_minions
        An optional list of targeted minions where failure is an option

    allow_fail
        Pass in the number of minions to allow for failure before setting
        the result of the execution to False
`;

const FUNCTION_DOC = `
    Execute a single module function on a remote minion via salt or salt-ssh

    name
        The name of the function to run, aka cmd.run or pkg.install

    tgt
        The target specification, aka '*' for all minions

    tgt_type
        The target type, defaults to \`\`glob\`\`

    arg
        The list of arguments to pass into the function

    kwarg
        The dict (not a list) of keyword arguments to pass into the function

    expect_minions
        An optional boolean for failing if some minions do not respond

    fail_minions
        An optional list of targeted minions where failure is an option

    fail_function
        An optional string that points to a salt module that returns True or False
        based on the returned data dict for individual minions
`;

async function stateFn(p: Record<string, unknown>, ctx: StateCallContext, kwargs: Dict): Promise<StateRet> {
  const cmdKw: Dict = { arg: [] as unknown[], kwarg: {} as Dict, ret: p.ret, timeout: p.timeout };
  const arg = cmdKw.arg as unknown[];
  const kwarg = cmdKw.kwarg as Dict;
  if (p.ret_config) cmdKw.ret_config = p.ret_config;
  if (p.ret_kwargs) cmdKw.ret_kwargs = p.ret_kwargs;
  const ret: StateRet = { name: p.name, changes: {}, comment: '', result: true };
  const allowFail = typeof p.allow_fail === 'number' ? Math.trunc(p.allow_fail) : /^\s*[-+]?\d+\s*$/.test(pyStr(p.allow_fail)) ? Number.parseInt(pyStr(p.allow_fail), 10) : NaN;
  if (Number.isNaN(allowFail)) {
    return { ...ret, result: false, comment: "Passed invalid value for 'allow_fail', must be an int" };
  }
  cmdKw.tgt_type = p.tgt_type;
  cmdKw.ssh = p.ssh;
  if ('roster' in kwargs) cmdKw.roster = kwargs.roster;
  cmdKw.expect_minions = p.expect_minions;
  let fun: string;
  if (p.highstate) fun = 'state.highstate';
  else if (p.top) {
    fun = 'state.top';
    arg.push(p.top);
  } else if (p.sls) {
    fun = 'state.sls';
    arg.push(Array.isArray(p.sls) ? p.sls.map(pyStr).join(',') : p.sls);
  } else {
    return { ...ret, result: false, comment: 'No highstate or sls specified, no execution made' };
  }
  const optsTest = ctx.opts.test;
  if ((p.test !== null && p.test !== undefined) || optsTest) kwarg.test = p.test !== null && p.test !== undefined ? p.test : optsTest;
  if (p.pillar) kwarg.pillar = p.pillar;
  if (p.pillarenv !== null && p.pillarenv !== undefined) kwarg.pillarenv = p.pillarenv;
  if (p.saltenv !== null && p.saltenv !== undefined) kwarg.saltenv = p.saltenv;
  if (p.exclude !== null && p.exclude !== undefined) kwarg.exclude = p.exclude;
  kwarg.queue = p.queue;
  if (typeof p.concurrent !== 'boolean') return { ...ret, result: false, comment: "Must pass in boolean for value of 'concurrent'" };
  kwarg.concurrent = p.concurrent;
  if (p.batch !== null && p.batch !== undefined) cmdKw.batch = pyStr(p.batch);
  if (p.subset !== null && p.subset !== undefined) cmdKw.subset = p.subset;
  if (p.failhard === true || ctx.opts.failhard) cmdKw.failhard = true;

  const masterless = ctx.opts.__role === 'minion' && ctx.opts.file_client === 'local';
  let cmdRet: Dict;
  if (!masterless) {
    await fireArgs(ctx, { type: 'state', tgt: p.tgt, name: p.name, args: cmdKw });
    cmdRet = await saltutilCmd(ctx, p.tgt, fun, cmdKw);
  } else {
    const local: Dict = { ...cmdKw };
    const args = local.arg as unknown[];
    delete local.arg;
    if (p.top) local.topfn = args.map(pyStr).join('');
    else if (p.sls) local.mods = args.map(pyStr).join('');
    Object.assign(local, local.kwarg as Dict);
    delete local.kwarg;
    const tmp = await ctx.salt(fun, [], local);
    const out = isDict(tmp) && typeof tmp.out === 'string' ? tmp.out : 'highstate';
    cmdRet = { [pyStr(ctx.opts.id)]: { ret: tmp, out } };
  }
  const jid = firstJid(cmdRet);
  if (jid !== undefined) ret.__jid__ = jid;

  const failMinions = failMinionsList(p.fail_minions, ret);
  if (!Object.keys(cmdRet).length && p.expect_minions) return { ...ret, result: false, comment: 'No minions returned' };
  const changes: Dict = {};
  const fail: string[] = [];
  const noChange: string[] = [];
  for (const [minion, raw] of Object.entries(cmdRet)) {
    const mdata = normalise(raw);
    if ((mdata.out ?? '') !== 'highstate') ctx.log.warn('Output from salt state not highstate');
    let mRet: unknown = false;
    let ok = true;
    if (mdata.failed) ok = false;
    else if (!('ret' in mdata)) ok = false;
    else {
      mRet = mdata.ret;
      ok = checkResult(mRet, true);
    }
    if (!ok) {
      if (!failMinions.includes(minion)) fail.push(minion);
      changes[minion] = mRet;
      continue;
    }
    const hasChanges = isDict(mRet) && Object.values(mRet).some((item) => isDict(item) && isDict(item.changes) && Object.keys(item.changes).length > 0);
    if (hasChanges) changes[minion] = mRet;
    else noChange.push(minion);
  }
  if (Object.keys(changes).length) ret.changes = { out: 'highstate', ret: changes };
  if (fail.length > allowFail) {
    ret.result = false;
    ret.comment = `Run failed on minions: ${fail.join(', ')}`;
  } else {
    let comment = 'States ran successfully.';
    if (Object.keys(changes).length) comment += ` Updating ${Object.keys(changes).join(', ')}.`;
    if (noChange.length) comment += ` No changes made to ${noChange.join(', ')}.`;
    ret.comment = comment;
  }
  if ((p.test || ctx.opts.test) && Object.keys(ret.changes).length && ret.result === true) ret.result = null;
  return ret;
}

async function functionFn(p: Record<string, unknown>, ctx: StateCallContext, kwargs: Dict): Promise<StateRet> {
  const ret: StateRet = { name: p.name, changes: {}, comment: '', result: true };
  const kwarg = p.kwarg === null || p.kwarg === undefined ? {} : p.kwarg;
  let arg = p.arg;
  if (typeof arg === 'string') {
    ret.warnings = ["Please specify 'arg' as a list of arguments."];
    arg = arg.split(/\s+/).filter((w) => w !== '');
  }
  const cmdKw: Dict = { arg: arg ? arg : [], kwarg, ret: p.ret, timeout: p.timeout };
  if (p.batch !== null && p.batch !== undefined) cmdKw.batch = pyStr(p.batch);
  if (p.subset !== null && p.subset !== undefined) cmdKw.subset = p.subset;
  cmdKw.tgt_type = p.tgt_type;
  cmdKw.ssh = p.ssh;
  if ('roster' in kwargs) cmdKw.roster = kwargs.roster;
  cmdKw.expect_minions = p.expect_minions;
  cmdKw._cmd_meta = true;
  if (p.failhard === true || ctx.opts.failhard) cmdKw.failhard = true;
  if (p.ret_config) cmdKw.ret_config = p.ret_config;
  if (p.ret_kwargs) cmdKw.ret_kwargs = p.ret_kwargs;
  const fun = pyStr(p.name);
  if (ctx.opts.test === true) {
    return { ...ret, result: null, comment: `Function ${fun} would be executed on target ${pyStr(p.tgt)}` };
  }
  let cmdRet: Dict;
  try {
    await fireArgs(ctx, { type: 'function', tgt: p.tgt, name: p.name, args: cmdKw });
    cmdRet = await saltutilCmd(ctx, p.tgt, fun, cmdKw);
  } catch (err) {
    return { ...ret, result: false, comment: err instanceof Error ? err.message : String(err) };
  }
  const jid = firstJid(cmdRet);
  if (jid !== undefined) ret.__jid__ = jid;
  const failMinions = failMinionsList(p.fail_minions, ret);
  const changes: Dict = {};
  const fail: string[] = [];
  const addFail = (m: string): void => {
    if (!fail.includes(m)) fail.push(m);
  };
  for (const [minion, raw] of Object.entries(cmdRet)) {
    const mdata = normalise(raw);
    let mRet: unknown = false;
    let ok: unknown;
    if (mdata.retcode) {
      ret.result = false;
      addFail(minion);
    }
    if (mdata.failed) ok = false;
    else {
      mRet = mdata.ret;
      ok = p.fail_function ? await ctx.salt(pyStr(p.fail_function), [mRet]) : true;
      if (mRet === false) ok = false;
    }
    if (!ok && !failMinions.includes(minion)) addFail(minion);
    changes[minion] = mRet;
  }
  if (!Object.keys(cmdRet).length) return { ...ret, result: false, comment: 'No minions responded' };
  if (Object.keys(changes).length) ret.changes = { ret: changes };
  if (fail.length) {
    ret.result = false;
    ret.comment = `Running function ${fun} failed on minions: ${fail.join(', ')}`;
  } else ret.comment = 'Function ran successfully.';
  if (Object.keys(changes).length) ret.comment += ` Function ${fun} ran on ${Object.keys(changes).join(', ')}.`;
  return ret;
}

/** Opens a listening client on the master (or minion) bus of these opts. */
async function listenBus(ctx: StateCallContext, node: string): Promise<EventClient> {
  const [{ EventClient }, { busOptions }] = await Promise.all([import('../events/client.js'), import('../runners/_bus.js')]);
  const base = busOptions(ctx.opts);
  const client = new EventClient(node === 'minion' ? { ...base, role: 'minion', id: pyStr(ctx.opts.id) } : base);
  await client.connectPub();
  return client;
}

async function waitForEventFn(p: Record<string, unknown>, ctx: StateCallContext): Promise<StateRet> {
  const name = pyStr(p.name);
  const ret: StateRet = { name: p.name, changes: {}, comment: '', result: false };
  if (ctx.opts.test) return { ...ret, result: null, comment: `Orchestration would wait for event '${name}'` };
  const idList = (Array.isArray(p.id_list) ? p.id_list : [p.id_list]).map((v) => v as unknown);
  const eventId = pyStr(p.event_id);
  const timeoutMs = Number(p.timeout) * 1000;
  const bus = await listenBus(ctx, pyStr(p.node));
  const started = Date.now();
  const limit = started + timeoutMs;
  const seen = (v: unknown): void => {
    ((ret.changes.minions_seen ??= []) as unknown[]).push(v);
  };
  try {
    bus.subscribe('');
    for (;;) {
      const ev = await bus.getEvent({ timeout: Math.max(0, Math.min(5000, limit - Date.now())) });
      const timedOut = Date.now() > limit;
      if (!ev) {
        if (timedOut) return { ...ret, comment: 'Timeout value reached.' };
        continue;
      }
      if (fnmatch(ev.tag, name)) {
        let val = ev.data[eventId];
        if ((val === null || val === undefined) && isDict(ev.data.data)) val = ev.data.data[eventId];
        if (val !== null && val !== undefined) {
          if (Array.isArray(val)) {
            for (const found of idList.filter((id) => val.includes(id))) {
              idList.splice(idList.indexOf(found), 1);
              seen(found);
            }
          } else {
            const i = idList.indexOf(val);
            if (i >= 0) {
              idList.splice(i, 1);
              seen(val);
            }
          }
        }
      } else ctx.log.debug(`wait_for_event: Skipping unmatched event '${ev.tag}'`);
      if (idList.length === 0) {
        return { ...ret, result: true, comment: `All events seen in ${pyFloatRepr((Date.now() - started) / 1000)} seconds.` };
      }
      if (timedOut) return { ...ret, comment: 'Timeout value reached.' };
    }
  } finally {
    await bus.close();
  }
}

/** The user of the orchestration, for the runner's `__pub_user`. */
function pubUser(ctx: StateCallContext, kwargs: Dict): Dict {
  const user = ctx.opts.user;
  return typeof user === 'string' && user ? { ...kwargs, __pub_user: user } : kwargs;
}

function orchestrationFlag(ctx: StateCallContext, ret: StateRet): void {
  const features = isDict(ctx.opts.features) ? ctx.opts.features : {};
  if (features.enable_deprecated_orchestration_flag) ret.__orchestration__ = true;
}

async function masterFn(kind: 'runner' | 'wheel', name: unknown, ctx: StateCallContext, kwargs: Dict): Promise<StateRet> {
  const label = kind === 'runner' ? 'Runner' : 'Wheel';
  if (ctx.opts.test) return { name, result: null, changes: {}, comment: `${label} function '${pyStr(name)}' would be executed.` };
  const extra: Dict = { __orchestration_jid__: orchestrationJid(ctx), __env__: ctx.env, ...(kind === 'runner' ? { full_return: true } : {}) };
  const call = kind === 'runner' ? pubUser(ctx, kwargs) : kwargs;
  const out = await ctx.salt(`saltutil.${kind}`, [name], { ...call, ...extra });
  const data: Dict = isDict(out) ? { ...out } : { return: out };
  const returned = data.return;
  if (isDict(returned) && 'Error' in returned) data.success = false;
  const success = data.success ?? true;
  const ret: StateRet = {
    name,
    changes: { return: returned },
    result: success as boolean,
    comment: `${label} function '${pyStr(name)}' ${success ? 'executed' : 'failed'}.`,
  };
  orchestrationFlag(ctx, ret);
  if ('jid' in data) ret.__jid__ = data.jid;
  return ret;
}

const mod: SaltModule = {
  name: 'saltmod',
  virtualName: 'salt',
  functions: {
    state: defineState(
      {
        args: [
          'name', 'tgt', 'ssh', 'tgt_type', 'ret', 'ret_config', 'ret_kwargs', 'highstate', 'sls', 'top', 'saltenv', 'test', 'pillar',
          'pillarenv', 'expect_minions', 'exclude', 'fail_minions', 'allow_fail', 'concurrent', 'timeout', 'batch', 'queue', 'subset',
          'orchestration_jid', 'failhard',
        ],
        defaults: {
          ssh: false, tgt_type: 'glob', ret: '', ret_config: null, ret_kwargs: null, highstate: null, sls: null, top: null, saltenv: null,
          test: null, pillar: null, pillarenv: null, expect_minions: true, exclude: null, fail_minions: null, allow_fail: 0,
          concurrent: false, timeout: null, batch: null, queue: false, subset: null, orchestration_jid: null, failhard: null,
        },
        kwargs: true,
        doc: STATE_DOC,
      },
      (p, ctx, { kwargs }) => stateFn(p, ctx, kwargs),
    ),
    function: defineState(
      {
        args: [
          'name', 'tgt', 'ssh', 'tgt_type', 'ret', 'ret_config', 'ret_kwargs', 'expect_minions', 'fail_minions', 'fail_function', 'arg',
          'kwarg', 'timeout', 'batch', 'subset', 'failhard',
        ],
        defaults: {
          ssh: false, tgt_type: 'glob', ret: '', ret_config: null, ret_kwargs: null, expect_minions: false, fail_minions: null,
          fail_function: null, arg: null, kwarg: null, timeout: null, batch: null, subset: null, failhard: null,
        },
        kwargs: true,
        doc: FUNCTION_DOC,
      },
      (p, ctx, { kwargs }) => functionFn(p, ctx, kwargs),
    ),
    wait_for_event: defineState(
      {
        args: ['name', 'id_list', 'event_id', 'timeout', 'node'],
        defaults: { event_id: 'id', timeout: 300, node: 'master' },
        doc: `
          Watch Salt's event bus and block until a condition is met

          name
              An event tag to watch for; supports Reactor-style globbing.
          id_list
              A list of event identifiers to watch for -- usually the minion ID.
          event_id : id
              The name of a key in the event data.
          timeout : 300
              The maximum time in seconds to wait before failing.
        `,
      },
      (p, ctx) => waitForEventFn(p, ctx),
    ),
    runner: defineState(
      {
        args: ['name'],
        kwargs: true,
        doc: `
          Execute a runner module on the master

          name
              The name of the function to run
          kwargs
              Any keyword arguments to pass to the runner function
        `,
      },
      ({ name }, ctx, { kwargs }) => masterFn('runner', name, ctx, kwargs),
    ),
    wheel: defineState(
      {
        args: ['name'],
        kwargs: true,
        doc: `
          Execute a wheel module on the master

          name
              The name of the function to run
          kwargs
              Any keyword arguments to pass to the wheel function
        `,
      },
      ({ name }, ctx, { kwargs }) => masterFn('wheel', name, ctx, kwargs),
    ),
  },
};

export default mod;
