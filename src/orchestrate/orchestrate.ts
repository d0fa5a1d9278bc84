/**
 * Orchestration (Salt's `state.orchestrate` runner and friends): SLS files from the master's
 * `file_roots` rendered and run by the state engine inside the master minion, where the `salt`
 * state module drives minions (`salt.state`, `salt.function`) and master functions
 * (`salt.runner`, `salt.wheel`), honouring requisites between steps and `test=True`.
 *
 * The result is keyed by the master's id (`<host>_master`) and printed with the highstate
 * outputter: `{data: {<id>: <state return>}, outputter: 'highstate', retcode}` with retcode 1
 * when any step failed (salt-run then exits 1).
 */
import { SaltInvocationError } from '../args/errors.js';
import { checkResult } from '../client/runner_client.js';
import { genJid } from '../protocol/jid.js';
import { padFuncs } from '../reactor/render.js';
import { applyStates } from '../state/apply.js';
import { LocalFileClient, type FileRoots } from '../state/file_client_local.js';
import { StateRunner } from '../state/runner.js';
import { StateModuleLoader } from '../state/state_loader.js';
import type { HighData, StateReturn } from '../state/types.js';
import { nullLogger, type Logger } from '../log/logger.js';
import { masterMinion, type MasterClients, type MasterMinion } from './master_minion.js';

type Opts = Record<string, unknown>;
type Dict = Record<string, unknown>;

/** What the master minion returned: the states' results, or the errors that stopped the run. */
export type OrchestrationRun = StateReturn | string[];

/** `state.orchestrate`'s return: printed with the highstate outputter, `retcode` for salt-run. */
export interface OrchestrateResult {
  data: Record<string, OrchestrationRun>;
  outputter: 'highstate';
  retcode: number;
}

/** Options shared by every orchestration entry point. */
export interface OrchestrateCommon {
  test?: boolean | null;
  /** Pillar data merged over the master minion's pillar. @throws SaltInvocationError when not a mapping. */
  pillar?: unknown;
  pillarenv?: string | null;
  saltenv?: string | null;
  /** The orchestration jid (nested orchestrations pass their parent's); default a new jid. */
  orchestrationJid?: string | null;
  /** The calling user (becomes `opts.user` of the run). */
  user?: string;
  /** Master clients (tests pass stand-ins). */
  clients?: MasterClients;
  /** Grains of the master minion (tests pass fixed ones); default loaded. */
  grains?: Dict;
  log?: Logger;
}

export interface OrchestrateOptions extends OrchestrateCommon {
  /** SLS names: a list or a comma-separated text. */
  mods: unknown;
  exclude?: unknown;
}

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function checkPillar(pillar: unknown): Dict | undefined {
  if (pillar === null || pillar === undefined) return undefined;
  if (!isDict(pillar)) throw new SaltInvocationError('Pillar data must be formatted as a dictionary');
  return pillar;
}

/** SLS names from a list or a comma-separated text (Salt's `split_input`). */
export function slsNames(mods: unknown): string[] {
  if (Array.isArray(mods)) return mods.map(String);
  return String(mods ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

async function withMasterMinion<T>(opts: Opts, o: OrchestrateCommon, jid: string, run: (mm: MasterMinion) => Promise<T>): Promise<T> {
  const runOpts: Opts = { ...opts };
  if (o.user) runOpts.user = o.user;
  const mm = await masterMinion(runOpts, { clients: o.clients, grains: o.grains, saltenv: o.saltenv, pillarenv: o.pillarenv, jid, log: o.log ?? nullLogger });
  try {
    return await run(mm);
  } finally {
    await mm.close();
  }
}

/** Salt's state.sls refusal when the pillar did not render. */
function pillarFailure(errors: string[]): string[] {
  return ['Pillar failed to render with the following messages:', ...errors];
}

/**
 * `salt-run state.orchestrate <mods>`: renders the SLS on the master and runs it.
 * @throws SaltInvocationError when `pillar` is not a mapping.
 */
export async function orchestrate(opts: Opts, o: OrchestrateOptions): Promise<OrchestrateResult> {
  const pillar = checkPillar(o.pillar);
  const saltenv = o.saltenv === undefined ? (typeof opts.saltenv === 'string' ? opts.saltenv : 'base') : o.saltenv;
  const pillarenv = o.pillarenv ?? (typeof opts.pillarenv === 'string' ? opts.pillarenv : null);
  const jid = o.orchestrationJid || genJid({ unique: opts.unique_jid === true });
  const id = String(opts.id);
  const running = await withMasterMinion(opts, { ...o, saltenv, pillarenv }, jid, async (mm): Promise<OrchestrationRun> => {
    if (mm.pillarErrors.length) return pillarFailure(mm.pillarErrors);
    const res = await applyStates({
      mods: slsNames(o.mods),
      saltenv: saltenv ?? 'base',
      test: o.test === null || o.test === undefined ? undefined : !!o.test,
      pillar,
      exclude: o.exclude === null || o.exclude === undefined ? undefined : Array.isArray(o.exclude) ? o.exclude : slsNames(o.exclude),
      fileClient: new LocalFileClient((mm.opts.file_roots ?? {}) as FileRoots),
      caller: mm.ctx,
    });
    return 'states' in res ? res.states : res.errors;
  });
  const data = { [id]: running };
  return { data, outputter: 'highstate', retcode: checkResult(data) ? 0 : 1 };
}

/** Runs high data in the master minion (no top file, no SLS rendering). */
async function runHigh(opts: Opts, high: HighData, o: OrchestrateCommon): Promise<Record<string, OrchestrationRun>> {
  const pillar = checkPillar(o.pillar);
  const jid = o.orchestrationJid || genJid({ unique: opts.unique_jid === true });
  const running = await withMasterMinion(opts, o, jid, async (mm): Promise<OrchestrationRun> => {
    if (mm.pillarErrors.length) return pillarFailure(mm.pillarErrors);
    const runOpts: Opts = { ...mm.opts };
    if (o.test !== null && o.test !== undefined) runOpts.test = !!o.test;
    runOpts.test = !!runOpts.test;
    const ctx = pillar ? { ...mm.ctx, opts: runOpts, pillar: { ...mm.ctx.pillar, ...pillar } } : { ...mm.ctx, opts: runOpts };
    const states = new StateModuleLoader({ opts: runOpts, grains: ctx.grains, pillar: ctx.pillar });
    const runner = new StateRunner({ opts: runOpts, states, baseContext: ctx, fileClient: new LocalFileClient((runOpts.file_roots ?? {}) as FileRoots) });
    return runner.callHigh(high);
  });
  return { [String(opts.id)]: running };
}

/**
 * `salt-run state.orchestrate_high '<high data>'`: runs the given high data (IDs → `mod.fun` or
 * `mod: [fun, ...]` declarations) in the master minion. Returns `{<master id>: result}`.
 * @throws SaltInvocationError when `pillar` is not a mapping or `data` is not a mapping.
 */
export async function orchestrateHigh(opts: Opts, data: unknown, o: OrchestrateCommon = {}): Promise<Record<string, OrchestrationRun>> {
  if (!isDict(data)) throw new SaltInvocationError('Data must be formatted as a dictionary of state declarations');
  const high = padFuncs(structuredClone(data));
  for (const body of Object.values(high)) if (isDict(body)) body.__env__ ??= o.saltenv ?? 'base';
  return runHigh(opts, high, o);
}

/**
 * `salt-run state.orchestrate_single fun=<mod.fun> name=<name> [key=value...]`: one state in
 * the master minion. Returns `{<master id>: result}`.
 * @throws SaltInvocationError when `fun` is not `mod.fun` or `pillar` is not a mapping.
 */
export async function orchestrateSingle(opts: Opts, fun: string, name: unknown, kwargs: Dict, o: OrchestrateCommon = {}): Promise<Record<string, OrchestrationRun>> {
  const dot = fun.indexOf('.');
  if (dot <= 0) throw new SaltInvocationError(`Invalid function passed, must be in the form <module>.<function>: got ${JSON.stringify(fun)}`);
  const decl = [fun.slice(dot + 1), { name }, ...Object.entries(kwargs).map(([k, v]) => ({ [k]: v }))];
  const high: HighData = { [String(name)]: { [fun.slice(0, dot)]: decl, __env__: o.saltenv ?? 'base', __sls__: null } };
  return runHigh(opts, high, o);
}
