/**
 * What `salt-master` and `salt-minion` share: their command line (-c, -d, -l, --log-file,
 * --log-file-level, --pid-file, -u), daemonizing, the pid file, logging and signal handling.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLogger, isLogLevel, type Logger } from '../log/logger.js';
import { SALT_VERSION } from '../version.js';

export interface DaemonArgs {
  configDir?: string;
  daemon: boolean;
  logLevel?: string;
  logFile?: string;
  logFileLevel?: string;
  pidFile?: string;
  user?: string;
}

export class UsageError extends Error {
  override name = 'UsageError';
  readonly code = 'EUSAGE';
}

const VALUE_OPTS: Record<string, keyof DaemonArgs> = {
  '-c': 'configDir',
  '--config-dir': 'configDir',
  '-l': 'logLevel',
  '--log-level': 'logLevel',
  '--log-file': 'logFile',
  '--log-file-level': 'logFileLevel',
  '--pid-file': 'pidFile',
  '-u': 'user',
  '--user': 'user',
};

/** Parses a daemon's argv. Returns 'help' / 'version' for those flags. */
export function parseDaemonArgs(argv: string[]): DaemonArgs | 'help' | 'version' {
  const out: DaemonArgs = { daemon: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return 'help';
    if (a === '-V' || a === '--version') return 'version';
    if (a === '-d' || a === '--daemon') {
      out.daemon = true;
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a.length > 2 && /^-[a-z]/.test(a) && !a.startsWith('--') ? a.slice(0, 2) : a;
    const key = VALUE_OPTS[name];
    if (!key) throw new UsageError(`no such option: ${a}`);
    let value: string | undefined;
    if (eq > 0) value = a.slice(eq + 1);
    else if (name !== a) value = a.slice(2);
    else value = argv[++i];
    if (value === undefined) throw new UsageError(`${name} option requires 1 argument`);
    (out as unknown as Record<string, string>)[key] = value;
  }
  if (out.logLevel && !isLogLevel(out.logLevel)) {
    throw new UsageError(`option -l: invalid choice: '${out.logLevel}' (choose from 'all', 'garbage', 'trace', 'debug', 'profile', 'info', 'warning', 'error', 'critical', 'quiet')`);
  }
  return out;
}

/** Runs a daemon program: parse, load config, daemonize if asked, start, stop on SIGTERM/SIGINT. */
export async function runDaemon<O extends Record<string, unknown>>(
  prog: 'salt-master' | 'salt-minion',
  argv: string[],
  description: string,
  loadConfig: (configDir: string | undefined) => O,
  start: (opts: O, log: Logger) => Promise<{ stop(): Promise<void> }>,
): Promise<number> {
  let args: DaemonArgs | 'help' | 'version';
  try {
    args = parseDaemonArgs(argv);
  } catch (err) {
    process.stderr.write(`Usage: ${prog} [options]\n\n${prog}: error: ${(err as Error).message}\n`);
    return 64;
  }
  if (args === 'version') {
    process.stdout.write(`${prog} ${SALT_VERSION}\n`);
    return 0;
  }
  if (args === 'help') {
    process.stdout.write(
      `Usage: ${prog} [options]\n\n${description}\n\nOptions:\n` +
        '  --version             show program\'s version number and exit\n' +
        '  -h, --help            show this help message and exit\n' +
        '  -c CONFIG_DIR, --config-dir=CONFIG_DIR\n                        Pass in an alternative configuration directory.\n                        Default: \'/etc/salt\'.\n' +
        '  -u USER, --user=USER  Specify user to run ' + prog + '.\n' +
        '  -d, --daemon          Run the ' + prog + ' as a daemon.\n' +
        '  --pid-file=PIDFILE    Specify the location of the pidfile.\n\n' +
        '  Logging Options:\n' +
        '    -l LOG_LEVEL, --log-level=LOG_LEVEL\n                        Console logging log level. One of \'all\', \'garbage\',\n                        \'trace\', \'debug\', \'profile\', \'info\', \'warning\',\n                        \'error\', \'critical\', \'quiet\'. Default: \'warning\'.\n' +
        '    --log-file=LOG_FILE\n                        Log file path.\n' +
        '    --log-file-level=LOG_LEVEL_LOGFILE\n                        Logfile logging log level.\n',
    );
    return 0;
  }
  let opts: O;
  try {
    const overrides: Record<string, unknown> = {};
    opts = loadConfig(args.configDir);
    if (args.logLevel) overrides.log_level = args.logLevel;
    if (args.logFile) overrides.log_file = args.logFile;
    if (args.logFileLevel) overrides.log_level_logfile = args.logFileLevel;
    if (args.pidFile) overrides.pidfile = args.pidFile;
    Object.assign(opts, overrides);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 78; // EX_CONFIG
  }

  if (args.daemon && !process.env.SALT_TS_DAEMONIZED) {
    // Node cannot fork: start a detached copy of ourselves without -d and return at once, like Salt.
    const childArgs = process.argv.slice(1).filter((a) => a !== '-d' && a !== '--daemon');
    const logFile = String(opts.log_file ?? '');
    let out: number | 'ignore' = 'ignore';
    if (logFile && !/^(udp|tcp|file):\/\//.test(logFile)) {
      try {
        mkdirSync(dirname(logFile), { recursive: true });
        out = openSync(logFile, 'a', 0o600);
      } catch {
        out = 'ignore';
      }
    }
    const child = spawn(process.execPath, childArgs, {
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, SALT_TS_DAEMONIZED: '1' },
    });
    child.unref();
    return 0;
  }

  const log = createLogger({
    name: prog === 'salt-master' ? 'salt.master' : 'salt.minion',
    consoleLevel: process.env.SALT_TS_DAEMONIZED ? 'quiet' : String(opts.log_level ?? 'warning'),
    logFile: typeof opts.log_file === 'string' ? opts.log_file : undefined,
    fileLevel: String(opts.log_level_logfile ?? opts.log_level ?? 'warning'),
  });
  const pidFile = typeof opts.pidfile === 'string' ? opts.pidfile : undefined;
  if (pidFile) {
    try {
      mkdirSync(dirname(pidFile), { recursive: true });
      writeFileSync(pidFile, `${process.pid}\n`);
    } catch (err) {
      log.warn(`Could not write the pid file ${pidFile}: ${(err as Error).message}`);
    }
  }
  let daemon: { stop(): Promise<void> };
  try {
    daemon = await start(opts, log);
  } catch (err) {
    log.critical(`${prog} could not start: ${(err as Error).message}`);
    log.debug((err as Error).stack ?? '');
    if (pidFile) rmSync(pidFile, { force: true });
    return 1;
  }
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (sig: string): void => {
      if (stopping) return;
      stopping = true;
      log.warn(`${prog} is shutting down on ${sig}`);
      daemon
        .stop()
        .catch((err: Error) => log.error(`Error while stopping: ${err.message}`))
        .finally(() => {
          if (pidFile) rmSync(pidFile, { force: true });
          resolve();
        });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}
