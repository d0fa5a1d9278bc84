/**
 * Executes high data the way Salt's `State.call_high` does: compile to low chunks, run each
 * chunk after its requisites (`require`, `watch` + `mod_watch`, `onchanges`, `onfail`,
 * `prereq`, their `_any`/`_all` forms), honour `onlyif`/`unless`/`creates`/`check_cmd`,
 * `retry`, `failhard` and test mode, then run `listen` watchers at the end.
 * Results use Salt's return format and wording.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { existsSync } from 'node:fs';
import { fnmatch } from '../targeting/fnmatch.js';
import { formatTraceback } from '../loader/run.js';
import type { CallContext } from '../loader/types.js';
import { pyFloat } from '../protocol/pytypes.js';
import {
  applyExclude,
  compileHighData,
  genTag,
  reconcileExtend,
  requisiteIn,
  STATE_INTERNAL_KEYWORDS,
  STATE_REQUISITE_KEYWORDS,
  trimReq,
  verifyHigh,
} from './compile.js';
import { firstKey, isDict, pyStr } from './_py.js';
import type { StateFunctions } from './state_loader.js';
import type { FileClient, HighData, LowChunk, StateResult, StateReturn } from './types.js';

/** What a state function receives besides its arguments (Salt's state-module dunders). */
export interface StateCallContext extends CallContext {
  /** `__opts__["test"]` for this call (true while a prereq is being probed). */
  test: boolean;
  /** The low chunk being run (`__low__`). */
  low: LowChunk;
  /** The results so far (`__running__`). */
  running: StateReturn;
  /** The salt environment of the chunk (`__env__`). */
  env: string;
  /** The file client, for `salt://` sources. */
  fileClient?: FileClient;
}

/** How a run is set up. */
export interface StateRunnerOptions {
  /** Minion options; `test`, `failhard`, `disabled_requisites` and `grains` matter here. */
  opts: Record<string, unknown>;
  /** The state modules. */
  states: StateFunctions;
  /** Builds the execution context (its `salt` caller reaches the execution modules). */
  baseContext: CallContext;
  fileClient?: FileClient;
}

const REQUISITES = ['require', 'require_any', 'watch', 'watch_any', 'prereq', 'onfail', 'onfail_any', 'onchanges', 'onchanges_any'];

/** Local wall-clock time as Python's `time().isoformat()` (HH:MM:SS.ffffff). */
function isoTime(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`;
}

function fakeDuration(): { start_time: string; duration: unknown } {
  return { start_time: isoTime(new Date()), duration: pyFloat(0) };
}

function globMatch(value: unknown, pattern: string): boolean {
  const s = pyStr(value);
  if (!/[*?[]/.test(pattern)) return s === pattern;
  return fnmatch(s, pattern);
}

function asReq(req: unknown): Record<string, unknown> {
  return trimReq(typeof req === 'string' ? { id: req } : (req as Record<string, unknown>));
}

/** Salt's name for an exception class on a traceback's last line. */
function pyTraceback(err: unknown): string {
  const tb = formatTraceback(err);
  if (err instanceof Error && /^(SaltInvocationError|CommandExecutionError|SaltRenderError)$/.test(err.name)) {
    return tb.replace(new RegExp(`\\n${err.name}: `), `\nsalt.exceptions.${err.name}: `);
  }
  return tb;
}

/** One state run over one set of chunks (Salt's `State` object). */
export class StateRunner {
  private runNum = 0;
  private pre: StateReturn = {};
  private active = new Set<string>();
  private readonly opts: Record<string, unknown>;
  private readonly optsTest: Record<string, unknown>;
  private readonly optsReal: Record<string, unknown>;

  constructor(private readonly options: StateRunnerOptions) {
    this.opts = options.opts;
    this.optsTest = { ...options.opts, test: true };
    this.optsReal = { ...options.opts, test: false };
  }

  private get testMode(): boolean {
    return !!this.opts.test;
  }

  /**
   * Salt's `call_high`: reconcile extends, verify, invert requisites, apply excludes, compile
   * and run. Returns the results, or the list of compile errors when nothing could run.
   */
  async callHigh(high: HighData): Promise<StateReturn | string[]> {
    const errors: string[] = [];
    errors.push(...reconcileExtend(high));
    errors.push(...verifyHigh(high));
    if (errors.length) return errors;
    errors.push(...requisiteIn(high, this.opts));
    applyExclude(high);
    if (errors.length) return errors;
    const chunks = compileHighData(high);
    await this.options.states.preload(chunks.map((c) => pyStr(c.state)));
    let ret = await this.callChunks(chunks);
    ret = await this.callListen(chunks, ret);
    return ret;
  }

  /** Runs chunks in order, each after its requisites; stops at a failhard failure. */
  async callChunks(chunks: LowChunk[]): Promise<StateReturn> {
    let running: StateReturn = {};
    for (const low of chunks) {
      if ('__FAILHARD__' in running) {
        delete running.__FAILHARD__;
        return running;
      }
      const tag = genTag(low);
      if (!(tag in running)) {
        running = await this.callChunk(low, running, chunks);
        if (this.checkFailhard(low, running)) return running;
      }
      this.active = new Set();
    }
    delete running.__FAILHARD__;
    return running;
  }

  private checkFailhard(low: LowChunk, running: StateReturn): boolean {
    if (this.testMode) return false;
    const tag = genTag(low);
    const failhard = 'failhard' in low ? low.failhard : this.opts.failhard;
    if (failhard && tag in running) {
      if (running[tag].result === null) return false;
      return !running[tag].result;
    }
    return false;
  }

  private stub(low: LowChunk, fields: Partial<StateResult>): StateResult {
    const ret: StateResult = { changes: {}, result: false, ...fakeDuration(), comment: '', ...fields, __run_num__: this.runNum } as StateResult;
    ret.__sls__ = low.__sls__;
    ret.__id__ = low.__id__;
    ret.name = low.name;
    return ret;
  }

  private matchChunks(req: Record<string, unknown>, chunks: LowChunk[], onMatch?: (chunk: LowChunk) => void): LowChunk[] {
    const key = firstKey(req)!;
    const val = req[key];
    const out: LowChunk[] = [];
    if (val === null || val === undefined) return out;
    for (const chunk of chunks) {
      if (key === 'sls') {
        if (globMatch(chunk.__sls__, pyStr(val))) {
          onMatch?.(chunk);
          out.push(chunk);
        }
        continue;
      }
      const pattern = pyStr(val);
      if (globMatch(chunk.name, pattern) || globMatch(chunk.__id__, pattern)) {
        if (key === 'id' || chunk.state === key) {
          onMatch?.(chunk);
          out.push(chunk);
        }
      }
    }
    return out;
  }

  /** Salt's `check_requisite`: the status of a chunk's requisites and the chunks they name. */
  private checkRequisite(low: LowChunk, running: StateReturn, chunks: LowChunk[], pre = false): [string, Record<string, LowChunk[]>] {
    let disabled = this.opts.disabled_requisites ?? [];
    if (!Array.isArray(disabled)) disabled = [disabled];
    let present = false;
    if ('watch' in low) {
      if (!this.options.states.has(`${low.state}.mod_watch`)) {
        if ('require' in low) low.require.push(...low.watch);
        else low.require = low.watch;
        delete low.watch;
      } else present = true;
    }
    if ('watch_any' in low) {
      if (!this.options.states.has(`${low.state}.mod_watch`)) {
        if ('require_any' in low) low.require_any.push(...low.watch_any);
        else low.require_any = low.watch_any;
        delete low.watch_any;
      } else present = true;
    }
    for (const k of ['require', 'require_any', 'prerequired', 'prereq', 'onfail', 'onfail_any', 'onfail_all', 'onchanges', 'onchanges_any']) {
      if (k in low) present = true;
    }
    if (!present) return ['met', {}];
    const reqs: Record<string, LowChunk[]> = {
      require: [], require_any: [], watch: [], watch_any: [], prereq: [], onfail: [], onfail_any: [], onfail_all: [],
      onchanges: [], onchanges_any: [],
    };
    if (pre) reqs.prerequired = [];
    for (const rState of Object.keys(reqs)) {
      if (!(rState in low) || low[rState] === null || low[rState] === undefined) continue;
      if ((disabled as unknown[]).includes(rState)) continue;
      for (const raw of low[rState] as unknown[]) {
        const req = asReq(raw);
        const key = firstKey(req)!;
        if (req[key] === null || req[key] === undefined) continue;
        const found = this.matchChunks(req, chunks);
        reqs[rState].push(...found);
        if (!found.length) return ['unmet', {}];
      }
    }
    const funStats = new Set<string>();
    for (const [rState, rChunks] of Object.entries(reqs)) {
      const reqStats = new Set<string>();
      const runDict = rState.startsWith('prereq') && !rState.startsWith('prerequired') ? this.pre : running;
      for (const chunk of rChunks) {
        const tag = genTag(chunk);
        const r = runDict[tag];
        if (!r) {
          reqStats.add('unmet');
          continue;
        }
        if (rState.startsWith('onfail')) {
          if (r.result === true) {
            reqStats.add('onfail');
            continue;
          }
        } else if (r.result === false) {
          reqStats.add('fail');
          continue;
        }
        if (rState.startsWith('onchanges')) {
          reqStats.add(isEmpty(r.changes) ? 'onchanges' : 'onchangesmet');
          continue;
        }
        if (rState.startsWith('watch') && !isEmpty(r.changes)) {
          reqStats.add('change');
          continue;
        }
        if (rState.startsWith('prereq') && r.result === null) {
          if (!rState.startsWith('prerequired')) reqStats.add('premet');
        }
        if (rState.startsWith('prereq') && r.result !== null) {
          if (!rState.startsWith('prerequired')) reqStats.add('pre');
        } else if (r.__state_ran__ ?? true) {
          reqStats.add('met');
        }
      }
      if (rState.endsWith('_any') || rState === 'onfail') {
        if (reqStats.has('met') || reqStats.has('change')) reqStats.delete('fail');
        if (reqStats.has('onchangesmet')) {
          reqStats.delete('onchanges');
          reqStats.delete('fail');
        }
        if (reqStats.has('onfail') && reqStats.has('met')) reqStats.delete('onfail');
      }
      if (rState.endsWith('_all')) {
        if (reqStats.has('onfail') && reqStats.has('met')) reqStats.delete('met');
      }
      for (const s of reqStats) funStats.add(s);
    }
    let status: string;
    if (funStats.has('unmet')) status = 'unmet';
    else if (funStats.has('fail')) status = 'fail';
    else if (funStats.has('pre')) status = funStats.has('premet') ? 'met' : 'pre';
    else if (funStats.has('onfail') && !funStats.has('onchangesmet')) status = 'onfail';
    else if (funStats.has('onchanges') && !funStats.has('onchangesmet')) status = 'onchanges';
    else if (funStats.has('change')) status = 'change';
    else if (funStats.has('onfail')) status = 'onfail';
    else status = 'met';
    return [status, reqs];
  }

  /** Salt's `call_chunk`: runs a chunk's requisites first, then the chunk (or records why not). */
  private async callChunk(low: LowChunk, running: StateReturn, chunks: LowChunk[], depth = 0): Promise<StateReturn> {
    const tag = genTag(low);
    if (!low.prerequired) this.active.add(tag);
    const requisites = [...REQUISITES];
    let status: string;
    let reqs: Record<string, LowChunk[]>;
    if (!low.__prereq__) {
      requisites.push('prerequired');
      [status, reqs] = this.checkRequisite(low, running, chunks, true);
    } else {
      [status, reqs] = this.checkRequisite(low, running, chunks);
    }
    if (status === 'unmet') {
      const lost: Record<string, Record<string, unknown>[]> = {};
      const toRun: LowChunk[] = [];
      for (const requisite of requisites) {
        lost[requisite] = [];
        if (!(requisite in low)) continue;
        for (const raw of low[requisite] as unknown[]) {
          const req = asReq(raw);
          const found = this.matchChunks(req, chunks, (chunk) => {
            if (requisite === 'prereq') chunk.__prereq__ = true;
            else if (requisite === 'prerequired' && firstKey(req) !== 'sls') chunk.__prerequired__ = true;
          });
          toRun.push(...found);
          if (!found.length) lost[requisite].push(req);
        }
      }
      if (Object.values(lost).some((l) => l.length)) {
        let comment = 'The following requisites were not found:\n';
        for (const [requisite, lreqs] of Object.entries(lost)) {
          if (!lreqs.length) continue;
          comment += `${' '.repeat(19)}${requisite}:\n`;
          for (const lreq of lreqs) {
            const k = firstKey(lreq)!;
            comment += `${' '.repeat(23)}${k}: ${pyStr(lreq[k])}\n`;
          }
        }
        const runDict = low.__prereq__ ? this.pre : running;
        runDict[tag] = this.stub(low, { comment });
        this.runNum++;
        await this.fireChunkEvent(runDict[tag]!, chunks.length, low.fire_event);
        return running;
      }
      let lastChunk: LowChunk = low;
      for (const chunk of toRun) {
        lastChunk = chunk;
        const ctag = genTag(chunk);
        if (!(ctag in running)) {
          if (this.active.has(ctag)) {
            if (chunk.__prerequired__) {
              if (!(tag in this.pre)) {
                low.__prereq__ = true;
                this.pre[ctag] = await this.call(low, chunks, running);
              }
              return running;
            }
            running[tag] = this.stub(low, { comment: 'Recursive requisite found' });
            this.runNum++;
            return running;
          }
          running = await this.callChunk(chunk, running, chunks);
          if (this.checkFailhard(chunk, running)) {
            running.__FAILHARD__ = true as unknown as StateResult;
            return running;
          }
        }
      }
      if (low.__prereq__) {
        const [st] = this.checkRequisite(low, running, chunks);
        this.pre[tag] = await this.call(low, chunks, running);
        if (isEmpty(this.pre[tag].changes) && st === 'change') {
          this.pre[tag].changes = { watch: 'watch' };
          this.pre[tag].result = null;
        }
      } else {
        depth += 1;
        if (depth >= 20) {
          running[tag] = this.stub(low, { comment: 'Recursive requisite found' });
        } else {
          running = await this.callChunk(low, running, chunks, depth);
        }
      }
      if (this.checkFailhard(lastChunk, running)) {
        running.__FAILHARD__ = true as unknown as StateResult;
        return running;
      }
    } else if (status === 'met') {
      if (low.__prereq__) this.pre[tag] = await this.call(low, chunks, running);
      else running[tag] = await this.call(low, chunks, running);
    } else if (status === 'fail') {
      if (tag in this.pre) {
        if (!isEmpty(this.pre[tag].changes)) this.pre[tag].changes = {};
        running[tag] = this.pre[tag];
        running[tag].__run_num__ = this.runNum;
        running[tag].__sls__ = low.__sls__;
        running[tag].__id__ = low.__id__;
        running[tag].name = low.name;
      } else {
        const failed: string[] = [];
        for (const reqLows of Object.values(reqs)) {
          for (const reqLow of reqLows) {
            const rtag = genTag(reqLow);
            const r = this.pre[rtag] ?? running[rtag];
            if (!r) continue;
            if (r.result === false) {
              const key = `${reqLow.__sls__}.${reqLow.__id__}`;
              if (!failed.includes(key)) failed.push(key);
            }
          }
        }
        running[tag] = this.stub(low, { comment: `One or more requisite failed: ${failed.join(', ')}` });
        this.pre[tag] = running[tag];
      }
      this.runNum++;
    } else if (status === 'change' && !low.__prereq__) {
      let ret = await this.call(low, chunks, running);
      if (isEmpty(ret.changes) && !ret.skip_watch) {
        const watchLow: LowChunk = { ...low, sfun: low.fun, fun: 'mod_watch', __reqs__: reqs };
        ret = await this.call(watchLow, chunks, running);
      }
      running[tag] = ret;
    } else if (status === 'pre') {
      const preRet = this.stub(low, { result: true, comment: 'No changes detected' });
      running[tag] = preRet;
      this.pre[tag] = preRet;
      this.runNum++;
    } else if (status === 'onfail') {
      running[tag] = this.stub(low, {
        result: true,
        comment: 'State was not run because onfail req did not change',
        __state_ran__: false,
      });
      this.runNum++;
    } else if (status === 'onchanges') {
      running[tag] = this.stub(low, {
        result: true,
        comment: 'State was not run because none of the onchanges reqs changed',
        __state_ran__: false,
      });
      this.runNum++;
    } else if (low.__prereq__) {
      this.pre[tag] = await this.call(low, chunks, running);
    } else {
      running[tag] = await this.call(low, chunks, running);
    }
    if (tag in running) await this.fireChunkEvent(running[tag]!, chunks.length, low.fire_event);
    return running;
  }

  /**
   * Salt's `State.event`: with `state_events: True` every finished chunk is sent to the master as
   * `salt/job/<jid>/prog/<id>/<run_num>` (`{ret, len}`); a state's own `fire_event: True` (or a
   * string) sends `salt/state_result/<jid>/<id>/<name or string>` (`{ret}`). Not when local.
   */
  private async fireChunkEvent(chunkRet: StateResult, length: number, fireEvent: unknown): Promise<void> {
    const ctx = this.options.baseContext;
    const wanted = this.opts.state_events === true || (fireEvent !== undefined && fireEvent !== null && fireEvent !== false);
    if (!wanted || this.opts.local === true || !ctx.fireMaster) return;
    const id = String(this.opts.id ?? '');
    const jid = String(ctx.jid ?? '');
    const data: Record<string, unknown> = { ret: chunkRet };
    let tag: string;
    if (fireEvent === true) tag = `salt/state_result/${jid}/${id}/${pyStr(chunkRet.name)}`;
    else if (typeof fireEvent === 'string') tag = `salt/state_result/${jid}/${id}/${fireEvent}`;
    else {
      tag = `salt/job/${jid}/prog/${id}/${pyStr(chunkRet.__run_num__)}`;
      data.len = length;
    }
    try {
      await ctx.fireMaster(tag, data);
    } catch (err) {
      ctx.log.warn(`Could not send the state event ${tag}: ${(err as Error).message}`);
    }
  }

  /** Salt's `call`: verify, run checks, call the state function, record timing, retry. */
  private async call(low: LowChunk, chunks: LowChunk[], running: StateReturn, retries = 1): Promise<StateResult> {
    const started = new Date();
    const t0 = process.hrtime.bigint();
    const full = `${low.state}.${low.fun}`;
    const errors = await this.verifyData(low);
    if (errors.length) {
      const ret: StateResult = { result: false, name: low.name, changes: {}, comment: errors.map((e) => `${e}\n`).join('') };
      ret.__run_num__ = this.runNum++;
      return ret;
    }
    let ret: StateResult = { result: false, name: low.name, changes: {} } as StateResult;
    const isPrereq = !!low.__prereq__;
    const test = isPrereq ? true : this.testMode;
    let warnings: string[] | undefined;
    try {
      if (['unless', 'onlyif', 'creates'].some((k) => k in low) && !this.options.states.has(`${low.state}.mod_run_check`)) {
        Object.assign(ret, await this.runCheck(low));
      }
      if (!('result' in ret) || ret.result === false) {
        const func = (await this.options.states.get(full))!;
        const { kwargs, warnings: w } = formatCall(func.signature, low, full);
        warnings = w;
        const ctx = this.stateContext(low, running, test);
        const out = await func.fn(ctx, [], kwargs);
        ret = normaliseResult(out);
      } else if (Array.isArray(ret.comment)) {
        ret.comment = ret.comment.join('\n');
      }
      if ('check_cmd' in low) {
        Object.assign(ret, await this.runCheckCmd(low));
      }
    } catch (err) {
      const name = low.name ?? low.__id__;
      ret = { result: false, name, changes: {}, comment: `An exception occurred in this state: ${pyTraceback(err)}` };
    }
    if (warnings?.length) ((ret.warnings as string[] | undefined) ?? (ret.warnings = [])) && (ret.warnings as string[]).push(...warnings);
    if (isPrereq) {
      low.__prereq__ = false;
      return ret;
    }
    ret.__sls__ = low.__sls__ ?? null;
    ret.__run_num__ = this.runNum++;
    ret.start_time = isoTime(started);
    ret.duration = pyFloat(Number(process.hrtime.bigint() - t0) / 1e6);
    ret.__id__ = low.__id__;
    if ('retry' in low && !('parallel' in low)) {
      const retry = verifyRetryData(low.retry);
      low.retry = retry;
      if (!test) {
        if (retry.until !== ret.result && retry.attempts > retries) {
          const interval = retry.interval + (retry.splay ? Math.floor(Math.random() * (retry.splay + 1)) : 0);
          if (interval > 0) await sleep(interval * 1000);
          const orig = ret;
          ret = await this.call(low, chunks, running, retries + 1);
          ret.comment = [
            `Attempt ${retries}: Returned a result of "${pyBool(orig.result)}", with the following comment: "${pyStr(orig.comment)}"`,
            ret.comment ? pyStr(ret.comment) : '',
          ].join('\n');
          ret.duration = pyFloat((Number(ret.duration) || 0) + (Number(orig.duration) || 0) + interval * 1000);
          if (retries === 1) ret.start_time = orig.start_time;
        }
      } else {
        ret.comment = [
          ret.comment ? pyStr(ret.comment) : '',
          `The state would be retried every ${retry.interval} seconds (with a splay of up to ${retry.splay} seconds) a maximum of ${retry.attempts} times or until a result of ${pyBool(retry.until)} is returned`,
        ].join('  ');
      }
    }
    return ret;
  }

  private stateContext(low: LowChunk, running: StateReturn, test: boolean): StateCallContext {
    const base = this.options.baseContext;
    return {
      ...base,
      opts: test ? this.optsTest : this.optsReal,
      test,
      low,
      running,
      env: typeof low.saltenv === 'string' ? low.saltenv : typeof low.__env__ === 'string' ? low.__env__ : 'base',
      fileClient: this.options.fileClient,
    };
  }

  /** Salt's `verify_data`, as far as a compiled chunk can still be wrong. */
  private async verifyData(low: LowChunk): Promise<string[]> {
    const errors: string[] = [];
    if (low.name && typeof low.name !== 'string') {
      errors.push(`ID '${pyStr(low.name)}' ${'__sls__' in low ? `in SLS '${low.__sls__}' ` : ''}is not formed as a string, but is a ${typeof low.name === 'number' ? 'int' : 'dict'}`);
    }
    if (errors.length) return errors;
    const full = `${low.state}.${low.fun}`;
    const func = await this.options.states.get(full);
    if (!func) {
      if ('__sls__' in low) {
        errors.push(`State '${full}' was not found in SLS '${low.__sls__}'`);
        errors.push(`Reason: ${this.options.states.missingFunString(full)}`);
      } else errors.push(`Specified state '${full}' was not found`);
    } else {
      const sig = func.signature;
      for (const arg of sig.args) {
        if (!(arg in (sig.defaults ?? {})) && !(arg in low)) errors.push(`Missing parameter ${arg} for state ${full}`);
      }
    }
    return errors;
  }

  /** Salt's `_run_check`: onlyif / unless / creates. */
  private async runCheck(low: LowChunk): Promise<Record<string, unknown>> {
    const ret: Record<string, any> = { result: false, comment: [] };
    for (const k of ['__sls__', '__id__', 'name']) ret[k] = low[k];
    const cmdOpts: Record<string, unknown> = {};
    let exclude = low.cmd_opts_exclude ?? [];
    if (!Array.isArray(exclude)) exclude = [exclude];
    for (const a of ['cwd', 'root', 'runas', 'env', 'prepend_path', 'umask', 'timeout', 'success_retcodes']) {
      if (!exclude.includes(a) && low[a] !== undefined && low[a] !== null) cmdOpts[a] = low[a];
    }
    const grains = this.options.baseContext.grains;
    if ('shell' in low && !exclude.includes('shell')) cmdOpts.shell = low.shell;
    else if (grains && 'shell' in grains) cmdOpts.shell = grains.shell;
    if ('onlyif' in low) {
      const r = await this.runCheckOnlyif(low, cmdOpts);
      ret.result = r.result;
      ret.comment.push(r.comment);
      if ('skip_watch' in r) ret.skip_watch = r.skip_watch;
    }
    if ('unless' in low) {
      const r = await this.runCheckUnless(low, cmdOpts);
      ret.result = r.result || ret.result;
      ret.comment.push(r.comment);
      if ('skip_watch' in r) ret.skip_watch = r.skip_watch || ret.skip_watch;
    }
    if ('creates' in low) {
      const c = low.creates;
      let r: Record<string, unknown>;
      if (typeof c === 'string' && existsSync(c)) r = { comment: `${c} exists`, result: true, skip_watch: true };
      else if (Array.isArray(c) && c.every((p) => existsSync(pyStr(p)))) r = { comment: 'All files in creates exist', result: true, skip_watch: true };
      else r = { comment: 'Creates files not found', result: false };
      ret.result = r.result || ret.result;
      ret.comment.push(r.comment);
      if ('skip_watch' in r) ret.skip_watch = r.skip_watch || ret.skip_watch;
    }
    return ret;
  }

  private async retcodeOf(cmd: string, cmdOpts: Record<string, unknown>, fallback: number): Promise<number> {
    try {
      const rc = await this.options.baseContext.salt('cmd.retcode', [cmd], { ignore_retcode: true, python_shell: true, ...cmdOpts });
      return Number(rc);
    } catch {
      return fallback;
    }
  }

  private async runCheckFunction(entry: Record<string, unknown>): Promise<{ result: unknown; retcode: number }> {
    const e = { ...entry };
    const fun = pyStr(e.fun);
    delete e.fun;
    const args = Array.isArray(e.args) ? e.args : [];
    delete e.args;
    const base = this.options.baseContext;
    delete base.context.retcode;
    const result = await base.salt(fun, args, e);
    return { result, retcode: Number(base.context.retcode ?? 0) || 0 };
  }

  private async runCheckOnlyif(low: LowChunk, cmdOpts: Record<string, unknown>): Promise<Record<string, unknown>> {
    const ret: Record<string, unknown> = { result: false };
    const entries = Array.isArray(low.onlyif) ? low.onlyif : [low.onlyif];
    const check = (rc: number): boolean => {
      if (rc !== 0 && ret.result === false) {
        Object.assign(ret, { comment: 'onlyif condition is false', skip_watch: true, result: true });
        return false;
      } else if (rc === 0) Object.assign(ret, { comment: 'onlyif condition is true', result: false });
      return true;
    };
    for (const entry of entries) {
      if (typeof entry === 'string') {
        if (!check(await this.retcodeOf(entry, cmdOpts, 100))) return ret;
      } else if (isDict(entry)) {
        if (!('fun' in entry)) {
          ret.comment = `no \`fun\` argument in onlyif: ${pyStr(entry)}`;
          return ret;
        }
        const e = { ...entry };
        const getReturn = e.get_return;
        delete e.get_return;
        let { result, retcode } = await this.runCheckFunction(e);
        if (getReturn) result = traverse(result, pyStr(getReturn));
        if (retcode) {
          if (!check(retcode)) return ret;
        } else if (!pyTruthy(result)) {
          Object.assign(ret, { comment: 'onlyif condition is false', skip_watch: true, result: true });
          return ret;
        } else {
          Object.assign(ret, { comment: 'onlyif condition is true', result: false });
        }
      } else {
        Object.assign(ret, { comment: 'onlyif execution failed, bad type passed', result: false });
        return ret;
      }
    }
    return ret;
  }

  private async runCheckUnless(low: LowChunk, cmdOpts: Record<string, unknown>): Promise<Record<string, unknown>> {
    const ret: Record<string, unknown> = { result: false };
    const entries = Array.isArray(low.unless) ? low.unless : [low.unless];
    const check = (rc: number): boolean => {
      if (rc === 0) {
        Object.assign(ret, { comment: 'unless condition is true', skip_watch: true, result: true });
        return false;
      }
      delete ret.skip_watch;
      Object.assign(ret, { comment: 'unless condition is false', result: false });
      return true;
    };
    for (const entry of entries) {
      if (typeof entry === 'string') {
        if (check(await this.retcodeOf(entry, cmdOpts, 0))) return ret;
      } else if (isDict(entry)) {
        if (!('fun' in entry)) {
          ret.comment = `no \`fun\` argument in unless: ${pyStr(entry)}`;
          return ret;
        }
        const e = { ...entry };
        const getReturn = e.get_return;
        delete e.get_return;
        let { result, retcode } = await this.runCheckFunction(e);
        if (getReturn) result = traverse(result, pyStr(getReturn));
        if (retcode) {
          if (check(retcode)) return ret;
        } else if (pyTruthy(result)) {
          Object.assign(ret, { comment: 'unless condition is true', skip_watch: true, result: true });
        } else {
          Object.assign(ret, { comment: 'unless condition is false', result: false });
          return ret;
        }
      } else {
        Object.assign(ret, { comment: 'unless condition is false, bad type passed', result: false });
      }
    }
    return ret;
  }

  private async runCheckCmd(low: LowChunk): Promise<Record<string, unknown>> {
    const ret: Record<string, unknown> = { result: false };
    for (const k of ['__sls__', '__id__', 'name']) ret[k] = low[k];
    const cmdOpts: Record<string, unknown> = {};
    const grains = this.options.baseContext.grains;
    if (grains && 'shell' in grains) cmdOpts.shell = grains.shell;
    const entries = Array.isArray(low.check_cmd) ? low.check_cmd : [low.check_cmd];
    for (const entry of entries) {
      const rc = await this.retcodeOf(pyStr(entry), cmdOpts, 1);
      if (rc === 0 && ret.result === false) Object.assign(ret, { comment: 'check_cmd determined the state succeeded', result: true });
      else if (rc !== 0) {
        Object.assign(ret, { comment: 'check_cmd determined the state failed', result: false });
        return ret;
      }
    }
    return ret;
  }

  /** Salt's `call_listen`: `mod_watch` runs for listeners whose targets changed, at the end. */
  async callListen(chunks: LowChunk[], running: StateReturn): Promise<StateReturn> {
    const listeners: Array<[[string, string, string], unknown[]]> = [];
    const crefs: Array<[[string, string, string], LowChunk]> = [];
    for (const chunk of chunks) {
      crefs.push([[chunk.state, chunk.__id__, chunk.name], chunk]);
      if ('listen' in chunk) listeners.push([[chunk.state, chunk.__id__, chunk.name], chunk.listen]);
      if ('listen_in' in chunk) {
        for (const lIn of chunk.listen_in as unknown[]) {
          if (!isDict(lIn)) continue;
          for (const [k, v] of Object.entries(lIn)) listeners.push([[k, pyStr(v), 'lookup'], [{ [chunk.state]: chunk.__id__ }]]);
        }
      }
    }
    const inCref = (state: string, val: string, cref: [string, string, string]) => state === cref[0] && cref.includes(val);
    const modWatchers: LowChunk[] = [];
    const errors: StateReturn = {};
    const lTag = (name: string, id: string) => genTag({ name: `listen_${name}`, __id__: `listen_${id}`, state: 'Listen_Error', fun: 'Listen_Error' });
    for (const [key, val] of listeners) {
      for (let listenTo of (val ?? []) as unknown[]) {
        if (!isDict(listenTo)) {
          let found = false;
          for (const chunk of chunks) {
            if (chunk.__id__ === listenTo || chunk.name === listenTo) {
              listenTo = { [chunk.state]: chunk.__id__ };
              found = true;
            }
          }
          if (!found) continue;
        }
        for (const [lkey, lvalRaw] of Object.entries(listenTo as Record<string, unknown>)) {
          const lval = pyStr(lvalRaw);
          if (!crefs.some(([cref]) => inCref(lkey, lval, cref))) {
            errors[lTag(lkey, lval)] = {
              comment: `Referenced state ${lkey}: ${lval} does not exist`,
              name: `listen_${lkey}:${lval}`,
              result: false,
              changes: {},
            };
            continue;
          }
          const toTags = crefs.filter(([cref]) => inCref(lkey, lval, cref)).map(([, data]) => genTag(data));
          for (const toTag of toTags) {
            if (!(toTag in running)) continue;
            if (isEmpty(running[toTag].changes)) continue;
            if (!crefs.some(([cref]) => inCref(key[0], key[1], cref))) {
              errors[lTag(key[0], key[1])] = {
                comment: `Referenced state ${key[0]}: ${key[1]} does not exist`,
                name: `listen_${key[0]}:${key[1]}`,
                result: false,
                changes: {},
              };
              continue;
            }
            for (const [, chunk] of crefs.filter(([cref]) => inCref(key[0], key[1], cref))) {
              const low: LowChunk = { ...chunk, sfun: chunk.fun, fun: 'mod_watch', __id__: `listener_${chunk.__id__}` };
              for (const req of STATE_REQUISITE_KEYWORDS) delete low[req];
              modWatchers.push(low);
            }
          }
        }
      }
    }
    const ret = await this.callChunks(modWatchers);
    Object.assign(running, ret);
    for (const err of Object.values(errors)) err.__run_num__ = this.runNum++;
    Object.assign(running, errors);
    return running;
  }
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

function pyTruthy(v: unknown): boolean {
  return !isEmpty(v);
}

function pyBool(v: unknown): string {
  return v === true ? 'True' : v === false ? 'False' : v === null || v === undefined ? 'None' : pyStr(v);
}

function traverse(data: unknown, path: string): unknown {
  let cur: any = data;
  for (const part of path.split(':')) {
    if (cur === null || cur === undefined) return undefined;
    if (Array.isArray(cur)) cur = cur[Number(part)];
    else if (typeof cur === 'object') cur = cur[part];
    else return undefined;
  }
  return cur;
}

interface RetryData {
  until: boolean;
  attempts: number;
  interval: number;
  splay: number;
}

function verifyRetryData(data: unknown): RetryData {
  const defaults: RetryData = { until: true, attempts: 2, splay: 0, interval: 30 };
  if (!isDict(data)) return defaults;
  const out = { ...defaults };
  if (typeof data.until === 'boolean') out.until = data.until;
  for (const k of ['attempts', 'interval', 'splay'] as const) {
    if (k in data) {
      const v = data[k];
      if (typeof v === 'number' && Number.isInteger(v)) out[k] = v;
    }
  }
  return out;
}

/** A state function's return as a result map (comment lists are joined like Salt's OutputUnifier). */
function normaliseResult(out: unknown): StateResult {
  if (!isDict(out)) {
    return { result: false, name: undefined, changes: {}, comment: `Malformed state return: ${pyStr(out)}` } as StateResult;
  }
  const ret = out as StateResult;
  if (Array.isArray(ret.comment)) ret.comment = ret.comment.map((c) => pyStr(c)).join('\n');
  return ret;
}

/**
 * Salt's `format_call` for a state function: named parameters taken from the chunk, and, when
 * the function takes `**kwargs`, every other non-internal key; unknown keys otherwise become a
 * warning.
 */
export function formatCall(
  signature: { args: string[]; defaults?: Record<string, unknown>; kwargs?: boolean },
  low: LowChunk,
  full: string,
): { kwargs: Record<string, unknown>; warnings?: string[] } {
  const kwargs: Record<string, unknown> = {};
  const named = new Set(signature.args);
  for (const arg of signature.args) if (arg in low) kwargs[arg] = low[arg];
  const extra: string[] = [];
  for (const [k, v] of Object.entries(low)) {
    if (named.has(k) || STATE_INTERNAL_KEYWORDS.has(k)) continue;
    if (signature.kwargs) kwargs[k] = v;
    else extra.push(k);
  }
  if (!extra.length) return { kwargs };
  const msg =
    extra.length === 1
      ? `'${extra[0]}' is an invalid keyword argument for '${full}'`
      : `${extra.slice(0, -1).map((k) => `'${k}'`).join(', ')} and '${extra[extra.length - 1]}' are invalid keyword arguments for '${full}'`;
  return {
    kwargs,
    warnings: [
      `${msg}. If you were trying to pass additional data to be used in a template context, please populate 'context' with 'key: value' pairs. Your approach will work until Salt Potassium is out.`,
    ],
  };
}
