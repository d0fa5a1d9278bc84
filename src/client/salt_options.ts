/**
 * The `salt` command line, as Salt's SaltCMDOptionParser reads it (optparse grammar, see
 * src/args/optparse.ts), and how it becomes a publish: target, target type, function(s) and the
 * `arg` list LocalClient sends.
 *
 * Every flag is listed once in {@link SALT_OPTION_TABLE} with its `dest`, which is also the name of the
 * config option it overrides (`-t` → `timeout`, `--out` → `output`), so flag and config cannot drift.
 */
import {
  argsStdinOption,
  configDirOption,
  eauthGroup,
  hardCrashOption,
  loggingGroup,
  noParseOption,
  outputGroup,
  saltfileOption,
  versionsReportOption,
  type BasicCliOptions,
  type CommonOptionsEnv,
  type EauthCliOptions,
  type LoggingCliOptions,
  type OutputCliOptions,
} from '../args/common_options.js';
import { parseOptions, usageExit, type OptionGroupSpec, type OptionSpec, type ParserSpec } from '../args/optparse.js';
import { parseInput } from '../args/parse.js';
import { SALT_VERSION } from '../version.js';

/** Every value the `salt` command line sets, by its config option name. */
export interface SaltCliOptions extends BasicCliOptions, EauthCliOptions, OutputCliOptions, LoggingCliOptions {
  module_executors: string | null;
  executor_opts: string | null;
  timeout: number;
  static: boolean;
  progress: boolean;
  failhard: boolean;
  async: boolean;
  subset: number;
  verbose: boolean;
  /** False with `--hide-timeout`. */
  show_timeout: boolean;
  show_jid: boolean;
  batch: string;
  batch_wait: number;
  batch_safe_limit: number;
  batch_safe_size: string | number;
  return: string;
  return_config: string;
  return_kwargs: string | Record<string, never>;
  doc: boolean;
  args_separator: string;
  cli_summary: boolean;
  metadata: string;
  state_output_diff: boolean;
  config_dump: boolean;
  preview_target: boolean;
  list_hosts: boolean;
  pcre: boolean;
  list: boolean;
  grain: boolean;
  grain_pcre: boolean;
  nodegroup: boolean;
  range: boolean;
  compound: boolean;
  pillar_target: boolean;
  pillar_pcre: boolean;
  ipcidr: boolean;
  delimiter: string;
}

/** An option of the table, typed against the config name it sets. */
interface SaltOption<K extends keyof SaltCliOptions = keyof SaltCliOptions> extends OptionSpec {
  dest: K;
  default: SaltCliOptions[K];
}

function opt<K extends keyof SaltCliOptions>(o: SaltOption<K>): SaltOption<K> {
  return o;
}

const TARGET_HELP = 'Instead of using shell globs to evaluate the target ';

/** How the table reads the environment (Salt reads these variables for some defaults). */
type TableEnv = CommonOptionsEnv;

/** The options of `salt` outside groups and in groups, in Salt's help order. */
function saltOptionTable(env: TableEnv): { options: SaltOption[]; groups: (OptionGroupSpec & { options: SaltOption[] })[] } {
  const options: SaltOption[] = [
    versionsReportOption(),
    saltfileOption(),
    configDirOption(env),
    opt({ flags: ['--module-executors'], dest: 'module_executors', default: null, metavar: 'EXECUTOR_LIST', help: 'Set an alternative list of executors to override the one set in minion config.' }),
    opt({ flags: ['--executor-opts'], dest: 'executor_opts', default: null, metavar: 'EXECUTOR_OPTS', help: 'Set alternate executor options if supported by executor. Options set by minion config are used by default.' }),
    opt({ flags: ['-t', '--timeout'], dest: 'timeout', type: 'int', default: 5, help: 'Change the timeout, if applicable, for the running command (in seconds). Default: %default.' }),
    argsStdinOption(),
    hardCrashOption(env),
    noParseOption(env),
    opt({ flags: ['-s', '--static'], dest: 'static', action: 'store_true', default: false, help: 'Return the data from minions as a group after they all return.' }),
    opt({ flags: ['-p', '--progress'], dest: 'progress', action: 'store_true', default: false, help: 'Display a progress graph. Requires "progressbar" python package.' }),
    opt({ flags: ['--failhard'], dest: 'failhard', action: 'store_true', default: false, help: 'Stop batch execution upon first "bad" return.' }),
    opt({ flags: ['--async'], dest: 'async', action: 'store_true', default: false, help: "Run the salt command but don't wait for a reply." }),
    opt({ flags: ['--subset'], dest: 'subset', type: 'int', default: 0, help: 'Execute the routine on a random subset of the targeted minions. The minions will be verified that they have the named function before executing.' }),
    opt({ flags: ['-v', '--verbose'], dest: 'verbose', action: 'store_true', default: false, help: 'Turn on command verbosity, display jid and active job queries.' }),
    opt({ flags: ['--hide-timeout'], dest: 'show_timeout', action: 'store_false', default: true, help: 'Hide minions that timeout.' }),
    opt({ flags: ['--show-jid'], dest: 'show_jid', action: 'store_true', default: false, help: 'Display jid without the additional output of --verbose.' }),
    opt({ flags: ['-b', '--batch', '--batch-size'], dest: 'batch', default: '', help: 'Execute the salt job in batch mode, pass either the number of minions to batch at a time, or the percentage of minions to have running.' }),
    opt({ flags: ['--batch-wait'], dest: 'batch_wait', type: 'float', default: 0, help: 'Wait the specified time in seconds after each job is done before freeing the slot in the batch for the next one.' }),
    opt({ flags: ['--batch-safe-limit'], dest: 'batch_safe_limit', type: 'int', default: 0, help: 'Execute the salt job in batch mode if the job would have executed on at least this many minions.' }),
    opt({ flags: ['--batch-safe-size'], dest: 'batch_safe_size', default: 8, help: 'Batch size to use for batch jobs created by batch-safe-limit.' }),
    opt({ flags: ['--return'], dest: 'return', default: '', metavar: 'RETURNER', help: 'Set an alternative return method. By default salt will send the return data from the command back to the master, but the return data can be redirected into any number of systems, databases or applications.' }),
    opt({ flags: ['--return_config'], dest: 'return_config', default: '', metavar: 'RETURNER_CONF', help: 'Set an alternative return method. By default salt will send the return data from the command back to the master, but the return data can be redirected into any number of systems, databases or applications.' }),
    opt({ flags: ['--return_kwargs'], dest: 'return_kwargs', default: {}, metavar: 'RETURNER_KWARGS', help: 'Set any returner options at the command line.' }),
    opt({ flags: ['-d', '--doc', '--documentation'], dest: 'doc', action: 'store_true', default: false, help: 'Return the documentation for the specified module or for all modules if none are specified.' }),
    opt({ flags: ['--args-separator'], dest: 'args_separator', default: ',', help: 'Set the special argument used as a delimiter between command arguments of compound commands. This is useful when one wants to pass commas as arguments to some of the commands in a compound command.' }),
    opt({ flags: ['--summary'], dest: 'cli_summary', action: 'store_true', default: false, help: 'Display summary information about a salt command.' }),
    opt({ flags: ['--metadata'], dest: 'metadata', default: '', metavar: 'METADATA', help: 'Pass metadata into Salt, used to search jobs.' }),
    opt({ flags: ['--output-diff'], dest: 'state_output_diff', action: 'store_true', default: false, help: 'Report only those states that have changed.' }),
    opt({ flags: ['--config-dump'], dest: 'config_dump', action: 'store_true', default: false, help: 'Dump the master configuration values' }),
    opt({ flags: ['--preview-target'], dest: 'preview_target', action: 'store_true', default: false, help: 'Show the minions expected to match a target. Does not issue any command.' }),
  ];
  const target: SaltOption[] = [
    opt({ flags: ['-H', '--hosts'], dest: 'list_hosts', action: 'store_true', default: false, help: 'List all known hosts to currently visible or other specified rosters' }),
    opt({ flags: ['-E', '--pcre'], dest: 'pcre', action: 'store_true', default: false, help: 'Instead of using shell globs to evaluate the target servers, use pcre regular expressions.' }),
    opt({ flags: ['-L', '--list'], dest: 'list', action: 'store_true', default: false, help: 'Instead of using shell globs to evaluate the target servers, take a comma or whitespace delimited list of servers.' }),
    opt({ flags: ['-G', '--grain'], dest: 'grain', action: 'store_true', default: false, help: `${TARGET_HELP}use a grain value to identify targets, the syntax for the target is the grain key followed by a globexpression: "os:Arch*".` }),
    opt({ flags: ['-P', '--grain-pcre'], dest: 'grain_pcre', action: 'store_true', default: false, help: `${TARGET_HELP}use a grain value to identify targets, the syntax for the target is the grain key followed by a pcre regular expression: "os:Arch.*".` }),
    opt({ flags: ['-N', '--nodegroup'], dest: 'nodegroup', action: 'store_true', default: false, help: `${TARGET_HELP}use one of the predefined nodegroups to identify a list of targets.` }),
    opt({ flags: ['-R', '--range'], dest: 'range', action: 'store_true', default: false, help: `${TARGET_HELP}use a range expression to identify targets. Range expressions look like %cluster.` }),
    opt({ flags: ['-C', '--compound'], dest: 'compound', action: 'store_true', default: false, help: "The compound target option allows for multiple target types to be evaluated, allowing for greater granularity in target matching. The compound target is space delimited, targets other than globs are preceded with an identifier matching the specific targets argument type: salt 'G@os:RedHat and webser* or E@database.*'." }),
    opt({ flags: ['-I', '--pillar'], dest: 'pillar_target', action: 'store_true', default: false, help: `${TARGET_HELP}use a pillar value to identify targets, the syntax for the target is the pillar key followed by a glob expression: "role:production*".` }),
    opt({ flags: ['-J', '--pillar-pcre'], dest: 'pillar_pcre', action: 'store_true', default: false, help: `${TARGET_HELP}use a pillar value to identify targets, the syntax for the target is the pillar key followed by a pcre regular expression: "role:prod.*".` }),
    opt({ flags: ['-S', '--ipcidr'], dest: 'ipcidr', action: 'store_true', default: false, help: 'Match based on Subnet (CIDR notation) or IP address.' }),
  ];
  const groups = [
    { title: 'Target Options', description: 'Target selection options.', options: target },
    {
      title: 'Additional Target Options',
      description: 'Additional options for minion targeting.',
      options: [opt({ flags: ['--delimiter'], dest: 'delimiter', default: ':', help: "Change the default delimiter for matching in multi-level data structures. Default: '%default'." })],
    },
    eauthGroup(),
    outputGroup('salt'),
    loggingGroup('master'),
  ];
  return { options, groups };
}

/**
 * The `salt` option table: every flag once, with the config option it sets. Defaults that Salt takes
 * from the environment (SALT_CONFIG_DIR, SALT_HARD_CRASH, SALT_NO_PARSE) are read from `env`.
 */
export function saltParserSpec(env: TableEnv = process.env): ParserSpec {
  const { options, groups } = saltOptionTable(env);
  return {
    prog: 'salt',
    usage: "%prog [options] '<target>' <function> [arguments]",
    description:
      'Salt allows for commands to be executed across a swath of remote systems in\nparallel, so they can be both controlled and queried with ease.',
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

/** The targeting flags in the order Salt lists them, with the `tgt_type` each selects. */
const TARGET_TYPES: [keyof SaltCliOptions, string][] = [
  ['list_hosts', 'list_hosts'],
  ['pcre', 'pcre'],
  ['list', 'list'],
  ['grain', 'grain'],
  ['grain_pcre', 'grain_pcre'],
  ['nodegroup', 'nodegroup'],
  ['range', 'range'],
  ['compound', 'compound'],
  ['pillar_target', 'pillar'],
  ['pillar_pcre', 'pillar_pcre'],
  ['ipcidr', 'ipcidr'],
];

/** A command line that asks for a publish. */
export interface SaltCliPublish {
  ok: true;
  action: 'publish';
  options: SaltCliOptions;
  /** Config names set on the command line (only these override the config file). */
  explicit: ReadonlySet<string>;
  /** A list for `-L a,b`, else the target expression. */
  tgt: string | string[];
  /** `glob` unless a targeting flag was given. */
  tgtType: string;
  /** A list for a compound command (`test.ping,test.echo`). */
  fun: string | string[];
  /** The published arg list; one list per function for a compound command. */
  arg: unknown[];
}

/** A command line that asks for something other than a publish (`--config-dump`, `--versions-report`). */
export interface SaltCliOtherAction {
  ok: true;
  action: 'config-dump' | 'versions-report';
  options: SaltCliOptions;
  explicit: ReadonlySet<string>;
  /** What Salt printed before acting (the help, when `--config-dump` came without a target). */
  stdout: string;
}

/** The command line ends the program here: help, version, or an error. */
export interface SaltCliExit {
  ok: false;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export type SaltCliParse = SaltCliPublish | SaltCliOtherAction | SaltCliExit;

/** Options of {@link parseSaltArgv}. */
export interface ParseSaltArgvOptions {
  /** Environment for the defaults Salt reads from it (default: process.env). */
  env?: TableEnv;
  /** Terminal width for the help text (default: $COLUMNS, else 80). */
  columns?: number;
}

function exit(exitCode: number, stderr: string, stdout = ''): SaltCliExit {
  return { ok: false, exitCode, stdout, stderr };
}

/** Splits on runs of whitespace, dropping empty parts, like Python's `str.split()`. */
function splitWhitespace(s: string): string[] {
  return s.split(/[\s\x1c-\x1f]+/u).filter((p) => p !== '');
}

/**
 * Splits the arguments of a compound command into one list per function: on standalone `separator`
 * words when there are exactly `funs - 1` of them, otherwise on separators inside words (old style).
 * @returns the per-function lists, or the exit Salt makes when their count differs from `funs`.
 */
function splitCompoundArgs(funCount: number, rest: string[], separator: string): string[][] | SaltCliExit {
  const groups: string[][] = [[]];
  if (rest.filter((a) => a === separator).length === funCount - 1) {
    for (const a of rest) {
      if (a === separator) groups.push([]);
      else groups[groups.length - 1]!.push(a);
    }
    return groups;
  }
  for (const a of rest) {
    if (!a.includes(separator)) {
      groups[groups.length - 1]!.push(a);
      continue;
    }
    const parts = a.split(separator);
    parts.forEach((part, i) => {
      if (part) groups[groups.length - 1]!.push(part);
      if (i !== parts.length - 1) groups.push([]);
    });
  }
  if (funCount > groups.length) return exit(42, 'Cannot execute compound command without defining all arguments.\n');
  if (funCount < groups.length) return exit(42, 'Cannot execute compound command with more arguments than commands.\n');
  return groups;
}

/**
 * Reads a `salt` command line (without the program name) as Salt 3006 does.
 *
 * Success gives the publish: `tgt` (a list with `-L a,b`), `tgtType`, `fun` (a list for a compound
 * command) and the `arg` list as LocalClient publishes it (strings yamlified, `k=v` gathered into a
 * `__kwarg__` dict, except names in `--no-parse`). `-d` turns the call into `sys.doc`.
 * Failure gives what to print and the exit code: 0 for `--help`/`--version`, 64 with the usage line and
 * `salt: error: ...` for a bad option, 42 for "Incomplete options passed." and the compound-command
 * errors.
 */
export function parseSaltArgv(argv: readonly string[], opts: ParseSaltArgvOptions = {}): SaltCliParse {
  const spec = saltParserSpec(opts.env ?? process.env);
  const parsed = parseOptions(spec, argv, { columns: opts.columns });
  if (parsed.kind === 'exit') return exit(parsed.exitCode, parsed.stderr, parsed.stdout);
  const options = parsed.values as unknown as SaltCliOptions;
  const explicit = parsed.explicit;
  if (options.versions_report) return { ok: true, action: 'versions-report', options, explicit, stdout: '' };

  const selected = TARGET_TYPES.filter(([dest]) => options[dest] === true);
  if (selected.length > 1) {
    const names = selected.map(([dest]) => {
      const flags = spec.groups[0]!.options.find((o) => o.dest === dest)!.flags;
      return flags.find((f) => f.startsWith('--')) ?? flags[0]!;
    });
    return toExit(usageExit(spec, `The options ${names.join('/')} are mutually exclusive. Please only choose one of them`));
  }
  const tgtType = selected[0]?.[1] ?? 'glob';

  const args = [...parsed.args];
  let stdout = '';
  if (args.length <= 1 && !options.doc && !options.preview_target) {
    // Salt prints the help and carries on; what follows then usually fails.
    stdout = helpText(spec, opts.columns);
  }
  if (options.config_dump) return { ok: true, action: 'config-dump', options, explicit, stdout };
  if (options.preview_target) args.push('not_a_valid_command');
  if (options.doc) {
    if (args.length === 0) args.unshift('*');
    if (args.length < 2) args.splice(1, 0, 'sys.doc');
    if (args[1] !== 'sys.doc') args.splice(1, 0, 'sys.doc');
    if (args.length > 3) return toExit(usageExit(spec, 'You can only get documentation for one method at one time.'));
  }

  if (args.length === 0) return exit(42, '\nCannot execute command without defining a target.\n\n', stdout);
  const tgt: string | string[] = options.list
    ? args[0]!.includes(',')
      ? args[0]!.replace(/ /g, '').split(',')
      : splitWhitespace(args[0]!)
    : args[0]!;
  if (args.length < 2) return exit(42, '\nIncomplete options passed.\n\n', stdout);

  const noParse = options.no_parse;
  const funText = args[1]!;
  if (!funText.includes(',')) {
    const arg = parseInput(args.slice(2), { noParse });
    return { ok: true, action: 'publish', options, explicit, tgt, tgtType, fun: funText, arg };
  }
  const fun = funText.split(',');
  const groups = splitCompoundArgs(fun.length, args.slice(2), options.args_separator);
  if (!Array.isArray(groups)) return { ...groups, stdout };
  const arg = groups.map((g) => parseInput(g, { noParse }));
  return { ok: true, action: 'publish', options, explicit, tgt, tgtType, fun, arg };
}

function helpText(spec: ParserSpec, columns?: number): string {
  const r = parseOptions(spec, ['--help'], { columns });
  return r.kind === 'exit' ? r.stdout : '';
}

function toExit(r: { exitCode: number; stdout: string; stderr: string }): SaltCliExit {
  return exit(r.exitCode, r.stderr, r.stdout);
}
