/**
 * Salt's `cron` state module: manage entries (`present`, `absent`) and variables
 * (`env_present`, `env_absent`) in a user's crontab through the `cron` execution module.
 */
import type { SaltModule } from '../loader/types.js';
import { cronMatched, needsChange, type CronEntry, type CronTab } from '../modules/cron.js';
import type { StateCallContext } from '../state/runner.js';
import { pyStr } from '../state/_py.js';
import { defineState, type StateRet } from './_define.js';

const lower = (v: unknown) => (v === null || v === undefined ? null : pyStr(v).toLowerCase());

interface Wanted {
  minute?: unknown;
  hour?: unknown;
  daymonth?: unknown;
  month?: unknown;
  dayweek?: unknown;
  comment?: unknown;
  commented?: unknown;
  special?: unknown;
}

/** Salt's `_check_cron`: 'present', 'update' or 'absent'. */
async function checkCron(ctx: StateCallContext, user: string, cmd: string, identifier: string | null, w: Wanted): Promise<string> {
  const tab = (await ctx.salt('cron.list_tab', [user])) as CronTab;
  const commented = w.commented === null || w.commented === undefined ? null : w.commented === true;
  const comment = w.comment ?? null;
  if (w.special === null || w.special === undefined) {
    for (const cron of tab.crons) {
      if (!cronMatched(cron, cmd, identifier)) continue;
      const pairs: Array<[unknown, unknown]> = [
        [cron.minute, lower(w.minute)], [cron.hour, lower(w.hour)], [cron.daymonth, lower(w.daymonth)], [cron.month, lower(w.month)],
        [cron.dayweek, lower(w.dayweek)], [cron.identifier, identifier], [cron.cmd, cmd], [cron.comment, comment], [cron.commented, commented],
      ];
      return pairs.some(([a, b]) => needsChange(a, b)) ? 'update' : 'present';
    }
  } else {
    for (const cron of tab.special) {
      if (!cronMatched(cron, cmd, identifier)) continue;
      const pairs: Array<[unknown, unknown]> = [
        [cron.spec, w.special], [cron.identifier, identifier], [cron.cmd, cmd], [cron.comment, comment], [cron.commented, commented],
      ];
      return pairs.some(([a, b]) => needsChange(a, b)) ? 'update' : 'present';
    }
  }
  return 'absent';
}

async function checkEnv(ctx: StateCallContext, user: string, name: string, value: unknown): Promise<string> {
  const tab = (await ctx.salt('cron.list_tab', [user])) as CronTab;
  const want = value === null || value === undefined ? '' : pyStr(value);
  for (const env of tab.env) {
    if (env.name === name) return want !== env.value ? 'update' : 'present';
  }
  return 'absent';
}

function identifierOf(name: string, identifier: unknown): string | null {
  if (identifier === false || identifier === undefined) return name;
  return identifier === null ? null : pyStr(identifier);
}

async function present(p: Record<string, any>, ctx: StateCallContext): Promise<StateRet> {
  const name = pyStr(p.name).trim();
  const user = pyStr(p.user);
  const identifier = identifierOf(name, p.identifier);
  const ret: StateRet = { changes: {}, comment: '', name, result: true };
  if (ctx.test) {
    const status = await checkCron(ctx, user, name, identifier, p);
    ret.result = null;
    if (status === 'absent') ret.comment = `Cron ${name} is set to be added`;
    else if (status === 'present') {
      ret.result = true;
      ret.comment = `Cron ${name} already present`;
    } else ret.comment = `Cron ${name} is set to be updated`;
    return ret;
  }
  let data: unknown;
  try {
    data =
      p.special === null || p.special === undefined
        ? await ctx.salt('cron.set_job', [], {
            user, minute: p.minute, hour: p.hour, daymonth: p.daymonth, month: p.month, dayweek: p.dayweek, cmd: name,
            comment: p.comment, commented: p.commented, identifier,
          })
        : await ctx.salt('cron.set_special', [], { user, special: p.special, cmd: name, comment: p.comment, commented: p.commented, identifier });
  } catch (err) {
    data = (err as Error).message;
  }
  if (data === 'present') ret.comment = `Cron ${name} already present`;
  else if (data === 'new') {
    ret.comment = `Cron ${name} added to ${user}'s crontab`;
    ret.changes = { [user]: name };
  } else if (data === 'updated') {
    ret.comment = `Cron ${name} updated`;
    ret.changes = { [user]: name };
  } else {
    ret.comment = `Cron ${name} for user ${user} failed to commit with error \n${pyStr(data)}`;
    ret.result = false;
  }
  return ret;
}

async function absent(p: Record<string, any>, ctx: StateCallContext): Promise<StateRet> {
  const name = pyStr(p.name).trim();
  const user = pyStr(p.user);
  const identifier = identifierOf(name, p.identifier);
  const ret: StateRet = { name, result: true, changes: {}, comment: '' };
  if (ctx.test) {
    const status = await checkCron(ctx, user, name, identifier, {});
    ret.result = null;
    if (status === 'absent') {
      ret.result = true;
      ret.comment = `Cron ${name} is absent`;
    } else ret.comment = `Cron ${name} is set to be removed`;
    return ret;
  }
  let data: unknown;
  try {
    data =
      p.special === null || p.special === undefined
        ? await ctx.salt('cron.rm_job', [user, name], { identifier })
        : await ctx.salt('cron.rm_special', [user, name], { special: p.special, identifier });
  } catch (err) {
    data = (err as Error).message;
  }
  if (data === 'absent') ret.comment = `Cron ${name} already absent`;
  else if (data === 'removed') {
    ret.comment = `Cron ${name} removed from ${user}'s crontab`;
    ret.changes = { [user]: name };
  } else {
    ret.comment = `Cron ${name} for user ${user} failed to commit with error ${pyStr(data)}`;
    ret.result = false;
  }
  return ret;
}

async function envPresent(p: Record<string, any>, ctx: StateCallContext): Promise<StateRet> {
  const name = pyStr(p.name);
  const user = pyStr(p.user);
  const ret: StateRet = { changes: {}, comment: '', name, result: true };
  if (ctx.test) {
    const status = await checkEnv(ctx, user, name, p.value);
    ret.result = null;
    if (status === 'absent') ret.comment = `Cron env ${name} is set to be added`;
    else if (status === 'present') {
      ret.result = true;
      ret.comment = `Cron env ${name} already present`;
    } else ret.comment = `Cron env ${name} is set to be updated`;
    return ret;
  }
  let data: unknown;
  try {
    data = await ctx.salt('cron.set_env', [user, name], { value: p.value });
  } catch (err) {
    data = (err as Error).message;
  }
  if (data === 'present') ret.comment = `Cron env ${name} already present`;
  else if (data === 'new') {
    ret.comment = `Cron env ${name} added to ${user}'s crontab`;
    ret.changes = { [user]: name };
  } else if (data === 'updated') {
    ret.comment = `Cron env ${name} updated`;
    ret.changes = { [user]: name };
  } else {
    ret.comment = `Cron env ${name} for user ${user} failed to commit with error \n${pyStr(data)}`;
    ret.result = false;
  }
  return ret;
}

async function envAbsent(p: Record<string, any>, ctx: StateCallContext): Promise<StateRet> {
  const name = pyStr(p.name).trim();
  const user = pyStr(p.user);
  const ret: StateRet = { name, result: true, changes: {}, comment: '' };
  if (ctx.test) {
    const status = await checkEnv(ctx, user, name, null);
    ret.result = null;
    if (status === 'absent') {
      ret.result = true;
      ret.comment = `Cron env ${name} is absent`;
    } else ret.comment = `Cron env ${name} is set to be removed`;
    return ret;
  }
  let data: unknown;
  try {
    data = await ctx.salt('cron.rm_env', [user, name]);
  } catch (err) {
    data = (err as Error).message;
  }
  if (data === 'absent') ret.comment = `Cron env ${name} already absent`;
  else if (data === 'removed') {
    ret.comment = `Cron env ${name} removed from ${user}'s crontab`;
    ret.changes = { [user]: name };
  } else {
    ret.comment = `Cron env ${name} for user ${user} failed to commit with error ${pyStr(data)}`;
    ret.result = false;
  }
  return ret;
}

const mod: SaltModule = {
  name: 'cron',
  functions: {
    present: defineState(
      {
        args: ['name', 'user', 'minute', 'hour', 'daymonth', 'month', 'dayweek', 'comment', 'commented', 'identifier', 'special'],
        defaults: {
          user: 'root', minute: '*', hour: '*', daymonth: '*', month: '*', dayweek: '*', comment: null, commented: false,
          identifier: false, special: null,
        },
        doc: 'Verifies that the specified cron job is present for the specified user.',
      },
      (p, ctx) => present(p, ctx),
    ),
    absent: defineState(
      {
        args: ['name', 'user', 'identifier', 'special'],
        defaults: { user: 'root', identifier: false, special: null },
        kwargs: true,
        doc: 'Verifies that the specified cron job is absent for the specified user.',
      },
      (p, ctx) => absent(p, ctx),
    ),
    env_present: defineState(
      { args: ['name', 'value', 'user'], defaults: { value: null, user: 'root' }, doc: 'Verifies that the specified environment variable is present in the crontab for the specified user.' },
      (p, ctx) => envPresent(p, ctx),
    ),
    env_absent: defineState(
      { args: ['name', 'user'], defaults: { user: 'root' }, doc: 'Verifies that the specified environment variable is absent from the crontab for the specified user' },
      (p, ctx) => envAbsent(p, ctx),
    ),
  },
};

export default mod;
