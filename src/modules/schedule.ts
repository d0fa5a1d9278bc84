/**
 * Salt's `schedule` execution module: list and change the minion's scheduled jobs. It drives the
 * live scheduler through `ctx.minion.schedule`; without one (salt-call) it works on the options'
 * schedule and the saved `minion.d/_schedule.conf`, which the minion reads when it starts.
 */
import { isDeepStrictEqual } from 'node:util';
import { defineFunction } from '../loader/define.js';
import { SaltInvocationError } from '../loader/errors.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { safeDump } from '../output/yaml.js';
import { parseDate } from '../schedule/dates.js';
import { readSavedSchedule, scheduleConfPath, writeYamlConf } from '../schedule/persist.js';
import { Scheduler } from '../schedule/scheduler.js';
import type { ScheduleControl } from '../schedule/types.js';

type Dict = Record<string, unknown>;

/** The job settings `schedule.list` shows (Salt's SCHEDULE_CONF). */
const SCHEDULE_CONF = new Set([
  'name', 'maxrunning', 'function', 'splay', 'range', 'when', 'once', 'once_fmt', 'returner', 'jid_include', 'args', 'kwargs',
  '_seconds', 'seconds', 'minutes', 'hours', 'days', 'enabled', 'return_job', 'metadata', 'cron', 'until', 'after',
  'return_config', 'return_kwargs', 'run_on_start', 'skip_during_range', 'run_after_skip_range',
]);
const HIDDEN = new Set(['enabled', 'skip_function', 'skip_during_range']);
const TIME_ITEMS = ['seconds', 'minutes', 'hours', 'days'];

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** The live scheduler, or one over the options' schedule that only persists (no timer, no runs). */
function control(ctx: CallContext): ScheduleControl {
  if (ctx.minion?.schedule) return ctx.minion.schedule;
  const cached = ctx.context['schedule.offline'] as ScheduleControl | undefined;
  if (cached) return cached;
  const offline = new Scheduler({ opts: ctx.opts, pillar: ctx.pillar, grains: ctx.grains, log: ctx.log });
  ctx.context['schedule.offline'] = offline;
  return offline;
}

function savedSchedule(ctx: CallContext): Dict {
  try {
    return readSavedSchedule(scheduleConfPath(ctx.opts));
  } catch {
    return {};
  }
}

function writeSaved(ctx: CallContext, schedule: Dict): void {
  try {
    writeYamlConf(scheduleConfPath(ctx.opts), 'schedule', schedule);
  } catch (err) {
    ctx.log.error(`Failed to persist the updated schedule: ${(err as Error).message}`);
  }
}

interface ListOptions {
  showAll?: boolean;
  showDisabled?: boolean;
  where?: unknown;
  returnYaml?: boolean;
  offline?: unknown;
}

/** Salt's `schedule.list`: the jobs, cleaned of internal settings, as YAML or a map. */
function listJobs(ctx: CallContext, o: ListOptions): Dict | string {
  let schedule: Dict;
  let saved: Dict;
  if (o.offline) {
    schedule = savedSchedule(ctx);
    saved = structuredClone(schedule);
  } else {
    const where = o.where === 'pillar' || o.where === 'opts' ? o.where : undefined;
    schedule = control(ctx).list(where);
    saved = savedSchedule(ctx);
  }
  for (const job of Object.keys(schedule)) {
    if (HIDDEN.has(job)) continue;
    if (job.startsWith('__') && !o.showAll) {
      delete schedule[job];
      continue;
    }
    const data = schedule[job];
    if (!isDict(data)) continue;
    if (!('enabled' in data)) data.enabled = true;
    for (const item of Object.keys(data)) {
      if (!SCHEDULE_CONF.has(item) || data[item] === null || data[item] === undefined) {
        delete data[item];
        continue;
      }
      if (data[item] === 'true') data[item] = true;
      if (data[item] === 'false') data[item] = false;
    }
    if (o.showDisabled === false && !data.enabled) {
      delete schedule[job];
      continue;
    }
    delete data._seconds;
  }
  if (o.returnYaml === false) return schedule;
  for (const [job, data] of Object.entries(schedule)) if (isDict(data)) data.saved = job in saved;
  return safeDump({ schedule }, { defaultFlowStyle: false });
}

function listMap(ctx: CallContext, where?: string, offline?: unknown): Dict {
  return listJobs(ctx, { showAll: true, returnYaml: false, where, offline }) as Dict;
}

function timeConflict(kwargs: Dict): boolean {
  return TIME_ITEMS.some((i) => i in kwargs && ('when' in kwargs || 'cron' in kwargs));
}

/**
 * Salt's `schedule.build_schedule_item`: the job data for `name` from the keywords, or
 * `{comment, result: false}` when they conflict or are invalid.
 * @throws SaltInvocationError when `function` is missing.
 */
function buildScheduleItem(name: unknown, kwargs: Dict): Dict {
  if (!name) return { comment: 'Job name is required.', result: false };
  if (!('function' in kwargs)) throw new SaltInvocationError("Missing required keyword argument 'function'");
  const item: Dict = { function: kwargs.function };
  if (timeConflict(kwargs)) {
    return { comment: 'Unable to use "seconds", "minutes", "hours", or "days" with "when" or "cron" options.', result: false };
  }
  if ('when' in kwargs && 'cron' in kwargs) return { comment: 'Unable to use "when" and "cron" options together.  Ignoring.', result: false };
  for (const i of TIME_ITEMS) if (i in kwargs) item[i] = kwargs[i];
  if ('return_job' in kwargs) item.return_job = kwargs.return_job;
  if ('metadata' in kwargs) item.metadata = kwargs.metadata;
  if ('job_args' in kwargs) {
    if (!Array.isArray(kwargs.job_args)) return { comment: 'job_args is not a list. please correct and try again.', result: false };
    item.args = kwargs.job_args;
  }
  if ('job_kwargs' in kwargs) {
    if (!isDict(kwargs.job_kwargs)) return { comment: 'job_kwargs is not a dict. please correct and try again.', result: false };
    item.kwargs = kwargs.job_kwargs;
  }
  item.maxrunning = 'maxrunning' in kwargs ? kwargs.maxrunning : 1;
  item.name = 'name' in kwargs ? kwargs.name : name;
  item.enabled = 'enabled' in kwargs ? kwargs.enabled : true;
  item.jid_include = 'jid_include' in kwargs ? kwargs.jid_include : true;
  if ('splay' in kwargs) item.splay = isDict(kwargs.splay) ? { start: kwargs.splay.start, end: kwargs.splay.end } : kwargs.splay;
  if ('when' in kwargs) {
    for (const w of Array.isArray(kwargs.when) ? kwargs.when : [kwargs.when]) {
      try {
        parseDate(w);
      } catch {
        return { comment: `Schedule item ${String(w)} for "when" in invalid.`, result: false };
      }
    }
  }
  for (const key of ['range', 'when', 'once', 'once_fmt', 'cron', 'returner', 'after', 'return_config', 'return_kwargs', 'until', 'run_on_start', 'skip_during_range']) {
    if (key in kwargs) item[key] = kwargs[key];
  }
  return item;
}

function failed(item: Dict): boolean {
  return 'result' in item && !item.result;
}

async function add(ctx: CallContext, name: string, kwargs: Dict): Promise<Dict> {
  const ret: Dict = { comment: `Failed to add job ${name} to schedule.`, result: false, changes: {} };
  const current = listMap(ctx, undefined, kwargs.offline);
  if (name in current) return { ...ret, comment: `Job ${name} already exists in schedule.` };
  if (!name) Object.assign(ret, { comment: 'Job name is required.', result: false });
  if (timeConflict(kwargs)) return { ...ret, comment: 'Error: Unable to use "seconds", "minutes", "hours", or "days" with "when" or "cron" options.' };
  if ('when' in kwargs && 'cron' in kwargs) return { ...ret, comment: 'Unable to use "when" and "cron" options together.  Ignoring.' };
  const persist = kwargs.persist ?? true;
  const item = buildScheduleItem(name, kwargs);
  if (failed(item)) return item;
  if (kwargs.test) return { ...ret, comment: `Job: ${name} would be added to schedule.`, result: true };
  if (kwargs.offline) {
    writeSaved(ctx, { ...current, [name]: item });
    return { ...ret, result: true, comment: `Added job: ${name} to schedule.`, changes: { [name]: 'added' } };
  }
  const sched = control(ctx);
  sched.addJob({ [name]: structuredClone(item) }, !!persist);
  if (name in sched.list()) return { ...ret, result: true, comment: `Added job: ${name} to schedule.`, changes: { [name]: 'added' } };
  return ret;
}

async function modify(ctx: CallContext, name: string, kwargs: Dict): Promise<Dict> {
  const ret: Dict = { comment: '', changes: {}, result: true };
  if (timeConflict(kwargs)) return { ...ret, result: false, comment: 'Error: Unable to use "seconds", "minutes", "hours", or "days" with "when" option.' };
  if ('when' in kwargs && 'cron' in kwargs) return { ...ret, result: false, comment: 'Unable to use "when" and "cron" options together.  Ignoring.' };
  const current = listMap(ctx, undefined, kwargs.offline);
  if (!(name in current)) return { ...ret, result: false, comment: `Job ${name} does not exist in schedule.` };
  const cur = current[name] as Dict;
  const args = { ...kwargs };
  if (!('function' in args)) args.function = cur.function ?? null;
  if ('_seconds' in cur) {
    cur.seconds = cur._seconds;
    delete cur._seconds;
  }
  const item = buildScheduleItem(name, args);
  delete item.test;
  if (failed(item)) return item;
  if (isDeepStrictEqual(item, cur)) return { ...ret, comment: `Job ${name} in correct state` };
  ret.changes = { [name]: { old: cur, new: item } };
  if (kwargs.test) return { ...ret, comment: `Job: ${name} would be modified in schedule.` };
  if (kwargs.offline) {
    Object.assign(current[name] as Dict, item);
    writeSaved(ctx, current);
    return { ...ret, result: true, comment: `Modified job: ${name} in schedule.` };
  }
  const sched = control(ctx);
  if (name in listMap(ctx, 'opts')) sched.modifyJob(name, structuredClone(item), !!(kwargs.persist ?? true));
  else sched.modifyJob(name, structuredClone(item), false);
  return { ...ret, comment: `Modified job: ${name} in schedule.` };
}

async function deleteJob(ctx: CallContext, name: string, kwargs: Dict): Promise<Dict> {
  const ret: Dict = { comment: `Failed to delete job ${name} from schedule.`, result: false, changes: {} };
  if (!name) ret.comment = 'Job name is required.';
  if (kwargs.test) return { ...ret, comment: `Job: ${name} would be deleted from schedule.`, result: true };
  if (kwargs.offline) {
    const current = listMap(ctx, 'opts', true);
    delete current[name];
    writeSaved(ctx, current);
    return { ...ret, result: true, comment: `Deleted Job ${name} from schedule.`, changes: { [name]: 'removed' } };
  }
  const sched = control(ctx);
  const persist = kwargs.persist ?? true;
  if (name in listMap(ctx, 'opts')) sched.deleteJob(name, !!persist);
  else if (name in listMap(ctx, 'pillar')) sched.deleteJob(name, false);
  else return { ...ret, comment: `Job ${name} does not exist.` };
  if (!(name in sched.list())) return { ...ret, result: true, comment: `Deleted Job ${name} from schedule.`, changes: { [name]: 'removed' } };
  return ret;
}

async function purge(ctx: CallContext, kwargs: Dict): Promise<Dict> {
  const ret = { comment: [] as string[], changes: {} as Dict, result: true };
  const current = listMap(ctx, undefined, kwargs.offline);
  for (const name of Object.keys(current)) {
    if (name === 'enabled' || name.startsWith('__')) continue;
    if (kwargs.test) {
      ret.comment.push(`Job: ${name} would be deleted from schedule.`);
    } else if (kwargs.offline) {
      delete current[name];
      ret.comment.push(`Deleted job: ${name} from schedule.`);
      ret.changes[name] = 'removed';
    } else {
      const sched = control(ctx);
      sched.deleteJob(name, !!(kwargs.persist ?? true));
      if (!(name in sched.list())) {
        ret.changes[name] = 'removed';
        ret.comment.push(`Deleted job: ${name} from schedule.`);
      } else {
        ret.comment.push(`Failed to delete job ${name} from schedule.`);
      }
    }
  }
  if (kwargs.offline) writeSaved(ctx, current);
  return ret;
}

function setJobEnabled(ctx: CallContext, name: string, kwargs: Dict, enable: boolean): Dict {
  const ret: Dict = { comment: [], result: true, changes: {} };
  if (!name) Object.assign(ret, { comment: 'Job name is required.', result: false });
  // Salt's enable_job looks at the minion's `test` option, disable_job at the keyword.
  const testMode = enable ? !!ctx.opts.test : !!kwargs.test;
  if (testMode) return { ...ret, comment: `Job: ${name} would be ${enable ? 'enabled' : 'disabled'} in schedule.` };
  const sched = control(ctx);
  if (name in listMap(ctx, 'opts')) {
    if (enable) sched.enableJob(name, !!(kwargs.persist ?? true));
    else sched.disableJob(name, !!(kwargs.persist ?? true));
  } else if (name in listMap(ctx, 'pillar')) {
    if (enable) sched.enableJob(name, false);
    else sched.disableJob(name, false);
  } else {
    return { ...ret, comment: `Job ${name} does not exist.`, result: false };
  }
  const job = sched.list()[name];
  const ok = isDict(job) && (enable ? !!job.enabled : !job.enabled);
  if (!ok) return { ...ret, result: false, comment: `Failed to ${enable ? 'enable' : 'disable'} job ${name} in schedule.` };
  return { ...ret, result: true, comment: `${enable ? 'Enabled' : 'Disabled'} Job ${name} in schedule.`, changes: { [name]: enable ? 'enabled' : 'disabled' } };
}

function setScheduleEnabled(ctx: CallContext, kwargs: Dict, enable: boolean): Dict {
  const ret: Dict = { comment: [], changes: {}, result: true };
  if (kwargs.test) return { ...ret, comment: `Schedule would be ${enable ? 'enabled' : 'disabled'}.` };
  const sched = control(ctx);
  if (enable) sched.enableSchedule(!!(kwargs.persist ?? true));
  else sched.disableSchedule(!!(kwargs.persist ?? true));
  const state = sched.list();
  if ('enabled' in state && !!state.enabled === enable) {
    return { ...ret, comment: `${enable ? 'Enabled' : 'Disabled'} schedule on minion.`, changes: { schedule: enable ? 'enabled' : 'disabled' } };
  }
  return { ...ret, result: false, comment: `Failed to ${enable ? 'enable' : 'disable'} schedule on minion.` };
}

const NAME_KW = { args: ['name'] as const, kwargs: true } as const;

const mod: SaltModule = {
  name: 'schedule',
  functions: {
    list: defineFunction(
      {
        args: ['show_all', 'show_disabled', 'where', 'return_yaml', 'offline'],
        defaults: { show_all: false, show_disabled: true, where: null, return_yaml: true, offline: false },
        pyName: 'list_',
        doc: "List the jobs currently scheduled on the minion\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' schedule.list\n\n    # Show all jobs including hidden internal jobs\n    salt '*' schedule.list show_all=True\n\n    # Hide disabled jobs from list of jobs\n    salt '*' schedule.list show_disabled=False",
      },
      (p, ctx) => listJobs(ctx, { showAll: !!p.show_all, showDisabled: !!p.show_disabled, where: p.where, returnYaml: !!p.return_yaml, offline: p.offline }),
    ),
    is_enabled: defineFunction(
      { args: ['name'], defaults: { name: null }, doc: "List a Job only if its enabled\n\nIf job is not specified, indicate\nif the scheduler is enabled or disabled.\n\n.. versionadded:: 2015.5.3\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' schedule.is_enabled name=job_name\n    salt '*' schedule.is_enabled" },
      ({ name }, ctx) => {
        const current = listJobs(ctx, { returnYaml: false }) as Dict;
        if (!name) return 'enabled' in current ? current.enabled : true;
        return String(name) in current ? current[String(name)] : {};
      },
    ),
    purge: defineFunction(
      { kwargs: true, doc: "Purge all the jobs currently scheduled on the minion\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' schedule.purge\n\n    # Purge jobs on Salt minion\n    salt '*' schedule.purge" },
      (_p, ctx, { kwargs }) => purge(ctx, kwargs),
    ),
    delete: defineFunction(
      { ...NAME_KW, doc: "Delete a job from the minion's schedule\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' schedule.delete job1\n\n    # Delete job on Salt minion when the Salt minion is not running\n    salt '*' schedule.delete job1" },
      ({ name }, ctx, { kwargs }) => deleteJob(ctx, String(name ?? ''), kwargs),
    ),
    build_schedule_item: defineFunction(
      { ...NAME_KW, doc: "Build a schedule job\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' schedule.build_schedule_item job1 function='test.ping' seconds=3600" },
      ({ name }, _ctx, { kwargs }) => buildScheduleItem(name, kwargs),
    ),
    add: defineFunction(
      { ...NAME_KW, doc: "Add a job to the schedule\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' schedule.add job1 function='test.ping' seconds=3600\n    # If function have some arguments, use job_args\n    salt '*' schedule.add job2 function='cmd.run' job_args=\"['date >> /tmp/date.log']\" seconds=60\n\n    # Add job to Salt minion when the Salt minion is not running\n    salt '*' schedule.add job1 function='test.ping' seconds=3600 offline=True" },
      ({ name }, ctx, { kwargs }) => add(ctx, String(name ?? ''), kwargs),
    ),
    modify: defineFunction(
      { ...NAME_KW, doc: "Modify an existing job in the schedule\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' schedule.modify job1 function='test.ping' seconds=3600\n\n    # Modify job on Salt minion when the Salt minion is not running\n    salt '*' schedule.modify job1 function='test.ping' seconds=3600 offline=True" },
      ({ name }, ctx, { kwargs }) => modify(ctx, String(name ?? ''), kwargs),
    ),
    run_job: defineFunction(
      { args: ['name', 'force'], defaults: { force: false }, doc: "Run a scheduled job on the minion immediately\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' schedule.run_job job1\n\n    salt '*' schedule.run_job job1 force=True\n    Force the job to run even if it is disabled." },
      ({ name, force }, ctx) => {
        const ret: Dict = { comment: [], result: true };
        const n = String(name ?? '');
        if (!n) Object.assign(ret, { comment: 'Job name is required.', result: false });
        const schedule = listJobs(ctx, { showAll: true, returnYaml: false }) as Dict;
        const data = schedule[n];
        if (!isDict(data)) return { ...ret, comment: `Job ${n} does not exist.`, result: false };
        if ('enabled' in data && !data.enabled && !force) return { ...ret, comment: `Job ${n} is disabled.` };
        control(ctx).runJob(n);
        return { ...ret, comment: `Scheduling Job ${n} on minion.` };
      },
    ),
    enable_job: defineFunction(
      { ...NAME_KW, doc: "Enable a job in the minion's schedule\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' schedule.enable_job job1" },
      ({ name }, ctx, { kwargs }) => setJobEnabled(ctx, String(name ?? ''), kwargs, true),
    ),
    disable_job: defineFunction(
      { ...NAME_KW, doc: "Disable a job in the minion's schedule\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' schedule.disable_job job1" },
      ({ name }, ctx, { kwargs }) => setJobEnabled(ctx, String(name ?? ''), kwargs, false),
    ),
    save: defineFunction(
      { kwargs: true, doc: "Save all scheduled jobs on the minion\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' schedule.save" },
      (_p, ctx, { kwargs }) => {
        if (kwargs.test) return { comment: 'Schedule would be saved.', result: true };
        control(ctx).save();
        return { comment: 'Schedule (non-pillar items) saved.', result: true };
      },
    ),
    enable: defineFunction(
      { kwargs: true, doc: "Enable all scheduled jobs on the minion\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' schedule.enable" },
      (_p, ctx, { kwargs }) => setScheduleEnabled(ctx, kwargs, true),
    ),
    disable: defineFunction(
      { kwargs: true, doc: "Disable all scheduled jobs on the minion\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' schedule.disable" },
      (_p, ctx, { kwargs }) => setScheduleEnabled(ctx, kwargs, false),
    ),
    show_next_fire_time: defineFunction(
      { ...NAME_KW, doc: "Show the next fire time for scheduled job\n\n.. versionadded:: 2018.3.0\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' schedule.show_next_fire_time job_name" },
      ({ name }, ctx) => {
        const ret: Dict = { result: true };
        if (!name) Object.assign(ret, { comment: 'Job name is required.', result: false });
        ret.next_fire_time = control(ctx).nextFireTime(String(name ?? ''));
        return ret;
      },
    ),
  },
};

export default mod;
