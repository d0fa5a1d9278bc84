/**
 * Gathers high data the way Salt's `BaseHighState` does: reads and merges top files
 * (`top_file_merging_strategy`), matches their targets against this minion, renders the SLS
 * files they name with their includes, and normalises declarations (`mod.fun` → `mod: [fun]`,
 * `__sls__`/`__env__`, automatic `order`, `extend` → `__extend__`, `exclude` → `__exclude__`).
 */
import { fnmatch, fnmatchFilter } from '../targeting/fnmatch.js';
import { matchTarget } from '../targeting/minion.js';
import { isTruthy } from '../targeting/types.js';
import { formatTraceback } from '../loader/run.js';
import { firstKey, isDict, pyStr } from './_py.js';
import { renderWithPipeline } from './_render.js';
import type { FileClient, HighData, SlsRenderer } from './types.js';
import type { Logger } from '../log/logger.js';
import { formatRenderLocation, renderFailureLocation } from './render_location.js';

/** What the high-state compiler needs to know about the minion. */
export interface HighStateOptions {
  /** Minion options (`id`, `saltenv`, `state_top`, `top_file_merging_strategy`, `default_top`, `state_auto_order`, `env_order`, `nodegroups`). */
  opts: Record<string, unknown>;
  grains: Record<string, unknown>;
  pillar: Record<string, unknown>;
  fileClient: FileClient;
  /** Renders one SLS/top file; defaults to the renderer pipeline (YAML only when it is missing). */
  render?: SlsRenderer;
  /** Extra template context (e.g. `salt`, the execution-module caller). */
  context?: Record<string, unknown>;
  /** Where render failures are logged (Salt's critical line, then the file/line/state ID). */
  log?: Logger;
}

/** A located SLS file. */
interface StateFile {
  /** Path relative to the environment root (`web/init.sls`). */
  source: string;
  text: string;
  /** Where the file client keeps it on this machine, when known. */
  path?: string;
}

type Matches = Record<string, string[]>;

/** The high-state compiler for one run (its automatic order counter is shared by the run). */
export class HighStateCompiler {
  private iorder = 10000;
  private readonly availCache = new Map<string, string[]>();
  private envsCache?: string[];
  readonly opts: Record<string, unknown>;

  constructor(private readonly o: HighStateOptions) {
    this.opts = o.opts;
  }

  /** Environments known to the file client, `base` first. */
  async envs(): Promise<string[]> {
    if (!this.envsCache) this.envsCache = await this.o.fileClient.envs();
    return this.envsCache;
  }

  /** The SLS names available in an environment (`web/init.sls` → `web`, `a/b.sls` → `a.b`). */
  async avail(saltenv: string): Promise<string[]> {
    const cached = this.availCache.get(saltenv);
    if (cached) return cached;
    const out: string[] = [];
    for (const f of await this.o.fileClient.listFiles(saltenv)) {
      if (!f.endsWith('.sls')) continue;
      let name = f.slice(0, -4).split('/').join('.');
      if (name === 'init') continue;
      if (name.endsWith('.init')) name = name.slice(0, -5);
      if (!out.includes(name)) out.push(name);
    }
    this.availCache.set(saltenv, out);
    return out;
  }

  private async fetchText(saltenv: string, path: string): Promise<string | undefined> {
    const f = await this.o.fileClient.getFile(saltenv, path);
    return f ? f.data.toString('utf8') : undefined;
  }

  /** Finds `<sls>.sls` or `<sls>/init.sls`. */
  async getState(sls: string, saltenv: string): Promise<StateFile | null> {
    const base = sls.split('.').join('/');
    for (const source of [`${base}.sls`, `${base}/init.sls`]) {
      const f = await this.o.fileClient.getFile(saltenv, source);
      if (f) return { source, text: f.data.toString('utf8'), path: f.path || undefined };
    }
    return null;
  }

  private async render(sls: string, saltenv: string, file: StateFile): Promise<unknown> {
    const args = {
      sls,
      saltenv,
      source: { path: file.source, text: file.text },
      lookup: (env: string, path: string) => this.fetchText(env, path),
      context: {
        grains: this.o.grains,
        pillar: this.o.pillar,
        opts: this.opts,
        saltenv,
        sls,
        ...(this.o.context ?? {}),
      },
    };
    return this.o.render ? this.o.render(args) : renderWithPipeline(args);
  }

  /**
   * Salt's `render_state`: renders one SLS and, depth first, the SLS it includes; normalises
   * declarations and numbers them. Returns the state (IDs of the file first, then included
   * IDs) and the errors.
   */
  async renderState(sls: string, saltenv: string, mods: Set<string>, matches: Matches | null): Promise<[HighData, string[]]> {
    const errors: string[] = [];
    const file = await this.getState(sls, saltenv);
    let state: unknown = null;
    if (!file) {
      errors.push(`Specified SLS ${sls} in saltenv ${saltenv} is not available on the salt master or through a configured fileserver`);
    } else {
      try {
        state = await this.render(sls, saltenv, file);
      } catch (err) {
        const text = renderErrorText(err, sls, saltenv);
        errors.push(text);
        this.o.log?.critical(text);
        this.o.log?.error(`Rendering SLS '${saltenv}:${sls}' failed at ${formatRenderLocation(renderFailureLocation(err, file))}`);
      }
      mods.add(`${saltenv}:${sls}`);
    }
    if (!isEmptyValue(state)) {
      if (!isDict(state)) {
        errors.push(`SLS ${sls} does not render to a dictionary`);
        // Salt then tries dict.update() with the list and reports its contents.
        errors.push(`Error when rendering state with contents: ${pyStr(state)}`);
        return [{}, errors];
      }
      const st = state as HighData;
      let include: unknown[] = [];
      if ('include' in st) {
        if (!Array.isArray(st.include)) errors.push(`Include Declaration in SLS ${sls} is not formed as a list`);
        else {
          include = st.include;
          delete st.include;
        }
      }
      handleExtend(st, sls, saltenv, errors);
      handleExclude(st, sls, saltenv, errors);
      handleStateDecls(st, sls, saltenv, errors);
      const envs = await this.envs();
      for (let incSls of include) {
        let envKey = saltenv;
        if (isDict(incSls)) {
          const k = Object.keys(incSls);
          envKey = k[k.length - 1];
          incSls = incSls[envKey];
        }
        let inc = pyStr(incSls);
        if (!envs.includes(envKey) && !envs.includes('__env__')) {
          errors.push(`Nonexistent saltenv '${envKey}' found in include of '${inc}' within SLS '${saltenv}:${sls}'`);
          continue;
        }
        if (inc.startsWith('.')) {
          const m = /^(\.+)(.*)$/s.exec(inc)!;
          const levels = m[1].length;
          const pComps = sls.split('.');
          if (file!.source.endsWith('/init.sls') || file!.source === 'init.sls') pComps.push('init');
          if (levels > pComps.length) {
            errors.push(`Attempted relative include of '${inc}' within SLS '${saltenv}:${sls}' goes beyond top level package `);
            continue;
          }
          inc = [...pComps.slice(0, pComps.length - levels), m[2]].join('.');
        }
        let resolved: string[];
        const m = matches ?? {};
        if (envKey !== '_xenv') {
          resolved = envKey in m || fnmatchFilter(await this.avail(envKey), inc).length ? [envKey] : [];
        } else {
          resolved = [];
          for (const aenv of Object.keys(m)) if (fnmatchFilter(await this.avail(aenv), inc).length) resolved.push(aenv);
        }
        if (resolved.length === 1 || resolved.includes(saltenv)) {
          const rEnv = resolved.length === 1 ? resolved[0] : saltenv;
          const found = fnmatchFilter(await this.avail(saltenv), inc);
          const targets = found.length ? found : [inc];
          for (const target of targets) {
            if (mods.has(`${rEnv}:${target}`)) continue;
            const [nstate, err] = await this.renderState(target, rEnv, mods, matches);
            if (Object.keys(nstate).length) {
              mergeIncludedStates(st, nstate, errors);
            }
            errors.push(...err);
          }
        } else if (!resolved.length) {
          errors.push(
            `Unknown include: Specified SLS ${envKey}: ${inc} is not available on the salt master in saltenv(s): ${envKey === '_xenv' ? Object.keys(m).join(', ') : envKey} `,
          );
        } else {
          errors.push(`Ambiguous include: Specified SLS ${envKey}: ${inc} is available on the salt master in multiple available saltenvs: ${resolved.join(', ')}`);
        }
      }
      this.handleIorder(st);
      return [st, errors];
    }
    return [{}, errors];
  }

  private handleIorder(state: HighData): void {
    if (this.opts.state_auto_order === false) return;
    for (const name of Object.keys(state)) {
      const body = state[name];
      if (!isDict(body)) continue;
      for (const sDec of Object.keys(body)) {
        if (sDec.startsWith('_')) continue;
        const run = body[sDec];
        if (!Array.isArray(run)) continue;
        const found = run.some((arg) => isDict(arg) && firstKey(arg) === 'order');
        if (!found) run.push({ order: this.iorder++ });
      }
    }
  }

  /** Salt's `render_highstate`: renders every matched SLS into one high data structure. */
  async renderHighstate(matches: Matches): Promise<[HighData, string[]]> {
    const high: HighData = {};
    const errors: string[] = [];
    const mods = new Set<string>();
    const envs = await this.envs();
    for (const [saltenv, states] of Object.entries(matches)) {
      for (const slsMatch of states) {
        let statefiles: string[] = [];
        if (envs.includes(saltenv)) statefiles = fnmatchFilter(await this.avail(saltenv), slsMatch);
        else if (envs.includes('__env__')) statefiles = fnmatchFilter(await this.avail('__env__'), slsMatch);
        else errors.push(`No matching salt environment for environment '${saltenv}' found`);
        if (!statefiles.length) statefiles = [slsMatch];
        for (const sls of statefiles) {
          if (mods.has(`${saltenv}:${sls}`)) continue;
          const [state, errs] = await this.renderState(sls, saltenv, mods, matches);
          if (Object.keys(state).length) mergeIncludedStates(high, state, errs);
          for (let i = 0; i < errs.length; i++) {
            if (errs[i].includes('is not available') && errs[i].includes(`SLS ${slsMatch} in saltenv`)) {
              errs[i] = `No matching sls found for '${slsMatch}' in env '${saltenv}'`;
            }
          }
          errors.push(...errs);
        }
      }
    }
    cleanDuplicateExtends(high);
    return [high, errors];
  }

  /** Renders the top files (`state_top`, default `top.sls`) of every environment. */
  async getTops(): Promise<Record<string, unknown[]>> {
    const tops: Record<string, unknown[]> = {};
    const stateTop = pyStr(this.opts.state_top ?? 'salt://top.sls').replace(/^salt:\/\//, '');
    const renderTop = async (saltenv: string): Promise<unknown> => {
      const text = await this.fetchText(saltenv, stateTop);
      if (text === undefined) return null;
      const out = await this.render('', saltenv, { source: stateTop, text });
      return isDict(out) ? out : {};
    };
    const saltenvOpt = this.opts.saltenv;
    if (saltenvOpt) {
      const env = pyStr(saltenvOpt);
      const top = await renderTop(env);
      tops[env] = [top ?? {}];
    } else {
      const stEnv = this.opts.state_top_saltenv;
      const envs = stEnv ? [pyStr(stEnv)] : await this.topEnvs();
      for (const env of envs) {
        const top = await renderTop(env);
        (tops[env] ??= []).push(top ?? {});
      }
    }
    // top-file includes
    const include: Record<string, string[]> = {};
    for (const [env, ctops] of Object.entries(tops)) {
      for (const ctop of ctops as Record<string, unknown>[]) {
        if (!('include' in ctop)) continue;
        for (const s of ctop.include as unknown[]) (include[env] ??= []).push(pyStr(s));
        delete ctop.include;
      }
    }
    const done: Record<string, string[]> = {};
    for (const [env, states] of Object.entries(include)) {
      for (const slsMatch of states) {
        for (const sls of fnmatchFilter(await this.avail(env), slsMatch)) {
          if ((done[env] ??= []).includes(sls)) continue;
          const f = await this.getState(sls, env);
          if (f) {
            const out = await this.render(sls, env, f);
            tops[env].push(isDict(out) ? out : {});
          }
          done[env].push(sls);
        }
      }
    }
    return tops;
  }

  private async topEnvs(): Promise<string[]> {
    const envs = ['base'];
    const roots = this.opts.file_roots;
    if (isDict(roots)) for (const e of Object.keys(roots)) if (!envs.includes(e)) envs.push(e);
    const clientEnvs = await this.envs();
    const order = Array.isArray(this.opts.env_order) ? [...new Set(this.opts.env_order.map(String))] : [];
    if (order.length && clientEnvs.length) return order.filter((e) => clientEnvs.includes(e));
    if (order.length) return order;
    for (const e of clientEnvs) if (!envs.includes(e)) envs.push(e);
    return envs;
  }

  /** Merges the rendered top files by `top_file_merging_strategy` (merge, same, merge_all). */
  mergeTops(tops: Record<string, unknown[]>): Record<string, Record<string, unknown>> {
    const strategy = this.opts.top_file_merging_strategy ?? 'merge';
    const top: Record<string, Record<string, unknown>> = {};
    const put = (env: string, ctop: Record<string, any>) => {
      const targets = ctop[env];
      if (!isDict(targets)) return;
      for (const tgt of Object.keys(targets)) (top[env] ??= {})[tgt] = targets[tgt];
    };
    if (strategy === 'same') {
      for (const [cenv, ctops] of Object.entries(tops)) {
        if ((ctops as unknown[]).every((x) => isDict(x) && !Object.keys(x).length)) {
          const fallback = (tops[pyStr(this.opts.default_top ?? 'base')] ?? []) as Record<string, any>[];
          for (const ctop of fallback) {
            if (cenv in ctop) {
              put(cenv, ctop);
              break;
            }
          }
          continue;
        }
        for (const ctop of ctops as Record<string, any>[]) {
          for (const env of Object.keys(ctop)) if (env !== 'include' && env === cenv) put(env, ctop);
        }
      }
      return top;
    }
    if (strategy === 'merge_all') {
      for (const ctops of Object.values(tops)) {
        for (const ctop of ctops as Record<string, any>[]) {
          for (const env of Object.keys(ctop)) {
            if (env === 'include' || !isDict(ctop[env])) continue;
            for (const tgt of Object.keys(ctop[env])) {
              const cur = (top[env] ??= {});
              if (!(tgt in cur)) {
                cur[tgt] = ctop[env][tgt];
                continue;
              }
              const read = (v: unknown): [unknown, string[]] => {
                let mt: unknown = null;
                const st: string[] = [];
                for (const item of (Array.isArray(v) ? v : [v]) as unknown[]) {
                  if (isDict(item)) mt = item;
                  if (typeof item === 'string') st.push(item);
                }
                return [mt, st];
              };
              const [m1, s1] = read(cur[tgt]);
              const [m2, s2] = read(ctop[env][tgt]);
              const merged: unknown[] = [];
              const mt = m2 ?? m1;
              if (mt !== null) merged.push(mt);
              merged.push(...s1);
              for (const x of s2) if (!merged.includes(x)) merged.push(x);
              cur[tgt] = merged;
            }
          }
        }
      }
      return top;
    }
    for (const ctop of (tops.base ?? []) as Record<string, any>[]) {
      for (const env of Object.keys(ctop)) if (env !== 'include') put(env, ctop);
    }
    for (const [cenv, ctops] of Object.entries(tops)) {
      if (cenv === 'base') continue;
      for (const ctop of ctops as Record<string, any>[]) {
        for (const env of Object.keys(ctop)) {
          if (env === 'include' || env !== cenv || env in top) continue;
          put(env, ctop);
        }
      }
    }
    return top;
  }

  /** Salt's `get_top`: rendered and merged top data. */
  async getTop(): Promise<Record<string, Record<string, unknown>>> {
    return this.mergeTops(await this.getTops());
  }

  /** Salt's `top_matches`: `{saltenv: [sls, ...]}` for the targets this minion matches. */
  async topMatches(top: Record<string, Record<string, unknown>>): Promise<Matches> {
    const matches: Matches = {};
    const envs = await this.envs();
    const saltenvOpt = this.opts.saltenv ? pyStr(this.opts.saltenv) : null;
    for (const [saltenv, body] of Object.entries(top)) {
      if (saltenvOpt && saltenv !== saltenvOpt) continue;
      const filter = (match: string, data: unknown) => {
        const list = typeof data === 'string' ? [data] : Array.isArray(data) ? data : [];
        if (!this.confirmTop(match, list)) return;
        matches[saltenv] ??= [];
        for (const item of list) {
          if (isDict(item) && 'subfilter' in item) {
            const sub = item.subfilter;
            delete item.subfilter;
            if (isDict(sub)) for (const [m, d] of Object.entries(sub)) filter(m, d);
          }
          if (typeof item === 'string') matches[saltenv].push(item);
          else if (isDict(item)) {
            const keys = Object.keys(item);
            if (!keys.length) continue;
            const envKey = keys[keys.length - 1];
            const inc = item[envKey];
            delete item[envKey];
            if (!envs.includes(envKey)) continue;
            (matches[envKey] ??= []).push(pyStr(inc));
          }
        }
      };
      for (const [match, data] of Object.entries(body ?? {})) filter(match, data);
    }
    return matches;
  }

  /** Salt's `confirm_top`: the `match:` entry picks the matcher (glob by default). */
  private confirmTop(match: string, data: unknown[]): boolean {
    let matcher = 'compound';
    for (const item of data) {
      if (isDict(item) && 'match' in item) matcher = pyStr(item.match);
    }
    const ctx = {
      id: pyStr(this.opts.id ?? ''),
      grains: this.o.grains,
      pillar: this.o.pillar,
      nodegroups: (isDict(this.opts.nodegroups) ? this.opts.nodegroups : {}) as Record<string, string>,
    };
    try {
      if (matcher === 'nodegroup') {
        const ng = ctx.nodegroups[match];
        if (ng === undefined) return false;
        return isTruthy(matchTarget({ tgt: ng, tgt_type: 'compound' }, ctx));
      }
      return isTruthy(matchTarget({ tgt: match, tgt_type: matcher }, ctx));
    } catch {
      return false;
    }
  }

  /**
   * The high data of a highstate: top file → matches → rendered SLS. Returns the high data and
   * the render errors; `matches` is empty when nothing in the top file targets this minion.
   */
  async compileHighstate(): Promise<{ high: HighData; errors: string[]; matches: Matches }> {
    const top = await this.getTop();
    const matches = await this.topMatches(top);
    const [high, errors] = await this.renderHighstate(matches);
    return { high, errors, matches };
  }

  /** High data of explicitly named SLS (`state.sls a,b`). */
  async compileSls(mods: string[], saltenv: string): Promise<{ high: HighData; errors: string[] }> {
    const [high, errors] = await this.renderHighstate({ [saltenv]: mods });
    return { high, errors };
  }
}

function isEmptyValue(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === '' || v === 0) return true;
  if (Array.isArray(v)) return !v.length;
  if (isDict(v)) return !Object.keys(v).length;
  return false;
}

/** The error line for a failed render (Salt's two forms: SaltRenderError and anything else). */
export function renderErrorText(err: unknown, sls: string, saltenv: string): string {
  const e = err as Error;
  const name = e?.name ?? '';
  if (/SaltRenderError|SaltYamlError|RenderError|TemplateError|JinjaError/.test(name) || (e as { salt?: boolean }).salt) {
    return `Rendering SLS '${saltenv}:${sls}' failed: ${e.message}`;
  }
  return `Rendering SLS ${sls} failed, render error: ${e?.message ?? String(err)}\n${formatTraceback(err)}`;
}

function handleStateDecls(state: HighData, sls: string, saltenv: string, errors: string[]): void {
  for (const name of Object.keys(state)) {
    let body = state[name];
    if (!isDict(body)) {
      if (name === '__extend__' || name === '__exclude__') continue;
      if (typeof body === 'string' && body.includes('.')) {
        const comps = body.split('.');
        state[name] = { __sls__: sls, __env__: saltenv, [comps[0]]: [comps[1]] };
        continue;
      }
      errors.push(`ID ${name} in SLS ${sls} is not a dictionary`);
      continue;
    }
    const skeys = new Set<string>();
    for (const key of Object.keys(body)) {
      if (key.startsWith('_')) continue;
      if (!Array.isArray(body[key])) continue;
      if (key.includes('.')) {
        const comps = key.split('.');
        if (skeys.has(comps[0])) {
          errors.push(`ID '${name}' in SLS '${sls}' contains multiple state declarations of the same type`);
          continue;
        }
        const run = body[key];
        delete body[key];
        body[comps[0]] = run;
        run.push(comps[1]);
        skeys.add(comps[0]);
        continue;
      }
      skeys.add(key);
    }
    body = state[name];
    if (!('__sls__' in body)) body.__sls__ = sls;
    if (!('__env__' in body)) body.__env__ = saltenv;
  }
}

function handleExtend(state: HighData, sls: string, saltenv: string, errors: string[]): void {
  if (!('extend' in state)) return;
  const ext = state.extend;
  delete state.extend;
  if (!isDict(ext)) {
    errors.push(`Extension value in SLS '${sls}' is not a dictionary`);
    return;
  }
  for (const name of Object.keys(ext)) {
    const body = ext[name];
    if (!isDict(body)) {
      errors.push(`Extension name '${name}' in SLS '${sls}' is not a dictionary`);
      continue;
    }
    if (!('__sls__' in body)) body.__sls__ = sls;
    if (!('__env__' in body)) body.__env__ = saltenv;
    for (const key of Object.keys(body)) {
      if (key.startsWith('_') || !Array.isArray(body[key])) continue;
      if (key.includes('.')) {
        const comps = key.split('.');
        const run = body[key];
        delete body[key];
        body[comps[0]] = run;
        run.push(comps[1]);
      }
    }
  }
  (state.__extend__ ??= []).push(ext);
}

function handleExclude(state: HighData, sls: string, _saltenv: string, errors: string[]): void {
  if (!('exclude' in state)) return;
  const exc = state.exclude;
  delete state.exclude;
  if (!Array.isArray(exc)) {
    errors.push(`Exclude Declaration in SLS ${sls} is not formed as a list`);
    return;
  }
  (state.__exclude__ ??= []).push(...exc);
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function mergeIncludedStates(high: HighData, state: HighData, errors: string[]): void {
  if ('__extend__' in state) {
    (high.__extend__ ??= []).push(...state.__extend__);
    delete state.__extend__;
  }
  if ('__exclude__' in state) {
    (high.__exclude__ ??= []).push(...state.__exclude__);
    delete state.__exclude__;
  }
  for (const id of Object.keys(state)) {
    if (id in high && !id.startsWith('__') && !deepEqual(high[id], state[id])) {
      errors.push(
        `Detected conflicting IDs, SLS IDs need to be globally unique.\n    The conflicting ID is '${id}' and is found in SLS '${high[id].__env__}:${high[id].__sls__}' and SLS '${state[id].__env__}:${state[id].__sls__}'`,
      );
    }
  }
  Object.assign(high, state);
}

function cleanDuplicateExtends(high: HighData): void {
  if (!('__extend__' in high)) return;
  const seen: Array<[string, unknown]> = [];
  for (const ext of high.__extend__ as Record<string, unknown>[]) {
    for (const item of Object.entries(ext)) {
      if (!seen.some(([k, v]) => k === item[0] && deepEqual(v, item[1]))) seen.push(item);
    }
  }
  high.__extend__ = seen.map(([k, v]) => ({ [k]: v }));
}

export { fnmatch };
