/**
 * The master minion orchestration runs in (Salt's `MasterMinion`): the master's opts with
 * `file_client: local`, the master host's grains, the pillar `pillar_roots` gives the master's
 * id, and execution modules — plus the master-only functions the `salt` state module calls:
 *
 * - `saltutil.cmd(tgt, fun, arg, timeout, tgt_type, ret, kwarg, expect_minions, ...)`: publishes
 *   through the master and collects `{minion: {ret, out, retcode, jid}}` (`{failed: true}` for
 *   expected minions that never answered);
 * - `saltutil.runner(name, arg, kwarg, full_return, ...)` and `saltutil.wheel(name, ...)`: run
 *   master functions in this process (nested orchestrations included).
 */
import { SaltInvocationError } from '../args/errors.js';
import { CommandExecutionError } from '../loader/errors.js';
import type { CallContext, SaltCaller } from '../loader/types.js';
import { nullLogger, type Logger } from '../log/logger.js';

type Opts = Record<string, unknown>;
type Dict = Record<string, unknown>;

/** What `saltutil.cmd` passes on besides target and function. */
export interface CmdOptions {
  arg?: unknown[];
  kwarg?: Dict;
  tgt_type?: string;
  ret?: string;
  /** Seconds; default the master's `timeout`. */
  timeout?: number | null;
  expect_minions?: boolean;
  /** Merge the whole return event into each minion's entry (salt.function). */
  _cmd_meta?: boolean;
  batch?: string;
  subset?: unknown;
  ssh?: boolean;
  [key: string]: unknown;
}

/** The master-side clients the master minion's functions use; tests pass stand-ins. */
export interface MasterClients {
  /** Publishes `fun` to `tgt` and gathers the returns (Salt's `LocalClient.cmd_iter`). */
  cmd(tgt: unknown, fun: string, o: CmdOptions): Promise<Record<string, Dict>>;
  /** Runs a runner; returns the full return (`fun`, `jid`, `user`, `fun_args`, `return`, `success`). */
  runner(name: string, arg: unknown[], kwarg: Dict, user: string): Promise<Dict>;
  /** Runs a wheel function; returns the full return. */
  wheel(name: string, arg: unknown[], kwarg: Dict, user: string): Promise<Dict>;
  /** Fires an event on the master bus. */
  fire(tag: string, data: Dict): Promise<void>;
  close(): Promise<void>;
}

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** Arguments as LocalClient publishes them: keywords as a trailing `__kwarg__` dict. */
function publishArgs(arg: unknown[], kwarg: Dict): unknown[] {
  return Object.keys(kwarg).length ? [...arg, { ...kwarg, __kwarg__: true }] : [...arg];
}

/**
 * The clients over a real master with options `opts` (publishing through its request port,
 * returns from its event bus, runner and wheel functions in this process).
 */
export function masterClients(opts: Opts, log: Logger = nullLogger): MasterClients {
  let bus: import('../events/client.js').EventClient | null = null;
  const quiet = { out: () => undefined, err: () => undefined };
  return {
    async cmd(tgt, fun, o) {
      if (o.ssh) throw new CommandExecutionError('salt-ssh is not supported by this master');
      if (o.batch !== undefined || (o.subset !== undefined && o.subset !== null)) throw new CommandExecutionError('batch and subset execution are not supported by this master');
      const { LocalClient } = await import('../client/local_client.js');
      const client = new LocalClient(opts);
      try {
        const timeout = typeof o.timeout === 'number' && o.timeout > 0 ? o.timeout : Number(opts.timeout ?? 5);
        await client.listen(timeout * 1000);
        const pub = await client.pub({ tgt: tgt as string, fun, arg: publishArgs(o.arg ?? [], isDict(o.kwarg) ? o.kwarg : {}), tgtType: o.tgt_type ?? 'glob', ret: o.ret ?? '', timeout });
        if (!pub.jid || pub.minions.length === 0) return {};
        const out: Record<string, Dict> = {};
        const iter = client.iterReturns(pub.jid, pub.minions, {
          timeout,
          gatherJobTimeout: Number(opts.gather_job_timeout ?? 10),
          expectMinions: o.expect_minions === true,
        });
        for await (const batch of iter) {
          for (const [id, r] of Object.entries(batch)) {
            if (r.failed) {
              out[id] = { failed: true };
              continue;
            }
            const entry: Dict = { ret: r.ret };
            if (r.out !== undefined) entry.out = r.out;
            if (r.retcode !== undefined) entry.retcode = r.retcode;
            if (r.jid !== undefined) entry.jid = r.jid;
            out[id] = entry;
          }
        }
        return out;
      } finally {
        await client.close();
      }
    },
    async runner(name, arg, kwarg, user) {
      const { RunnerClient } = await import('../client/runner_client.js');
      const client = new RunnerClient(opts, { io: quiet, log });
      try {
        return (await client.cmd(name, arg, kwarg, { printEvent: false, fullReturn: true, pubData: { user } })) as Dict;
      } finally {
        await client.close();
      }
    },
    async wheel(name, arg, kwarg, user) {
      const { WheelClient } = await import('../client/wheel_client.js');
      const client = new WheelClient(opts, { io: quiet, log });
      try {
        return (await client.cmd(name, kwarg, { arg, fullReturn: true, user })) as Dict;
      } finally {
        await client.close();
      }
    },
    async fire(tag, data) {
      if (!bus) {
        const [{ EventClient }, { busOptions }] = await Promise.all([import('../events/client.js'), import('../runners/_bus.js')]);
        bus = new EventClient(busOptions(opts));
      }
      await bus.fire(tag, data);
    },
    async close() {
      await bus?.close();
      bus = null;
    },
  };
}

/** Salt's `clean_kwargs`: drops keys starting with `__`. */
function cleanKwargs(kwargs: Dict): Dict {
  return Object.fromEntries(Object.entries(kwargs).filter(([k]) => !k.startsWith('__')));
}

/** Runners whose orchestration jid is passed down (nested orchestrations share it). */
const ORCHESTRATION_RUNNERS = new Set(['state.orchestrate', 'state.orch', 'state.sls']);

/**
 * The master-only execution functions (`saltutil.cmd`, `saltutil.runner`, `saltutil.wheel`) with
 * Salt's argument handling, over `clients`.
 */
export function masterFunctions(opts: Opts, clients: MasterClients, log: Logger = nullLogger): Record<string, (args: unknown[], kwargs: Dict) => Promise<unknown>> {
  const fireArgs = async (jid: unknown, data: Dict): Promise<void> => {
    if (typeof jid !== 'string' || !jid) return;
    await clients.fire(`salt/run/${jid}/args`, data).catch((err: Error) => log.debug(`Could not fire the args event: ${err.message}`));
  };
  return {
    'saltutil.cmd': async (args, kwargs) => {
      const [tgt, fun, arg] = args;
      const { arg: kwArg, ...rest } = kwargs;
      if (tgt === undefined || fun === undefined) throw new SaltInvocationError('saltutil.cmd needs a target and a function');
      const callArg = (arg ?? kwArg ?? []) as unknown[];
      return clients.cmd(tgt, String(fun), { ...rest, arg: Array.isArray(callArg) ? callArg : [callArg] } as CmdOptions);
    },
    'saltutil.runner': async (args, kwargs) => {
      const [name] = args;
      if (typeof name !== 'string') throw new SaltInvocationError('saltutil.runner needs the name of a runner function');
      const { arg, kwarg, full_return, saltenv, jid: givenJid, asynchronous: _async, __orchestration_jid__, __env__, __pub_user, ...extra } = kwargs;
      const jid = __orchestration_jid__ ?? givenJid;
      const callKwarg: Dict = { ...(isDict(kwarg) ? kwarg : {}), ...cleanKwargs(extra) };
      const callArg = Array.isArray(arg) ? arg : arg === undefined || arg === null ? [] : [arg];
      const { runnerFunctions } = await import('../runners/index.js');
      const f = runnerFunctions().get(name);
      if (f && f.signature.args.includes('saltenv')) callKwarg.saltenv = __env__ ?? saltenv ?? 'base';
      if (ORCHESTRATION_RUNNERS.has(name) && jid) callKwarg.orchestration_jid = jid;
      await fireArgs(jid, { type: 'runner', name, args: callArg, kwargs: callKwarg });
      const out = await clients.runner(name, callArg, callKwarg, typeof __pub_user === 'string' ? __pub_user : 'UNKNOWN');
      return full_return ? out : out.return;
    },
    'saltutil.wheel': async (args, kwargs) => {
      const [name, ...rest] = args;
      if (typeof name !== 'string') throw new SaltInvocationError('saltutil.wheel needs the name of a wheel function');
      const { __orchestration_jid__: jid, __env__, ...others } = kwargs;
      const valid: Dict = {};
      let user = 'UNKNOWN';
      for (const [k, v] of Object.entries(others)) {
        if (k === '__pub_user' && typeof v === 'string') user = v;
        if (!k.startsWith('__')) valid[k] = v;
      }
      const { wheelFunctions } = await import('../wheel/index.js');
      const f = wheelFunctions().get(name);
      if (!f) throw new CommandExecutionError(`'${name}' is not available.`);
      if (f.signature.args.includes('saltenv')) valid.saltenv = __env__ ?? 'base';
      await fireArgs(jid, { type: 'wheel', name, args: valid });
      return clients.wheel(name, rest, valid, user);
    },
  };
}

/** How {@link masterMinion} is set up besides the master opts. */
export interface MasterMinionOptions {
  /** Default {@link masterClients} over `opts`. */
  clients?: MasterClients;
  /** The grains; default the master host's, loaded once here. */
  grains?: Dict;
  /** The pillar; default compiled from `pillar_roots` for the master's id. */
  pillar?: Dict;
  saltenv?: string | null;
  pillarenv?: string | null;
  /** The job id of the run (the orchestration jid). */
  jid?: string;
  log?: Logger;
}

/** A master minion ready to run states: its opts, its call context, and the pillar errors. */
export interface MasterMinion {
  opts: Opts;
  ctx: CallContext;
  pillarErrors: string[];
  close(): Promise<void>;
}

/**
 * Builds the master minion: opts (`file_client: local`, `__role: master`, the orchestration
 * jid as `__orchestration_jid__`), grains, pillar, a loader of execution modules whose `salt`
 * caller also reaches `saltutil.cmd/runner/wheel`, and `fireMaster` on the master bus.
 */
export async function masterMinion(masterOpts: Opts, o: MasterMinionOptions = {}): Promise<MasterMinion> {
  const log = o.log ?? nullLogger;
  const opts: Opts = { ...masterOpts, file_client: 'local', __role: masterOpts.__role ?? 'master' };
  if (o.jid) opts.__orchestration_jid__ = o.jid;
  const clients = o.clients ?? masterClients(masterOpts, log);
  const grains = o.grains ?? (await (await import('../grains/load.js')).loadGrains(opts, { log }));
  let pillar = o.pillar;
  let pillarErrors: string[] = [];
  if (!pillar) {
    const { compilePillar } = await import('../pillar/compile.js');
    const compiled = await compilePillar({ id: String(opts.id), grains, opts, saltenv: o.saltenv ?? null, pillarenv: o.pillarenv ?? null });
    pillar = compiled.pillar;
    pillarErrors = compiled.errors;
  }
  const { Loader } = await import('../loader/loader.js');
  const loader = new Loader({ opts, grains, pillar, log, fireMaster: (tag, data) => clients.fire(tag, data) });
  const ctx = loader.makeContext({ jid: o.jid });
  const overlay = masterFunctions(opts, clients, log);
  const salt: SaltCaller = (fun, args = [], kwargs = {}) => {
    const own = overlay[fun];
    return own ? own(args, kwargs) : loader.call(fun, args, kwargs, ctx);
  };
  ctx.salt = salt;
  return { opts, ctx, pillarErrors, close: () => clients.close() };
}
