/**
 * WheelClient (Salt's `salt.wheel.WheelClient`): runs wheel functions (`key.*`, `config.values`)
 * in this process on the master host, firing `salt/wheel/<jid>/new` and `.../ret` on the master
 * bus. Meant for salt-api and for runners (`manage.down removekeys=True`); nothing is printed.
 */
import { wheelFunctions } from '../wheel/index.js';
import type { Opts } from '../runners/types.js';
import { MasterFunctionClient, specificUser, type MasterClientOptions } from './runner_client.js';

/** Options of {@link WheelClient.cmd}. */
export interface WheelCmdOptions {
  /** Positional arguments, parsed like CLI words (`k=v` becomes a keyword). */
  arg?: unknown[];
  /** Return the whole event data (`fun`, `jid`, `user`, `fun_args`, `return`, `success`). */
  fullReturn?: boolean;
  /** The calling user recorded in the events (default: the current user). */
  user?: string;
}

export class WheelClient extends MasterFunctionClient {
  constructor(opts: Opts, options: MasterClientOptions = {}) {
    super(opts, 'wheel', wheelFunctions(), { ...options, storeJob: options.storeJob ?? true });
  }

  /**
   * Runs wheel function `fun` (e.g. `key.accept`) with keyword arguments `kwargs`, as Salt's
   * `WheelClient.cmd(fun, kwarg=kwargs)`: returns the function's return. Function failures are
   * returned as Salt's `Exception occurred in wheel <fun>: ...` text.
   * @throws CommandExecutionError for an unknown function; SaltInvocationError for keywords the
   *   function does not take.
   */
  async cmd(fun: string, kwargs: Record<string, unknown> = {}, options: WheelCmdOptions | Record<string, unknown> = {}): Promise<unknown> {
    const o = options as WheelCmdOptions;
    return this.execute(fun, o.arg ?? [], kwargs, { printEvent: false, fullReturn: o.fullReturn, user: o.user ?? specificUser() });
  }

  /**
   * Salt's `Wheel.call_func(fun, **kwargs)` as runners use it: calls the function directly with
   * keyword arguments, without events or job cache.
   * @throws whatever the function throws; CommandExecutionError for an unknown function.
   */
  async callFunc(fun: string, kwargs: Record<string, unknown> = {}): Promise<unknown> {
    const f = this.verify(fun);
    const jid = this.newJid();
    return f.fn(
      {
        opts: this.opts,
        jid,
        tag: this.tagOf(jid),
        user: specificUser(),
        context: {},
        fireJobEvent: async () => undefined,
        fireEvent: (t, d) => this.fire(t, d),
        print: () => undefined,
        minions: () => {
          throw new Error('wheel functions do not publish to minions');
        },
        log: this.log,
      },
      [],
      kwargs,
    );
  }
}
