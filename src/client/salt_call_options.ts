/**
 * The `salt-call` command line, as Salt's SaltCallOptionParser reads it (optparse grammar, see
 * src/args/optparse.ts): the option table in Salt's help order and the checks Salt makes on the
 * arguments once they are parsed.
 *
 * Every flag is listed once with its `dest`, which is also the name of the config option it
 * overrides (`-t` → `auth_timeout`, `--out` → `output`, `--metadata` → `print_metadata`).
 */
import { readFileSync } from 'node:fs';
import { parseOptions, usageExit, type OptionGroupSpec, type OptionSpec, type ParserSpec } from '../args/optparse.js';
import { SALT_VERSION } from '../version.js';

/** Console log levels Salt knows, in its LOG_LEVELS order (the `-l` choices). */
const LOG_LEVELS = ['all', 'debug', 'error', 'critical', 'garbage', 'info', 'profile', 'quiet', 'trace', 'warning'] as const;
/** The same levels sorted by severity (the `--log-file-level` choices and the help text order). */
const SORTED_LOG_LEVELS = ['all', 'garbage', 'trace', 'debug', 'profile', 'info', 'warning', 'error', 'critical', 'quiet'] as const;
/** Levels below `info`, which Salt's help flags as possibly logging secrets. */
const INSECURE_LOG_LEVELS = ['all', 'debug', 'garbage', 'profile', 'trace'];

/** Every value the `salt-call` command line sets, by its config option name. */
export interface SaltCallOptions {
  versions_report: boolean;
  saltfile: string | null;
  config_dir: string;
  proxyid: string | null;
  module_executors: string | null;
  executor_opts: string | null;
  cachedir: string;
  args_stdin: boolean;
  hard_crash: boolean;
  /** `--no-parse a,b` as a list of kwarg names. */
  no_parse: string[];
  grains_run: boolean;
  /** Every `-m` value, in order (each may hold several comma-separated directories). */
  module_dirs: string[];
  doc: boolean;
  master: string;
  return: string;
  local: boolean;
  file_root: string | null;
  pillar_root: string | null;
  states_dir: string | null;
  retcode_passthrough: boolean;
  /** `--metadata`: print the whole return map, not just the function's return. */
  print_metadata: boolean;
  /** `--set-metadata`: metadata attached to the job. */
  metadata: string | null;
  id: string;
  skip_grains: boolean;
  refresh_grains_cache: boolean;
  no_return_event: boolean;
  /** `-t/--timeout`: the authentication timeout in seconds. */
  auth_timeout: number;
  state_output_diff: boolean;
  output: string | null;
  output_indent: number | null;
  output_file: string | null;
  output_file_append: boolean;
  no_color: boolean;
  force_color: boolean;
  state_output: string | null;
  /** `--state-verbose true/false` becomes a bool; other text is kept. */
  state_verbose: boolean | string | null;
  profiling_path: string;
  profiling_enabled: boolean;
  log_level: string | null;
  log_file: string | null;
  log_level_logfile: string | null;
}

/** An option of the table, typed against the config name it sets. */
interface CallOption<K extends keyof SaltCallOptions = keyof SaltCallOptions> extends OptionSpec {
  dest: K;
  default: SaltCallOptions[K];
}

function opt<K extends keyof SaltCallOptions>(o: CallOption<K>): CallOption<K> {
  return o;
}

/** How the table reads the environment (Salt reads these variables for some defaults). */
export interface SaltCallEnv {
  SALT_CONFIG_DIR?: string;
  SALT_HARD_CRASH?: string;
  SALT_NO_PARSE?: string;
}

function logLevelHelp(kind: string): string {
  return (
    `${kind} logging log level. One of ${SORTED_LOG_LEVELS.map((l) => `'${l}'`).join(', ')}. Default: 'warning'. \n ` +
    `The following log levels are INSECURE and may log sensitive data: ${INSECURE_LOG_LEVELS.join(', ')}`
  );
}

function splitNoParse(value: string): string[] {
  return value ? value.split(',').map((x) => x.trim()) : [];
}

function stateVerbose(value: string): boolean | string {
  if (value === 'True' || value === 'true') return true;
  if (value === 'False' || value === 'false') return false;
  return value;
}

/** A bare file name is taken relative to the current directory, as Salt's --log-file callback does. */
function logFilePath(value: string): string {
  return value.includes('/') ? value : `./${value}`;
}

/**
 * The `salt-call` option table, in the order Salt's mix-ins add them (by their priority):
 * Saltfile, config dir, proxy id, executors, cache dir, args-stdin, the output group, hard crash,
 * no-parse, the profiling group, salt-call's own options, then the logging group.
 * `-m` appends: each parse gets a fresh table so the list starts empty.
 */
function saltCallOptionTable(env: SaltCallEnv): { options: CallOption[]; groups: (OptionGroupSpec & { options: CallOption[] })[] } {
  const moduleDirs: string[] = [];
  const options: CallOption[] = [
    opt({ flags: ['-V', '--versions-report'], dest: 'versions_report', action: 'store_true', default: false, help: "Show program's dependencies version number and exit." }),
    opt({ flags: ['--saltfile'], dest: 'saltfile', default: null, help: 'Specify the path to a Saltfile. If not passed, one will be searched for in the current working directory.' }),
    opt({ flags: ['-c', '--config-dir'], dest: 'config_dir', default: env.SALT_CONFIG_DIR || '/etc/salt', help: "Pass in an alternative configuration directory. Default: '%default'." }),
    opt({ flags: ['--proxyid'], dest: 'proxyid', default: null, help: 'Id for this proxy.' }),
    opt({ flags: ['--module-executors'], dest: 'module_executors', default: null, metavar: 'EXECUTOR_LIST', help: 'Set an alternative list of executors to override the one set in minion config.' }),
    opt({ flags: ['--executor-opts'], dest: 'executor_opts', default: null, metavar: 'EXECUTOR_OPTS', help: 'Set alternate executor options if supported by executor. Options set by minion config are used by default.' }),
    opt({ flags: ['--cachedir'], dest: 'cachedir', default: '/var/cache/salt/', help: 'Cache Directory' }),
    opt({ flags: ['--args-stdin'], dest: 'args_stdin', action: 'store_true', default: false, help: 'Read additional options and/or arguments from stdin. Each entry is newline separated.' }),
    opt({ flags: ['--hard-crash'], dest: 'hard_crash', action: 'store_true', default: Boolean(env.SALT_HARD_CRASH), help: 'Raise any original exception rather than exiting gracefully. Default: %default.' }),
    opt({ flags: ['--no-parse'], dest: 'no_parse', default: env.SALT_NO_PARSE ? splitNoParse(env.SALT_NO_PARSE) : [], metavar: 'argname1,argname2,...', convert: splitNoParse, help: 'Comma-separated list of named CLI arguments (i.e. argname=value) which should not be parsed as Python data types' }),
    opt({ flags: ['-g', '--grains'], dest: 'grains_run', action: 'store_true', default: false, help: 'Return the information generated by the salt grains.' }),
    opt({
      flags: ['-m', '--module-dirs'],
      dest: 'module_dirs',
      default: [],
      convert: (v) => {
        moduleDirs.push(v);
        return moduleDirs;
      },
      help: 'Specify an additional directory to pull modules from. Multiple directories can be provided by passing `-m/--module-dirs` multiple times.',
    }),
    opt({ flags: ['-d', '--doc', '--documentation'], dest: 'doc', action: 'store_true', default: false, help: 'Return the documentation for the specified module or for all modules if none are specified.' }),
    opt({ flags: ['--master'], dest: 'master', default: '', help: 'Specify the master to use. The minion must be authenticated with the master. If this option is omitted, the master options from the minion config will be used. If multi masters are set up the first listed master that responds will be used.' }),
    opt({ flags: ['--return'], dest: 'return', default: '', metavar: 'RETURNER', help: 'Set salt-call to pass the return data to one or many returner interfaces.' }),
    opt({ flags: ['--local'], dest: 'local', action: 'store_true', default: false, help: 'Run salt-call locally, as if there was no master running.' }),
    opt({ flags: ['--file-root'], dest: 'file_root', default: null, help: 'Set this directory as the base file root.' }),
    opt({ flags: ['--pillar-root'], dest: 'pillar_root', default: null, help: 'Set this directory as the base pillar root.' }),
    opt({ flags: ['--states-dir'], dest: 'states_dir', default: null, help: 'Set this directory to search for additional states.' }),
    opt({ flags: ['--retcode-passthrough'], dest: 'retcode_passthrough', action: 'store_true', default: false, help: 'Exit with the salt call retcode and not the salt binary retcode.' }),
    opt({ flags: ['--metadata'], dest: 'print_metadata', action: 'store_true', default: false, help: 'Print out the execution metadata as well as the return. This will print out the outputter data, the return code, etc.' }),
    opt({ flags: ['--set-metadata'], dest: 'metadata', default: null, metavar: 'METADATA', help: 'Pass metadata into Salt, used to search jobs.' }),
    opt({ flags: ['--id'], dest: 'id', default: '', help: 'Specify the minion id to use. If this option is omitted, the id option from the minion config will be used.' }),
    opt({ flags: ['--skip-grains'], dest: 'skip_grains', action: 'store_true', default: false, help: 'Do not load grains.' }),
    opt({ flags: ['--refresh-grains-cache'], dest: 'refresh_grains_cache', action: 'store_true', default: false, help: 'Force a refresh of the grains cache.' }),
    opt({ flags: ['--no-return-event'], dest: 'no_return_event', action: 'store_true', default: false, help: 'Do not produce the return event back to master.' }),
    opt({ flags: ['-t', '--timeout'], dest: 'auth_timeout', type: 'int', default: 60, help: 'Change the timeout, if applicable, for the running command. Default: %default.' }),
    opt({ flags: ['--output-diff'], dest: 'state_output_diff', action: 'store_true', default: false, help: 'Report only those states that have changed.' }),
  ];
  const groups = [
    {
      title: 'Output Options',
      description: 'Configure your preferred output format.',
      options: [
        opt({ flags: ['--out', '--output'], dest: 'output', default: null, help: "Print the output from the 'salt-call' command using the specified outputter." }),
        opt({ flags: ['--out-indent', '--output-indent'], dest: 'output_indent', type: 'int', default: null, help: 'Print the output indented by the provided value in spaces. Negative values disables indentation. Only applicable in outputters that support indentation.' }),
        opt({ flags: ['--out-file', '--output-file'], dest: 'output_file', default: null, help: 'Write the output to the specified file.' }),
        opt({ flags: ['--out-file-append', '--output-file-append'], dest: 'output_file_append', action: 'store_true', default: false, help: 'Append the output to the specified file.' }),
        opt({ flags: ['--no-color', '--no-colour'], dest: 'no_color', action: 'store_true', default: false, help: 'Disable all colored output.' }),
        opt({ flags: ['--force-color', '--force-colour'], dest: 'force_color', action: 'store_true', default: false, help: 'Force colored output.' }),
        opt({ flags: ['--state-output', '--state_output'], dest: 'state_output', default: null, help: "Override the configured state_output value for minion output. One of 'full', 'terse', 'mixed', 'changes' or 'filter'. Default: '%default'." }),
        opt({ flags: ['--state-verbose', '--state_verbose'], dest: 'state_verbose', default: null, convert: stateVerbose, help: 'Override the configured state_verbose value for minion output. Set to True or False. Default: %default.' }),
      ],
    },
    {
      title: 'Profiling support',
      options: [
        opt({ flags: ['--profiling-path'], dest: 'profiling_path', default: '/tmp/stats', help: "Folder that will hold all stats generations path. Default: '%default'." }),
        opt({ flags: ['--enable-profiling'], dest: 'profiling_enabled', action: 'store_true', default: false, help: 'Enable generating profiling stats. See also: --profiling-path.' }),
      ],
    },
    {
      title: 'Logging Options',
      description: 'Logging options which override any settings defined on the configuration files.',
      options: [
        opt({ flags: ['-l', '--log-level'], dest: 'log_level', default: null, choices: LOG_LEVELS, help: logLevelHelp('Console') }),
        opt({ flags: ['--log-file'], dest: 'log_file', default: null, convert: logFilePath, help: "Log file path. Default: '/var/log/salt/minion'." }),
        opt({ flags: ['--log-file-level'], dest: 'log_level_logfile', default: null, choices: SORTED_LOG_LEVELS, help: logLevelHelp('Logfile') }),
      ],
    },
  ];
  // Salt's table has options outside groups before and after the output group; optparse's help
  // lists ungrouped options first, so one list is enough.
  return { options, groups };
}

/**
 * The `salt-call` parser spec (prog, usage, description, epilog, options in help order).
 * Defaults Salt takes from the environment (SALT_CONFIG_DIR, SALT_HARD_CRASH, SALT_NO_PARSE)
 * are read from `env`.
 */
export function saltCallParserSpec(env: SaltCallEnv = process.env): ParserSpec {
  const { options, groups } = saltCallOptionTable(env);
  return {
    prog: 'salt-call',
    usage: '%prog [options] <function> [arguments]',
    description: 'salt-call is used to execute module functions locally on a Salt Minion',
    epilog: 'You can find additional help about %prog issuing "man %prog" or on https://docs.saltproject.io',
    version: SALT_VERSION,
    options: [
      { flags: ['--version'], action: 'version', help: "show program's version number and exit" },
      ...options.slice(0, 1),
      { flags: ['-h', '--help'], action: 'help', help: 'show this help message and exit' },
      ...options.slice(1),
    ],
    groups,
  };
}

/** A command line that runs something: a function call, `-g` (grains) or `-d` (docs). */
export interface SaltCallRun {
  ok: true;
  action: 'call' | 'grains' | 'doc' | 'versions-report';
  options: SaltCallOptions;
  /** Config names set on the command line (only these override the config file). */
  explicit: ReadonlySet<string>;
  /** The function (or, with `-d`, the name prefix; `''` for all). */
  fun: string;
  /** The words after the function, unparsed (Salt parses them when calling). */
  arg: string[];
}

/** The command line ends the program here: help, version, or an error. */
export interface SaltCallExit {
  ok: false;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export type SaltCallParse = SaltCallRun | SaltCallExit;

/** Options of {@link parseSaltCallArgv}. */
export interface ParseSaltCallArgvOptions {
  /** Environment for the defaults Salt reads from it (default: process.env). */
  env?: SaltCallEnv;
  /** Terminal width for the help text (default: $COLUMNS, else 80). */
  columns?: number;
  /**
   * The lines `--args-stdin` reads (default: standard input, read when the flag is given).
   * Salt parses them as a second command line whose values replace the first one's.
   */
  readStdinLines?: () => string[];
}

/**
 * Reads a `salt-call` command line (without the program name) as Salt 3006 does.
 *
 * Success gives the action (`call`, `grains` for `-g`, `doc` for `-d`, `versions-report`), the
 * options, the set of explicitly given ones, the function and its raw argument words.
 * Failure gives what to print and the exit code: 0 for `--help`/`--version`, 64 with the usage
 * line and `salt-call: error: ...` for a bad option, and for Salt's argument checks: no function
 * (the help is printed first), `-g` with arguments, `-d` with more than one name.
 */
export function parseSaltCallArgv(argv: readonly string[], opts: ParseSaltCallArgvOptions = {}): SaltCallParse {
  const spec = saltCallParserSpec(opts.env ?? process.env);
  const parsed = parseOptions(spec, argv, { columns: opts.columns });
  if (parsed.kind === 'exit') return { ok: false, exitCode: parsed.exitCode, stdout: parsed.stdout, stderr: parsed.stderr };
  let values = parsed.values;
  const args = [...parsed.args];
  const explicit = new Set(parsed.explicit);
  if (values.args_stdin === true) {
    const lines = (opts.readStdinLines ?? readStdinLines)();
    const again = parseOptions(saltCallParserSpec(opts.env ?? process.env), lines, { columns: opts.columns });
    if (again.kind === 'exit') return { ok: false, exitCode: again.exitCode, stdout: again.stdout, stderr: again.stderr };
    // optparse's values.__dict__.update(): every value of the second parse wins, defaults included.
    values = { ...values, ...again.values };
    for (const d of again.explicit) explicit.add(d);
    args.push(...again.args);
  }
  const options = values as unknown as SaltCallOptions;
  if (options.versions_report) return { ok: true, action: 'versions-report', options, explicit, fun: '', arg: [] };

  if (args.length === 0 && !options.grains_run && !options.doc) {
    const help = parseOptions(spec, ['--help'], { columns: opts.columns });
    const usage = usageExit(spec, 'Requires function, --grains or --doc');
    return { ok: false, exitCode: usage.exitCode, stdout: help.kind === 'exit' ? help.stdout : '', stderr: usage.stderr };
  }
  if (args.length >= 1) {
    if (options.grains_run) return toExit(usageExit(spec, '-g/--grains does not accept any arguments'));
    if (options.doc && args.length > 1) return toExit(usageExit(spec, 'You can only get documentation for one method at one time'));
  }
  const action = options.doc ? 'doc' : options.grains_run ? 'grains' : 'call';
  return { ok: true, action, options, explicit, fun: args[0] ?? '', arg: args.slice(1) };
}

function toExit(r: { exitCode: number; stdout: string; stderr: string }): SaltCallExit {
  return { ok: false, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

/** Standard input as lines without their line ends (`--args-stdin`). */
function readStdinLines(): string[] {
  let text = '';
  try {
    text = readFileSync(0, 'utf8');
  } catch {
    return [];
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => l.replace(/\r$/, ''));
}
