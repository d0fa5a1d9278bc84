/**
 * The shapes shared by the loader and every execution module: what a module exports, what a
 * function receives, and what the minion daemon provides about its running jobs.
 */
import type { FunctionSignature } from '../args/signature.js';
import type { Logger } from '../log/logger.js';

export type { FunctionSignature };

/** Calls another execution function, like Salt's `__salt__['mod.fun'](*args, **kwargs)`. */
export type SaltCaller = (fun: string, args?: unknown[], kwargs?: Record<string, unknown>) => Promise<unknown>;

/** What the loader can tell a module about the functions it holds (used by `sys.*`). */
export interface FunctionDirectory {
  /** Every loaded function name, sorted. Loads every module. */
  listFunctions(): Promise<string[]>;
  /** Every loaded module name, sorted. Loads every module. */
  listModules(): Promise<string[]>;
  /** Docstrings as `sys.doc` returns them, for the functions a pattern selects (all when omitted). */
  getDoc(pattern?: string): Promise<Record<string, string | null>>;
  /** Argument specs as `sys.argspec` returns them, for the functions a pattern selects. */
  argspec(pattern?: string): Promise<Record<string, ArgspecReport>>;
  /**
   * The file name (Salt's module name, e.g. `cmdmod`) of the module providing `module.*`
   * functions, or `''` when none does.
   */
  provider(module: string): Promise<string>;
  /** Drops every loaded module so the next call imports them afresh. */
  reload(): void;
}

/** One entry of `sys.argspec`: Salt 3006's `argspec_report` fields, `null` where empty. */
export interface ArgspecReport {
  args: string[] | null;
  defaults: unknown[] | null;
  varargs: true | null;
  kwargs: true | null;
}

/** A job the minion is running, as `saltutil.running` reports it: the publish load plus `pid`. */
export interface RunningJob {
  jid: string;
  /** The function name, or a list of names for a multi-function job. */
  fun: unknown;
  arg: unknown[];
  pid: number;
  tgt?: unknown;
  tgt_type?: string;
  user?: string;
  ret?: string;
  [key: string]: unknown;
}

/** The minion's table of running jobs (implemented by the minion daemon). */
export interface JobRegistry {
  /** The running jobs, oldest first. */
  list(): RunningJob[];
  /** The job with this jid, if it is running. */
  get(jid: string): RunningJob | undefined;
  /**
   * Sends a signal to a running job (aborting it and its child processes for TERM/KILL/INT).
   * Returns false when no such job is running.
   */
  kill(jid: string, signal: NodeJS.Signals | number): boolean;
}

/** What every execution function receives besides its arguments (Salt's dunder globals). */
export interface CallContext {
  /** The minion options (`__opts__`). */
  opts: Record<string, unknown>;
  /** The grains (`__grains__`). */
  grains: Record<string, unknown>;
  /** The pillar (`__pillar__`). */
  pillar: Record<string, unknown>;
  /** Calls another execution function (`__salt__`); shares this call's `context`. */
  salt: SaltCaller;
  log: Logger;
  /** The job id when the call is part of a job. */
  jid?: string;
  /** The per-job `__context__`; `retcode` set here becomes the job's retcode. */
  context: Record<string, unknown>;
  /** The running jobs, when running inside a minion. */
  jobs?: JobRegistry;
  /** Aborted when the job is killed: long-running functions stop and kill their children. */
  signal?: AbortSignal;
  /** The loader's function directory (what `sys.*` reports). */
  loader: FunctionDirectory;
  /**
   * Sends an event to the master (`_minion_event`), when the caller can reach one; absent for
   * `salt-call --local`, where `event.fire_master` falls back to the minion's own event bus.
   */
  fireMaster?: (tag: string, data: Record<string, unknown>) => Promise<void>;
  /** The minion daemon's live services (scheduler, beacons, master requests); see {@link MinionServices}. */
  minion?: MinionServices;
}

/**
 * What a running minion (or salt-call with a master) lends its execution modules. Every field is
 * optional: `schedule.*` and `beacons.*` fall back to the saved config files without a live
 * scheduler/beacon set, and `mine.*` needs `request` to reach the master.
 */
export interface MinionServices {
  /** The live scheduler (`schedule.*`). */
  schedule?: import('../schedule/types.js').ScheduleControl;
  /** The live beacons (`beacons.*`). */
  beacons?: import('../beacons/types.js').BeaconControl;
  /** Sends one load to the master over the encrypted request channel; resolves with the reply. */
  request?: (load: Record<string, unknown>) => Promise<unknown>;
}

/** An execution function: its implementation, its Python-style signature and its docstring. */
export interface SaltFunction {
  /** Runs the function with already-parsed positional and keyword arguments. */
  fn: (ctx: CallContext, args: unknown[], kwargs: Record<string, unknown>) => unknown | Promise<unknown>;
  signature: FunctionSignature;
  /** The docstring, dedented (no leading newline or common indentation). */
  doc: string;
  /** The outputter the function's return is printed with (Salt's `__outputter__`). */
  outputter?: string;
  /** The name of the Python function in Salt (`true_` for `test.true`), used in argument errors. */
  pyName?: string;
}

/** What a module's `virtual()` says: available (true or a virtual name), or not (false, or false with a reason). */
export type VirtualResult = boolean | string | readonly [false, string];

/** What `virtual()` can look at to decide whether the module works on this minion. */
export interface VirtualContext {
  opts: Record<string, unknown>;
  grains: Record<string, unknown>;
  pillar: Record<string, unknown>;
}

/** The default export of a module file in `src/modules/` or a custom module directory. */
export interface SaltModule {
  /** The module's file name in Salt terms (`cmdmod` for Salt's cmd module). */
  name: string;
  /** The name functions are called by when different from `name` (`cmd`). */
  virtualName?: string;
  /** Decides whether the module loads here; a string renames it. Absent means always available. */
  virtual?: (ctx: VirtualContext) => VirtualResult;
  functions: Record<string, SaltFunction>;
}
