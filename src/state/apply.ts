/**
 * The entry points the `state` execution module uses: apply named SLS or the highstate, and
 * compile (without running) the top, high data and low chunks.
 */
import type { CallContext } from '../loader/types.js';
import { applyExclude, compileHighData, reconcileExtend, requisiteIn, verifyHigh } from './compile.js';
import { HighStateCompiler } from './highstate.js';
import { StateRunner } from './runner.js';
import { StateModuleLoader, type StateFunctions } from './state_loader.js';
import { isDict, pyStr } from './_py.js';
import type { FileClient, HighData, LowChunk, SlsRenderer, StateReturn } from './types.js';

/** How to run or compile states. */
export interface ApplyOptions {
  /** SLS names to apply; omitted or empty means the highstate (top file). */
  mods?: string[];
  /** Salt environment for `mods` (default `opts.saltenv`, else `base`); for a highstate it restricts the top file to that env. */
  saltenv?: string | null;
  /** Test mode (default `opts.test`). */
  test?: boolean;
  /** Pillar override, merged over the loader's pillar (CLI `pillar=`). */
  pillar?: Record<string, unknown>;
  /** Extra exclusions (`exclude=`): SLS names or `{id: x}` / `{sls: x}` entries. */
  exclude?: unknown[];
  fileClient: FileClient;
  /** The calling execution context: its opts, grains, pillar and `salt` caller are the minion's. */
  caller: CallContext;
  /** Overrides of minion options for this run. */
  opts?: Record<string, unknown>;
  /** State modules (defaults to the built-in ones). */
  states?: StateFunctions;
  /** The SLS renderer (defaults to the renderer pipeline). */
  render?: SlsRenderer;
}

/** Salt's state run outcome: results by tag, or the compile errors; plus the retcode. */
export type ApplyResult = { states: StateReturn; retcode: number } | { errors: string[]; retcode: number };

/** A state function result of false anywhere → 2 (EX_STATE_FAILURE), else 0. */
export function stateRetcode(states: StateReturn): number {
  for (const r of Object.values(states)) if (isDict(r) && r.result === false) return 2;
  return 0;
}

function deepMerge(dst: Record<string, unknown>, src: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...dst };
  for (const [k, v] of Object.entries(src)) {
    out[k] = isDict(v) && isDict(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

interface Prepared {
  opts: Record<string, unknown>;
  pillar: Record<string, unknown>;
  compiler: HighStateCompiler;
  baseContext: CallContext;
}

function prepare(o: ApplyOptions): Prepared {
  const opts: Record<string, unknown> = { ...o.caller.opts, ...(o.opts ?? {}) };
  if (o.test !== undefined) opts.test = o.test;
  opts.test = !!opts.test;
  if (o.saltenv !== undefined) opts.saltenv = o.saltenv;
  const pillar = o.pillar ? deepMerge(o.caller.pillar, o.pillar) : o.caller.pillar;
  const baseContext: CallContext = { ...o.caller, opts, pillar };
  const compiler = new HighStateCompiler({
    opts,
    grains: o.caller.grains,
    pillar,
    fileClient: o.fileClient,
    render: o.render,
    context: { salt: o.caller.salt },
    log: o.caller.log,
  });
  return { opts, pillar, compiler, baseContext };
}

/** The high data to run: named SLS or the highstate; or errors / the "no top match" marker. */
async function gatherHigh(o: ApplyOptions, p: Prepared): Promise<{ high?: HighData; errors?: string[]; noMatch?: boolean }> {
  if (o.mods && o.mods.length) {
    const saltenv = p.opts.saltenv ? pyStr(p.opts.saltenv) : 'base';
    const { high, errors } = await p.compiler.compileSls(o.mods, saltenv);
    return errors.length ? { errors } : { high };
  }
  const { high, errors, matches } = await p.compiler.compileHighstate();
  if (!Object.keys(matches).length) return { noMatch: true };
  return errors.length ? { errors } : { high };
}

/** The return of a highstate with nothing to do (Salt's `no_|-states_|-states_|-None`). */
export function noStatesResult(): StateReturn {
  return {
    'no_|-states_|-states_|-None': {
      result: false,
      comment: 'No Top file or master_tops data matches found. Please see master log for details.',
      name: 'No States',
      changes: {},
      __run_num__: 0,
    },
  };
}

/**
 * Applies SLS files (`mods`) or the highstate and returns Salt's state return: the results by
 * tag with retcode 0 or 2, or the compile errors with retcode 1. Never throws for state
 * failures; throws only for programming errors.
 */
export async function applyStates(o: ApplyOptions): Promise<ApplyResult> {
  const p = prepare(o);
  const g = await gatherHigh(o, p);
  if (g.noMatch) return { states: noStatesResult(), retcode: 2 };
  if (g.errors) return { errors: g.errors, retcode: 1 };
  const high = g.high!;
  if (o.exclude && o.exclude.length) (high.__exclude__ ??= []).push(...o.exclude);
  const states = o.states ?? new StateModuleLoader({ opts: p.opts, grains: o.caller.grains, pillar: p.pillar });
  const runner = new StateRunner({ opts: p.opts, states, baseContext: p.baseContext, fileClient: o.fileClient });
  const out = await runner.callHigh(high);
  if (Array.isArray(out)) return { errors: out, retcode: 1 };
  return { states: out, retcode: stateRetcode(out) };
}

/** `state.show_top`: `{saltenv: [sls...]}` of the matching top entries. */
export async function showTop(o: ApplyOptions): Promise<Record<string, string[]>> {
  const p = prepare(o);
  return p.compiler.topMatches(await p.compiler.getTop());
}

/** `state.show_highstate` / `state.show_sls`: the rendered high data (not yet extended), or errors. */
export async function showHigh(o: ApplyOptions): Promise<{ high: HighData; errors: string[]; noMatch: boolean }> {
  const p = prepare(o);
  if (o.mods && o.mods.length) {
    const saltenv = p.opts.saltenv ? pyStr(p.opts.saltenv) : 'base';
    const { high, errors } = await p.compiler.compileSls(o.mods, saltenv);
    if (!errors.length) errors.push(...verifyHigh(high));
    return { high, errors, noMatch: false };
  }
  const { high, errors, matches } = await p.compiler.compileHighstate();
  return { high, errors, noMatch: !Object.keys(matches).length };
}

/**
 * `state.show_lowstate` / `state.show_low_sls`: the ordered low chunks (extend, requisite_in
 * and exclude applied), or the error list.
 */
export async function showLow(o: ApplyOptions): Promise<{ chunks?: LowChunk[]; errors?: string[] }> {
  const { high, errors } = await showHigh(o);
  if (errors.length) return { errors };
  if (o.exclude && o.exclude.length) (high.__exclude__ ??= []).push(...o.exclude);
  const errs = reconcileExtend(high);
  errs.push(...verifyHigh(high));
  if (errs.length) return { errors: errs };
  errs.push(...requisiteIn(high, o.caller.opts));
  applyExclude(high);
  if (errs.length) return { errors: errs };
  return { chunks: compileHighData(high) };
}
