/**
 * Salt's `ReactWrap`: turns one reaction (a low chunk whose `state` is `local`, `runner`,
 * `wheel` or `caller` and whose `fun` is the function to call) into a call of the matching
 * client, with the reactor's argument rules:
 *
 * - new style: `args` is a dict (or a list of one-key dicts) of keyword arguments; for `caller`
 *   a plain list is positional (legacy caller form);
 * - legacy style: `arg` (list) and `kwarg` (dict); a runner or wheel reaction without them has
 *   its other keys matched to the function's parameters.
 *
 * Runner and wheel calls carry the user `Reactor`, whose events the reactor ignores (no loops).
 */
import type { FunctionSignature } from '../args/signature.js';
import type { LowChunk } from '../state/types.js';
import { ReactionArgumentError, UnknownReactionTypeError } from './errors.js';

type Dict = Record<string, unknown>;

/** The user runner and wheel reactions run as; events carrying it are not reacted to. */
export const REACTOR_USER = 'Reactor';

/** Low-chunk keys that are never function arguments (Salt's `REACTOR_INTERNAL_KEYWORDS`). */
export const REACTOR_INTERNAL_KEYWORDS: ReadonlySet<string> = new Set(['__id__', '__sls__', 'name', 'order', 'fun', 'key', 'state']);

export type ReactionType = 'local' | 'runner' | 'wheel' | 'caller';

const TYPES: ReadonlySet<string> = new Set(['local', 'runner', 'wheel', 'caller']);

/** One client call a reaction asks for. */
export interface ReactionCall {
  type: ReactionType;
  /** The function to call (`cmd.run`, `state.orchestrate`, `key.accept`). */
  fun: string;
  arg: unknown[];
  kwarg: Dict;
  /** Target (local reactions only). */
  tgt?: unknown;
  /** `tgt_type` (or the old `expr_form`); default `glob`. Local reactions only. */
  tgtType?: string;
  /** Returners for the job (local reactions only); default ''. */
  ret?: string;
  /** A jid chosen by the reaction (local reactions only). */
  jid?: string;
  /** Warnings Salt logs (ignored `arg`/`kwarg` next to `args`). */
  warnings: string[];
}

/** The clients reactions run through (see clients.ts for the defaults over a real master). */
export interface ReactionClients {
  /** Publishes a job without waiting for returns (Salt's `LocalClient.cmd_async`). */
  local(call: ReactionCall): Promise<unknown>;
  /** Runs a runner on the master as `user` (Salt's `RunnerClient.low`). */
  runner(call: ReactionCall, user: string): Promise<unknown>;
  /** Runs a wheel function on the master as `user`. */
  wheel(call: ReactionCall, user: string): Promise<unknown>;
  /** Runs an execution function in this process (Salt's `Caller.cmd`). */
  caller(call: ReactionCall): Promise<unknown>;
  /** Releases connections. */
  close?(): Promise<void>;
}

/** Finds the signature of a runner or wheel function (legacy argument matching); undefined when unknown. */
export type SignatureLookup = (type: 'runner' | 'wheel', fun: string) => FunctionSignature | undefined;

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** True for a list whose items are all one-key dicts (Salt's `is_dictlist`). */
export function isDictlist(v: unknown): boolean {
  return Array.isArray(v) && v.every((x) => isDict(x) && Object.keys(x).length === 1);
}

/** Salt's `repack_dictlist`: a list of one-key dicts merged into one dict; anything else gives {}. */
export function repackDictlist(v: unknown): Dict {
  if (!Array.isArray(v)) return {};
  const out: Dict = {};
  for (const item of v) {
    if (!isDict(item) || Object.keys(item).length !== 1) return {};
    Object.assign(out, item);
  }
  return out;
}

/** Salt's `format_call` for a runner/wheel function: named parameters from the low chunk, extras when it takes **kwargs. */
function matchSignature(sig: FunctionSignature, low: Dict, what: string): { arg: unknown[]; kwarg: Dict } {
  const arg: unknown[] = [];
  const kwarg: Dict = {};
  const defaults = sig.defaults ?? {};
  const missing: string[] = [];
  for (const name of sig.args) {
    if (name in defaults) {
      if (name in low) kwarg[name] = low[name];
    } else if (name in low) arg.push(low[name]);
    else missing.push(name);
  }
  if (missing.length) throw new ReactionArgumentError(`${what}: missing argument(s) ${missing.map((m) => `'${m}'`).join(', ')}`);
  if (sig.kwargs) {
    for (const [k, v] of Object.entries(low)) {
      if (sig.args.includes(k) || REACTOR_INTERNAL_KEYWORDS.has(k) || k.startsWith('__')) continue;
      kwarg[k] = v;
    }
  }
  return { arg, kwarg };
}

/**
 * The client call one reaction chunk asks for.
 * @throws UnknownReactionTypeError for a `state` other than local/runner/wheel/caller;
 *   ReactionArgumentError for a local reaction without `tgt`, `args` in a form Salt refuses, or
 *   (legacy form) an unknown runner/wheel function or missing required argument.
 */
export function reactionCall(low: LowChunk, signatureOf?: SignatureLookup): ReactionCall {
  const type = String(low.state);
  const fun = String(low.fun);
  const id = String(low.__id__ ?? low.name);
  if (!TYPES.has(type)) throw new UnknownReactionTypeError(`ReactWrap is missing a wrapper function for '${type}'`);
  const what = `Reactor '${id}' failed to execute ${type} '${fun}'`;
  const call: ReactionCall = { type: type as ReactionType, fun, arg: [], kwarg: {}, warnings: [] };
  if (type === 'local') {
    if (!('tgt' in low)) throw new ReactionArgumentError(`${what}: a local reaction needs 'tgt'`);
    call.tgt = low.tgt;
    call.tgtType = String(low.tgt_type ?? low.expr_form ?? 'glob');
    call.ret = typeof low.ret === 'string' ? low.ret : '';
    if (typeof low.jid === 'string' && low.jid) call.jid = low.jid;
  }
  if ('args' in low) {
    for (const item of ['arg', 'kwarg']) {
      if (item in low) call.warnings.push(`Reactor '${id}' is ignoring '${item}' param ${JSON.stringify(low[item])} due to presence of 'args' param. Check the Reactor System documentation for the correct argument format.`);
    }
    const args = low.args;
    if (type === 'caller' && Array.isArray(args) && !isDictlist(args)) {
      call.arg = [...args];
      return call;
    }
    const kwarg = isDict(args) ? { ...args } : repackDictlist(args);
    if (!isDict(args) && !Object.keys(kwarg).length) {
      throw new ReactionArgumentError(`${what}: Incorrect argument format, check the Reactor System documentation for the correct format.`);
    }
    call.kwarg = kwarg;
    return call;
  }
  let matched: { arg: unknown[]; kwarg: Dict } = { arg: [], kwarg: {} };
  if ((type === 'runner' || type === 'wheel') && !('arg' in low && 'kwarg' in low)) {
    const sig = signatureOf?.(type, fun);
    if (!sig) throw new ReactionArgumentError(`${what}: function not available`);
    matched = matchSignature(sig, low, what);
  }
  call.arg = 'arg' in low ? (Array.isArray(low.arg) ? [...low.arg] : [low.arg]) : matched.arg;
  call.kwarg = 'kwarg' in low ? (isDict(low.kwarg) ? { ...low.kwarg } : {}) : matched.kwarg;
  return call;
}

/**
 * Runs one reaction through its client. Never throws for the reaction's own failure: the
 * error is returned for logging (Salt logs "Reactor '<id>' failed to execute ...").
 */
export async function runReaction(low: LowChunk, clients: ReactionClients, signatureOf?: SignatureLookup): Promise<{ call?: ReactionCall; result?: unknown; error?: Error }> {
  let call: ReactionCall;
  try {
    call = reactionCall(low, signatureOf);
  } catch (err) {
    return { error: err as Error };
  }
  try {
    let result: unknown;
    switch (call.type) {
      case 'local':
        result = await clients.local(call);
        break;
      case 'runner':
        result = await clients.runner(call, REACTOR_USER);
        break;
      case 'wheel':
        result = await clients.wheel(call, REACTOR_USER);
        break;
      case 'caller':
        result = await clients.caller(call);
        break;
    }
    return { call, result };
  } catch (err) {
    return { call, error: err as Error };
  }
}
