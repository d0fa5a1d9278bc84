/**
 * Running the helper programs grains need (`ip`, `systemctl`, `dpkg` ...) without blocking the
 * event loop, and finding them in PATH the way Salt's `salt.utils.path.which` does.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

/** What a finished command gave: Salt's `cmd.run_all` shape (stdout right-stripped, as `cmd.run` does). */
export interface CommandResult {
  stdout: string;
  stderr: string;
  /** The exit status; 127 when the program could not be started, -1 when it was killed on timeout. */
  retcode: number;
}

/** How long a grain's helper program may run before it is killed (ms). */
export const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;

/**
 * Runs `argv` without a shell and collects its output. Never throws: a program that cannot be
 * started gives retcode 127, one killed after `timeoutMs` (default 10 s) gives retcode -1.
 * The environment gets `LC_ALL=C` so that the output is the untranslated one Salt parses.
 */
export function runCommand(argv: readonly string[], timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS): Promise<CommandResult> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let settled = false;
    const finish = (retcode: number): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out).toString('utf8').replace(/\s+$/, ''), stderr: Buffer.concat(err).toString('utf8'), retcode });
    };
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', PAGER: 'cat', MANPAGER: 'cat' },
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(-1);
    }, timeoutMs);
    timer.unref();
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', () => finish(127));
    child.on('close', (code, signal) => finish(code ?? (signal ? -1 : 0)));
  });
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const st = await stat(path);
    if (!st.isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The directories Salt appends to PATH when searching for a program on POSIX systems. */
const EXTENDED_PATH = ['/sbin', '/bin', '/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];

/** Salt's search path: PATH, then the usual system directories it lacks. */
export function searchPath(pathEnv = process.env.PATH ?? ''): string[] {
  const dirs = pathEnv.split(delimiter);
  const seen = new Set(dirs);
  for (const extra of EXTENDED_PATH) if (!seen.has(extra)) dirs.push(extra);
  return dirs;
}

/** A `which` function; see {@link createWhich}. */
export type Which = (exe: string) => Promise<string | null>;

/**
 * Salt's `which`: `exe` itself when it is an executable file (relative to the cwd or absolute),
 * else the first `<dir>/<exe>` of the search path that is an executable file; null when none is.
 * Each directory is listed once per returned function (and only stat'ed for a name it holds),
 * so one grains load does a few dozen file system calls instead of hundreds.
 */
export function createWhich(pathEnv = process.env.PATH ?? ''): Which {
  const dirs = searchPath(pathEnv);
  const listings = new Map<string, Promise<Set<string> | null>>();
  const listing = (dir: string): Promise<Set<string> | null> => {
    let p = listings.get(dir);
    if (!p) {
      p = readdir(dir || '.').then((names) => new Set(names), () => null);
      listings.set(dir, p);
    }
    return p;
  };
  return async (exe) => {
    if (!exe) return null;
    if (await isExecutableFile(exe)) return exe;
    if (isAbsolute(exe) || exe.includes('/')) return null;
    const found = await Promise.all(dirs.map(listing));
    for (let i = 0; i < dirs.length; i++) {
      if (!found[i]?.has(exe)) continue;
      const candidate = join(dirs[i]!, exe);
      if (await isExecutableFile(candidate)) return candidate;
    }
    return null;
  };
}

/** A one-off {@link createWhich} lookup. */
export function which(exe: string, pathEnv = process.env.PATH ?? ''): Promise<string | null> {
  return createWhich(pathEnv)(exe);
}
