/**
 * The reactor's clients over a real master (Salt's `ReactWrap.reaction_class`): `local` publishes
 * through the master's request port without waiting for returns, `runner` and `wheel` run in
 * this process with the master's opts, `caller` runs an execution function here. Each client is
 * made on first use and kept; the modules behind them are imported on first use too, so a
 * master without reactors loads none of them.
 */
import type { FunctionSignature } from '../args/signature.js';
import type { Logger } from '../log/logger.js';
import { nullLogger } from '../log/logger.js';
import type { ReactionCall, ReactionClients, SignatureLookup } from './react_wrap.js';

type Opts = Record<string, unknown>;
type Dict = Record<string, unknown>;

const quietIo = { out: () => undefined, err: () => undefined };

/** A function's arguments as Salt's LocalClient sends them: keywords as a trailing `__kwarg__` dict. */
export function publishArgs(arg: unknown[], kwarg: Dict): unknown[] {
  return Object.keys(kwarg).length ? [...arg, { ...kwarg, __kwarg__: true }] : [...arg];
}

/**
 * The default reaction clients for a master with options `opts`.
 * Failures (master unreachable, unknown function) reject; the reactor logs them.
 */
export function masterReactionClients(opts: Opts, log: Logger = nullLogger): ReactionClients {
  let local: import('../client/local_client.js').LocalClient | null = null;
  let runner: import('../client/runner_client.js').RunnerClient | null = null;
  let wheel: import('../client/wheel_client.js').WheelClient | null = null;
  let loader: import('../loader/loader.js').Loader | null = null;
  return {
    async local(call: ReactionCall) {
      if (!local) local = new (await import('../client/local_client.js')).LocalClient(opts);
      const pub = await local.pub({ tgt: call.tgt as string, fun: call.fun, arg: publishArgs(call.arg, call.kwarg), tgtType: call.tgtType, ret: call.ret, jid: call.jid });
      log.debug(`Reactor published ${call.fun} to ${JSON.stringify(call.tgt)}: jid ${pub.jid}, minions ${pub.minions.join(', ')}`);
      return pub;
    },
    async runner(call: ReactionCall, user: string) {
      if (!runner) runner = new (await import('../client/runner_client.js')).RunnerClient(opts, { io: quietIo, log });
      return runner.low(call.fun, { arg: call.arg, kwarg: call.kwarg, __user__: user }, { printEvent: false });
    },
    async wheel(call: ReactionCall, user: string) {
      if (!wheel) wheel = new (await import('../client/wheel_client.js')).WheelClient(opts, { io: quietIo, log });
      return wheel.low(call.fun, { arg: call.arg, kwarg: call.kwarg, __user__: user }, { printEvent: false });
    },
    async caller(call: ReactionCall) {
      if (!loader) {
        const { Loader } = await import('../loader/loader.js');
        const { loadGrains } = await import('../grains/load.js');
        const callerOpts = { ...opts, file_client: 'local' };
        loader = new Loader({ opts: callerOpts, grains: await loadGrains(callerOpts), log });
      }
      return loader.call(call.fun, call.arg, call.kwarg);
    },
    async close() {
      await local?.close();
      await runner?.close();
      await wheel?.close();
      local = null;
      runner = null;
      wheel = null;
    },
  };
}

/** Signatures of the runner and wheel functions (for legacy-form reactions). */
export async function masterSignatures(): Promise<SignatureLookup> {
  const [{ runnerFunctions }, { wheelFunctions }] = await Promise.all([import('../runners/index.js'), import('../wheel/index.js')]);
  return (type, fun): FunctionSignature | undefined => (type === 'runner' ? runnerFunctions() : wheelFunctions()).get(fun)?.signature;
}
