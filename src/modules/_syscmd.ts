/**
 * Helpers the system-management modules (pkg, service, user, group, cron, network, timezone,
 * system) share: running a program through `cmd.*` the way Salt's modules call
 * `__salt__['cmd.run_all'](...)`, finding programs on PATH, reading passwd/group files, and
 * building Salt's "Additional info follows" error text.
 */
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { CommandExecutionError } from '../loader/errors.js';
import type { CallContext } from '../loader/types.js';
import { nestedOutput } from '../output/nested.js';

/** What `cmd.run_all` returns. */
export interface CmdResult {
  pid: number;
  retcode: number;
  stdout: string;
  stderr: string;
}

/** Options passed on to `cmd.*` (Salt's keyword names in camelCase). */
export interface CmdOptions {
  /** Run through `/bin/sh -c` (default false: the command is an argv list or split like a shell would). */
  pythonShell?: boolean;
  /** Do not log a failing exit code as an error (default false). */
  ignoreRetcode?: boolean;
  env?: Record<string, string>;
  stdin?: string;
  redirectStderr?: boolean;
  rstrip?: boolean;
  runas?: string;
  /** Log level of the command's output (default Salt's `debug`). */
  outputLoglevel?: string;
}

function cmdKwargs(o: CmdOptions): Record<string, unknown> {
  const kw: Record<string, unknown> = { python_shell: o.pythonShell ?? false };
  if (o.ignoreRetcode !== undefined) kw.ignore_retcode = o.ignoreRetcode;
  if (o.env !== undefined) kw.env = o.env;
  if (o.stdin !== undefined) kw.stdin = o.stdin;
  if (o.redirectStderr !== undefined) kw.redirect_stderr = o.redirectStderr;
  if (o.rstrip !== undefined) kw.rstrip = o.rstrip;
  if (o.runas !== undefined) kw.runas = o.runas;
  if (o.outputLoglevel !== undefined) kw.output_loglevel = o.outputLoglevel;
  return kw;
}

/** `cmd.run_all`: exit code, stdout and stderr of a command. Throws CommandExecutionError when it cannot start. */
export async function runAll(ctx: CallContext, cmd: string | string[], o: CmdOptions = {}): Promise<CmdResult> {
  const r = (await ctx.salt('cmd.run_all', [cmd], cmdKwargs(o))) as Partial<CmdResult>;
  return { pid: r.pid ?? 0, retcode: r.retcode ?? 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** `cmd.run`: stdout and stderr merged, right-stripped. */
export async function run(ctx: CallContext, cmd: string | string[], o: CmdOptions = {}): Promise<string> {
  return String(await ctx.salt('cmd.run', [cmd], cmdKwargs(o)));
}

/** `cmd.run_stdout`: stdout only. */
export async function runStdout(ctx: CallContext, cmd: string | string[], o: CmdOptions = {}): Promise<string> {
  return String(await ctx.salt('cmd.run_stdout', [cmd], cmdKwargs(o)));
}

/** `cmd.retcode`: the exit code only. */
export async function retcode(ctx: CallContext, cmd: string | string[], o: CmdOptions = {}): Promise<number> {
  return Number(await ctx.salt('cmd.retcode', [cmd], cmdKwargs(o)));
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function searchPath(): string[] {
  // Salt's which() also looks in the sbin directories a non-login PATH may lack.
  const dirs = (process.env.PATH || DEFAULT_PATH).split(delimiter);
  for (const extra of DEFAULT_PATH.split(delimiter)) if (!dirs.includes(extra)) dirs.push(extra);
  return dirs.filter((d) => d !== '');
}

/** The full path of an executable on PATH (plus the sbin directories), or null. */
export async function which(program: string): Promise<string | null> {
  for (const dir of searchPath()) {
    const p = join(dir, program);
    try {
      if ((await stat(p)).isFile()) {
        await access(p, fsConstants.X_OK);
        return p;
      }
    } catch {
      /* not here */
    }
  }
  return null;
}

/** Like {@link which}, synchronously, for `virtual()` checks that run once at load time. */
export function whichSync(program: string): string | null {
  for (const dir of searchPath()) {
    const p = join(dir, program);
    try {
      if (statSync(p).isFile()) {
        accessSync(p, fsConstants.X_OK);
        return p;
      }
    } catch {
      /* not here */
    }
  }
  return null;
}

/** The full path of a program Salt's modules require, or CommandExecutionError `Command 'x' cannot be found`. */
export async function requireProgram(program: string): Promise<string> {
  const path = await which(program);
  if (!path) throw new CommandExecutionError(`Command '${program}' cannot be found`);
  return path;
}

/**
 * Salt's CommandExecutionError with `info`: the message gets a final period, then
 * `Additional info follows:` and the info as the nested outputter prints it.
 */
export function errorWithInfo(message: string, info: Record<string, unknown>): CommandExecutionError {
  let text = message;
  if (text && !'.?!'.includes(text[text.length - 1])) text += '.';
  if (text) text += ' ';
  text += 'Additional info follows:\n\n' + nestedOutput(info, { opts: { color: false }, kwargs: {} }).replace(/\s+$/, '');
  return new CommandExecutionError(text, { info });
}

/** Python truthiness of a value that came from the CLI or a state (`salt.utils.data.is_true`). */
export function isTrue(v: unknown): boolean {
  if (typeof v === 'string') {
    const n = Number(v);
    if (v.trim() !== '' && !Number.isNaN(n)) return n > 0;
    return v.toLowerCase() === 'true';
  }
  if (typeof v === 'number') return v > 0;
  return v === true;
}

/** A Python-style `str()` of a scalar argument (None → "None", true → "True"). */
export function pyText(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  return String(v);
}

/** A line of `/etc/passwd`. */
export interface PasswdRecord {
  name: string;
  passwd: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

/** A line of `/etc/group`. */
export interface GroupRecord {
  name: string;
  passwd: string;
  gid: number;
  members: string[];
}

async function readLines(file: string): Promise<string[]> {
  try {
    return (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  } catch {
    return [];
  }
}

/** Every entry of `/etc/passwd`, in file order. */
export async function readPasswd(file = '/etc/passwd'): Promise<PasswdRecord[]> {
  const out: PasswdRecord[] = [];
  for (const line of await readLines(file)) {
    const f = line.trim().split(':');
    if (f.length < 7) continue;
    out.push({ name: f[0], passwd: f[1], uid: Number(f[2]), gid: Number(f[3]), gecos: f[4], home: f[5], shell: f[6] });
  }
  return out;
}

/** Every entry of `/etc/group`, in file order. */
export async function readGroups(file = '/etc/group'): Promise<GroupRecord[]> {
  const out: GroupRecord[] = [];
  for (const line of await readLines(file)) {
    const f = line.trim().split(':');
    if (f.length < 4) continue;
    out.push({ name: f[0], passwd: f[1], gid: Number(f[2]), members: f[3] ? f[3].split(',') : [] });
  }
  return out;
}
