/**
 * RunnerClient (Salt's `salt.runner.RunnerClient` and the `Runner` behind `salt-run`): runs runner
 * functions in this process, on the master host, the way Salt does:
 *
 * 1. a jid and the tag `salt/run/<jid>`; `salt/run/<jid>/new` fired on the master bus with
 *    `fun: runner.<fun>`, `jid`, `user`, `fun_args`;
 * 2. the function runs with `__jid_event__` progress events (printed under salt-run);
 * 3. the call is stored in the job cache as a job of the master (`runner_returns`), then
 *    `salt/run/<jid>/ret` is fired and printed with the runner's outputter.
 *
 * The same machinery runs wheel functions (see wheel_client.ts) under `salt/wheel/<jid>`.
 */
import { userInfo } from 'node:os';
import { loadArgsAndKwargs } from '../args/load_args.js';
import { parseInput } from '../args/parse.js';
import { SaltInvocationError } from '../args/errors.js';
import { EventClient } from '../events/client.js';
import { LocalJobCache } from '../jobs/local_cache.js';
import { ArgumentBindingError, CommandExecutionError } from '../loader/errors.js';
import { pyDocstring } from '../loader/docstring.js';
import { formatTraceback } from '../loader/run.js';
import { nullLogger, type Logger } from '../log/logger.js';
import { displayOutput } from '../output/index.js';
import { genJid, isJid, jidToTime } from '../protocol/jid.js';
import { busOptions } from '../runners/_bus.js';
import type { FunctionTable } from '../runners/_table.js';
import { RunnerNotImplementedError } from '../runners/errors.js';
import { runnerFunctions } from '../runners/index.js';
import type { MasterCallContext, MinionPublisher, Opts, PublishedJob, PublishOptions } from '../runners/types.js';
import { LocalClient } from './local_client.js';

type Dict = Record<string, unknown>;

/** Where a client prints (salt-run's stdout and stderr). */
export interface ClientIo {
  out(s: string): void;
  err(s: string): void;
}

const stdio: ClientIo = { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) };

/** How a {@link MasterFunctionClient} is set up besides the opts. */
export interface MasterClientOptions {
  io?: ClientIo;
  log?: Logger;
  /** Makes the publisher runners use to reach minions; default a LocalClient through the master. */
  publisher?: () => MinionPublisher & { close?(): Promise<void> };
  /** Fires one event on the master bus; default the bus in `sock_dir` (best effort: failures are ignored). */
  fireEvent?: (tag: string, data: Dict) => Promise<void>;
  /** Store each call in the job cache (Salt's `<class>_returns`); default true. */
  storeJob?: boolean;
}

/** Options of {@link MasterFunctionClient.low}. */
export interface LowOptions {
  /** Print progress and return events (salt-run); default true. */
  printEvent?: boolean;
  /** Return the whole event data (`fun`, `jid`, `user`, `fun_args`, `return`, `success`) instead of the return. */
  fullReturn?: boolean;
}

/** The low data of a call: bound arguments plus the optional identity of the job. */
export interface LowData {
  arg: unknown[];
  kwarg: Dict;
  __jid__?: string;
  __user__?: string;
  __tag__?: string;
}

/** The event data of a finished call (`salt/run/<jid>/ret`). */
export interface CallData extends Dict {
  fun: string;
  jid: string;
  user: string;
  fun_args: unknown[];
  return: unknown;
  success: boolean;
  retcode?: number;
}

/** Salt's `get_specific_user`: the login name, or `sudo_<user>` for root under sudo. */
export function specificUser(): string {
  let user = 'root';
  try {
    user = userInfo().username;
  } catch {
    // keep root
  }
  if (user === 'root' && process.env.SUDO_USER) return `sudo_${process.env.SUDO_USER}`;
  return user;
}

/**
 * Salt's `salt.utils.state.check_result` without requisites: false when any state in `running`
 * is not a dict or has `result: False`, looking into dicts without a `result`.
 */
export function checkResult(running: unknown, recurse = false): boolean {
  if (typeof running !== 'object' || running === null || Array.isArray(running)) return false;
  const entries = Object.entries(running as Dict);
  if (entries.length === 0) return false;
  for (const [id, result] of entries) {
    const isDict = typeof result === 'object' && result !== null && !Array.isArray(result);
    if (!recurse && !(id === '__extend__' ? Array.isArray(result) : isDict)) return false;
    if (isDict) {
      const r = result as Dict;
      if (r.result === false) return false;
      if (!('result' in r) && !checkResult(r, true)) return false;
    }
  }
  return true;
}

/** A MinionPublisher over LocalClient: publish through the master, collect returns from the bus. */
export function localPublisher(opts: Opts): MinionPublisher & { close(): Promise<void> } {
  let client: LocalClient | null = null;
  return {
    async run(tgt: string | string[], fun: string, arg: unknown[], o: PublishOptions = {}): Promise<PublishedJob | null> {
      client ??= new LocalClient(opts);
      const timeout = o.timeout && o.timeout > 0 ? o.timeout : Number(opts.timeout ?? 5);
      await client.listen(timeout * 1000);
      const pub = await client.pub({ tgt, fun, arg, tgtType: o.tgtType ?? 'glob', timeout });
      if (!pub.jid || pub.minions.length === 0) return null;
      const returns: PublishedJob['returns'] = {};
      const gatherJobTimeout = o.gatherJobTimeout && o.gatherJobTimeout > 0 ? o.gatherJobTimeout : Number(opts.gather_job_timeout ?? 10);
      for await (const batch of client.iterReturns(pub.jid, pub.minions, { timeout, gatherJobTimeout, expectMinions: false })) {
        for (const [id, r] of Object.entries(batch)) if (!r.failed) returns[id] = { ret: r.ret, retcode: r.retcode };
      }
      return { jid: pub.jid, minions: pub.minions, returns };
    },
    async close() {
      await client?.close();
      client = null;
    },
  };
}

/**
 * Runs master-side functions (runners, wheel functions) with Salt's event, job-cache and printing
 * behaviour (salt/client/mixins.py `SyncClientMixin.low`).
 */
export class MasterFunctionClient {
  readonly io: ClientIo;
  readonly log: Logger;
  private readonly options: MasterClientOptions;
  private bus: EventClient | null = null;

  constructor(
    readonly opts: Opts,
    /** `runner` or `wheel`: the event tag prefix (`salt/run`, `salt/wheel`) and the `fun` prefix. */
    readonly kind: 'runner' | 'wheel',
    readonly functions: FunctionTable,
    options: MasterClientOptions = {},
  ) {
    this.options = options;
    this.io = options.io ?? stdio;
    this.log = options.log ?? nullLogger;
  }

  /** The event tag of a jid: `salt/run/<jid>` or `salt/wheel/<jid>`. */
  tagOf(jid: string): string {
    return `salt/${this.kind === 'runner' ? 'run' : 'wheel'}/${jid}`;
  }

  /** A new jid (Salt's `gen_jid`, honouring `unique_jid`). */
  newJid(): string {
    return genJid({ unique: this.opts.unique_jid === true });
  }

  /**
   * Fires an event on the master bus; on success the data gets its `_stamp` (Salt stamps the
   * caller's dict). Failures (no master running) are logged and ignored, like Salt's fire_event.
   */
  async fire(tag: string, data: Dict): Promise<boolean> {
    try {
      if (this.options.fireEvent) await this.options.fireEvent(tag, data);
      else {
        this.bus ??= new EventClient(busOptions(this.opts));
        await this.bus.fire(tag, data);
      }
      const { utcStamp } = await import('../events/event.js');
      data._stamp = utcStamp();
      return true;
    } catch (err) {
      this.log.debug(`Could not fire ${tag}: ${(err as Error).message}`);
      return false;
    }
  }

  /**
   * Salt's `cmd(fun, arg, pub_data, kwarg)` (see also RunnerClient.cmd): parses `arg` like the CLI (`k=v` words, YAML values),
   * binds it to the function and runs it through {@link low}.
   * @throws CommandExecutionError for an unknown function; SaltInvocationError for keywords the
   *   function does not take.
   */
  async execute(fun: string, arg: unknown[] = [], kwarg: Dict = {}, options: LowOptions & { pubData?: Dict; user?: string } = {}): Promise<unknown> {
    const func = this.verify(fun);
    const arglist = parseInput(arg, { noParse: Array.isArray(this.opts.no_parse) ? (this.opts.no_parse as string[]) : [] });
    if (Object.keys(kwarg).length > 0) arglist.push({ ...kwarg, __kwarg__: true });
    const bound = loadArgsAndKwargs(func.signature, arglist, options.pubData ?? null);
    const low: LowData = { arg: bound.args, kwarg: bound.kwargs };
    if (options.pubData && typeof options.pubData.user === 'string') low.__user__ = options.pubData.user;
    if (options.user) low.__user__ = options.user;
    return this.low(fun, low, options);
  }

  /**
   * Salt's `verify_fun`: the function, or throws.
   * @throws SaltInvocationError without a name; CommandExecutionError for an unknown name.
   */
  verify(fun: string) {
    if (!fun) throw new SaltInvocationError('Must specify a function to run!\nex: manage.up');
    const f = this.functions.get(fun);
    if (!f) throw new CommandExecutionError(this.functions.missingFunString(fun));
    return f;
  }

  /**
   * Salt's `low(fun, low)`: fires `<tag>/new`, runs the function, stores the call in the job
   * cache, fires `<tag>/ret` and prints it. Function failures never throw: they become the
   * return (`Exception occurred in runner <fun>: <traceback>`, success false, retcode 1).
   */
  async low(fun: string, low: LowData, options: LowOptions = {}): Promise<unknown> {
    const printEvent = options.printEvent ?? true;
    const jid = low.__jid__ ?? this.newJid();
    const tag = low.__tag__ ?? this.tagOf(jid);
    const data: Dict = { fun: `${this.kind}.${fun}`, jid, user: low.__user__ ?? 'UNKNOWN' };
    const context: Dict = {};
    const held: { publisher: (MinionPublisher & { close?(): Promise<void> }) | null } = { publisher: null };
    const ctx: MasterCallContext = {
      opts: this.opts,
      jid,
      tag,
      user: String(data.user),
      context,
      fireJobEvent: async (d, suffix) => {
        await this.fire(`${tag}/${suffix}`, d);
        if (printEvent) this.printEvent(suffix, d);
      },
      fireEvent: (t, d) => this.fire(t, d),
      print: (text) => this.io.out(text),
      minions: () => (held.publisher ??= (this.options.publisher ?? (() => localPublisher(this.opts)))()),
      log: this.log,
    };
    try {
      const func = this.verify(fun);
      const args = low.arg;
      const kwargs = low.kwarg;
      data.fun_args = Object.keys(kwargs).length > 0 ? [...args, kwargs] : [...args];
      await this.fire(`${tag}/new`, data);
      try {
        data.return = await func.fn(ctx, args, kwargs);
      } catch (err) {
        if (!(err instanceof ArgumentBindingError)) throw err;
        data.return = `\nPassed invalid arguments: ${err.message}\n\nUsage:\n${pyDocstring(func.doc)}`;
      }
      data.success = (context.retcode ?? 0) === 0;
      const ret = data.return;
      if (typeof ret === 'object' && ret !== null && !Array.isArray(ret) && 'data' in ret) data.success = checkResult((ret as Dict).data);
    } catch (err) {
      data.return = err instanceof RunnerNotImplementedError ? err.message : `Exception occurred in ${this.kind} ${fun}: ${formatTraceback(err)}`;
      data.success = false;
      data.retcode = 1;
    } finally {
      await held.publisher?.close?.().catch(() => undefined);
    }
    if (this.options.storeJob ?? true) await this.storeJob(data);
    await this.fire(`${tag}/ret`, data);
    if (printEvent) this.printEvent('ret', data);
    return options.fullReturn ? data : data.return;
  }

  /** Salt's `store_job` for a call of the master: the load and return under the master's id. */
  private async storeJob(data: Dict): Promise<void> {
    if (!this.opts.job_cache || this.opts.ext_job_cache) return;
    const jid = String(data.jid);
    const id = String(this.opts.id ?? '');
    try {
      const cache = new LocalJobCache({ cachedir: String(this.opts.cachedir), hashType: typeof this.opts.hash_type === 'string' ? this.opts.hash_type : 'sha256' });
      if (isJid(jid)) await cache.prepJid({ jid });
      const load: Dict = { id, tgt: id, jid, return: data, fun: data.fun, user: data.user };
      if (Object.keys(await cache.getLoad(jid)).length === 0) await cache.saveLoad(jid, load);
      await cache.storeReturn(load);
      if (this.opts.job_cache_store_endtime) await cache.updateEndtime(jid, jidToTime(genJid()));
    } catch (err) {
      this.log.error(`Could not store job cache info. Job details for this run may be unavailable. (${(err as Error).message})`);
    }
  }

  /** Salt's `print_async_event`: the return with its outputter, other events as `{suffix, event}`. */
  printEvent(suffix: string, event: Dict): void {
    if (this.opts.quiet || suffix === 'new') return;
    const ret = event.return;
    const retMap = typeof ret === 'object' && ret !== null && !Array.isArray(ret) ? (ret as Dict) : null;
    let outputter: unknown = 'output' in this.opts ? this.opts.output : event.outputter || retMap?.outputter;
    let shown: unknown;
    if (suffix === 'ret') {
      if (retMap && Object.keys(retMap).length === 2 && 'data' in retMap && 'outputter' in retMap) {
        shown = retMap.data;
        outputter = retMap.outputter;
      } else shown = ret;
    } else shown = { suffix, event };
    this.display(shown, typeof outputter === 'string' ? outputter : '');
  }

  /** Salt's `display_output` with salt-run's colour rules. */
  display(data: unknown, out: string): void {
    const o = this.opts;
    const color = o.force_color ? true : o.no_color ? false : process.stdout.isTTY === true;
    displayOutput(data, out, { ...o, color } as never, {}, (s) => this.io.out(s));
  }

  async close(): Promise<void> {
    await this.bus?.close();
    this.bus = null;
  }
}

/** What `salt-run` ends with. */
export interface RunOutcome {
  exitCode: number;
  /** The jid of the call (also of a failed lookup). */
  jid: string;
}

/** Options of {@link RunnerClient.run}. */
export interface RunnerRunOptions {
  /** Instead of running here, start the call elsewhere (salt-run `--async`); gets the jid. */
  detach?: (jid: string) => Promise<void>;
}

/** The runner client: {@link MasterFunctionClient} over the runner modules, plus salt-run's `run`. */
export class RunnerClient extends MasterFunctionClient {
  constructor(opts: Opts, options: MasterClientOptions = {}) {
    super(opts, 'runner', runnerFunctions(), { ...options, storeJob: options.storeJob ?? opts.runner_returns !== false });
  }

  /**
   * salt-run's `Runner.run`: runs `opts.fun` with the words of `opts.arg` and prints as Salt does.
   * A call that cannot start (unknown function, bad keywords) fires `<tag>/ret` with retcode 254
   * and prints the docs of `<fun>*` (or the error). Exit code: the `retcode` of a dict return (or
   * of its `data`), 1 when the function raised, else 0.
   */
  async run(options: RunnerRunOptions = {}): Promise<RunOutcome> {
    const opts = this.opts;
    const fun = typeof opts.fun === 'string' ? opts.fun : '';
    const jid = typeof opts.jid === 'string' && opts.jid ? opts.jid : this.newJid();
    const words = Array.isArray(opts.arg) ? opts.arg : [];
    const funArgs = parseInput(words, { noParse: Array.isArray(opts.no_parse) ? (opts.no_parse as string[]) : [] });
    let low: LowData;
    try {
      const func = this.verify(fun);
      const bound = loadArgsAndKwargs(func.signature, funArgs);
      low = { arg: bound.args, kwarg: bound.kwargs, __jid__: jid, __user__: specificUser(), __tag__: this.tagOf(jid) };
    } catch (err) {
      if (!(err instanceof SaltInvocationError || err instanceof CommandExecutionError)) throw err;
      await this.fire(`${this.tagOf(jid)}/ret`, { success: false, return: err.message, retcode: 254, fun, fun_args: funArgs, jid });
      const docs = this.functions.getDocs(`${fun}*`);
      if (!opts.quiet) this.display(Object.keys(docs).length > 0 ? docs : err.message, 'nested');
      return { exitCode: 0, jid };
    }
    if (options.detach) {
      await options.detach(jid);
      return { exitCode: 0, jid };
    }
    const data = (await this.low(fun, low, { fullReturn: true })) as CallData;
    return { exitCode: exitCodeOf(data), jid };
  }

  /**
   * Salt's `RunnerClient.cmd(fun, arg, pub_data, kwarg)`: runs runner `fun` with CLI-style words
   * `arg` and keywords `kwarg`, printing its events unless `printEvent: false`.
   * @throws CommandExecutionError for an unknown function; SaltInvocationError for bad keywords.
   */
  cmd(fun: string, arg: unknown[] = [], kwarg: Dict = {}, options: LowOptions & { pubData?: Dict } = {}): Promise<unknown> {
    return this.execute(fun, arg, kwarg, options);
  }

  /** Salt's `get_docs` for the runners (`salt-run -d [fun]`). */
  getDocs(arg?: string | null): Record<string, string> {
    return this.functions.getDocs(arg);
  }
}

/** salt-run's exit code for a call's full return (salt/cli/run.py). */
export function exitCodeOf(data: Dict): number {
  let ret: unknown = data;
  if ('return' in data && !('retcode' in data)) ret = data.return;
  if (typeof ret !== 'object' || ret === null || Array.isArray(ret)) return 0;
  const r = ret as Dict;
  if ('retcode' in r) return toCode(r.retcode);
  const inner = r.data;
  if (typeof inner === 'object' && inner !== null && !Array.isArray(inner) && 'retcode' in inner) return toCode((inner as Dict).retcode);
  return 0;
}

function toCode(v: unknown): number {
  if (v === null || v === undefined || v === false) return 0;
  if (v === true) return 1;
  const n = Number(v);
  return Number.isInteger(n) ? n & 0xff : 1;
}
