/**
 * Salt's `cmd` execution module (Salt's file: cmdmod.py): run commands, with or without a shell,
 * as another user, with a timeout. Commands run as child processes without blocking the event
 * loop; a timeout or a killed job kills the command's whole process group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { constants as osConstants, homedir, tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { fnmatch } from '../targeting/fnmatch.js';
import { defineFunction } from '../loader/define.js';
import { CommandExecutionError, SaltInvocationError } from '../loader/errors.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { LOG_LEVELS } from '../log/logger.js';
import { PyFloat } from '../protocol/pytypes.js';
import { pyInt, pyStr } from './_pyconv.js';
import { pyRepr } from './_pyrepr.js';
import { shlexSplit } from './_shlex.js';
import { getGroup, getUser } from './_users.js';
import { isDir } from '../fs_checks.js';

/** The minion's default shell: Salt's `shell` grain ($SHELL, else /bin/sh). */
export const DEFAULT_SHELL = process.env.SHELL || '/bin/sh';

/** What `cmd.run_all` returns. `retcode` is null for a command left running in the background. */
export interface CommandResult {
  pid: number;
  retcode: number | null;
  stdout: string;
  stderr: string;
}

/** The options of Salt's internal `_run`, already bound from a function's parameters. */
interface ExecOptions {
  cwd?: unknown;
  stdin?: unknown;
  runas?: unknown;
  group?: unknown;
  shell: string;
  pythonShell: boolean | null;
  env?: unknown;
  cleanEnv?: boolean;
  prependPath?: unknown;
  rstrip: boolean;
  template?: unknown;
  umask?: unknown;
  timeout?: unknown;
  resetSystemLocale: boolean;
  ignoreRetcode: boolean;
  outputLoglevel: unknown;
  outputEncoding?: unknown;
  bg: boolean;
  redirectStderr: boolean;
  successRetcodes?: unknown;
  successStdout?: unknown;
  successStderr?: unknown;
  kwargs: Record<string, unknown>;
}

function truthy(v: unknown): boolean {
  return !(v === null || v === undefined || v === false || v === 0 || v === '');
}

/** Salt's `_check_loglevel`: a level number, or null for `quiet`. Unknown names fall back to info. */
function checkLoglevel(level: unknown, ctx: CallContext): number | null {
  if (typeof level !== 'string') return LOG_LEVELS.info;
  const name = level.toLowerCase();
  if (name === 'quiet') return null;
  if (name in LOG_LEVELS) return LOG_LEVELS[name];
  ctx.log.error(
    `Invalid output_loglevel '${level}'. Valid levels are: ${Object.keys(LOG_LEVELS).sort().reverse().join(', ')}. Falling back to 'info'.`,
  );
  return LOG_LEVELS.info;
}

function logAt(ctx: CallContext, level: number, msg: string): void {
  if (level >= LOG_LEVELS.critical) ctx.log.critical(msg);
  else if (level >= LOG_LEVELS.error) ctx.log.error(msg);
  else if (level >= LOG_LEVELS.warning) ctx.log.warn(msg);
  else if (level >= LOG_LEVELS.info) ctx.log.info(msg);
  else if (level >= LOG_LEVELS.debug) ctx.log.debug(msg);
  else ctx.log.trace(msg);
}

/** The first word of a command, for log lines (Salt's `_log_cmd`). */
function logCmd(cmd: string | string[]): string {
  if (Array.isArray(cmd)) return String(cmd[0] ?? '').trim();
  return (String(cmd).trim().split(/\s+/)[0] ?? '').trim();
}

/** Salt's `split_input`: a list as is, otherwise a comma-separated string. */
function splitInput(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  return pyStr(v)
    .split(',')
    .map((s) => s.trim());
}

/** Salt's `_parse_env`: a dict, a list of one-key dicts merged, anything else empty. */
function parseEnv(env: unknown): Record<string, string> {
  let map: Record<string, unknown> = {};
  if (Array.isArray(env)) {
    for (const item of env) if (item && typeof item === 'object' && !Array.isArray(item)) Object.assign(map, item);
  } else if (env && typeof env === 'object') {
    map = env as Record<string, unknown>;
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) out[k] = v === null || v === undefined ? '' : pyStr(v);
  return out;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function isReadable(path: string): boolean {
  try {
    accessSync(path, fsConstants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves a program the way `execvp` would, so a missing program fails before spawning.
 * Returns an errno-style reason when it cannot be executed.
 */
function resolveProgram(program: string, cwd: string, pathVar: string | undefined): { ok: true } | { ok: false; reason: string } {
  const check = (p: string): 'ok' | 'missing' | 'denied' => {
    try {
      if (statSync(p).isDirectory()) return 'denied';
      accessSync(p, fsConstants.X_OK);
      return 'ok';
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EACCES' ? 'denied' : 'missing';
    }
  };
  if (program.includes('/')) {
    const r = check(isAbsolute(program) ? program : join(cwd, program));
    if (r === 'ok') return { ok: true };
    return {
      ok: false,
      reason: r === 'denied' ? `[Errno 13] Permission denied: ${pyRepr(program)}` : `[Errno 2] No such file or directory: ${pyRepr(program)}`,
    };
  }
  let denied = false;
  for (const dir of (pathVar ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
    const r = check(join(dir || '.', program));
    if (r === 'ok') return { ok: true };
    if (r === 'denied') denied = true;
  }
  return {
    ok: false,
    reason: denied ? `[Errno 13] Permission denied: ${pyRepr(program)}` : `[Errno 2] No such file or directory: ${pyRepr(program)}`,
  };
}

/** Kills a detached child's whole process group (falls back to the child alone). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/**
 * The environment a login of `user` would have (Salt asks `su - user` for it), so commands run
 * with runas see that user's HOME, USER, PATH... Empty when it cannot be read.
 */
async function loginEnvironment(user: string, shell: string): Promise<Record<string, string>> {
  const marker = `<<<${randomUUID()}>>>`;
  const script = `printf '%s' '${marker}'; env -0; printf '%s' '${marker}'`;
  const out = await new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    let child: ChildProcess;
    try {
      child = spawn('su', ['-s', shell, '-', user, '-c', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      resolve(Buffer.alloc(0));
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.stdout!.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', () => {
      clearTimeout(timer);
      resolve(Buffer.alloc(0));
    });
    child.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
  const parts = out.toString('utf8').split(marker);
  if (parts.length !== 3) return {};
  const env: Record<string, string> = {};
  for (const entry of parts[1].split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

const LOCALE_VARS = [
  'LC_CTYPE', 'LC_NUMERIC', 'LC_TIME', 'LC_COLLATE', 'LC_MONETARY', 'LC_MESSAGES', 'LC_PAPER',
  'LC_NAME', 'LC_ADDRESS', 'LC_TELEPHONE', 'LC_MEASUREMENT', 'LC_IDENTIFICATION', 'LANGUAGE',
];

function decodeOutput(buf: Buffer, encoding: unknown, ctx: CallContext, what: string, cmd: string | string[], quiet: boolean): string {
  const label = typeof encoding === 'string' && encoding ? encoding : 'utf-8';
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    decoder = new TextDecoder('utf-8', { fatal: true });
  }
  try {
    return decoder.decode(buf);
  } catch {
    if (!quiet) {
      ctx.log.error(`Failed to decode ${what} from command ${logCmd(cmd)}, non-decodable characters have been replaced`);
    }
    return new TextDecoder(decoder.encoding).decode(buf);
  }
}

/** Python's `str.rstrip()` (strips Unicode whitespace). */
function rstrip(s: string): string {
  return s.replace(/[\s\x1c-\x1f\x85]+$/u, '');
}

/**
 * Salt's `_run`: validates and prepares the command, runs it and collects the outcome.
 * Sets `ctx.context.retcode` to the exit code (0 with ignore_retcode) except on a timeout.
 */
async function execute(ctx: CallContext, rawCmd: unknown, o: ExecOptions): Promise<CommandResult> {
  const loglevel = checkLoglevel(o.outputLoglevel, ctx);
  const quiet = loglevel === null;
  let runas = o.runas;
  if (!truthy(runas) && truthy(ctx.context.runas)) runas = ctx.context.runas;
  const runasName = truthy(runas) ? pyStr(runas) : undefined;

  let cwd: string;
  if (!truthy(o.cwd)) {
    let home = homedir();
    if (runasName) home = (await getUser(runasName))?.home ?? `~${runasName}`;
    cwd = isReadable(home) ? home : '/';
  } else {
    cwd = pyStr(o.cwd);
  }

  let ignoreRetcode = o.ignoreRetcode;
  if (o.bg) ignoreRetcode = true;

  if (!isExecutableFile(o.shell)) throw new CommandExecutionError(`The shell ${o.shell} is not available`);
  if (truthy(o.template)) {
    throw new CommandExecutionError(`Attempted to render file paths with unavailable engine ${pyStr(o.template)}`);
  }

  let cmd: string | string[] = Array.isArray(rawCmd) ? rawCmd.map((x) => pyStr(x)) : pyStr(rawCmd);
  if ('__pub_jid' in o.kwargs && !commandAllowed(ctx, cmd)) {
    throw new CommandExecutionError(`The shell command "${Array.isArray(cmd) ? pyRepr(cmd) : cmd}" is not permitted`);
  }

  let env = parseEnv(o.env);
  if (!quiet) {
    const q = Array.isArray(cmd) ? '' : "'";
    ctx.log.info(
      `Executing command ${q}${logCmd(cmd)}${q} ${runasName ? `as user '${runasName}' ` : ''}${truthy(o.group) ? `in group '${pyStr(o.group)}' ` : ''}in directory '${cwd}'${o.bg ? '. Executing command in the background, no output will be logged.' : ''}`,
    );
  }

  let uid: number | undefined;
  let gid: number | undefined;
  if (runasName) {
    const user = await getUser(runasName);
    if (!user) throw new CommandExecutionError(`User '${runasName}' is not available`);
    uid = user.uid;
    gid = user.gid;
  }
  if (truthy(o.group)) {
    const group = await getGroup(pyStr(o.group));
    // Salt's message names the runas user here, not the group.
    if (!group) throw new CommandExecutionError(`Group '${runasName ?? 'None'}' is not available`);
    gid = group.gid;
  }
  if (runasName) {
    const loginEnv = await loginEnvironment(runasName, o.shell);
    if (Object.keys(loginEnv).length === 0) {
      ctx.log.error(`Environment could not be retrieved for user '${runasName}'`);
    }
    const merged: Record<string, string> = { ...loginEnv, ...env };
    if (merged.USER !== runasName) merged.USER = runasName;
    const home = (await getUser(runasName))?.home;
    if (home && merged.HOME !== home) merged.HOME = home;
    env = merged;
  }

  if (o.resetSystemLocale) {
    for (const v of LOCALE_VARS) if (!(v in env)) env[v] = 'C';
  }
  const runEnv: Record<string, string> = o.cleanEnv ? { ...env } : ({ ...process.env, ...env } as Record<string, string>);
  if (truthy(o.prependPath)) runEnv.PATH = `${pyStr(o.prependPath)}:${runEnv.PATH ?? ''}`;
  if (!('NOTIFY_SOCKET' in env)) delete runEnv.NOTIFY_SOCKET;

  const pythonShell = o.pythonShell === true;

  let stdin: string | undefined;
  if (o.stdin !== null && o.stdin !== undefined && !o.bg) {
    stdin = pyStr(o.stdin);
    if (!o.kwargs.stdin_raw_newlines) stdin = stdin.replace(/\\n/g, '\n');
  }

  let umask: number | undefined;
  if (o.umask !== null && o.umask !== undefined) {
    const text = pyStr(o.umask).replace(/^0+/, '');
    if (text === '') throw new CommandExecutionError('Zero umask is not allowed.');
    if (!/^\s*[+-]?[0-7]+(_[0-7]+)*\s*$/.test(text)) throw new CommandExecutionError(`Invalid umask: '${pyStr(o.umask)}'`);
    umask = parseInt(text.replace(/_/g, '').trim(), 8);
  }

  if (!isAbsolute(cwd) || !isDir(cwd)) {
    throw new CommandExecutionError(`Specified cwd '${cwd}' either not absolute or does not exist`);
  }

  if (!pythonShell && typeof cmd === 'string') cmd = shlexSplit(cmd);

  let successRetcodes = [0];
  if (o.successRetcodes !== null && o.successRetcodes !== undefined) {
    try {
      successRetcodes = splitInput(o.successRetcodes).map((x) => pyInt(x));
    } catch {
      throw new SaltInvocationError('success_retcodes must be a list of integers');
    }
  }
  const successStdout = o.successStdout === null || o.successStdout === undefined ? [] : splitInput(o.successStdout).map(pyStr);
  const successStderr = o.successStderr === null || o.successStderr === undefined ? [] : splitInput(o.successStderr).map(pyStr);

  let timeoutSec: number | undefined;
  if (truthy(o.timeout)) {
    const t = o.timeout instanceof PyFloat ? o.timeout.value : o.timeout;
    if (typeof t !== 'number') {
      const err = new Error(`Error: timeout ${pyStr(o.timeout)} must be a number`);
      Object.defineProperty(err, 'name', { value: 'TimedProcTimeoutError' });
      throw err;
    }
    timeoutSec = t;
  }

  // argv as Python's Popen would exec it: the shell with -c, or the split command.
  // With a shell, a list command behaves as Popen(list, shell=True): its first item is the script.
  const argv = pythonShell ? [o.shell, '-c', ...(Array.isArray(cmd) ? cmd : [cmd])] : (cmd as string[]);
  if (argv.length === 0) {
    throw new CommandExecutionError(`Unable to run command '${pyRepr(cmd)}' with the context '{'cwd': ${pyRepr(cwd)}}', reason: list index out of range`);
  }
  if (!pythonShell) {
    const found = resolveProgram(argv[0], cwd, runEnv.PATH);
    if (!found.ok) {
      throw new CommandExecutionError(
        `Unable to run command '${quiet ? 'REDACTED' : pyRepr(cmd)}' with the context '{'cwd': ${pyRepr(cwd)}, 'shell': False}', reason: ${found.reason}`,
      );
    }
  }
  // A small sh prelude does what Python's Popen does and Node's spawn cannot: set the umask and
  // send stderr into the stdout pipe; `exec` keeps the command's pid.
  let file = argv[0];
  let spawnArgs = argv.slice(1);
  const redirect = o.redirectStderr && !o.bg;
  if (umask !== undefined || redirect) {
    const prelude = `${umask !== undefined ? `umask ${umask.toString(8).padStart(3, '0')}; ` : ''}exec "$0" "$@"${redirect ? ' 2>&1' : ''}`;
    file = '/bin/sh';
    spawnArgs = ['-c', prelude, ...argv];
  }

  const commandText = typeof cmd === 'string' ? cmd : pyRepr(cmd);

  if (o.bg) {
    const child = spawnChild(file, spawnArgs, { cwd, env: runEnv, uid, gid, stdio: ['ignore', 'ignore', 'ignore'] }, cmd, cwd);
    await spawned(child, cmd, cwd, quiet);
    child.unref();
    ctx.context.retcode = 0;
    return { pid: child.pid!, retcode: null, stdout: '', stderr: '' };
  }

  const child = spawnChild(
    file,
    spawnArgs,
    { cwd, env: runEnv, uid, gid, stdio: [stdin !== undefined ? 'pipe' : 'ignore', 'pipe', redirect ? 'ignore' : 'pipe'] },
    cmd,
    cwd,
  );
  await spawned(child, cmd, cwd, quiet);
  const pid = child.pid!;

  const outcome = await new Promise<{ kind: 'exit'; code: number; out: Buffer; err: Buffer } | { kind: 'timeout' }>((resolve, reject) => {
    const out: Buffer[] = [];
    const errChunks: Buffer[] = [];
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      if (settled) return;
      settled = true;
      cleanup();
      killGroup(child);
      const reason = ctx.signal?.reason;
      reject(reason instanceof Error ? reason : new Error(`The job running ${logCmd(cmd)} was killed`));
    };
    const cleanup = () => {
      if (timer) clearTimeout(timer);
      ctx.signal?.removeEventListener('abort', onAbort);
    };
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => errChunks.push(c));
    child.on('close', (code, signal) => {
      if (settled) return;
      settled = true;
      cleanup();
      // Python reports a death by signal as the negative signal number.
      const rc = code ?? (signal ? -(osSignalNumber(signal)) : 1);
      resolve({ kind: 'exit', code: rc, out: Buffer.concat(out), err: Buffer.concat(errChunks) });
    });
    if (timeoutSec !== undefined) {
      timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        cleanup();
        killGroup(child);
        child.stdout?.destroy();
        child.stderr?.destroy();
        resolve({ kind: 'timeout' });
      }, timeoutSec * 1000);
    }
    if (ctx.signal) {
      if (ctx.signal.aborted) onAbort();
      else ctx.signal.addEventListener('abort', onAbort, { once: true });
    }
    if (stdin !== undefined && child.stdin) {
      child.stdin.on('error', () => {
        /* the command may exit without reading its input */
      });
      child.stdin.end(stdin);
    }
  });

  if (outcome.kind === 'timeout') {
    // Salt returns early here: the job's retcode is not set from a timed-out command.
    const timedOut: CommandResult = { stdout: `${commandText} : Timed out after ${pyStr(o.timeout)} seconds`, stderr: '', retcode: 1, pid };
    return timedOut;
  }

  let stdout = decodeOutput(outcome.out, o.outputEncoding, ctx, 'stdout', cmd, quiet);
  let stderr = decodeOutput(outcome.err, o.outputEncoding, ctx, 'stderr', cmd, quiet);
  if (o.rstrip) {
    stdout = rstrip(stdout);
    stderr = rstrip(stderr);
  }
  let retcode = outcome.code;
  if (successRetcodes.includes(retcode)) retcode = 0;
  if (successStdout.some((s) => stdout.includes(s)) || successStderr.some((s) => stderr.includes(s))) retcode = 0;
  const ret: CommandResult = { pid, retcode, stdout, stderr };

  ctx.context.retcode = ignoreRetcode ? 0 : retcode;

  if (loglevel !== null) {
    let level = loglevel;
    if (!ignoreRetcode && retcode !== 0) {
      if (level < LOG_LEVELS.error) level = LOG_LEVELS.error;
      ctx.log.error(`Command '${logCmd(cmd)}' failed with return code: ${retcode}`);
    }
    if (stdout) logAt(ctx, level, `stdout: ${stdout}`);
    if (stderr) logAt(ctx, level, `stderr: ${stderr}`);
    if (retcode) logAt(ctx, level, `retcode: ${retcode}`);
  }
  return ret;
}

function osSignalNumber(signal: NodeJS.Signals): number {
  return (osConstants.signals as Record<string, number>)[signal] ?? 1;
}

interface SpawnSpec {
  cwd: string;
  env: Record<string, string>;
  uid?: number;
  gid?: number;
  stdio: Array<'pipe' | 'ignore'>;
}

function spawnChild(file: string, args: string[], spec: SpawnSpec, cmd: string | string[], cwd: string): ChildProcess {
  try {
    return spawn(file, args, {
      cwd: spec.cwd,
      env: spec.env,
      uid: spec.uid,
      gid: spec.gid,
      stdio: spec.stdio as ('pipe' | 'ignore')[],
      detached: true,
      windowsHide: true,
    });
  } catch (err) {
    throw new CommandExecutionError(
      `Unable to run command '${pyRepr(cmd)}' with the context '{'cwd': ${pyRepr(cwd)}}', reason: ${(err as Error).message}`,
    );
  }
}

/** Waits until the child has started, turning a spawn failure into Salt's "Unable to run command". */
function spawned(child: ChildProcess, cmd: string | string[], cwd: string, quiet: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        new CommandExecutionError(
          `Unable to run command '${quiet ? 'REDACTED' : pyRepr(cmd)}' with the context '{'cwd': ${pyRepr(cwd)}}', reason: ${err.message}`,
        ),
      );
    };
    child.once('error', onError);
    child.once('spawn', () => {
      child.off('error', onError);
      child.on('error', () => {
        /* reported through exit codes */
      });
      resolve();
    });
  });
}

/** Salt's `_check_avail`: cmd_blacklist_glob / cmd_whitelist_glob from the minion options. */
function commandAllowed(ctx: CallContext, cmd: string | string[]): boolean {
  const text = Array.isArray(cmd) ? cmd.join(' ') : cmd;
  const black = ctx.opts.cmd_blacklist_glob;
  const white = ctx.opts.cmd_whitelist_glob;
  let allowed = true;
  if (Array.isArray(black) && black.some((g) => fnmatch(text, String(g)))) allowed = false;
  if (Array.isArray(white) && white.length > 0 && !white.some((g) => fnmatch(text, String(g)))) allowed = false;
  return allowed;
}

/** Salt's `_python_shell_default`: a job called from the CLI (it has a jid) runs through the shell. */
function pythonShellDefault(pythonShell: unknown, ctx: CallContext, kwargs: Record<string, unknown>): boolean | null {
  if (pythonShell === null || pythonShell === undefined) {
    if (truthy(kwargs.__pub_jid)) return true;
    if (ctx.opts.cmd_safe === false) return true;
    return null;
  }
  return truthy(pythonShell);
}

// --- parameters shared by the functions (names and defaults are Salt's) ------------------

const COMMON_DOC_PARAMS = `
    :param str cwd: The directory from which to execute the command. Defaults
        to the home directory of the user specified by \`\`runas\`\` (or the user
        under which Salt is running if \`\`runas\`\` is not specified).

    :param str stdin: A string of standard input for the command. The characters
        \`\`\\\\n\`\` are turned into newlines unless \`\`stdin_raw_newlines=True\`\`.

    :param str runas: Specify an alternate user to run the command.

    :param str group: Group to run command as.

    :param str shell: Specify an alternate shell. Defaults to the system's
        default shell.

    :param bool python_shell: If \`\`False\`\`, the command is split into words and
        run without a shell. Defaults to \`\`True\`\` when called from the CLI.

    :param dict env: Environment variables to be set prior to execution.

    :param bool clean_env: Set only the variables given in \`\`env\`\`.

    :param str prepend_path: $PATH segment to prepend to $PATH

    :param bool rstrip: Strip all whitespace off the end of output before it is
        returned.

    :param str umask: The umask (in octal) to use when running the command.

    :param str output_loglevel: Control the loglevel at which the output from
        the command is logged to the minion log (\`\`quiet\`\` for none).

    :param bool ignore_retcode: Do not treat a nonzero exit code as an error.

    :param bool hide_output: If \`\`True\`\`, suppress stdout and stderr in the
        return data.

    :param int timeout: A timeout in seconds for the executed process to return.

    :param list success_retcodes: Non-zero return codes that should be considered
        a success.

    :param list success_stdout: Strings that, found in stdout, mean success.

    :param list success_stderr: Strings that, found in stderr, mean success.
`;

const RUN_ARGS = [
  'cmd', 'cwd', 'stdin', 'runas', 'group', 'shell', 'python_shell', 'env', 'clean_env', 'template', 'rstrip',
  'umask', 'output_encoding', 'output_loglevel', 'log_callback', 'hide_output', 'timeout', 'reset_system_locale',
  'ignore_retcode', 'saltenv', 'use_vt', 'bg', 'password', 'encoded_cmd', 'raise_err', 'prepend_path',
  'success_retcodes', 'success_stdout', 'success_stderr',
] as const;

const COMMON_DEFAULTS = {
  cwd: null, stdin: null, runas: null, group: null, shell: DEFAULT_SHELL, python_shell: null, env: null,
  clean_env: false, template: null, rstrip: true, umask: null, output_encoding: null, output_loglevel: 'debug',
  log_callback: null, hide_output: false, timeout: null, reset_system_locale: true, ignore_retcode: false,
  saltenv: null, use_vt: false, bg: false, password: null, encoded_cmd: false, raise_err: false, prepend_path: null,
  success_retcodes: null, success_stdout: null, success_stderr: null, redirect_stderr: false,
} as const;

function pick<K extends string>(keys: readonly K[]): { [P in K]?: unknown } {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k in COMMON_DEFAULTS) out[k] = (COMMON_DEFAULTS as Record<string, unknown>)[k];
  return out as { [P in K]?: unknown };
}

type Params = Record<string, unknown>;

function execOptions(p: Params, ctx: CallContext, kwargs: Record<string, unknown>, overrides: Partial<ExecOptions> = {}): ExecOptions {
  return {
    cwd: p.cwd,
    stdin: p.stdin,
    runas: p.runas,
    group: p.group,
    shell: pyStr(p.shell ?? DEFAULT_SHELL),
    pythonShell: pythonShellDefault(p.python_shell, ctx, kwargs),
    env: p.env,
    cleanEnv: truthy(p.clean_env),
    prependPath: p.prepend_path,
    rstrip: p.rstrip === undefined ? true : truthy(p.rstrip),
    template: p.template,
    umask: p.umask,
    timeout: p.timeout,
    resetSystemLocale: p.reset_system_locale === undefined ? true : p.reset_system_locale === true,
    ignoreRetcode: truthy(p.ignore_retcode),
    outputLoglevel: p.output_loglevel ?? 'debug',
    outputEncoding: p.output_encoding,
    bg: truthy(p.bg ?? kwargs.bg),
    redirectStderr: false,
    successRetcodes: p.success_retcodes,
    successStdout: p.success_stdout,
    successStderr: p.success_stderr,
    kwargs,
    ...overrides,
  };
}

/** `cmd.run`'s body, shared with `cmd.shell`. */
async function runString(p: Params, ctx: CallContext, kwargs: Record<string, unknown>, pythonShell?: boolean): Promise<string> {
  const opts = execOptions(p, ctx, kwargs, { redirectStderr: true });
  if (pythonShell !== undefined) opts.pythonShell = pythonShell;
  const ret = await execute(ctx, p.cmd, opts);
  const lvl = checkLoglevel(p.output_loglevel ?? 'debug', ctx);
  if (lvl !== null) {
    if (!truthy(p.ignore_retcode) && ret.retcode !== 0) {
      ctx.log.error(`Command '${logCmd(Array.isArray(p.cmd) ? p.cmd.map(String) : pyStr(p.cmd))}' failed with return code: ${ret.retcode}`);
      if (truthy(p.raise_err)) throw new CommandExecutionError(truthy(p.hide_output) ? '' : ret.stdout);
    }
    const failed = ret.retcode !== 0 && !truthy(p.ignore_retcode);
    logAt(ctx, failed ? Math.max(lvl, LOG_LEVELS.error) : lvl, `output: ${ret.stdout}`);
  }
  return truthy(p.hide_output) ? '' : ret.stdout;
}

const mod: SaltModule = {
  name: 'cmdmod',
  virtualName: 'cmd',
  functions: {
    run: defineFunction(
      {
        args: RUN_ARGS,
        defaults: pick(RUN_ARGS),
        kwargs: true,
        doc: `
          Execute the passed command and return the output as a string
          (stderr is merged into it).

          :param str cmd: The command to run. ex: \`\`ls -lart /home\`\`
          ${COMMON_DOC_PARAMS.trim()}

          :param bool bg: If \`\`True\`\`, run command in background and do not await or
              deliver its results

          :param bool raise_err: If \`\`True\`\` and the command has a nonzero exit code,
              a CommandExecutionError exception will be raised.

          CLI Example:

          .. code-block:: bash

              salt '*' cmd.run "ls -l | awk '/foo/{print \\\\$2}'"
              salt '*' cmd.run "grep f" stdin='one\\\\ntwo\\\\nthree\\\\nfour\\\\nfive\\\\n'
              salt '*' cmd.run cmd='sed -e s/=/:/g'
        `,
      },
      (p, ctx, { kwargs }) => runString(p, ctx, kwargs),
    ),

    shell: defineFunction(
      {
        args: RUN_ARGS.filter((a) => !['python_shell', 'encoded_cmd', 'raise_err'].includes(a)),
        defaults: pick(RUN_ARGS),
        kwargs: true,
        doc: `
          Execute the passed command through the shell and return the output as a string.

          .. versionadded:: 2015.5.0

          :param str cmd: The command to run. ex: \`\`ls -lart /home\`\`
          ${COMMON_DOC_PARAMS.trim()}

          CLI Example:

          .. code-block:: bash

              salt '*' cmd.shell "ls -l | awk '/foo/{print \\\\$2}'"
        `,
      },
      (p, ctx, { kwargs }) => {
        const rest = { ...kwargs };
        let pythonShell = true;
        if ('python_shell' in rest) {
          pythonShell = truthy(rest.python_shell);
          delete rest.python_shell;
        }
        return runString(p, ctx, rest, pythonShell);
      },
    ),

    run_stdout: defineFunction(
      {
        args: RUN_ARGS.filter((a) => !['bg', 'encoded_cmd', 'raise_err'].includes(a)),
        defaults: pick(RUN_ARGS),
        kwargs: true,
        doc: `
          Execute a command, and only return the standard out

          :param str cmd: The command to run. ex: \`\`ls -lart /home\`\`
          ${COMMON_DOC_PARAMS.trim()}

          CLI Example:

          .. code-block:: bash

              salt '*' cmd.run_stdout "ls -l | awk '/foo/{print \\\\$2}'"
        `,
      },
      async (p, ctx, { kwargs }) => {
        const ret = await execute(ctx, p.cmd, execOptions(p, ctx, kwargs));
        return truthy(p.hide_output) ? '' : ret.stdout;
      },
    ),

    run_stderr: defineFunction(
      {
        args: RUN_ARGS.filter((a) => !['bg', 'encoded_cmd', 'raise_err'].includes(a)),
        defaults: pick(RUN_ARGS),
        kwargs: true,
        doc: `
          Execute a command and only return the standard error

          :param str cmd: The command to run. ex: \`\`ls -lart /home\`\`
          ${COMMON_DOC_PARAMS.trim()}

          CLI Example:

          .. code-block:: bash

              salt '*' cmd.run_stderr "ls -l | awk '/foo/{print \\\\$2}'"
        `,
      },
      async (p, ctx, { kwargs }) => {
        const ret = await execute(ctx, p.cmd, execOptions(p, ctx, kwargs));
        return truthy(p.hide_output) ? '' : ret.stderr;
      },
    ),

    run_all: defineFunction(
      {
        args: [
          ...RUN_ARGS.filter((a) => !['bg', 'raise_err', 'password', 'encoded_cmd', 'prepend_path', 'success_retcodes', 'success_stdout', 'success_stderr'].includes(a)),
          'redirect_stderr', 'password', 'encoded_cmd', 'prepend_path', 'success_retcodes', 'success_stdout', 'success_stderr',
        ],
        defaults: pick([...RUN_ARGS, 'redirect_stderr']),
        kwargs: true,
        doc: `
          Execute the passed command and return a dict of return data:
          \`\`pid\`\`, \`\`retcode\`\`, \`\`stdout\`\` and \`\`stderr\`\`.

          :param str cmd: The command to run. ex: \`\`ls -lart /home\`\`
          ${COMMON_DOC_PARAMS.trim()}

          :param bool redirect_stderr: If set to \`\`True\`\`, then stderr will be
              redirected to stdout.

              .. versionadded:: 2015.8.2

          :param bool bg: If \`\`True\`\`, run command in background and do not await or
              deliver its results

          CLI Example:

          .. code-block:: bash

              salt '*' cmd.run_all "ls -l | awk '/foo/{print \\\\$2}'"
        `,
      },
      async (p, ctx, { kwargs }) => {
        const ret = await execute(ctx, p.cmd, execOptions(p, ctx, kwargs, { redirectStderr: truthy(p.redirect_stderr) }));
        if (truthy(p.hide_output)) {
          ret.stdout = '';
          ret.stderr = '';
        }
        return ret;
      },
    ),

    retcode: defineFunction(
      {
        args: RUN_ARGS.filter((a) => !['rstrip', 'hide_output', 'bg', 'encoded_cmd', 'raise_err', 'prepend_path'].includes(a)),
        defaults: pick(RUN_ARGS),
        kwargs: true,
        doc: `
          Execute a shell command and return the command's return code.

          :param str cmd: The command to run. ex: \`\`ls -lart /home\`\`
          ${COMMON_DOC_PARAMS.trim()}

          :rtype: int
          :returns: Return Code as an int.

          CLI Example:

          .. code-block:: bash

              salt '*' cmd.retcode "file /bin/bash"
        `,
      },
      async (p, ctx, { kwargs }) => {
        const ret = await execute(ctx, p.cmd, execOptions(p, ctx, kwargs, { redirectStderr: true }));
        return ret.retcode;
      },
    ),

    run_bg: defineFunction(
      {
        args: RUN_ARGS.filter((a) => !['stdin', 'rstrip', 'hide_output', 'bg', 'encoded_cmd', 'raise_err', 'timeout', 'ignore_retcode'].includes(a)),
        defaults: pick(RUN_ARGS),
        kwargs: true,
        doc: `
          Execute the passed command in the background and return its pid
          (as \`\`{"pid": ...}\`\`), without waiting for it.

          .. versionadded:: 2016.3.0

          :param str cmd: The command to run. ex: \`\`ls -lart /home\`\`

          CLI Example:

          .. code-block:: bash

              salt '*' cmd.run_bg "fstrim-all"
        `,
      },
      async (p, ctx, { kwargs }) => {
        const ret = await execute(ctx, p.cmd, execOptions(p, ctx, kwargs, { bg: true }));
        return { pid: ret.pid };
      },
    ),

    exec_code_all: defineFunction(
      {
        args: ['lang', 'code', 'cwd', 'args'],
        defaults: { cwd: null, args: null },
        kwargs: true,
        doc: `
          Pass in two strings, the first naming the executable language, aka -
          python2, python3, ruby, perl, lua, etc. the second string containing
          the code you wish to execute. All cmd artifacts (stdout, stderr, retcode, pid)
          will be returned.

          CLI Example:

          .. code-block:: bash

              salt '*' cmd.exec_code_all ruby 'puts "cheese"'
        `,
      },
      ({ lang, code, cwd, args }, ctx, { kwargs }) => execCode(ctx, lang, code, cwd, args, kwargs),
    ),

    exec_code: defineFunction(
      {
        args: ['lang', 'code', 'cwd', 'args'],
        defaults: { cwd: null, args: null },
        kwargs: true,
        doc: `
          Pass in two strings, the first naming the executable language, aka -
          python2, python3, ruby, perl, lua, etc. the second string containing
          the code you wish to execute. The stdout will be returned.

          CLI Example:

          .. code-block:: bash

              salt '*' cmd.exec_code ruby 'puts "cheese"'
        `,
      },
      async ({ lang, code, cwd, args }, ctx, { kwargs }) => (await execCode(ctx, lang, code, cwd, args, kwargs)).stdout,
    ),

    which: defineFunction(
      {
        args: ['cmd'],
        doc: `
          Returns the path of an executable available on the minion, None otherwise

          CLI Example:

          .. code-block:: bash

              salt '*' cmd.which cat
        `,
      },
      ({ cmd }) => which(pyStr(cmd)),
    ),

    has_exec: defineFunction(
      {
        args: ['cmd'],
        doc: `
          Returns true if the executable is available on the minion, false otherwise

          CLI Example:

          .. code-block:: bash

              salt '*' cmd.has_exec cat
        `,
      },
      ({ cmd }) => which(pyStr(cmd)) !== null,
    ),
  },
};

/** Salt's `salt.utils.path.which`: an absolute executable path as given, or the first hit on $PATH. */
function which(exe: string): string | null {
  if (!exe) return null;
  if (exe.includes('/')) return isExecutableFile(exe) ? exe : null;
  for (const dir of (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
    const candidate = join(dir, exe);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

async function execCode(
  ctx: CallContext,
  lang: unknown,
  code: unknown,
  cwd: unknown,
  args: unknown,
  kwargs: Record<string, unknown>,
): Promise<CommandResult> {
  const dir = await mkdtemp(join(tmpdir(), 'salt-exec-'));
  const codefile = join(dir, 'code');
  try {
    await writeFile(codefile, pyStr(code));
    const cmd = [pyStr(lang), codefile];
    if (typeof args === 'string') cmd.push(args);
    else if (Array.isArray(args)) cmd.push(...args.map((a) => pyStr(a)));
    const rest = Object.fromEntries(Object.entries(kwargs).filter(([k]) => !k.startsWith('__pub_')));
    return (await ctx.salt('cmd.run_all', [cmd], { ...rest, cwd, python_shell: false })) as CommandResult;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export default mod;
