/**
 * `salt-call FUNCTION [ARGS] [key=value]`: runs an execution function on this minion and prints
 * its return under `local`, with Salt's options, outputters and exit codes (salt/cli/call.py).
 *
 * Start-up time matters here, so the network code (ZeroMQ, RSA) is loaded only when the call
 * talks to a master, and the versions report only when asked for.
 */
import { statSync, truncateSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { Caller, CallerExit, type CallerIo } from '../client/caller.js';
import { parseSaltCallArgv, saltCallParserSpec, type SaltCallRun } from '../client/salt_call_options.js';
import { loadMinionConfig } from '../config/load.js';
import { createLogger } from '../log/logger.js';

type Opts = Record<string, unknown>;

const stdio: CallerIo = { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) };

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function expandUser(p: string): string {
  return p === '~' || p.startsWith('~/') ? homedir() + p.slice(1) : p;
}

/**
 * Salt's MergeConfigMixIn: an option missing from the config is added when it has a value; one
 * present in the config is replaced only when given on the command line.
 */
export function mergeCliOptions(config: Opts, options: Record<string, unknown>, explicit: ReadonlySet<string>): void {
  for (const dest of saltCallDests()) {
    const value = options[dest];
    if (value === null || value === undefined) continue;
    if (!(dest in config) || explicit.has(dest)) config[dest] = value;
  }
}

function saltCallDests(): string[] {
  const spec = saltCallParserSpec({});
  const dests = [...spec.options, ...spec.groups.flatMap((g) => g.options)].map((o) => o.dest);
  return dests.filter((d): d is string => typeof d === 'string');
}

/**
 * The config salt-call runs with: the minion config from `-c`, the command line merged in, then
 * salt-call's own adjustments (`--file-root`, `--pillar-root`, `--states-dir`, `--local`,
 * `--master`, `-m`), and `fun`/`arg`.
 */
export function buildCallOpts(parsed: SaltCallRun, loaded: Opts): Opts {
  const o = parsed.options;
  const opts = loaded;
  mergeCliOptions(opts, o as unknown as Record<string, unknown>, parsed.explicit);
  if (o.module_dirs.length > 0) {
    opts.module_dirs = o.module_dirs.flatMap((d) => (d.includes(',') ? d.split(',') : [d])).map((d) => resolve(d));
  }
  if (o.file_root) opts.file_roots = { base: [resolve(o.file_root)] };
  if (o.pillar_root) opts.pillar_roots = { base: [resolve(o.pillar_root)] };
  if (o.states_dir) opts.states_dirs = [resolve(o.states_dir)];
  if (o.local) opts.file_client = 'local';
  if (o.master) opts.master = o.master;
  if (parsed.fun) {
    opts.fun = parsed.fun;
    opts.arg = parsed.arg;
  }
  return opts;
}

/** Runs `salt-call` with `argv` (without the program name); returns the exit code. */
export async function main(argv: string[], io: CallerIo = stdio): Promise<number> {
  const parsed = parseSaltCallArgv(argv);
  if (!parsed.ok) {
    if (parsed.stdout) io.out(parsed.stdout);
    if (parsed.stderr) io.err(parsed.stderr);
    return parsed.exitCode;
  }
  if (parsed.action === 'versions-report') {
    const { versionsReport } = await import('../version.js');
    io.out(versionsReport().join('\n') + '\n');
    return 0;
  }
  const configDir = resolve(expandUser(parsed.options.config_dir));
  if (!isDir(configDir)) io.err(`WARNING: CONFIG '${configDir}' directory does not exist.\n`);
  if (parsed.options.proxyid) {
    io.err('salt-call: proxy minions (--proxyid) are not available in this release.\n');
    return 1;
  }

  let opts: Opts;
  try {
    const loaded = loadMinionConfig({ configDir, cacheMinionId: true, minionId: parsed.options.id || undefined }) as unknown as Opts;
    opts = buildCallOpts(parsed, loaded);
  } catch (err) {
    io.err(`[ERROR   ] ${(err as Error).message}\n`);
    return 1;
  }
  if (typeof opts.output_file === 'string' && opts.output_file && !opts.output_file_append) {
    try {
      if (statSync(opts.output_file).isFile()) truncateSync(opts.output_file, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        io.err(`Usage: salt-call [options] <function> [arguments]\n\nsalt-call: error: ${opts.output_file}: Access denied: ${(err as Error).message}\n`);
        return 64;
      }
    }
  }

  const log = createLogger({
    name: 'salt.cli.caller',
    consoleLevel: String(opts.log_level ?? 'warning'),
    logFile: typeof opts.log_file === 'string' ? opts.log_file : undefined,
    fileLevel: typeof opts.log_level_logfile === 'string' ? opts.log_level_logfile : String(opts.log_level ?? 'warning'),
    consoleWrite: (line) => io.err(line),
  });

  let caller: Caller | undefined;
  try {
    caller = await Caller.create(opts, { io, log });
    if (parsed.action === 'doc') {
      await caller.printDocs();
      return 0;
    }
    if (parsed.action === 'grains') {
      caller.printGrains();
      return 0;
    }
    return await caller.run();
  } catch (err) {
    if (err instanceof CallerExit) {
      if (err.stdout) io.out(err.stdout);
      if (err.stderr) io.err(err.stderr);
      return err.exitCode;
    }
    if (opts.hard_crash === true) throw err;
    io.err(`${(err as Error).stack ?? String(err)}\n`);
    return 1;
  } finally {
    caller?.close();
  }
}
