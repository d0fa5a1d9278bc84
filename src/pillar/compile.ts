/**
 * Compiles a minion's pillar the way Salt's `Pillar.compile_pillar` does: the top files of the
 * `pillar_roots` environments, the targets this minion matches, each SLS rendered (with its
 * includes) and merged by `pillar_source_merging_strategy`, errors under `_errors`, and the
 * CLI pillar override merged last.
 */
import { readFile } from 'node:fs/promises';
import type { SaltCaller } from '../loader/types.js';
import { fnmatchFilter } from '../targeting/fnmatch.js';
import type { Nodegroups } from '../targeting/types.js';
import { SALT_VERSION } from '../version.js';
import { RootsFileServer, rootsOptionsFrom } from '../fileserver/roots.js';
import { mergePillar } from './merge.js';
import { mergePillarTops, pillarTopMatches, PillarTopTypeError, type PillarTop } from './top.js';

type Dict = Record<string, unknown>;

/** Renders one pillar file's text to data (the renderer pipeline's `renderSls` shape). */
export type PillarRenderer = (args: {
  sls: string;
  saltenv: string;
  source: { path: string; text: string };
  lookup: (saltenv: string, path: string) => Promise<string | null>;
  context: { salt: SaltCaller; grains: Dict; pillar: Dict; opts: Dict } & Dict;
}) => Promise<unknown>;

/** Arguments of {@link compilePillar}. */
export interface CompilePillarArgs {
  /** The minion id (already validated). */
  id: string;
  /** The minion's grains (`id` is set to `id`). */
  grains: Dict;
  /** The minion's saltenv (used by `pillarenv_from_saltenv` and the `none` strategy). */
  saltenv?: string | null;
  /** Restricts pillar to this environment's top file and SLS. */
  pillarenv?: string | null;
  /** CLI `pillar='{...}'` data, deep-merged over the result. */
  pillarOverride?: Dict | null;
  /** The master options (`pillar_roots`, `state_top`, `renderer`, `pillar_*`, `nodegroups`). */
  opts: Dict;
  /** Execution functions for templates (`salt[...]`); default: a loader created on first use. */
  salt?: SaltCaller;
  /** Renders a file; default: the renderer pipeline (`src/render/pipeline.ts`). */
  render?: PillarRenderer;
}

/** The compiled pillar and the errors (also under `pillar._errors` when there are any). */
export interface CompiledPillar {
  pillar: Dict;
  errors: string[];
}

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Python truthiness of rendered data. */
function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  return true;
}

async function defaultRenderer(): Promise<PillarRenderer> {
  const mod = (await import('../render/pipeline.js')) as { renderSls: (o: unknown) => Promise<unknown> };
  return (args) => mod.renderSls(args);
}

function lazySaltCaller(opts: Dict, grains: Dict): SaltCaller {
  let loader: Promise<{ call: SaltCaller }> | undefined;
  return async (fun, args, kwargs) => {
    loader ??= import('../loader/loader.js').then(({ Loader }) => new Loader({ opts, grains, pillar: {} }));
    return (await loader).call(fun, args, kwargs);
  };
}

/**
 * Salt's `Pillar.__gen_opts` for the roots: an `__env__` entry stands for the requested
 * environment when that one is not configured itself.
 */
function effectiveRoots(roots: unknown, pillarenv: string | null, saltenv: string | null): Dict {
  if (!isDict(roots)) return {};
  const out: Dict = { ...roots };
  if (!('__env__' in out)) return out;
  const env = pillarenv || saltenv || 'base';
  const envRoots = out.__env__;
  delete out.__env__;
  if (!(env in out) && !/[/\\\0]/.test(env) && env !== '.' && env !== '..') {
    const list = Array.isArray(envRoots) ? envRoots : [envRoots];
    out[env] = list.map((r) => String(r).split('__env__').join(env));
  }
  return out;
}

/** One compile: the state Salt keeps on its `Pillar` object. */
class PillarCompiler {
  private readonly roots: RootsFileServer;
  private readonly rootsOpt: Dict;
  private readonly strategy: string;
  private readonly rendererName: string;
  private readonly mergeLists: boolean;
  private readonly avail: Record<string, string[]> = {};
  private ignored: Record<string, string[]> = {};
  private render!: PillarRenderer;

  constructor(
    private readonly a: CompilePillarArgs,
    private readonly opts: Dict,
    private readonly pillarenv: string | null,
    private readonly saltenv: string | null,
  ) {
    this.rootsOpt = effectiveRoots(opts.pillar_roots, pillarenv, saltenv);
    this.roots = new RootsFileServer({ ...rootsOptionsFrom(opts, 'pillar_roots'), roots: this.rootsOpt });
    this.strategy = typeof opts.pillar_source_merging_strategy === 'string' && opts.pillar_source_merging_strategy ? opts.pillar_source_merging_strategy : 'smart';
    this.rendererName = typeof opts.renderer === 'string' ? opts.renderer : 'yaml';
    this.mergeLists = opts.pillar_merge_lists === true;
  }

  private merge(a: Dict, b: Dict): Dict {
    return mergePillar(a, b, this.strategy, this.rendererName, this.mergeLists);
  }

  private envs(): string[] {
    return ['base', ...Object.keys(this.rootsOpt).filter((e) => e !== 'base')];
  }

  private async readText(saltenv: string, path: string): Promise<string | null> {
    const found = await this.roots.findFile(path, saltenv);
    if (!found) return null;
    try {
      return await readFile(found.realPath, 'utf8');
    } catch {
      return null;
    }
  }

  /** Salt's `get_state`: `<sls>.sls`, else `<sls>/init.sls`. */
  private async getState(sls: string, saltenv: string): Promise<{ source: string; text: string } | null> {
    const base = sls.split('.').join('/');
    for (const source of [`${base}.sls`, `${base}/init.sls`]) {
      const text = await this.readText(saltenv, source);
      if (text !== null) return { source, text };
    }
    return null;
  }

  private async renderFile(sls: string, saltenv: string, source: string, text: string, extra: Dict = {}): Promise<unknown> {
    const grains = { ...this.a.grains, id: this.a.id };
    return this.render({
      sls,
      saltenv,
      source: { path: source, text },
      lookup: (env, path) => this.readText(env, path),
      context: { ...extra, salt: this.a.salt ?? lazySaltCaller(this.opts, grains), grains, pillar: {}, opts: this.opts },
    });
  }

  async init(): Promise<void> {
    this.render = this.a.render ?? (await defaultRenderer());
    for (const env of this.envs()) {
      const states = new Set<string>();
      for (const path of (await this.roots.list(env)).files) {
        if (!path.endsWith('.sls')) continue;
        states.add(path.endsWith('/init.sls') ? path.replace(/\//g, '.').slice(0, -9) : path.replace(/\//g, '.').slice(0, -4));
      }
      this.avail[env] = [...states].sort();
    }
  }

  /** Salt's `get_tops`: the rendered top file of each environment plus the tops they include. */
  private async getTops(): Promise<{ tops: Record<string, unknown[]>; errors: string[] }> {
    const tops: Record<string, unknown[]> = {};
    const errors: string[] = [];
    let saltenvs: string[];
    if (this.pillarenv) saltenvs = this.pillarenv in this.rootsOpt ? [this.pillarenv] : [];
    else {
      saltenvs = this.envs();
      if (this.opts.pillar_source_merging_strategy === 'none') saltenvs = saltenvs.filter((e) => e === (this.saltenv || 'base'));
    }
    const topPath = String(this.opts.state_top ?? 'top.sls').replace(/^salt:\/\//, '').replace(/^\/+/, '');
    try {
      for (const env of saltenvs) {
        const text = await this.readText(env, topPath);
        if (text === null) continue;
        (tops[env] ??= []).push(await this.renderFile('', env, topPath, text));
      }
    } catch (err) {
      errors.push(`Rendering Primary Top file failed, render error:\n${errorText(err)}`);
    }
    let include: Record<string, unknown[]> = {};
    for (const [env, ctops] of Object.entries(tops)) {
      for (const ctop of ctops) {
        if (!isDict(ctop) || !('include' in ctop)) continue;
        for (const sls of Array.isArray(ctop.include) ? ctop.include : []) (include[env] ??= []).push(sls);
        delete ctop.include;
      }
    }
    const done: Record<string, unknown[]> = {};
    while (Object.keys(include).length) {
      const next: Record<string, unknown[]> = {};
      for (const [env, states] of Object.entries(include)) {
        for (const sls of states) {
          if ((done[env] ??= []).includes(sls)) continue;
          try {
            const file = await this.getState(String(sls), env);
            (tops[env] ??= []).push(file ? await this.renderFile(String(sls), env, file.source, file.text) : {});
          } catch (err) {
            errors.push(`Rendering Top file ${String(sls)} failed, render error:\n${errorText(err)}`);
          }
          done[env]!.push(sls);
        }
      }
      include = next;
    }
    return { tops, errors };
  }

  /** Salt's `get_top`. */
  async getTop(): Promise<{ top: PillarTop; errors: string[] }> {
    const { tops, errors } = await this.getTops();
    try {
      const merged = mergePillarTops(tops);
      this.ignored = merged.ignored;
      return { top: merged.top, errors };
    } catch (err) {
      if (!(err instanceof PillarTopTypeError)) throw err;
      errors.push('Error encountered while rendering pillar top file.');
      return { top: {}, errors };
    }
  }

  /** Salt's `render_pstate`: one SLS and, depth first, what it includes. */
  private async renderPstate(sls: string, saltenv: string, mods: Map<string, unknown>, defaults: Dict = {}): Promise<{ state: unknown; errors: string[] }> {
    const errors: string[] = [];
    const file = await this.getState(sls, saltenv);
    if (!file) {
      if ((this.ignored[saltenv] ?? []).includes(sls)) return { state: null, errors };
      const roots = this.rootsOpt[saltenv];
      if (Array.isArray(roots) ? roots.length > 0 : truthy(roots)) {
        errors.push(`Specified SLS '${sls}' in environment '${saltenv}' is not available on the salt master`);
      } else {
        return { state: null, errors };
      }
    }
    let state: unknown = null;
    if (file) {
      try {
        state = await this.renderFile(sls, saltenv, file.source, file.text, defaults);
      } catch (err) {
        errors.push(
          this.opts.pillar_safe_render_error === false
            ? `Rendering SLS '${sls}' failed, render error:\n${errorText(err)}`
            : `Rendering SLS '${sls}' failed. Please see master log for details.`,
        );
      }
    }
    mods.set(sls, state);
    if (!truthy(state)) return { state, errors };
    if (!isDict(state)) {
      errors.push(`SLS '${sls}' does not render to a dictionary`);
      return { state, errors };
    }
    if (!('include' in state)) return { state, errors };
    if (!Array.isArray(state.include)) {
      errors.push(`Include Declaration in SLS '${sls}' is not formed as a list`);
      return { state, errors };
    }
    const includes = state.include as unknown[];
    delete state.include;
    const overrideSls = this.opts.pillar_includes_override_sls === true;
    const includeStates: Dict[] = [];
    let merged: Dict = state;
    let incDefaults = defaults;
    for (const entry of includes) {
      let subSls: string;
      let key: string | null = null;
      if (isDict(entry)) {
        const [name, v] = Object.entries(entry)[0] ?? ['', {}];
        subSls = name;
        incDefaults = isDict(v) && isDict(v.defaults) ? v.defaults : {};
        key = isDict(v) && typeof v.key === 'string' ? v.key : null;
      } else {
        subSls = String(entry);
      }
      let matched: string[];
      const avail = this.avail[saltenv];
      if (!avail) {
        errors.push(`No matching pillar environment for environment '${saltenv}' found`);
        matched = [subSls];
      } else {
        matched = fnmatchFilter(avail, subSls.replace(/^\.+/, '').replace(/\//g, '.'));
        if (subSls.startsWith('.')) {
          const parts = file!.source.endsWith('/init.sls') ? sls.split('.') : sls.split('.').slice(0, -1);
          subSls = [...parts, subSls.slice(1)].join('.');
        }
        matched.push(...fnmatchFilter(avail, subSls));
      }
      if (!matched.length) matched = [subSls];
      for (const m of matched) {
        let nstate: unknown;
        if (!mods.has(m)) {
          const r = await this.renderPstate(m, saltenv, mods, incDefaults);
          nstate = r.state;
          errors.push(...r.errors);
        } else {
          nstate = mods.get(m);
        }
        if (!truthy(nstate) || !isDict(nstate)) continue;
        let wrapped: Dict = nstate;
        if (key) for (const frag of key.split(':').reverse()) wrapped = { [frag]: wrapped };
        if (overrideSls) merged = this.merge(merged, wrapped);
        else includeStates.push(wrapped);
      }
    }
    if (overrideSls) return { state: merged, errors };
    includeStates.push(state);
    let out: Dict | null = null;
    for (const s of includeStates) out = out === null ? s : this.merge(out, s);
    return { state: out, errors };
  }

  /** Salt's `render_pillar`: every matched SLS merged, starting from the override. */
  async renderPillar(matches: Record<string, string[]>): Promise<{ pillar: Dict; errors: string[] }> {
    let pillar: Dict = { ...(this.a.pillarOverride ?? {}) };
    const errors: string[] = [];
    for (const [saltenv, pstates] of Object.entries(matches)) {
      const files: string[] = [];
      const mods = new Map<string, unknown>();
      for (const slsMatch of pstates) {
        const avail = this.avail[saltenv];
        if (!avail) errors.push(`No matching pillar environment for environment '${saltenv}' found`);
        const found = avail ? fnmatchFilter(avail, slsMatch) : [];
        if (found.length) files.push(...found);
        else files.push(slsMatch);
      }
      for (const sls of files) {
        const { state, errors: errs } = await this.renderPstate(sls, saltenv, mods);
        errors.push(...errs);
        if (state === null || state === undefined || !isDict(state)) continue;
        pillar = this.merge(pillar, state);
      }
    }
    return { pillar, errors };
  }
}

/**
 * Compiles the pillar of one minion (master side of `_pillar`, and `pillar.items` masterless).
 * Options read: `pillar_roots`, `pillarenv`, `pillarenv_from_saltenv`, `state_top`, `renderer`,
 * `pillar_source_merging_strategy` (default smart), `pillar_merge_lists`,
 * `pillar_safe_render_error`, `pillar_includes_override_sls`, `pillar_opts`, `nodegroups`,
 * `file_ignore_*`. External pillars (`ext_pillar`) are not run.
 * Never throws for bad pillar files: problems are reported in `errors` and `pillar._errors`.
 */
export async function compilePillar(args: CompilePillarArgs): Promise<CompiledPillar> {
  const base = args.opts;
  const saltenv = args.saltenv ?? (typeof base.saltenv === 'string' ? base.saltenv : null);
  let pillarenv = args.pillarenv ?? null;
  if (pillarenv === null) pillarenv = base.pillarenv_from_saltenv === true && saltenv ? saltenv : typeof base.pillarenv === 'string' && base.pillarenv ? base.pillarenv : null;
  const grains = { ...args.grains, id: args.id };
  const opts: Dict = { ...base, id: args.id, grains, saltenv, pillarenv, file_client: 'local' };
  const compiler = new PillarCompiler(args, opts, pillarenv, saltenv);
  await compiler.init();
  const { top, errors: topErrors } = await compiler.getTop();
  const nodegroups = (isDict(base.nodegroups) ? base.nodegroups : {}) as Nodegroups;
  const matches = pillarTopMatches(top, { id: args.id, grains, pillar: {}, nodegroups }, nodegroups, pillarenv);
  const rendered = await compiler.renderPillar(matches);
  let pillar = rendered.pillar;
  const errors = [...rendered.errors, ...topErrors];
  if (base.pillar_opts === true) {
    const { grains: _g, ...mopts } = opts;
    pillar.master = { ...mopts, saltversion: SALT_VERSION };
  }
  if (errors.length) pillar._errors = [...errors];
  if (args.pillarOverride && isDict(args.pillarOverride) && Object.keys(args.pillarOverride).length) {
    pillar = mergePillar(pillar, args.pillarOverride, opts.pillar_source_merging_strategy ? String(opts.pillar_source_merging_strategy) : 'smart', typeof opts.renderer === 'string' ? opts.renderer : 'yaml', opts.pillar_merge_lists === true);
  }
  return { pillar, errors };
}
