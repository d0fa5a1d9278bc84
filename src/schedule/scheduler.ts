/**
 * The scheduler (Salt's `salt.utils.schedule.Schedule`): every second it evaluates the jobs of
 * `opts.schedule` and the pillar's `schedule`, runs those that are due through a runner callback,
 * and sends their returns to the master. Timing options: `seconds`/`minutes`/`hours`/`days`,
 * `cron`, `when`, `once` (+ `once_fmt`), `splay` (seconds or `{start, end}`), `range`
 * (`{start, end, invert}`), `skip_during_range`, `after`, `until`, `run_on_start`; control:
 * `enabled`, `maxrunning`, `jid_include`, `return_job`, `returner`, `metadata`, `dry_run`.
 *
 * Per-job timing state (Salt's `_next_fire_time`, `_splay`...) is kept beside the job's data
 * object, not in it, so it disappears when a job is replaced and never reaches the saved file.
 */
import { readLiveDict, type LiveDict } from '../live_dict.js';
import { genJid } from '../protocol/jid.js';
import { nullLogger, type Logger } from '../log/logger.js';
import { CronExpression } from './cron.js';
import { parseDate, strftime, strptime } from './dates.js';
import { isDict, readSavedSchedule, scheduleConfPath, writeYamlConf } from './persist.js';
import { ScheduleDataError } from './errors.js';
import type { ScheduleControl, ScheduleReturnSender, ScheduleRunner, ScheduleRunResult, ScheduleWhere } from './types.js';

type Dict = Record<string, unknown>;

/** Schedule keys that are settings of the whole schedule, not jobs. */
const GLOBAL_KEYS = new Set(['enabled', 'skip_function', 'skip_during_range', 'splay']);
const TIME_ELEMENTS = ['seconds', 'minutes', 'hours', 'days'] as const;
const SCHEDULING_ELEMENTS = ['when', 'cron', 'once'] as const;

/** How a {@link Scheduler} is set up. */
export interface SchedulerOptions {
  /** The daemon options; `opts.schedule` is the live config schedule (mutated in place, as in Salt). */
  opts: Dict;
  /** The pillar (its `schedule` and `whens`), or a getter for the current one; default `opts.pillar`. */
  pillar?: LiveDict;
  /** The grains (their `whens`); default `opts.grains`. */
  grains?: LiveDict;
  /** Runs a due job; without one, due jobs are only logged (an offline scheduler). */
  run?: ScheduleRunner;
  /** Sends a job's return load to the master (`return_job`). */
  sendReturn?: ScheduleReturnSender;
  log?: Logger;
  /** The clock (tests pass a fake one). Default: `new Date()`. */
  clock?: () => Date;
  /** A random integer in [lo, hi] (for `splay`). Default: Math.random based. */
  randomInt?: (lo: number, hi: number) => number;
  /** Jobs whose name starts with one of these are deleted at start (Salt's `cleanup`). */
  cleanup?: string[];
}

/** Timing state of one job (Salt's underscore keys). */
interface JobState {
  seconds?: number;
  nextFire: Date | null;
  nextScheduled?: Date | null;
  splayAt: Date | null;
  runOnStart?: boolean;
  whenRun?: boolean;
  lastRun?: Date;
  skipped?: { reason: string; at: Date };
  error?: string;
}

/** What evaluating one job decided (for tests and logs). */
export interface JobDecision {
  name: string;
  run: boolean;
  jid?: string;
  skipReason?: string;
  error?: string;
}

function deepCopy<T>(v: T): T {
  return structuredClone(v);
}

function functionOf(data: Dict): string | undefined {
  const f = data.function ?? data.func ?? data.fun;
  return typeof f === 'string' ? f : undefined;
}

function toInt(v: unknown, what: string, job: string): number {
  const n = typeof v === 'number' ? Math.trunc(v) : typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (Number.isNaN(n)) throw new ScheduleDataError(`Scheduled job ${job}: ${what} must be an integer, got ${JSON.stringify(v)}`);
  return n;
}

const chopMs = (d: Date): number => d.getTime() - d.getMilliseconds();

/** Python's time.ctime(): `Thu Nov  6 01:39:17 2026`. */
function ctime(d: Date): string {
  return strftime(d, '%a %b ') + String(d.getDate()).padStart(2, ' ') + strftime(d, ' %H:%M:%S %Y');
}

/** `+HHMM`/`-HHMM` of the local time zone (Salt's `timezone.get_offset`). */
function tzOffset(d: Date): string {
  const off = -d.getTimezoneOffset();
  const abs = Math.abs(off);
  return `${off < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

/** The scheduler; see the module comment. Implements what `schedule.*` needs ({@link ScheduleControl}). */
export class Scheduler implements ScheduleControl {
  readonly opts: Dict;
  private readonly log: Logger;
  private readonly clock: () => Date;
  private readonly randomInt: (lo: number, hi: number) => number;
  private readonly state = new WeakMap<object, JobState>();
  private readonly running = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private enabled = true;
  private skipFunction: string | undefined;
  private skipDuringRange: unknown;
  private globalSplay: unknown;

  constructor(private readonly options: SchedulerOptions) {
    this.opts = options.opts;
    if (!isDict(this.opts.schedule)) this.opts.schedule = {};
    this.log = options.log ?? nullLogger;
    this.clock = options.clock ?? (() => new Date());
    this.randomInt = options.randomInt ?? ((lo, hi) => lo + Math.floor(Math.random() * (hi - lo + 1)));
    for (const prefix of options.cleanup ?? []) {
      for (const name of Object.keys(this.optsSchedule())) if (name.startsWith(prefix)) delete this.optsSchedule()[name];
    }
  }

  private optsSchedule(): Dict {
    if (!isDict(this.opts.schedule)) this.opts.schedule = {};
    return this.opts.schedule as Dict;
  }

  private pillar(): Dict {
    return readLiveDict(this.options.pillar, this.opts.pillar);
  }

  private grains(): Dict {
    return readLiveDict(this.options.grains, this.opts.grains);
  }

  /**
   * The live schedule: pillar jobs, then config jobs over them (Salt's `_get_schedule`). The job
   * objects are the live ones (not copies).
   * @throws ScheduleDataError when the pillar or config `schedule` is not a map.
   */
  private schedule(includeOpts = true, includePillar = true): Dict {
    const out: Dict = {};
    if (includePillar) {
      const ps = this.pillar().schedule ?? {};
      if (!isDict(ps)) throw new ScheduleDataError('Schedule must be of type dict.');
      Object.assign(out, ps);
    }
    if (includeOpts) Object.assign(out, this.optsSchedule());
    return out;
  }

  // ---- timer ---------------------------------------------------------------------------------

  /** Starts evaluating every second (Salt's periodic callback), first after `delayMs`. */
  start(delayMs = 1000): void {
    if (this.timer) return;
    const tick = (): void => {
      try {
        this.eval();
      } catch (err) {
        this.log.error(`Exception ${(err as Error).message} occurred in scheduled job`);
      }
    };
    setTimeout(tick, 0).unref();
    this.timer = setInterval(tick, Math.max(delayMs, 1000));
    this.timer.unref();
  }

  /** Stops the timer; running jobs finish on their own. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** How many runs of the job `name` are in progress. */
  runningCount(name: string): number {
    return this.running.get(name) ?? 0;
  }

  // ---- evaluation ----------------------------------------------------------------------------

  private stateOf(data: Dict): JobState {
    let st = this.state.get(data);
    if (!st) {
      st = { nextFire: null, splayAt: null };
      this.state.set(data, st);
    }
    return st;
  }

  private splaySeconds(splay: unknown): number | null {
    if (isDict(splay)) {
      const start = Number(splay.start);
      const end = Number(splay.end);
      if (end >= start) return this.randomInt(start, end);
      this.log.error('schedule.handle_func: Invalid Splay, end must be larger than start. Ignoring splay.');
      return null;
    }
    return this.randomInt(1, Number(splay));
  }

  /**
   * Evaluates every job once at `now` and starts those that are due. Returns what was decided
   * per job (jobs without a timing option are left out).
   * @throws ScheduleDataError when the schedule is not a map.
   */
  eval(now: Date = this.clock()): JobDecision[] {
    const loopMs = Number(this.opts.loop_interval ?? 1) * 1000;
    const schedule = this.schedule();
    if ('skip_function' in schedule) this.skipFunction = schedule.skip_function as string;
    if ('skip_during_range' in schedule) this.skipDuringRange = schedule.skip_during_range;
    if ('enabled' in schedule) this.enabled = !!schedule.enabled;
    if ('splay' in schedule) this.globalSplay = schedule.splay;
    const decisions: JobDecision[] = [];
    for (const [job, data] of Object.entries(schedule)) {
      if (GLOBAL_KEYS.has(job)) continue;
      if (!isDict(data)) {
        this.log.error(`Scheduled job "${job}" should have a dict value, not ${data === null ? 'None' : typeof data}`);
        continue;
      }
      try {
        const d = this.evalJob(job, data, now, loopMs);
        if (d) decisions.push(d);
      } catch (err) {
        const st = this.stateOf(data);
        st.error = `${(err as Error).message}. Ignoring job ${job}.`;
        this.log.error(st.error);
        decisions.push({ name: job, run: false, error: st.error });
      }
    }
    return decisions;
  }

  private evalJob(job: string, data: Dict, now: Date, loopMs: number): JobDecision | undefined {
    const st = this.stateOf(data);
    delete st.error;
    delete st.skipped;
    const name = typeof data.name === 'string' ? data.name : job;
    let func = functionOf(data);
    if (data.run_on_start && st.runOnStart === undefined) st.runOnStart = true;

    const keys = new Set(Object.keys(data));
    const sched = SCHEDULING_ELEMENTS.filter((k) => keys.has(k));
    if (sched.length > 1) {
      this.log.error(`Unable to use "${SCHEDULING_ELEMENTS.join('", "')}" options together. Ignoring.`);
      return undefined;
    }
    const hasTime = TIME_ELEMENTS.some((k) => keys.has(k));
    if (sched.length === 1 && hasTime) {
      this.log.error(`Unable to use "${TIME_ELEMENTS.join('", "')}" with "${SCHEDULING_ELEMENTS.join('", "')}" options. Ignoring`);
      return undefined;
    }

    let run = false;
    let skipJob = false;
    if (hasTime) {
      if (st.seconds === undefined) {
        const interval =
          toInt(data.seconds ?? 0, 'seconds', job) +
          toInt(data.minutes ?? 0, 'minutes', job) * 60 +
          toInt(data.hours ?? 0, 'hours', job) * 3600 +
          toInt(data.days ?? 0, 'days', job) * 86400;
        st.seconds = interval;
        st.nextFire ??= new Date(now.getTime() + interval * 1000);
        st.nextScheduled = new Date(now.getTime() + interval * 1000);
      }
    } else if (keys.has('once')) {
      // Salt's window check alone could run a `once` job twice when two evaluations fall within
      // one loop interval of its time; a job that ran is done.
      if (st.lastRun) skipJob = true;
      if (st.nextFire && (st.nextFire.getTime() < now.getTime() - loopMs || (st.nextFire > now && !st.splayAt))) skipJob = true;
      if (!st.nextFire && !st.splayAt) {
        const fmt = typeof data.once_fmt === 'string' ? data.once_fmt : '%Y-%m-%dT%H:%M:%S';
        let once: Date;
        try {
          once = strptime(data.once, fmt);
        } catch {
          throw new ScheduleDataError(`Date string could not be parsed: ${String(data.once)}, ${fmt}`);
        }
        st.nextFire = once;
        st.nextScheduled = once;
        if (once.getTime() < now.getTime() - loopMs) skipJob = true;
      }
    } else if (keys.has('when')) {
      skipJob = this.handleWhen(job, data, st, now, loopMs, run);
    } else if (keys.has('cron')) {
      if (st.nextFire === null) {
        const next = CronExpression.parse(String(data.cron)).next(now);
        st.nextFire = next;
        st.nextScheduled = next;
      }
    } else {
      return undefined;
    }
    if (skipJob || !st.nextFire) return { name: job, run: false };

    let seconds = Math.trunc((chopMs(st.nextFire) - chopMs(now)) / 1000);
    const splay = 'splay' in data ? data.splay : this.globalSplay;
    if (splay) {
      if (!st.splayAt) {
        const s = this.splaySeconds(splay);
        if (s !== null) {
          if (now.getTime() < st.nextFire.getTime() + s * 1000) {
            st.splayAt = new Date(st.nextFire.getTime() + s * 1000);
            if (keys.has('when')) st.whenRun = true;
          } else {
            run = true;
          }
        }
      }
      if (st.splayAt) {
        seconds = (st.splayAt.getTime() - now.getTime()) / 1000;
        if (keys.has('when')) st.nextFire = st.splayAt;
      }
    }

    const inWindow = (t: Date): boolean => t <= now && now.getTime() <= t.getTime() + loopMs;
    if (st.seconds !== undefined) {
      if (seconds <= 0) run = true;
    } else if (keys.has('when') && st.whenRun) {
      if (inWindow(st.nextFire)) {
        st.whenRun = false;
        run = true;
      }
    } else if (keys.has('cron')) {
      if (seconds <= 0) {
        st.nextFire = null;
        run = true;
      }
    } else if (keys.has('once')) {
      if (inWindow(st.nextFire)) run = true;
    }

    if (st.runOnStart) {
      run = true;
      st.runOnStart = false;
    } else if (run) {
      const r = this.applyWindows(job, data, st, now, loopMs);
      run = r.run;
      if (r.func) func = r.func;
    }

    if (!this.enabled || data.enabled === false || data.enabled === 'false') {
      st.skipped = { reason: 'disabled', at: now };
      run = false;
    }

    let jid: string | undefined;
    if (run) {
      if (data.jid_include === undefined || data.jid_include) {
        data.jid_include = true;
        if (!('maxrunning' in data)) {
          this.log.info(`schedule: maxrunning parameter was not specified for job ${job}, defaulting to 1.`);
          data.maxrunning = 1;
        }
        if (this.runningCount(name) >= Number(data.maxrunning)) {
          this.log.debug(`schedule.handle_func: The scheduled job ${name} was not started, ${data.maxrunning} already running`);
          st.skipped = { reason: 'maxrunning', at: now };
          run = false;
        }
      }
    }
    if (run) {
      jid = genJid({ now });
      const missed = seconds < 0 ? ` (runtime missed by ${Math.abs(seconds)} seconds)` : '';
      this.log.info(`Running scheduled job: ${job}${missed} with jid ${jid}`);
      this.startJob(func, { ...data, name }, jid);
      st.lastRun = now;
      st.splayAt = null;
    }
    if (st.seconds !== undefined) {
      if (st.skipped) {
        if (st.nextFire && st.nextFire <= now) st.nextFire = new Date(now.getTime() + st.seconds * 1000);
      } else if (run) {
        st.nextFire = new Date(now.getTime() + st.seconds * 1000);
      }
    }
    return { name: job, run, jid, skipReason: st.skipped?.reason };
  }

  /** `when`: a date, a list of dates, or names looked up in pillar/grains `whens`. Returns "skip this job now". */
  private handleWhen(job: string, data: Dict, st: JobState, now: Date, loopMs: number, run: boolean): boolean {
    const raw = Array.isArray(data.when) ? data.when : [data.when];
    const whens: Date[] = [];
    const pillarWhens = this.pillar().whens;
    const grainWhens = this.grains().whens;
    for (const item of raw) {
      let value: unknown = item;
      if (pillarWhens !== undefined && isDict(pillarWhens) && typeof item === 'string' && item in pillarWhens) value = pillarWhens[item];
      else if (grainWhens !== undefined && isDict(grainWhens) && typeof item === 'string' && item in grainWhens) value = grainWhens[item];
      try {
        whens.push(parseDate(value, now));
      } catch {
        throw new ScheduleDataError(`Invalid date string ${String(item)}`);
      }
    }
    if (st.splayAt) whens.push(st.splayAt);
    whens.sort((a, b) => a.getTime() - b.getTime());
    // Drop missed times except the latest one (needed to know it was already triggered).
    while (whens.length > 1 && whens[0].getTime() < now.getTime() - loopMs) whens.shift();
    if (whens.length === 0) {
      if (!st.whenRun) {
        st.nextFire = null;
        return true;
      }
      return false;
    }
    const when = whens[0];
    if (when.getTime() < now.getTime() - loopMs && !st.whenRun && !run && !st.splayAt) {
      st.nextFire = null;
      return true;
    }
    if (st.whenRun === undefined) st.whenRun = when.getTime() >= now.getTime() - loopMs;
    if (!st.nextFire) st.nextFire = when;
    st.nextScheduled = when;
    if (st.nextFire < when && !run && !st.whenRun) {
      st.nextFire = when;
      st.whenRun = true;
    }
    void job;
    return false;
  }

  /** `range`, `skip_during_range`, `until`, `after`: whether a due job still runs (and with which function). */
  private applyWindows(job: string, data: Dict, st: JobState, now: Date, _loopMs: number): { run: boolean; func?: string } {
    let run = true;
    let func: string | undefined;
    const dates = (spec: unknown, what: string): { start: Date; end: Date } => {
      if (!isDict(spec)) throw new ScheduleDataError(`schedule.handle_func: Invalid, ${what} must be specified as a dictionary`);
      let start: Date;
      let end: Date;
      try {
        start = parseDate(spec.start, now);
      } catch {
        throw new ScheduleDataError(`Invalid date string for start in ${what}`);
      }
      try {
        end = parseDate(spec.end, now);
      } catch {
        throw new ScheduleDataError(`Invalid date string for end in ${what}`);
      }
      if (!(end > start)) throw new ScheduleDataError(`schedule.handle_func: Invalid ${what}, end must be larger than start`);
      return { start, end };
    };
    if ('range' in data) {
      const { start, end } = dates(data.range, 'range');
      const invert = isDict(data.range) && !!data.range.invert;
      if (invert) {
        run = now <= start || now >= end;
        if (!run) st.skipped = { reason: 'in_skip_range', at: now };
      } else if (start <= now && now <= end) {
        run = true;
      } else if (this.skipFunction) {
        func = this.skipFunction;
      } else {
        st.skipped = { reason: 'not_in_range', at: now };
        run = false;
      }
    }
    const skipRange = 'skip_during_range' in data ? data.skip_during_range : this.skipDuringRange;
    if (skipRange) {
      const { start, end } = dates(skipRange, 'skip_during_range');
      if (start <= now && now <= end) {
        if (this.skipFunction) {
          run = true;
          func = this.skipFunction;
        } else {
          st.skipped = { reason: 'in_skip_range', at: now };
          run = false;
        }
      } else {
        run = true;
      }
    }
    if ('until' in data) {
      run = parseDate(data.until, now) > now;
      if (!run) st.skipped = { reason: 'until_passed', at: now };
    }
    if ('after' in data) {
      run = parseDate(data.after, now) < now;
      if (!run) st.skipped = { reason: 'after_not_passed', at: now };
    }
    void job;
    return { run, func };
  }

  // ---- running -------------------------------------------------------------------------------

  private startJob(func: string | undefined, data: Dict, jid?: string): void {
    if (data.dry_run) {
      this.log.debug(`Job ${data.name} has 'dry_run' set to True. Not running it.`);
      return;
    }
    const name = String(data.name);
    this.running.set(name, this.runningCount(name) + 1);
    void this.handleFunc(func, data, jid ?? genJid({ now: this.clock() })).finally(() => {
      const n = this.runningCount(name) - 1;
      if (n > 0) this.running.set(name, n);
      else this.running.delete(name);
    });
  }

  /** Runs one job and sends its return (Salt's `handle_func`). Never rejects. */
  private async handleFunc(func: string | undefined, data: Dict, jid: string): Promise<void> {
    const role = this.opts.__role === 'master' ? 'master' : 'minion';
    const ret: Dict = { id: this.opts.id ?? 'master', fun: func ?? null, fun_args: [], schedule: data.name, jid };
    if ('metadata' in data) {
      if (isDict(data.metadata)) {
        const now = this.clock();
        const utc = new Date(now.getTime() + now.getTimezoneOffset() * 60000);
        ret.metadata = { ...data.metadata, _TOS: tzOffset(now), _TS: ctime(now), _TT: strftime(utc, '%Y %B %d %a %H %m') };
      } else {
        this.log.warn('schedule: The metadata parameter must be specified as a dictionary.  Ignoring.');
      }
    }
    const returners = [data.returner, this.opts.schedule_returner].flatMap((r) => (typeof r === 'string' ? [r] : Array.isArray(r) ? r.map(String) : []));
    try {
      if (this.blackedOut(func)) {
        throw new Error("Minion in blackout mode. Set 'minion_blackout' to False in pillar or grains to resume operations. Only saltutil.refresh_pillar allowed in blackout mode.");
      }
      ret.pid = process.pid;
      const args = Array.isArray(data.args) ? deepCopy(data.args) : [];
      if (Array.isArray(data.args)) (ret.fun_args as unknown[]).push(...deepCopy(data.args));
      const kwargs = isDict(data.kwargs) ? deepCopy(data.kwargs) : {};
      if (isDict(data.kwargs)) (ret.fun_args as unknown[]).push(deepCopy(data.kwargs));
      if (!this.options.run) {
        this.log.info(`Scheduled job ${String(data.name)} is due, but this scheduler cannot run jobs`);
        return;
      }
      if (!func) throw new Error(`Invalid function: ${String(func)} in scheduled job ${String(data.name)}.`);
      const result: ScheduleRunResult = await this.options.run(func, args, kwargs, { jid, schedule: String(data.name) });
      ret.return = result.return;
      if (result.retcode !== undefined) ret.retcode = result.retcode;
      ret.success = result.success ?? true;
      if (result.success === false && result.retcode === undefined) ret.retcode = 254;
      if (result.out) ret.out = result.out;
      for (const r of new Set(returners)) this.log.info(`Job ${func} using invalid returner: ${r}. Ignoring.`);
    } catch (err) {
      this.log.error(`Unhandled exception running ${String(ret.fun)}: ${(err as Error).message}`);
      if (!('return' in ret)) ret.return = `Unhandled exception running ${String(ret.fun)}`;
      ret.success = false;
      ret.retcode = 254;
    }
    if (data.return_job !== undefined && !data.return_job) return;
    if (!this.options.sendReturn) return;
    const load: Dict = { cmd: '_return', id: this.opts.id ?? 'master', ...ret };
    if (returners.length === 0) load.jid = data.return_job === 'nocache' ? 'nocache' : 'req';
    if (role === 'master') load.id = this.opts.id ?? 'master';
    try {
      await this.options.sendReturn(load);
    } catch (err) {
      this.log.error(`Unhandled exception sending the return of scheduled job ${String(data.name)}: ${(err as Error).message}`);
    }
  }

  private blackedOut(func: string | undefined): boolean {
    for (const source of [this.pillar(), this.grains()]) {
      if (source.minion_blackout) {
        const whitelist = Array.isArray(source.minion_blackout_whitelist) ? source.minion_blackout_whitelist : [];
        return func !== 'saltutil.refresh_pillar' && !whitelist.includes(func);
      }
    }
    return false;
  }

  // ---- management (ScheduleControl) ----------------------------------------------------------

  list(where?: ScheduleWhere): Dict {
    if (where === 'pillar') return deepCopy(this.schedule(false, true));
    if (where === 'opts') return deepCopy(this.schedule(true, false));
    return deepCopy(this.schedule());
  }

  saved(): Dict {
    try {
      return readSavedSchedule(scheduleConfPath(this.opts));
    } catch (err) {
      this.log.warn(`Could not read the saved schedule: ${(err as Error).message}`);
      return {};
    }
  }

  private inPillar(name: string): boolean {
    return name in this.schedule(false, true);
  }

  /**
   * Adds (or replaces) a job given as `{name: data}`; `enabled` defaults to true.
   * @throws ScheduleDataError when `data` is not a map of exactly one job.
   */
  addJob(data: Dict, persist = true): void {
    if (!isDict(data)) throw new ScheduleDataError('Scheduled jobs have to be of type dict.');
    const names = Object.keys(data);
    if (names.length !== 1) throw new ScheduleDataError('You can only schedule one new job at a time.');
    const name = names[0];
    const job = data[name];
    if (isDict(job) && !('enabled' in job)) job.enabled = true;
    if (this.inPillar(name)) {
      this.log.warn(`Cannot update job ${name}, it's in the pillar!`);
    } else {
      this.log.info(name in this.optsSchedule() ? `Updating job settings for scheduled job: ${name}` : `Added new job ${name} to scheduler`);
      this.optsSchedule()[name] = job;
    }
    if (persist) this.save();
  }

  deleteJob(name: string, persist = true): void {
    if (name in this.optsSchedule()) delete this.optsSchedule()[name];
    else if (this.inPillar(name)) this.log.warn(`Cannot delete job ${name}, it's in the pillar!`);
    if (persist) this.save();
  }

  modifyJob(name: string, data: Dict, persist = true): void {
    if (name in this.optsSchedule()) {
      this.deleteJob(name, persist);
    } else if (this.inPillar(name)) {
      this.log.warn(`Cannot modify job ${name}, it's in the pillar!`);
      return;
    }
    this.optsSchedule()[name] = data;
    if (persist) this.save();
  }

  private setJobEnabled(name: string, value: boolean, persist: boolean): void {
    const job = this.optsSchedule()[name];
    if (isDict(job)) {
      job.enabled = value;
      this.log.info(`${value ? 'Enabling' : 'Disabling'} job ${name} in scheduler`);
    } else if (this.inPillar(name)) {
      this.log.warn(`Cannot modify job ${name}, it's in the pillar!`);
    }
    if (persist) this.save();
  }

  enableJob(name: string, persist = true): void {
    this.setJobEnabled(name, true, persist);
  }

  disableJob(name: string, persist = true): void {
    this.setJobEnabled(name, false, persist);
  }

  enableSchedule(persist = true): void {
    this.optsSchedule().enabled = true;
    this.enabled = true;
    if (persist) this.save();
  }

  disableSchedule(persist = true): void {
    this.optsSchedule().enabled = false;
    this.enabled = false;
    if (persist) this.save();
  }

  runJob(name: string): void {
    const data = this.schedule()[name];
    if (!isDict(data)) {
      this.log.info(`Invalid function: None in scheduled job ${name}.`);
      return;
    }
    const jobData = { ...data, name: typeof data.name === 'string' ? data.name : name };
    if (data.jid_include === undefined || data.jid_include) {
      const max = Number(data.maxrunning ?? 1);
      if (this.runningCount(String(jobData.name)) >= max) {
        this.log.debug(`schedule.handle_func: The scheduled job ${name} was not started, ${max} already running`);
        return;
      }
    }
    this.log.info(`Running Job: ${name}`);
    this.startJob(functionOf(data), jobData);
  }

  save(): void {
    const jobs: Dict = {};
    for (const [name, job] of Object.entries(this.optsSchedule())) {
      jobs[name] = isDict(job) ? Object.fromEntries(Object.entries(job).filter(([k]) => !k.startsWith('_'))) : job;
    }
    try {
      writeYamlConf(scheduleConfPath(this.opts), 'schedule', jobs);
    } catch (err) {
      this.log.error(`Failed to persist the updated schedule: ${(err as Error).message}`);
    }
  }

  reload(): void {
    Object.assign(this.optsSchedule(), this.saved());
  }

  nextFireTime(name: string, fmt = '%Y-%m-%dT%H:%M:%S'): string | null {
    const data = this.schedule()[name];
    if (!isDict(data)) return null;
    const next = this.state.get(data)?.nextFire;
    return next ? strftime(next, fmt) : null;
  }

  /** The timing state of a job, for status reports and tests. */
  jobState(name: string): Readonly<{ nextFire: Date | null; lastRun?: Date; skipReason?: string; error?: string }> | undefined {
    const data = this.schedule()[name];
    if (!isDict(data)) return undefined;
    const st = this.state.get(data);
    return st ? { nextFire: st.nextFire, lastRun: st.lastRun, skipReason: st.skipped?.reason, error: st.error } : undefined;
  }
}
