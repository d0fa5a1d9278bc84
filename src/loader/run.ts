/**
 * Runs one execution function for a job and shapes the outcome the way Salt's minion does
 * (salt/minion.py `_thread_return`): the return value, `retcode`, `success`, and on errors
 * Salt's exact texts with `out: 'nested'`.
 */
import { loadArgsAndKwargs } from '../args/load_args.js';
import {
  ArgumentBindingError,
  CommandExecutionError,
  CommandNotFoundError,
  SaltInvocationError,
} from './errors.js';
import { pyDocstring } from './docstring.js';
import type { Loader } from './loader.js';

/** The outcome of a job's function, ready for the `_return` load (salt-wire 6.6). */
export interface FunctionResult {
  return: unknown;
  retcode: number;
  success: boolean;
  /** The outputter: `nested` for errors, or the function's declared outputter. */
  out?: string;
}

/** Per-job details besides the publish data. */
export interface RunOptions {
  /** Aborted when the job is killed (`saltutil.kill_job`). */
  signal?: AbortSignal;
}

/** Python truthiness of a JSON-like value (None, False, 0, '' and empty containers are false). */
export function pyTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (Buffer.isBuffer(v)) return v.length > 0;
  if (v instanceof Map || v instanceof Set) return v.size > 0;
  if (typeof v === 'object') {
    const valueOf = (v as { valueOf(): unknown }).valueOf();
    if (typeof valueOf === 'number') return valueOf !== 0;
    return Object.keys(v).length > 0;
  }
  return true;
}

function isPlainMap(v: unknown): v is Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v) || Buffer.isBuffer(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function toRetcode(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  const n = Number(value);
  return Number.isFinite(n) ? n : 1;
}

/**
 * The job retcode Salt derives: `__context__['retcode']` when non-zero, else 1 when the return
 * is a map whose `result` or `success` key is present and falsy (Python truthiness), else 0.
 */
export function deriveRetcode(context: Record<string, unknown>, ret: unknown): number {
  const retcode = toRetcode(context.retcode);
  if (retcode !== 0) return retcode;
  if (isPlainMap(ret)) {
    for (const key of ['result', 'success']) {
      if (key in ret && !pyTruthy(ret[key])) return 1;
    }
  }
  return 0;
}

/** Python's name for a JS error class in a traceback's last line. */
function pyExceptionName(err: Error): string {
  if (err.name === 'Error') return 'Exception';
  return err.name || 'Exception';
}

/**
 * A Python-style traceback for a JS error: "Traceback (most recent call last):", one
 * `File "...", line N, in fn` entry per stack frame (oldest first), then `Name: message`.
 */
export function formatTraceback(err: unknown): string {
  if (!(err instanceof Error)) return `Traceback (most recent call last):\nException: ${String(err)}\n`;
  const frames: string[] = [];
  for (const line of (err.stack ?? '').split('\n').slice(1)) {
    const m = /^\s*at (?:(.+?) \()?(.+?):(\d+):\d+\)?$/.exec(line);
    if (!m) continue;
    const file = m[2].replace(/^file:\/\//, '');
    frames.push(`  File "${file}", line ${m[3]}, in ${m[1] ?? '<module>'}`);
  }
  frames.reverse();
  const last = err.message ? `${pyExceptionName(err)}: ${err.message}` : pyExceptionName(err);
  return `Traceback (most recent call last):\n${frames.join('\n')}${frames.length ? '\n' : ''}${last}\n`;
}

function failure(ret: unknown): FunctionResult {
  return { return: ret, retcode: 1, success: false, out: 'nested' };
}

/**
 * Runs `fun` for a job: binds the published `arg` (with `__kwarg__` maps and `k=v` strings, plus
 * `__pub_*` keywords from `pubData` for functions taking `**kwargs`), calls the function with a
 * fresh `__context__` (`retcode` 0), and returns Salt's result shape. Never throws for function
 * errors; they become Salt's error texts with retcode 1:
 * - missing function: `'x.y' is not available.` (or the docs of functions starting with `x.y`
 *   plus that text under `x.y`, as Salt does for `salt '*' test`)
 * - bad keyword arguments: `ERROR executing 'x.y': The following keyword arguments are not valid: ...`
 * - arguments not fitting the signature: `Passed invalid arguments to x.y: <py message>\n<docstring>`
 * - CommandExecutionError: `ERROR: <message>`
 * - anything else: `The minion function caused an exception: <traceback>`
 */
export async function runFunction(
  loader: Loader,
  fun: string,
  publishedArg: unknown[],
  pubData?: Record<string, unknown>,
  options: RunOptions = {},
): Promise<FunctionResult> {
  const func = await loader.get(fun);
  if (!func) {
    let docs: Record<string, unknown> = {};
    try {
      docs = await loader.getDoc(`${fun}*`);
    } catch (err) {
      loader.log.debug(`sys.doc for ${fun}* failed: ${(err as Error).message}`);
    }
    if (Object.keys(docs).length > 0) {
      docs[fun] = loader.missingFunString(fun);
      return failure(docs);
    }
    return failure(loader.missingFunString(fun));
  }

  const context: Record<string, unknown> = { retcode: 0 };
  const jid = typeof pubData?.jid === 'string' ? pubData.jid : undefined;
  const ctx = loader.makeContext({ jid, signal: options.signal, context });
  try {
    const { args, kwargs } = loadArgsAndKwargs(func.signature, publishedArg, pubData);
    const ret = await func.fn(ctx, args, kwargs);
    const retcode = deriveRetcode(context, ret);
    const result: FunctionResult = { return: ret, retcode, success: retcode === 0 };
    if (func.outputter) result.out = func.outputter;
    return result;
  } catch (err) {
    if (err instanceof CommandNotFoundError) {
      loader.log.debug(`Command required for '${fun}' not found: ${err.message}`);
      return failure(`Command required for '${fun}' not found: ${err.message}`);
    }
    if (err instanceof CommandExecutionError) {
      loader.log.error(`A command in '${fun}' had a problem: ${err.message}`);
      return failure(`ERROR: ${err.message}`);
    }
    if (err instanceof SaltInvocationError) {
      loader.log.error(`Problem executing '${fun}': ${err.message}`);
      return failure(`ERROR executing '${fun}': ${err.message}`);
    }
    if (err instanceof ArgumentBindingError) {
      const msg = `Passed invalid arguments to ${fun}: ${err.message}\n${pyDocstring(func.doc)}`;
      loader.log.warn(msg);
      return failure(msg);
    }
    loader.log.warn(`The minion function caused an exception: ${(err as Error)?.message ?? String(err)}`);
    return failure(`The minion function caused an exception: ${formatTraceback(err)}`);
  }
}
