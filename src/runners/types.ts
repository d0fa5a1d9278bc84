/**
 * The shapes shared by runner modules (`src/runners/`) and wheel modules (`src/wheel/`): functions
 * that run on the master, in the calling process, with the master's opts (Salt's `__opts__`).
 */
import type { FunctionSignature } from '../args/signature.js';
import type { Logger } from '../log/logger.js';

export type Opts = Record<string, unknown>;

/** One minion's answer to a job published by a runner. */
export interface PublishedReturn {
  ret: unknown;
  retcode?: number;
}

/** What a runner gets back from publishing a job to minions. */
export interface PublishedJob {
  jid: string;
  /** The minions the master targeted. */
  minions: string[];
  /** The returns that arrived in time, by minion id, in arrival order. */
  returns: Record<string, PublishedReturn>;
}

/** Options of {@link MinionPublisher.run}. */
export interface PublishOptions {
  tgtType?: string;
  /** Seconds to wait for returns (Salt's `timeout`). */
  timeout?: number;
  /** Seconds to wait for `saltutil.find_job` answers (Salt's `gather_job_timeout`). */
  gatherJobTimeout?: number;
}

/**
 * Publishes jobs to minions through the master and collects their returns (LocalClient's
 * `run_job` + `get_cli_event_returns`). Runners get one from their context; tests give a stand-in.
 */
export interface MinionPublisher {
  /**
   * Publishes `fun` to `tgt` and waits for the returns.
   * @returns null when the master targeted no minion (Salt's empty `pub_data`).
   * @throws when the master cannot be reached (Salt's SaltClientError).
   */
  run(tgt: string | string[], fun: string, arg: unknown[], opts?: PublishOptions): Promise<PublishedJob | null>;
}

/** What every runner or wheel function receives besides its arguments (Salt's dunder globals). */
export interface MasterCallContext {
  /** The master options (`__opts__`). */
  opts: Opts;
  /** The job id of this call (`__jid__`). */
  jid: string;
  /** The event tag of this call, `salt/run/<jid>` or `salt/wheel/<jid>` (`__tag__`). */
  tag: string;
  /** The calling user (`__user__`). */
  user: string;
  /** The per-call `__context__`; a non-zero `retcode` marks the call failed. */
  context: Record<string, unknown>;
  /**
   * Salt's `__jid_event__.fire_event(data, suffix)`: fires `<tag>/<suffix>` on the master bus
   * and, under salt-run, prints it (progress messages).
   */
  fireJobEvent(data: Record<string, unknown>, suffix: string): Promise<void>;
  /**
   * Fires an event on the master bus (Salt's `fire_event`): true when it was handed to the bus,
   * false when the bus is not there (no master running).
   */
  fireEvent(tag: string, data: Record<string, unknown>): Promise<boolean>;
  /** Writes text to the caller's stdout (state.event prints its lines itself). */
  print(text: string): void;
  /** Publishes jobs to minions (created on first use, closed after the call). */
  minions(): MinionPublisher;
  log: Logger;
}

/** A runner or wheel function: implementation, Python-style signature, docstring. */
export interface MasterFunction {
  fn: (ctx: MasterCallContext, args: unknown[], kwargs: Record<string, unknown>) => unknown;
  signature: FunctionSignature;
  /** The docstring, dedented (no leading newline or common indentation). */
  doc: string;
  /** The Python function's name when it differs from the Salt name (`list_` for `list`). */
  pyName?: string;
}

/** A runner or wheel module: its Salt name and functions by their Salt names. */
export interface MasterModule {
  name: string;
  functions: Record<string, MasterFunction>;
}
