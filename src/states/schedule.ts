/**
 * Salt's `schedule` state module: keep scheduled jobs present, absent, enabled or disabled,
 * through the `schedule` execution module.
 */
import { isDeepStrictEqual } from 'node:util';
import type { SaltModule } from '../loader/types.js';
import type { StateCallContext } from '../state/runner.js';
import { defineState, type StateRet } from './_define.js';

type Dict = Record<string, unknown>;

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The job keywords (no `__pub_*` or state-system keys such as `fun`, `state`, `__id__`). */
function jobKwargs(kwargs: Dict): Dict {
  return Object.fromEntries(Object.entries(kwargs).filter(([k]) => !k.startsWith('__')));
}

async function currentSchedule(ctx: StateCallContext, kwargs: Dict, withOffline = true): Promise<Dict> {
  const listKw: Dict = { show_all: true, return_yaml: false };
  if (withOffline) listKw.offline = kwargs.offline ?? null;
  const cur = await ctx.salt('schedule.list', [], listKw);
  return isDict(cur) ? cur : {};
}

function finish(ret: StateRet, comments: string[]): StateRet {
  ret.comment = comments.join('\n');
  return ret;
}

async function present(name: string, kwargs: Dict, ctx: StateCallContext): Promise<StateRet> {
  const ret: StateRet = { name, result: true, changes: {}, comment: [] };
  const comments: string[] = [];
  const current = await currentSchedule(ctx, kwargs);
  if (name in current) {
    const item = (await ctx.salt('schedule.build_schedule_item', [name], kwargs)) as Dict;
    if (isDict(item)) {
      if ('result' in item && !item.result) return { ...ret, result: item.result as boolean, comment: item.comment as string };
      if (!('enabled' in item)) item.enabled = true;
    }
    if (isDeepStrictEqual(item, current[name])) {
      comments.push(`Job ${name} in correct state`);
    } else if (ctx.test) {
      const result = (await ctx.salt('schedule.modify', [name], { ...kwargs, test: true })) as Dict;
      comments.push(String(result.comment));
      ret.changes = result.changes as Dict;
    } else {
      const result = (await ctx.salt('schedule.modify', [name], kwargs)) as Dict;
      if (!result.result) return { ...ret, result: result.result as boolean, comment: result.comment as string };
      comments.push(`Modifying job ${name} in schedule`);
      ret.changes = result.changes as Dict;
    }
  } else if (ctx.test) {
    const result = (await ctx.salt('schedule.add', [name], { ...kwargs, test: true })) as Dict;
    comments.push(String(result.comment));
  } else {
    const result = (await ctx.salt('schedule.add', [name], kwargs)) as Dict;
    if (!result.result) return { ...ret, result: result.result as boolean, comment: result.comment as string };
    comments.push(`Adding new job ${name} to schedule`);
    ret.changes = result.changes as Dict;
  }
  return finish(ret, comments);
}

async function absent(name: string, kwargs: Dict, ctx: StateCallContext): Promise<StateRet> {
  const ret: StateRet = { name, result: true, changes: {}, comment: [] };
  const comments: string[] = [];
  const current = await currentSchedule(ctx, kwargs);
  if (!(name in current)) return finish(ret, [`Job ${name} not present in schedule`]);
  if (ctx.test) {
    const result = (await ctx.salt('schedule.delete', [name], { ...kwargs, test: true })) as Dict;
    comments.push(String(result.comment));
  } else {
    const result = (await ctx.salt('schedule.delete', [name], kwargs)) as Dict;
    if (!result.result) return { ...ret, result: result.result as boolean, comment: result.comment as string };
    comments.push(`Removed job ${name} from schedule`);
    ret.changes = result.changes as Dict;
  }
  return finish(ret, comments);
}

async function toggle(name: string, kwargs: Dict, ctx: StateCallContext, enable: boolean): Promise<StateRet> {
  const ret: StateRet = { name, result: true, changes: {}, comment: [] };
  const current = await currentSchedule(ctx, kwargs, !enable);
  if (!(name in current)) return finish(ret, [`Job ${name} not present in schedule`]);
  const fun = enable ? 'schedule.enable_job' : 'schedule.disable_job';
  if (ctx.test) {
    const result = (await ctx.salt(fun, [name], { ...kwargs, test: true })) as Dict;
    return finish(ret, [typeof result.comment === 'string' ? result.comment : String(result.comment)]);
  }
  const result = (await ctx.salt(fun, [name], kwargs)) as Dict;
  if (!result.result) {
    return { ...ret, result: result.result as boolean, changes: (result.changes as Dict) ?? {}, comment: result.comment as string };
  }
  return finish(ret, [`${enable ? 'Enabled' : 'Disabled'} job ${name} from schedule`]);
}

const DOC_PRESENT = `Ensure a job is present in the schedule

name
    The unique name that is given to the scheduled job.

seconds
    The scheduled job will be executed after the specified
    number of seconds have passed.

minutes
    The scheduled job will be executed after the specified
    number of minutes have passed.

hours
    The scheduled job will be executed after the specified
    number of hours have passed.

days
    The scheduled job will be executed after the specified
    number of days have passed.

when
    This will schedule the job at the specified time(s).

cron
    This will schedule the job at the specified time(s)
    using the crontab format.

function
    The function that should be executed by the scheduled job.

job_args
    The arguments that will be used by the scheduled job.

job_kwargs
    The keyword arguments that will be used by the scheduled job.`;

const mod: SaltModule = {
  name: 'schedule',
  functions: {
    present: defineState({ args: ['name'], kwargs: true, doc: DOC_PRESENT }, ({ name }, ctx, { kwargs }) => present(String(name), jobKwargs(kwargs), ctx)),
    absent: defineState(
      { args: ['name'], kwargs: true, doc: 'Ensure a job is absent from the schedule\n\nname\n    The unique name that is given to the scheduled job.' },
      ({ name }, ctx, { kwargs }) => absent(String(name), jobKwargs(kwargs), ctx),
    ),
    enabled: defineState(
      { args: ['name'], kwargs: true, doc: 'Ensure a job is enabled in the schedule\n\nname\n    The unique name that is given to the scheduled job.' },
      ({ name }, ctx, { kwargs }) => toggle(String(name), jobKwargs(kwargs), ctx, true),
    ),
    disabled: defineState(
      { args: ['name'], kwargs: true, doc: 'Ensure a job is disabled in the schedule\n\nname\n    The unique name that is given to the scheduled job.' },
      ({ name }, ctx, { kwargs }) => toggle(String(name), jobKwargs(kwargs), ctx, false),
    ),
  },
};

export default mod;
