/**
 * Salt's `cmd` state module: run commands as states (`cmd.run`), commands that only run when
 * watched (`cmd.wait`), and their `mod_watch`.
 */
import { isAbsolute } from 'node:path';
import type { SaltModule } from '../loader/types.js';
import type { StateCallContext } from '../state/runner.js';
import { defineState, type StateRet } from './_define.js';
import { isDir } from '../fs_checks.js';

const RUN_ARGS = [
  'name', 'cwd', 'root', 'runas', 'shell', 'env', 'prepend_path', 'stateful', 'output_loglevel', 'hide_output',
  'timeout', 'ignore_timeout', 'use_vt', 'success_retcodes', 'success_stdout', 'success_stderr',
] as const;

const RUN_DEFAULTS = {
  cwd: null, root: null, runas: null, shell: null, env: null, prepend_path: null, stateful: false,
  output_loglevel: 'debug', hide_output: false, timeout: null, ignore_timeout: false, use_vt: false,
  success_retcodes: null, success_stdout: null, success_stderr: null,
};

/** Keys a watch or the state system adds that the execution function must not see. */
const NOT_FOR_EXEC = new Set(['sfun', '__reqs__']);

/** Salt's `_reinterpreted_state`: a stateful command prints its own state return as its last stdout line. */
function reinterpret(ret: StateRet): StateRet {
  const changes = ret.changes as { stdout?: string };
  const out = (changes.stdout ?? '').trim();
  if (!out) return ret;
  const lines = out.split('\n');
  const last = lines[lines.length - 1].trim();
  let data: Record<string, unknown> | undefined;
  try {
    data = JSON.parse(last);
  } catch {
    const kv: Record<string, unknown> = {};
    for (const item of last.split(/\s+/)) {
      const eq = item.indexOf('=');
      if (eq > 0) kv[item.slice(0, eq)] = item.slice(eq + 1).replace(/^['"]|['"]$/g, '');
    }
    data = Object.keys(kv).length ? kv : undefined;
  }
  if (!data || typeof data !== 'object') return ret;
  changes.stdout = lines.slice(0, -1).join('\n');
  if ('changed' in data) {
    const changed = String(data.changed).toLowerCase();
    if (!['yes', 'true'].includes(changed)) ret.changes = {};
    delete data.changed;
  }
  if ('comment' in data) {
    ret.comment = String(data.comment);
    delete data.comment;
  }
  Object.assign(ret.changes, data);
  return ret;
}

async function run(params: Record<string, any>, ctx: StateCallContext, kwargs: Record<string, unknown>): Promise<StateRet> {
  let name = params.name;
  const ret: StateRet = { name, changes: {}, result: false, comment: '' };
  let testName: unknown;
  let stateful = params.stateful;
  if (!Array.isArray(stateful)) stateful = stateful === true;
  else if (stateful[0] && typeof stateful[0] === 'object' && 'test_name' in stateful[0]) testName = stateful[0].test_name;
  if (ctx.test && testName) name = testName;
  const env = params.env;
  if (env !== null && env !== undefined && typeof env !== 'object') {
    ret.comment = "Invalidly-formatted 'env' parameter. See documentation.";
    return ret;
  }
  const execKwargs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(kwargs)) if (!NOT_FOR_EXEC.has(k)) execKwargs[k] = v;
  Object.assign(execKwargs, {
    cwd: params.cwd,
    runas: params.runas,
    use_vt: params.use_vt,
    env: params.env,
    prepend_path: params.prepend_path,
    output_loglevel: params.output_loglevel,
    hide_output: params.hide_output,
    success_retcodes: params.success_retcodes,
    success_stdout: params.success_stdout,
    success_stderr: params.success_stderr,
  });
  const shell = params.shell ?? ctx.grains.shell;
  if (shell) execKwargs.shell = shell;
  if (ctx.test && !testName) {
    ret.result = null;
    ret.comment = `Command "${name}" would have been executed`;
    ret.changes = { cmd: name };
    return stateful ? reinterpret(ret) : ret;
  }
  if (params.cwd && !(typeof params.cwd === 'string' && isAbsolute(params.cwd) && isDir(params.cwd))) {
    ret.comment = `Desired working directory "${params.cwd}" is not available`;
    return ret;
  }
  let cmdAll: Record<string, any>;
  try {
    cmdAll = (await ctx.salt('cmd.run_all', [], { cmd: name, timeout: params.timeout, python_shell: true, ...execKwargs })) as Record<string, any>;
  } catch (err) {
    ret.comment = (err as Error).message;
    return ret;
  }
  ret.changes = cmdAll;
  ret.result = !cmdAll.retcode;
  ret.comment = `Command "${name}" run`;
  if (params.ignore_timeout) {
    if (cmdAll.retcode === 1 && String(cmdAll.stdout ?? '').includes('Timed out after')) {
      cmdAll.retcode = 0;
      ret.result = true;
    }
  }
  let out = stateful ? reinterpret(ret) : ret;
  if (ctx.test && cmdAll.retcode === 0 && Object.keys(out.changes).length) out.result = null;
  return out;
}

const mod: SaltModule = {
  name: 'cmd',
  functions: {
    run: defineState(
      { args: RUN_ARGS, defaults: RUN_DEFAULTS, kwargs: true, doc: 'Run a command if certain circumstances are met.' },
      (p, ctx, { kwargs }) => run(p, ctx, kwargs),
    ),
    wait: defineState(
      {
        args: ['name', 'cwd', 'root', 'runas', 'shell', 'env', 'stateful', 'use_vt', 'output_loglevel', 'hide_output', 'success_retcodes', 'success_stdout', 'success_stderr'],
        defaults: {
          cwd: null, root: null, runas: null, shell: null, env: [], stateful: false, use_vt: false, output_loglevel: 'debug',
          hide_output: false, success_retcodes: null, success_stdout: null, success_stderr: null,
        },
        kwargs: true,
        doc: 'Run the given command only if the watch statement calls it.',
      },
      ({ name }) => ({ name, changes: {}, result: true, comment: '' }),
    ),
    mod_watch: defineState(
      { args: ['name'], kwargs: true, doc: 'Execute a cmd function based on a watch call' },
      async ({ name }, ctx, { kwargs }) => {
        const sfun = kwargs.sfun;
        if (sfun === 'wait' || sfun === 'run' || sfun === 'watch') {
          const params: Record<string, unknown> = { ...RUN_DEFAULTS, name };
          const rest: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(kwargs)) {
            if ((RUN_ARGS as readonly string[]).includes(k)) params[k] = v;
            else rest[k] = v;
          }
          if (params.stateful) {
            params.stateful = false;
            return reinterpret(await run(params, ctx, rest));
          }
          return run(params, ctx, rest);
        }
        return {
          name,
          changes: {},
          comment: `cmd.${sfun} does not work with the watch requisite, please use cmd.wait or cmd.wait_script`,
          result: false,
        };
      },
    ),
  },
};

export default mod;
