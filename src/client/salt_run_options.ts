/**
 * The `salt-run` command line, as Salt's SaltRunOptionParser reads it (optparse grammar, see
 * src/args/optparse.ts): `salt-run [options] <function> [arguments]`.
 *
 * Every flag is listed once with its `dest`, which is also the name of the master config option
 * it overrides (`-t` → `timeout`, `--out` → `output`). The order is Salt's help order (its
 * mix-ins sorted by priority).
 */
import { parseOptions, usageExit, type OptionGroupSpec, type OptionSpec, type ParserSpec } from '../args/optparse.js';
import { isJid } from '../protocol/jid.js';
import { SALT_VERSION } from '../version.js';

/** Console log levels in Salt's LOG_LEVELS order (the `-l` choices). */
const LOG_LEVELS = ['all', 'debug', 'error', 'critical', 'garbage', 'info', 'profile', 'quiet', 'trace', 'warning'] as const;
/** The same levels by severity (the `--log-file-level` choices and the help text order). */
const SORTED_LOG_LEVELS = ['all', 'garbage', 'trace', 'debug', 'profile', 'info', 'warning', 'error', 'critical', 'quiet'] as const;
const INSECURE_LOG_LEVELS = ['all', 'debug', 'garbage', 'profile', 'trace'];

/** Every value the `salt-run` command line sets, by its config option name. */
export interface SaltRunCliOptions {
  versions_report: boolean;
  saltfile: string | null;
  config_dir: string;
  timeout: number;
  args_stdin: boolean;
  jid: string | null;
  hard_crash: boolean;
  /** `--no-parse a,b` as a list of keyword names. */
  no_parse: string[];
  doc: boolean;
  async: boolean;
  skip_grains: boolean;
  eauth: string;
  mktoken: boolean;
  username: string | null;
  password: string | null;
  output: string | null;
  output_indent: number | null;
  output_file: string | null;
  output_file_append: boolean;
  no_color: boolean;
  force_color: boolean;
  state_output: string | null;
  state_verbose: boolean | string | null;
  profiling_path: string;
  profiling_enabled: boolean;
  quiet: boolean;
  log_level: string | null;
  log_file: string | null;
  log_level_logfile: string | null;
}

interface TableEnv {
  SALT_CONFIG_DIR?: string;
  SALT_HARD_CRASH?: string;
  SALT_NO_PARSE?: string;
}

function splitNoParse(value: string): string[] {
  return value ? value.split(',').map((x) => x.trim()) : [];
}

function stateVerbose(value: string): boolean | string {
  if (value === 'True' || value === 'true') return true;
  if (value === 'False' || value === 'false') return false;
  return value;
}

function logFilePath(value: string): string {
  return value.includes('/') ? value : `./${value}`;
}

function logLevelHelp(kind: string): string {
  return (
    `${kind} logging log level. One of ${SORTED_LOG_LEVELS.map((l) => `'${l}'`).join(', ')}. Default: 'warning'. \n ` +
    `The following log levels are INSECURE and may log sensitive data: ${INSECURE_LOG_LEVELS.join(', ')}`
  );
}

/** The `salt-run` parser: every flag once, in Salt's help order. */
export function saltRunParserSpec(env: TableEnv = process.env): ParserSpec {
  const options: OptionSpec[] = [
    { flags: ['--version'], action: 'version', help: "show program's version number and exit" },
    { flags: ['-V', '--versions-report'], dest: 'versions_report', action: 'store_true', default: false, help: "Show program's dependencies version number and exit." },
    { flags: ['-h', '--help'], action: 'help', help: 'show this help message and exit' },
    { flags: ['--saltfile'], dest: 'saltfile', default: null, help: 'Specify the path to a Saltfile. If not passed, one will be searched for in the current working directory.' },
    { flags: ['-c', '--config-dir'], dest: 'config_dir', default: env.SALT_CONFIG_DIR || '/etc/salt', help: "Pass in an alternative configuration directory. Default: '%default'." },
    { flags: ['-t', '--timeout'], dest: 'timeout', type: 'int', default: 1, help: 'Change the timeout, if applicable, for the running command (in seconds). Default: %default.' },
    { flags: ['--args-stdin'], dest: 'args_stdin', action: 'store_true', default: false, help: 'Read additional options and/or arguments from stdin. Each entry is newline separated.' },
    { flags: ['--jid'], dest: 'jid', default: null, help: 'Pass a JID to be used instead of generating one.' },
    { flags: ['--hard-crash'], dest: 'hard_crash', action: 'store_true', default: Boolean(env.SALT_HARD_CRASH), help: 'Raise any original exception rather than exiting gracefully. Default: %default.' },
    {
      flags: ['--no-parse'],
      dest: 'no_parse',
      default: splitNoParse(env.SALT_NO_PARSE ?? ''),
      metavar: 'argname1,argname2,...',
      convert: splitNoParse,
      help: 'Comma-separated list of named CLI arguments (i.e. argname=value) which should not be parsed as Python data types',
    },
    { flags: ['-d', '--doc', '--documentation'], dest: 'doc', action: 'store_true', default: false, help: 'Display documentation for runners, pass a runner or runner.function to see documentation on only that runner or function.' },
    { flags: ['--async'], dest: 'async', action: 'store_true', default: false, help: 'Start the runner operation and immediately return control.' },
    { flags: ['--skip-grains'], dest: 'skip_grains', action: 'store_true', default: false, help: 'Do not load grains.' },
  ];
  const groups: OptionGroupSpec[] = [
    {
      title: 'External Authentication',
      options: [
        { flags: ['-a', '--auth', '--eauth', '--external-auth'], dest: 'eauth', default: '', help: 'Specify an external authentication system to use.' },
        { flags: ['-T', '--make-token'], dest: 'mktoken', action: 'store_true', default: false, help: 'Generate and save an authentication token for re-use. The token is generated and made available for the period defined in the Salt Master.' },
        { flags: ['--username'], dest: 'username', default: null, help: 'Username for external authentication.' },
        { flags: ['--password'], dest: 'password', default: null, help: 'Password for external authentication.' },
      ],
    },
    {
      title: 'Output Options',
      description: 'Configure your preferred output format.',
      options: [
        { flags: ['--out', '--output'], dest: 'output', default: null, help: "Print the output from the 'salt-run' command using the specified outputter." },
        { flags: ['--out-indent', '--output-indent'], dest: 'output_indent', type: 'int', default: null, help: 'Print the output indented by the provided value in spaces. Negative values disables indentation. Only applicable in outputters that support indentation.' },
        { flags: ['--out-file', '--output-file'], dest: 'output_file', default: null, help: 'Write the output to the specified file.' },
        { flags: ['--out-file-append', '--output-file-append'], dest: 'output_file_append', action: 'store_true', default: false, help: 'Append the output to the specified file.' },
        { flags: ['--no-color', '--no-colour'], dest: 'no_color', action: 'store_true', default: false, help: 'Disable all colored output.' },
        { flags: ['--force-color', '--force-colour'], dest: 'force_color', action: 'store_true', default: false, help: 'Force colored output.' },
        { flags: ['--state-output', '--state_output'], dest: 'state_output', default: null, help: "Override the configured state_output value for minion output. One of 'full', 'terse', 'mixed', 'changes' or 'filter'. Default: '%default'." },
        { flags: ['--state-verbose', '--state_verbose'], dest: 'state_verbose', default: null, convert: stateVerbose, help: 'Override the configured state_verbose value for minion output. Set to True or False. Default: %default.' },
      ],
    },
    {
      title: 'Profiling support',
      options: [
        { flags: ['--profiling-path'], dest: 'profiling_path', default: '/tmp/stats', help: "Folder that will hold all stats generations path. Default: '%default'." },
        { flags: ['--enable-profiling'], dest: 'profiling_enabled', action: 'store_true', default: false, help: 'Enable generating profiling stats. See also: --profiling-path.' },
      ],
    },
    {
      title: 'Output Options',
      description: 'Configure your preferred output format.',
      options: [{ flags: ['--quiet'], dest: 'quiet', action: 'store_true', default: false, help: 'Do not display the results of the run.' }],
    },
    {
      title: 'Logging Options',
      description: 'Logging options which override any settings defined on the configuration files.',
      options: [
        { flags: ['-l', '--log-level'], dest: 'log_level', default: null, choices: LOG_LEVELS, help: logLevelHelp('Console') },
        { flags: ['--log-file'], dest: 'log_file', default: null, convert: logFilePath, help: "Log file path. Default: '/var/log/salt/master'." },
        { flags: ['--log-file-level'], dest: 'log_level_logfile', default: null, choices: SORTED_LOG_LEVELS, help: logLevelHelp('Logfile') },
      ],
    },
  ];
  return {
    prog: 'salt-run',
    usage: '%prog [options] <function> [arguments]',
    description: 'salt-run is the frontend command for executing Salt Runners.\nSalt Runners are modules used to execute convenience functions on the Salt Master',
    epilog: 'You can find additional help about %prog issuing "man %prog" or on https://docs.saltproject.io',
    version: SALT_VERSION,
    options,
    groups,
  };
}

/** A command line that runs (or documents) a runner function. */
export interface SaltRunCliOk {
  ok: true;
  options: SaltRunCliOptions;
  /** Config names set on the command line (only these override the config file). */
  explicit: ReadonlySet<string>;
  /** The runner function (`''` when none was given). */
  fun: string;
  /** The argument words after the function, unparsed. */
  arg: string[];
}

/** The command line ends the program here: help, version, or an error. */
export interface SaltRunCliExit {
  ok: false;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Reads a `salt-run` command line (without the program name) as Salt 3006 does. Failure gives what
 * to print and the exit code: 0 for `--help`/`--version`, 64 with the usage line and
 * `salt-run: error: ...` for a bad option, an invalid `--jid`, or `-d` with more than one name.
 * @param stdinLines the lines `--args-stdin` reads (default: none).
 */
export function parseSaltRunArgv(argv: readonly string[], opts: { env?: TableEnv; columns?: number; stdinLines?: readonly string[] } = {}): SaltRunCliOk | SaltRunCliExit {
  const spec = saltRunParserSpec(opts.env ?? process.env);
  const parsed = parseOptions(spec, argv, { columns: opts.columns });
  if (parsed.kind === 'exit') return { ok: false, exitCode: parsed.exitCode, stdout: parsed.stdout, stderr: parsed.stderr };
  const values = parsed.values;
  const args = [...parsed.args];
  if (values.args_stdin === true && opts.stdinLines) {
    const more = parseOptions(spec, opts.stdinLines, { columns: opts.columns });
    if (more.kind === 'exit') return { ok: false, exitCode: more.exitCode, stdout: more.stdout, stderr: more.stderr };
    for (const dest of more.explicit) {
      values[dest] = more.values[dest];
      parsed.explicit.add(dest);
    }
    args.push(...more.args);
  }
  const fail = (msg: string): SaltRunCliExit => {
    const r = usageExit(spec, msg);
    return { ok: false, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  };
  if (typeof values.jid === 'string' && !isJid(values.jid)) return fail(`'${values.jid}' is not a valid JID`);
  if (values.doc === true && args.length > 1) return fail('You can only get documentation for one method at one time');
  return { ok: true, options: values as unknown as SaltRunCliOptions, explicit: parsed.explicit, fun: args[0] ?? '', arg: args.slice(1) };
}
