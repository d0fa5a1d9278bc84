/**
 * `salt-run <function> [arguments]`: runs a runner function in this process on the master host,
 * firing `salt/run/<jid>/new` and `.../ret` on the master event bus and printing the return with
 * the runner's outputter (salt/cli/run.py, salt/runner.py).
 *
 * `--async` starts the call in a detached child process of salt-run and returns at once, logging
 * Salt's "Running in asynchronous mode" warning with the tag to watch.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { parseSaltRunArgv } from '../client/salt_run_options.js';
import { RunnerClient, type ClientIo } from '../client/runner_client.js';
import { loadMasterConfig } from '../config/index.js';
import { createLogger } from '../log/logger.js';
import type { MinionPublisher } from '../runners/types.js';

type Opts = Record<string, unknown>;

const stdio: ClientIo = { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) };

/** Marks the detached child of `salt-run --async`: it runs the call (under the given `--jid`) quietly. */
export const ASYNC_CHILD_ENV = 'SALT_TS_RUN_ASYNC_CHILD';

/** What {@link main} can be given instead of the real process facilities (tests). */
export interface SaltRunDeps {
  env?: NodeJS.ProcessEnv;
  /** Starts the detached child for `--async`; default re-runs this program with `--jid`. */
  detach?: (argv: string[], jid: string) => Promise<void>;
  /** Publisher for runners that reach minions (default: LocalClient through the master). */
  publisher?: () => MinionPublisher & { close?(): Promise<void> };
  /** Lines `--args-stdin` reads; default stdin. */
  stdinLines?: string[];
}

/** Salt's MergeConfigMixIn: command-line values fill the config; explicit ones override it. */
function mergeCliOptions(config: Opts, options: Record<string, unknown>, explicit: ReadonlySet<string>): void {
  for (const [dest, value] of Object.entries(options)) {
    if (value === null || value === undefined) continue;
    if (!(dest in config) || explicit.has(dest)) config[dest] = value;
  }
}

/** Re-runs salt-run detached (own session, no stdio) with `--jid`, so the call outlives this process. */
async function detachDefault(argv: string[], jid: string, env: NodeJS.ProcessEnv): Promise<void> {
  const script = process.argv[1];
  if (!script) throw new Error('cannot find the salt-run script to start the asynchronous call');
  const child = spawn(process.execPath, [...process.execArgv, script, ...argv, '--jid', jid], {
    detached: true,
    stdio: 'ignore',
    env: { ...env, [ASYNC_CHILD_ENV]: '1' },
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
  child.unref();
}

function readStdinLines(): string[] {
  try {
    return readFileSync(0, 'utf8').split('\n').map((l) => l.replace(/\r$/, '')).filter((l, i, a) => l !== '' || i < a.length - 1);
  } catch {
    return [];
  }
}

/** Runs salt-run with `argv` (without the program name); resolves to the exit code. */
export async function main(argv: string[], io: ClientIo = stdio, deps: SaltRunDeps = {}): Promise<number> {
  const env = deps.env ?? process.env;
  let parsed = parseSaltRunArgv(argv, { env });
  if (parsed.ok && parsed.options.args_stdin) parsed = parseSaltRunArgv(argv, { env, stdinLines: deps.stdinLines ?? readStdinLines() });
  if (!parsed.ok) {
    if (parsed.stdout) io.out(parsed.stdout);
    if (parsed.stderr) io.err(parsed.stderr);
    return parsed.exitCode;
  }
  if (parsed.options.versions_report) {
    const { versionsReport } = await import('../version.js');
    io.out(versionsReport().join('\n') + '\n');
    return 0;
  }
  let opts: Opts;
  try {
    opts = loadMasterConfig({ configDir: parsed.options.config_dir, env }) as unknown as Opts;
  } catch (err) {
    io.err(`${(err as Error).message}\n`);
    return 2;
  }
  mergeCliOptions(opts, parsed.options as unknown as Record<string, unknown>, parsed.explicit);
  opts.fun = parsed.fun;
  opts.arg = parsed.arg;
  const asyncChild = env[ASYNC_CHILD_ENV] === '1';
  if (asyncChild) {
    opts.async = false;
    opts.quiet = true;
  }
  if (opts.output_file && !opts.output_file_append) {
    try {
      appendFileSync(String(opts.output_file), '', { flag: 'w' });
    } catch (err) {
      io.err(`Usage: salt-run [options] <function> [arguments]\n\nsalt-run: error: ${String(opts.output_file)}: Access denied: ${(err as Error).message}\n`);
      return 64;
    }
  }
  const log = createLogger({ consoleLevel: typeof opts.log_level === 'string' ? opts.log_level : 'warning', name: 'salt.cli.run', consoleWrite: (l) => io.err(l) });
  const client = new RunnerClient(opts, { io, log, publisher: deps.publisher });
  try {
    if (opts.doc) {
      const docs = client.getDocs(parsed.fun || null);
      for (const fun of Object.keys(docs).sort()) {
        client.display(`${fun}:`, 'text');
        io.out(`${docs[fun]}\n`);
      }
      return 0;
    }
    const detach = opts.async
      ? async (jid: string) => {
          await (deps.detach ? deps.detach(argv, jid) : detachDefault(argv, jid, env));
          log.warn(
            `Running in asynchronous mode. Results of this execution may be collected by attaching to the master event bus or by examining the master job cache, if configured. This execution is running under tag ${client.tagOf(jid)}`,
          );
        }
      : undefined;
    const outcome = await client.run({ detach });
    return outcome.exitCode;
  } catch (err) {
    if (opts.hard_crash) throw err;
    io.err(`${(err as Error).message}\n`);
    return 1;
  } finally {
    await client.close();
  }
}
