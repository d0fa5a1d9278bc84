/**
 * The `jobs` runner: look up jobs in the master job cache (`list_jobs`, `lookup_jid`, ...) and ask
 * minions what they are running (`active`). Jobs are read through the returner Salt's
 * `_get_returner` picks: `ext_job_cache`, else `ext_source`, else `master_job_cache`.
 */
import { fnmatch } from '../targeting/fnmatch.js';
import { formatJobInstance, jidToTime } from '../protocol/jid.js';
import { pyEquals, pyTruthy } from '../output/python.js';
import { defineMasterFunction } from './_define.js';
import { isMap, splitInput, type Dict } from './_common.js';
import { ReturnerSet, type Returner, type ReturnerFunction } from '../returners/index.js';
import type { MasterCallContext, MasterModule } from './types.js';

/** The runner's `_format_job_instance`: Salt's listing shape plus `Minions`, or an `Error` for an unknown job. */
function formatRunnerJob(job: Dict): Dict {
  if (Object.keys(job).length === 0) return { Error: 'Cannot contact returner or no job with this jid' };
  const ret = formatJobInstance(job);
  if ('Minions' in job) ret.Minions = job.Minions;
  return ret;
}

function formatRunnerJid(jid: string, job: Dict): Dict {
  return { ...formatRunnerJob(job), StartTime: jidToTime(jid) };
}

/** Salt's `_get_returner`: the first configured of `ext_job_cache`, `ext_source`, `master_job_cache`. */
function returnerName(opts: Dict, extSource?: unknown): string {
  const names = [opts.ext_job_cache, extSource, opts.master_job_cache ?? 'local_cache'];
  return (names.find((n) => typeof n === 'string' && n !== '') as string | undefined) ?? 'local_cache';
}

/** Python's KeyError for a returner function that cannot be found (`mminion.returners['x.get_jid']`). */
export class ReturnerKeyError extends Error {
  override readonly name = 'KeyError';
  readonly code = 'ERETURNERKEY';
}

/** Python's NotImplementedError, as `list_jobs_filter` raises it for a returner without `get_jids_filter`. */
export class ReturnerNotImplementedError extends Error {
  override readonly name = 'NotImplementedError';
  readonly code = 'ERETURNERNOTIMPL';
}

/** `<name>.<fn>` of the master's returners. @throws ReturnerKeyError when missing. */
function returnerFn<F extends ReturnerFunction>(set: ReturnerSet, name: string, fn: F): NonNullable<Returner[F]> {
  if (!set.has(name, fn)) throw new ReturnerKeyError(`'${name}.${fn}'`);
  return set.fn(name, fn);
}

/** Runs `work` with the master's returners, closing their connections afterwards. */
async function withReturners<T>(ctx: MasterCallContext, work: (set: ReturnerSet) => Promise<T>): Promise<T> {
  const set = new ReturnerSet({ opts: ctx.opts, log: ctx.log });
  try {
    return await work(set);
  } finally {
    await set.close();
  }
}

/** `get_endtime` of the master job cache, when `job_cache_store_endtime` is on and it has one. */
async function endtimeOf(ctx: MasterCallContext, set: ReturnerSet, jid: string): Promise<string | null> {
  const cache = returnerName({ master_job_cache: ctx.opts.master_job_cache });
  if (!ctx.opts.job_cache_store_endtime || !set.has(cache, 'get_endtime')) return null;
  return set.fn(cache, 'get_endtime')(jid);
}

async function progress(ctx: MasterCallContext, enabled: unknown, message: string): Promise<void> {
  if (pyTruthy(enabled)) await ctx.fireJobEvent({ message }, 'progress');
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** A job listing error the caller made (an unreadable `start_time`/`end_time`). */
export class JobTimeFormatError extends Error {
  override readonly name = 'JobTimeFormatError';
  readonly code = 'EJOBTIME';
}

/**
 * Reads the timestamps `jobs.list_jobs` compares (what python-dateutil reads in practice):
 * `2015, Mar 16 19:00[:00[.123456]]` (the `StartTime` form), `2015-03-16[ T]19:00[:00[.ffffff]]`,
 * `2015-03-16`, `Mar 16 2015 19:00`. Times are naive (compared as given). Returns epoch
 * milliseconds (with the microseconds as a fraction).
 * @throws JobTimeFormatError for any other text.
 */
export function parseJobTime(text: string): number {
  const t = text.trim();
  const time = (h?: string, mi?: string, s?: string, f?: string): number =>
    ((Number(h ?? 0) * 60 + Number(mi ?? 0)) * 60 + Number(s ?? 0)) * 1000 + Number(`0.${f ?? '0'}`) * 1000;
  const day = (y: string, mo: number, d: string): number => Date.UTC(Number(y), mo, Number(d));
  const clock = '(?:[ T,]+(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,6}))?)?)?';
  let m = new RegExp(`^(\\d{4}),?\\s+([A-Za-z]{3})[a-z]*\\.?\\s+(\\d{1,2})${clock}$`).exec(t);
  if (m && MONTHS.includes(m[2]!.toLowerCase())) return day(m[1]!, MONTHS.indexOf(m[2]!.toLowerCase()), m[3]!) + time(m[4], m[5], m[6], m[7]);
  m = new RegExp(`^(\\d{4})-(\\d{1,2})-(\\d{1,2})${clock}$`).exec(t);
  if (m) return day(m[1]!, Number(m[2]) - 1, m[3]!) + time(m[4], m[5], m[6], m[7]);
  m = new RegExp(`^([A-Za-z]{3})[a-z]*\\.?\\s+(\\d{1,2}),?\\s+(\\d{4})${clock}$`).exec(t);
  if (m && MONTHS.includes(m[1]!.toLowerCase())) return day(m[3]!, MONTHS.indexOf(m[1]!.toLowerCase()), m[2]!) + time(m[4], m[5], m[6], m[7]);
  throw new JobTimeFormatError(`Unknown string format: ${text}`);
}

/** Salt's `list_job`: the job's listing, `Result` (the stored returns) and `EndTime` when stored. */
async function listJob(ctx: MasterCallContext, jid: string, extSource: unknown, displayProgress: unknown): Promise<Dict> {
  const name = returnerName(ctx.opts, extSource);
  await progress(ctx, displayProgress, `Querying returner: ${name}`);
  return withReturners(ctx, async (set) => {
    const ret: Dict = { jid };
    Object.assign(ret, formatRunnerJid(jid, await returnerFn(set, name, 'get_load')(jid)));
    ret.Result = await returnerFn(set, name, 'get_jid')(jid);
    const endtime = await endtimeOf(ctx, set, jid);
    if (endtime) ret.EndTime = endtime;
    return ret;
  });
}

async function printJob(ctx: MasterCallContext, jid: string, extSource: unknown): Promise<Dict> {
  const name = returnerName(ctx.opts, extSource);
  return withReturners(ctx, async (set) => {
    const entry = formatRunnerJid(jid, await returnerFn(set, name, 'get_load')(jid));
    entry.Result = await returnerFn(set, name, 'get_jid')(jid);
    const endtime = await endtimeOf(ctx, set, jid);
    if (endtime) entry.EndTime = endtime;
    return { [jid]: entry };
  });
}

interface ListJobsFilter {
  extSource?: unknown;
  outputter?: unknown;
  searchMetadata?: unknown;
  searchFunction?: unknown;
  searchTarget?: unknown;
  startTime?: unknown;
  endTime?: unknown;
  displayProgress?: unknown;
}

async function listJobs(ctx: MasterCallContext, f: ListJobsFilter): Promise<unknown> {
  const name = returnerName(ctx.opts, f.extSource);
  await progress(ctx, f.displayProgress, `Querying returner ${name} for jobs.`);
  const all: Dict = await withReturners(ctx, (set) => returnerFn(set, name, 'get_jids')());
  const matches = (entry: Dict): boolean => {
    if (pyTruthy(f.searchMetadata)) {
      if (!isMap(f.searchMetadata)) {
        ctx.log.info('The search_metadata parameter must be specified as a dictionary.  Ignoring.');
        return false;
      }
      const meta = entry.Metadata;
      if (!isMap(meta)) return false;
      if (!Object.entries(f.searchMetadata).some(([k, v]) => k in meta && pyEquals(meta[k], v))) return false;
    }
    if (pyTruthy(f.searchTarget)) {
      if (!('Target' in entry)) return false;
      const targets = typeof entry.Target === 'string' ? [entry.Target] : Array.isArray(entry.Target) ? entry.Target : [];
      const keys = splitInput(f.searchTarget).map(String);
      if (!targets.some((t) => keys.some((k) => fnmatch(String(t), k)))) return false;
    }
    if (pyTruthy(f.searchFunction)) {
      if (!('Function' in entry)) return false;
      const keys = splitInput(f.searchFunction).map(String);
      if (!keys.some((k) => fnmatch(String(entry.Function), k))) return false;
    }
    if (pyTruthy(f.startTime) && parseJobTime(String(entry.StartTime)) < parseJobTime(String(f.startTime))) return false;
    if (pyTruthy(f.endTime) && parseJobTime(String(entry.StartTime)) > parseJobTime(String(f.endTime))) return false;
    return true;
  };
  const ret: Dict = {};
  for (const [jid, entry] of Object.entries(all)) if (matches(entry as Dict)) ret[jid] = entry;
  return pyTruthy(f.outputter) ? { outputter: f.outputter, data: ret } : ret;
}

const jobs: MasterModule = {
  name: 'jobs',
  functions: {
    active: defineMasterFunction(
      {
        args: ['display_progress'],
        defaults: { display_progress: false },
        doc: `
          Return a report on all actively running jobs from a job id centric
          perspective

          CLI Example:

          .. code-block:: bash

              salt-run jobs.active
        `,
      },
      async ({ display_progress }, ctx) => {
        const ret: Dict = {};
        let running: Record<string, { ret: unknown }>;
        try {
          const job = await ctx.minions().run('*', 'saltutil.running', [], { timeout: Number(ctx.opts.timeout ?? 5) });
          running = job?.returns ?? {};
        } catch (err) {
          ctx.print(`${(err as Error).message}\n`);
          return ret;
        }
        await progress(ctx, display_progress, `Attempting to contact minions: [${Object.keys(running).map((m) => `'${m}'`).join(', ')}]`);
        for (const [minion, r] of Object.entries(running)) {
          await progress(ctx, display_progress, `Received reply from minion ${minion}`);
          if (!Array.isArray(r.ret)) continue;
          for (const job of r.ret) {
            if (!isMap(job)) continue;
            const jid = String(job.jid);
            const pid = 'pid' in job ? job.pid : null;
            if (!(jid in ret)) ret[jid] = { ...formatRunnerJid(jid, job), Running: [{ [minion]: pid }], Returned: [] };
            else ((ret[jid] as Dict).Running as unknown[]).push({ [minion]: pid });
          }
        }
        const name = returnerName(ctx.opts);
        await withReturners(ctx, async (set) => {
          for (const jid of Object.keys(ret)) {
            const returned = (ret[jid] as Dict).Returned as string[];
            for (const minion of Object.keys(await returnerFn(set, name, 'get_jid')(jid))) if (!returned.includes(minion)) returned.push(minion);
          }
        });
        return ret;
      },
    ),
    lookup_jid: defineMasterFunction(
      {
        args: ['jid', 'ext_source', 'returned', 'missing', 'display_progress'],
        defaults: { ext_source: null, returned: true, missing: false, display_progress: false },
        doc: `
          Return the printout from a previously executed job

          jid
              The jid to look up.

          ext_source
              The external job cache to use. Default: \`None\`.

          returned : True
              If \`\`True\`\`, include the minions that did return from the command.

          missing : False
              If \`\`True\`\`, include the minions that did *not* return from the
              command.

          display_progress : False
              If \`\`True\`\`, fire progress events.

          CLI Example:

          .. code-block:: bash

              salt-run jobs.lookup_jid 20130916125524463507
              salt-run jobs.lookup_jid 20130916125524463507 --out=highstate
        `,
      },
      async ({ jid, ext_source, returned, missing, display_progress }, ctx) => {
        const data = await listJob(ctx, String(jid), ext_source, display_progress);
        const targeted = Array.isArray(data.Minions) ? (data.Minions as string[]) : [];
        const returns = (data.Result ?? {}) as Record<string, Dict>;
        const ret: Dict = {};
        for (const [minion, r] of Object.entries(returns)) {
          await progress(ctx, display_progress, minion);
          if (pyTruthy(returned)) ret[minion] = r.return ?? null;
        }
        if (pyTruthy(missing)) for (const id of targeted) if (!(id in returns)) ret[id] = 'Minion did not return';
        const first = Object.values(returns)[0];
        const outputter = first && isMap(first) ? first.out : undefined;
        return pyTruthy(outputter) ? { outputter, data: ret } : ret;
      },
    ),
    list_job: defineMasterFunction(
      {
        args: ['jid', 'ext_source', 'display_progress'],
        defaults: { ext_source: null, display_progress: false },
        doc: `
          List a specific job given by its jid

          ext_source
              If provided, specifies which external job cache to use.

          display_progress : False
              If \`\`True\`\`, fire progress events.

          CLI Example:

          .. code-block:: bash

              salt-run jobs.list_job 20130916125524463507
              salt-run jobs.list_job 20130916125524463507 --out=pprint
        `,
      },
      ({ jid, ext_source, display_progress }, ctx) => listJob(ctx, String(jid), ext_source, display_progress),
    ),
    list_jobs: defineMasterFunction(
      {
        args: ['ext_source', 'outputter', 'search_metadata', 'search_function', 'search_target', 'start_time', 'end_time', 'display_progress'],
        defaults: { ext_source: null, outputter: null, search_metadata: null, search_function: null, search_target: null, start_time: null, end_time: null, display_progress: false },
        doc: `
          List all detectable jobs and associated functions

          ext_source
              If provided, specifies which external job cache to use.

          **FILTER OPTIONS**

          .. note::
              If more than one of the below options are used, only jobs which match
              *all* of the filters will be returned.

          search_metadata
              Specify a dictionary to match to the job's metadata. If any of the
              key-value pairs in this dictionary match, the job will be returned.

          search_function
              Can be passed as a string or a list. Returns jobs which match the
              specified function. Globbing is allowed. Multiple functions can be
              passed as a comma-separated list.

          search_target
              Can be passed as a string or a list. Returns jobs which match the
              specified minion name. Globbing is allowed. Multiple targets can be
              passed as a comma-separated list.

          start_time
              Returns jobs which started after this timestamp.

          end_time
              Returns jobs which started before this timestamp.

          CLI Example:

          .. code-block:: bash

              salt-run jobs.list_jobs
              salt-run jobs.list_jobs search_function='test.*' search_target='localhost' search_metadata='{"bar": "foo"}'
              salt-run jobs.list_jobs start_time='2015, Mar 16 19:00' end_time='2015, Mar 18 22:00'
        `,
      },
      (p, ctx) =>
        listJobs(ctx, {
          extSource: p.ext_source,
          outputter: p.outputter,
          searchMetadata: p.search_metadata,
          searchFunction: p.search_function,
          searchTarget: p.search_target,
          startTime: p.start_time,
          endTime: p.end_time,
          displayProgress: p.display_progress,
        }),
    ),
    list_jobs_filter: defineMasterFunction(
      {
        args: ['count', 'filter_find_job', 'ext_source', 'outputter', 'display_progress'],
        defaults: { filter_find_job: true, ext_source: null, outputter: null, display_progress: false },
        doc: `
          List all detectable jobs and associated functions

          ext_source
              The external job cache to use. Default: \`None\`.

          CLI Example:

          .. code-block:: bash

              salt-run jobs.list_jobs_filter 50
              salt-run jobs.list_jobs_filter 100 filter_find_job=False
        `,
      },
      async ({ count, filter_find_job, ext_source, outputter, display_progress }, ctx) => {
        const name = returnerName(ctx.opts, ext_source);
        await progress(ctx, display_progress, `Querying returner ${name} for jobs.`);
        const ret = await withReturners(ctx, (set) => {
          if (!set.has(name, 'get_jids_filter')) throw new ReturnerNotImplementedError(`'${name}.get_jids_filter' returner function not implemented yet.`);
          return set.fn(name, 'get_jids_filter')(Number(count), pyTruthy(filter_find_job));
        });
        return pyTruthy(outputter) ? { outputter, data: ret } : ret;
      },
    ),
    print_job: defineMasterFunction(
      {
        args: ['jid', 'ext_source'],
        defaults: { ext_source: null },
        doc: `
          Print a specific job's detail given by its jid, including the return data.

          CLI Example:

          .. code-block:: bash

              salt-run jobs.print_job 20130916125524463507
        `,
      },
      ({ jid, ext_source }, ctx) => printJob(ctx, String(jid), ext_source),
    ),
    exit_success: defineMasterFunction(
      {
        args: ['jid', 'ext_source'],
        defaults: { ext_source: null },
        doc: `
          Check if a job has been executed and exit successfully

          jid
              The jid to look up.
          ext_source
              The external job cache to use. Default: \`None\`.

          CLI Example:

          .. code-block:: bash

              salt-run jobs.exit_success 20160520145827701627
        `,
      },
      async ({ jid, ext_source }, ctx) => {
        const data = await listJob(ctx, String(jid), ext_source, false);
        const minions = Array.isArray(data.Minions) ? (data.Minions as string[]) : [];
        const result = (data.Result ?? {}) as Record<string, Dict>;
        const ret: Dict = {};
        for (const m of minions) ret[m] = m in result && 'return' in result[m]! ? pyTruthy(result[m]!.return) : false;
        for (const [m, r] of Object.entries(result)) if ('return' in r && pyTruthy(r.return)) ret[m] = true;
        return ret;
      },
    ),
    last_run: defineMasterFunction(
      {
        args: ['ext_source', 'outputter', 'metadata', 'function', 'target', 'display_progress'],
        defaults: { ext_source: null, outputter: null, metadata: null, function: null, target: null, display_progress: false },
        doc: `
          List all detectable jobs and associated functions

          CLI Example:

          .. code-block:: bash

              salt-run jobs.last_run
              salt-run jobs.last_run target=nodename
              salt-run jobs.last_run function='cmd.run'
              salt-run jobs.last_run metadata="{'foo': 'bar'}"
        `,
      },
      async (p, ctx) => {
        if (pyTruthy(p.metadata) && !isMap(p.metadata)) {
          ctx.log.info('The metadata parameter must be specified as a dictionary');
          return false;
        }
        const all = (await listJobs(ctx, {
          extSource: p.ext_source,
          outputter: p.outputter,
          searchMetadata: p.metadata,
          searchFunction: p.function,
          searchTarget: p.target,
          displayProgress: p.display_progress,
        })) as Dict;
        const keys = Object.keys(all).sort();
        if (keys.length === 0) return false;
        return printJob(ctx, keys[keys.length - 1]!, p.ext_source);
      },
    ),
  },
};

export default jobs;
