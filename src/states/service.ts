/**
 * Salt's `service` state module: keep services running or dead and enabled or disabled at
 * boot through the `service` execution module, and restart/reload them on `watch`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CommandExecutionError } from '../loader/errors.js';
import type { SaltModule } from '../loader/types.js';
import type { StateCallContext } from '../state/runner.js';
import { pyStr } from '../state/_py.js';
import { defineState, type StateRet } from './_define.js';

type Part = Partial<StateRet>;
/** `true` running, `false` dead, `null` "in the desired state" (the service was not touched). */
type Started = boolean | null;

function isTrue(v: unknown): boolean {
  if (typeof v === 'string') return ['true', '1', 'yes', 'on'].includes(v.toLowerCase()) || (Number(v) > 0 && v.trim() !== '');
  return !!v;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Calls a service function; a missing function (e.g. no `service.reload`) yields `undefined`. */
async function svc(ctx: StateCallContext, fun: string, args: unknown[], kwargs: Record<string, unknown> = {}): Promise<unknown> {
  return ctx.salt(`service.${fun}`, args, kwargs);
}

async function hasFunction(ctx: StateCallContext, fun: string): Promise<boolean> {
  try {
    return (await ctx.loader.listFunctions()).includes(fun);
  } catch {
    return true;
  }
}

async function available(ctx: StateCallContext, name: string, ret: Part): Promise<boolean> {
  const avail = !!(await svc(ctx, 'available', [name]));
  if (!avail) {
    ret.result = false;
    ret.comment = `The named service ${name} is not available`;
  }
  return avail;
}

function stateWord(started: Started, running: string, desired: string, dead: string): string {
  return started === true ? running : started === null ? desired : dead;
}

/** Salt's `_enable`: the keys to merge into the state return. */
async function enable(ctx: StateCallContext, name: string, started: Started, result = true): Promise<Part> {
  const ret: Part = {};
  try {
    if (!(await available(ctx, name, ret))) return ret;
  } catch (err) {
    return { result: false, comment: errText(err) };
  }
  ret.result = result;
  const before = !!(await svc(ctx, 'enabled', [name]));
  if (before) {
    if (started === null) ret.changes = {};
    ret.comment = `Service ${name} is already enabled, and is ${stateWord(started, 'running', 'in the desired state', 'dead')}`;
    return ret;
  }
  if (ctx.test) {
    ret.result = null;
    ret.comment = `Service ${name} set to be enabled`;
    return ret;
  }
  let error: string | false = false;
  try {
    if (await svc(ctx, 'enable', [name])) {
      ret.changes = {};
      const after = !!(await svc(ctx, 'enabled', [name]));
      if (before !== after) ret.changes[name] = true;
      ret.comment = `Service ${name} has been enabled, and is ${stateWord(started, 'running', 'in the desired state', 'dead')}`;
      return ret;
    }
  } catch (err) {
    if (!(err instanceof CommandExecutionError)) throw err;
    error = err.message;
  }
  ret.result = false;
  ret.comment = stateWord(
    started,
    `Failed when setting service ${name} to start at boot, but the service is running`,
    `Failed when setting service ${name} to start at boot, but the service was already running`,
    `Failed when setting service ${name} to start at boot, and the service is dead`,
  );
  if (error) ret.comment += `. Additional information follows:\n\n${error}`;
  return ret;
}

/** Salt's `_disable`: the keys to merge into the state return. */
async function disable(ctx: StateCallContext, name: string, started: Started, result = true): Promise<Part> {
  const ret: Part = {};
  try {
    if (!(await available(ctx, name, ret))) {
      ret.result = true;
      return ret;
    }
  } catch (err) {
    return { result: false, comment: errText(err) };
  }
  ret.result = result;
  const before = !!(await svc(ctx, 'disabled', [name]));
  if (before) {
    if (started === null) ret.changes = {};
    ret.comment = `Service ${name} is already disabled, and is ${stateWord(started, 'running', 'in the desired state', 'dead')}`;
    return ret;
  }
  if (ctx.test) {
    ret.result = null;
    ret.comment = `Service ${name} set to be disabled`;
    return ret;
  }
  if (await svc(ctx, 'disable', [name])) {
    ret.changes = {};
    const after = !!(await svc(ctx, 'disabled', [name]));
    if (before !== after) ret.changes[name] = true;
    ret.comment = `Service ${name} has been disabled, and is ${stateWord(started, 'running', 'in the desired state', 'dead')}`;
    return ret;
  }
  ret.result = false;
  ret.comment = stateWord(
    started,
    `Failed when setting service ${name} to not start at boot, and is running`,
    `Failed when setting service ${name} to not start at boot, but the service was already running`,
    `Failed when setting service ${name} to not start at boot, and the service is dead`,
  );
  return ret;
}

function enabledUsedError(ret: StateRet): StateRet {
  ret.result = false;
  ret.comment = `Service ${pyStr(ret.name)} uses non-existent option "enabled".  Perhaps "enable" option was intended?`;
  return ret;
}

function enableFlag(v: unknown): boolean | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? isTrue(v) : !!v;
}

async function running(p: Record<string, any>, ctx: StateCallContext, kwargs: Record<string, unknown>): Promise<StateRet> {
  const name = pyStr(p.name);
  const ret: StateRet = { name, changes: {}, result: true, comment: '' };
  ctx.context['service.state'] = 'running';
  if ('enabled' in kwargs) return enabledUsedError(ret);
  const want = enableFlag(p.enable);
  try {
    if (!(await available(ctx, name, ret))) {
      if (ctx.test) {
        ret.result = null;
        ret.comment = `Service ${name} not present; if created in this state run, it would have been started`;
      }
      return ret;
    }
  } catch (err) {
    ret.result = false;
    ret.comment = errText(err);
    return ret;
  }
  const sig = p.sig ?? null;
  const beforeStatus = !!(await svc(ctx, 'status', [name, sig]));
  const beforeEnabled = !!(await svc(ctx, 'enabled', [name]));
  if (beforeStatus) {
    ret.comment = `The service ${name} is already running`;
    if (want === true && !beforeEnabled) Object.assign(ret, await enable(ctx, name, null));
    else if (want === false && beforeEnabled) Object.assign(ret, await disable(ctx, name, null));
    return ret;
  }
  if (ctx.test) {
    ret.result = null;
    ret.comment = `Service ${name} is set to start`;
    return ret;
  }
  let started: unknown;
  try {
    started = await svc(ctx, 'start', [name]);
  } catch (err) {
    ret.result = false;
    ret.comment = errText(err);
    return ret;
  }
  if (!started) {
    ret.result = false;
    ret.comment = `Service ${name} failed to start`;
    if (want === true) Object.assign(ret, await enable(ctx, name, false, false));
    else if (want === false) Object.assign(ret, await disable(ctx, name, false, false));
    return ret;
  }
  if (p.init_delay) await sleep(Number(p.init_delay) * 1000);
  const afterStatus = !!(await svc(ctx, 'status', [name, sig]));
  const afterEnabled = !!(await svc(ctx, 'enabled', [name]));
  if ((beforeEnabled !== afterEnabled || beforeStatus !== afterStatus) && !Object.keys(ret.changes).length) ret.changes[name] = afterStatus;
  if (afterStatus) ret.comment = `Started service ${name}`;
  else {
    ret.comment = `Service ${name} failed to start`;
    ret.result = false;
  }
  if (want === true) Object.assign(ret, await enable(ctx, name, afterStatus, afterStatus));
  else if (want === false) Object.assign(ret, await disable(ctx, name, afterStatus, afterStatus));
  if (p.init_delay) ret.comment = `${pyStr(ret.comment)}\nDelayed return for ${pyStr(p.init_delay)} seconds`;
  return ret;
}

async function dead(p: Record<string, any>, ctx: StateCallContext, kwargs: Record<string, unknown>): Promise<StateRet> {
  const name = pyStr(p.name);
  const ret: StateRet = { name, changes: {}, result: true, comment: '' };
  ctx.context['service.state'] = 'dead';
  if ('enabled' in kwargs) return enabledUsedError(ret);
  const want = enableFlag(p.enable);
  try {
    if (!(await available(ctx, name, ret))) {
      if (ctx.test) {
        ret.result = null;
        ret.comment = `Service ${name} not present; if created in this state run, it would have been stopped`;
      } else ret.result = true;
      return ret;
    }
  } catch (err) {
    ret.result = false;
    ret.comment = errText(err);
    return ret;
  }
  const sig = p.sig ?? null;
  const beforeStatus = !!(await svc(ctx, 'status', [name, sig]));
  const beforeEnabled = !!(await svc(ctx, 'enabled', [name]));
  if (!beforeStatus) {
    ret.comment = `The service ${name} is already dead`;
    if (want === true && !beforeEnabled) Object.assign(ret, await enable(ctx, name, null));
    else if (want === false && beforeEnabled) Object.assign(ret, await disable(ctx, name, null));
    return ret;
  }
  if (ctx.test) {
    ret.result = null;
    ret.comment = `Service ${name} is set to be killed`;
    return ret;
  }
  if (!(await svc(ctx, 'stop', [name]))) {
    ret.result = false;
    ret.comment = `Service ${name} failed to die`;
    if (want === true) Object.assign(ret, await enable(ctx, name, true, false));
    else if (want === false) Object.assign(ret, await disable(ctx, name, true, false));
    return ret;
  }
  if (p.init_delay) await sleep(Number(p.init_delay) * 1000);
  const afterStatus = !!(await svc(ctx, 'status', [name]));
  const afterEnabled = !!(await svc(ctx, 'enabled', [name]));
  if ((beforeEnabled !== afterEnabled || beforeStatus !== afterStatus) && !Object.keys(ret.changes).length) ret.changes[name] = afterStatus;
  if (afterStatus) {
    ret.result = false;
    ret.comment = `Service ${name} failed to die`;
  } else ret.comment = `Service ${name} was killed`;
  if (want === true) Object.assign(ret, await enable(ctx, name, afterStatus, !afterStatus));
  else if (want === false) Object.assign(ret, await disable(ctx, name, afterStatus, !afterStatus));
  return ret;
}

async function modWatch(p: Record<string, any>, ctx: StateCallContext): Promise<StateRet> {
  const name = pyStr(p.name);
  const ret: StateRet = { name, changes: {}, result: true, comment: '' };
  const sig = p.sig ?? null;
  let fun: string;
  let verb: string;
  let past: string;
  if (p.sfun === 'dead') {
    verb = 'stop';
    past = 'stopped';
    if (!(await svc(ctx, 'status', [name, sig]))) {
      ret.comment = `Service is already ${past}`;
      return ret;
    }
    fun = 'stop';
  } else if (p.sfun === 'running') {
    if (await svc(ctx, 'status', [name, sig])) {
      if (p.reload && (await hasFunction(ctx, 'service.reload'))) {
        if (p.force && (await hasFunction(ctx, 'service.force_reload'))) {
          fun = 'force_reload';
          verb = 'forcefully reload';
        } else {
          fun = 'reload';
          verb = 'reload';
        }
      } else if (p.full_restart && (await hasFunction(ctx, 'service.full_restart'))) {
        fun = 'full_restart';
        verb = 'fully restart';
      } else {
        fun = 'restart';
        verb = 'restart';
      }
    } else {
      fun = 'start';
      verb = 'start';
    }
    past = `${verb}ed`;
  } else {
    ret.comment = `Unable to trigger watch for service.${pyStr(p.sfun)}`;
    ret.result = false;
    return ret;
  }
  if (ctx.test) {
    ret.result = null;
    ret.comment = `Service is set to be ${past}`;
    return ret;
  }
  if (verb === 'start') await svc(ctx, 'stop', [name]);
  let result: unknown;
  try {
    result = await svc(ctx, fun, [name]);
  } catch (err) {
    ret.result = false;
    ret.comment = errText(err);
    return ret;
  }
  if (p.init_delay) await sleep(Number(p.init_delay) * 1000);
  ret.changes = { [name]: result };
  ret.result = result as boolean;
  ret.comment = result ? `Service ${past}` : `Failed to ${verb} the service`;
  return ret;
}

const RUN_ARGS = ['name', 'enable', 'sig', 'init_delay'] as const;
const RUN_DEFAULTS = { enable: null, sig: null, init_delay: null };

const mod: SaltModule = {
  name: 'service',
  functions: {
    running: defineState(
      { args: RUN_ARGS, defaults: RUN_DEFAULTS, kwargs: true, doc: 'Ensure that the service is running' },
      (p, ctx, { kwargs }) => running(p, ctx, kwargs),
    ),
    dead: defineState(
      { args: RUN_ARGS, defaults: RUN_DEFAULTS, kwargs: true, doc: 'Ensure that the named service is dead by stopping the service if it is running' },
      (p, ctx, { kwargs }) => dead(p, ctx, kwargs),
    ),
    enabled: defineState({ args: ['name'], kwargs: true, doc: 'Ensure that the service is enabled on boot' }, async ({ name }, ctx) => {
      const n = pyStr(name);
      const ret: StateRet = { name: n, changes: {}, result: true, comment: '' };
      ctx.context['service.state'] = 'enabled';
      Object.assign(ret, await enable(ctx, n, null));
      if (ctx.test && ret.comment === `The named service ${n} is not available`) {
        ret.result = null;
        ret.comment = `Service ${n} not present; if created in this state run, it would have been enabled`;
      }
      return ret;
    }),
    disabled: defineState({ args: ['name'], kwargs: true, doc: 'Ensure that the service is disabled on boot' }, async ({ name }, ctx) => {
      const n = pyStr(name);
      const ret: StateRet = { name: n, changes: {}, result: true, comment: '' };
      ctx.context['service.state'] = 'disabled';
      Object.assign(ret, await disable(ctx, n, null));
      return ret;
    }),
    mod_watch: defineState(
      {
        args: ['name', 'sfun', 'sig', 'reload', 'full_restart', 'init_delay', 'force'],
        defaults: { sfun: null, sig: null, reload: false, full_restart: false, init_delay: null, force: false },
        kwargs: true,
        doc: 'The service watcher, called to invoke the watch command.',
      },
      (p, ctx) => modWatch(p, ctx),
    ),
  },
};

export default mod;
