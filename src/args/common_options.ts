/**
 * The option groups Salt's CLI parsers share (its option mix-ins): the basic flags (versions
 * report, Saltfile, config dir, args-stdin, hard crash, no-parse), External Authentication,
 * Output Options, Profiling support and Logging Options. Each program's table places them in
 * its own help order; the text here is Salt 3006's, byte for byte.
 *
 * Every option is typed against the config name it sets (its `dest`), so a program's table
 * (typed against its own options interface) can hold them unchanged.
 */
import type { OptionGroupSpec, OptionSpec } from './optparse.js';

/** Console log levels Salt knows, in its LOG_LEVELS order (the `-l` choices). */
export const LOG_LEVELS = ['all', 'debug', 'error', 'critical', 'garbage', 'info', 'profile', 'quiet', 'trace', 'warning'] as const;
/** The same levels sorted by severity (the `--log-file-level` choices and the help text order). */
export const SORTED_LOG_LEVELS = ['all', 'garbage', 'trace', 'debug', 'profile', 'info', 'warning', 'error', 'critical', 'quiet'] as const;
/** Levels below `info`, which Salt's help flags as possibly logging secrets. */
const INSECURE_LOG_LEVELS = ['all', 'debug', 'garbage', 'profile', 'trace'];

/** How the shared options read the environment (Salt reads these variables for some defaults). */
export interface CommonOptionsEnv {
  SALT_CONFIG_DIR?: string;
  SALT_HARD_CRASH?: string;
  SALT_NO_PARSE?: string;
}

/** The values the basic options set (versions report, Saltfile, config dir, stdin, crash, no-parse). */
export interface BasicCliOptions {
  versions_report: boolean;
  saltfile: string | null;
  config_dir: string;
  args_stdin: boolean;
  hard_crash: boolean;
  /** `--no-parse a,b` as a list of keyword names. */
  no_parse: string[];
}

/** The values the External Authentication group sets. */
export interface EauthCliOptions {
  eauth: string;
  mktoken: boolean;
  username: string | null;
  password: string | null;
}

/** The values the Output Options group sets. */
export interface OutputCliOptions {
  output: string | null;
  output_indent: number | null;
  output_file: string | null;
  output_file_append: boolean;
  no_color: boolean;
  force_color: boolean;
  state_output: string | null;
  /** `--state-verbose true/false` becomes a bool; other text is kept. */
  state_verbose: boolean | string | null;
}

/** The values the Profiling support group sets. */
export interface ProfilingCliOptions {
  profiling_path: string;
  profiling_enabled: boolean;
}

/** The values the Logging Options group sets. */
export interface LoggingCliOptions {
  log_level: string | null;
  log_file: string | null;
  log_level_logfile: string | null;
}

/** The values all the shared options set, by their config option name. */
export interface CommonCliOptions extends BasicCliOptions, EauthCliOptions, OutputCliOptions, ProfilingCliOptions, LoggingCliOptions {}

/** A shared option, typed against the config name it sets. */
export interface CommonOption<K extends keyof CommonCliOptions = keyof CommonCliOptions> extends OptionSpec {
  dest: K;
  default: CommonCliOptions[K];
}

/** A titled group of shared options. */
export type CommonGroup<K extends keyof CommonCliOptions> = OptionGroupSpec & { options: CommonOption<K>[] };

function opt<K extends keyof CommonCliOptions>(o: CommonOption<K>): CommonOption<K> {
  return o;
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

function logLevelHelp(kind: string): string {
  return (
    `${kind} logging log level. One of ${SORTED_LOG_LEVELS.map((l) => `'${l}'`).join(', ')}. Default: 'warning'. \n ` +
    `The following log levels are INSECURE and may log sensitive data: ${INSECURE_LOG_LEVELS.join(', ')}`
  );
}

/** `-V/--versions-report`. */
export function versionsReportOption(): CommonOption<'versions_report'> {
  return opt({ flags: ['-V', '--versions-report'], dest: 'versions_report', action: 'store_true', default: false, help: "Show program's dependencies version number and exit." });
}

/** `--saltfile`. */
export function saltfileOption(): CommonOption<'saltfile'> {
  return opt({ flags: ['--saltfile'], dest: 'saltfile', default: null, help: 'Specify the path to a Saltfile. If not passed, one will be searched for in the current working directory.' });
}

/** `-c/--config-dir`, defaulting to `$SALT_CONFIG_DIR` or `/etc/salt`. */
export function configDirOption(env: CommonOptionsEnv): CommonOption<'config_dir'> {
  return opt({ flags: ['-c', '--config-dir'], dest: 'config_dir', default: env.SALT_CONFIG_DIR || '/etc/salt', help: "Pass in an alternative configuration directory. Default: '%default'." });
}

/** `--args-stdin`. */
export function argsStdinOption(): CommonOption<'args_stdin'> {
  return opt({ flags: ['--args-stdin'], dest: 'args_stdin', action: 'store_true', default: false, help: 'Read additional options and/or arguments from stdin. Each entry is newline separated.' });
}

/** `--hard-crash`, on by default when `$SALT_HARD_CRASH` is set. */
export function hardCrashOption(env: CommonOptionsEnv): CommonOption<'hard_crash'> {
  return opt({ flags: ['--hard-crash'], dest: 'hard_crash', action: 'store_true', default: Boolean(env.SALT_HARD_CRASH), help: 'Raise any original exception rather than exiting gracefully. Default: %default.' });
}

/** `--no-parse a,b`, defaulting to the names in `$SALT_NO_PARSE`. */
export function noParseOption(env: CommonOptionsEnv): CommonOption<'no_parse'> {
  return opt({
    flags: ['--no-parse'],
    dest: 'no_parse',
    default: splitNoParse(env.SALT_NO_PARSE ?? ''),
    metavar: 'argname1,argname2,...',
    convert: splitNoParse,
    help: 'Comma-separated list of named CLI arguments (i.e. argname=value) which should not be parsed as Python data types',
  });
}

/** The "External Authentication" group (`-a`, `-T`, `--username`, `--password`). */
export function eauthGroup(): CommonGroup<'eauth' | 'mktoken' | 'username' | 'password'> {
  return {
    title: 'External Authentication',
    options: [
      opt({ flags: ['-a', '--auth', '--eauth', '--external-auth'], dest: 'eauth', default: '', help: 'Specify an external authentication system to use.' }),
      opt({ flags: ['-T', '--make-token'], dest: 'mktoken', action: 'store_true', default: false, help: 'Generate and save an authentication token for re-use. The token is generated and made available for the period defined in the Salt Master.' }),
      opt({ flags: ['--username'], dest: 'username', default: null, help: 'Username for external authentication.' }),
      opt({ flags: ['--password'], dest: 'password', default: null, help: 'Password for external authentication.' }),
    ],
  };
}

/** The "Output Options" group; `prog` is named in the `--out` help ("the 'salt-call' command"). */
export function outputGroup(
  prog: string,
): CommonGroup<'output' | 'output_indent' | 'output_file' | 'output_file_append' | 'no_color' | 'force_color' | 'state_output' | 'state_verbose'> {
  return {
    title: 'Output Options',
    description: 'Configure your preferred output format.',
    options: [
      opt({ flags: ['--out', '--output'], dest: 'output', default: null, help: `Print the output from the '${prog}' command using the specified outputter.` }),
      opt({ flags: ['--out-indent', '--output-indent'], dest: 'output_indent', type: 'int', default: null, help: 'Print the output indented by the provided value in spaces. Negative values disables indentation. Only applicable in outputters that support indentation.' }),
      opt({ flags: ['--out-file', '--output-file'], dest: 'output_file', default: null, help: 'Write the output to the specified file.' }),
      opt({ flags: ['--out-file-append', '--output-file-append'], dest: 'output_file_append', action: 'store_true', default: false, help: 'Append the output to the specified file.' }),
      opt({ flags: ['--no-color', '--no-colour'], dest: 'no_color', action: 'store_true', default: false, help: 'Disable all colored output.' }),
      opt({ flags: ['--force-color', '--force-colour'], dest: 'force_color', action: 'store_true', default: false, help: 'Force colored output.' }),
      opt({ flags: ['--state-output', '--state_output'], dest: 'state_output', default: null, help: "Override the configured state_output value for minion output. One of 'full', 'terse', 'mixed', 'changes' or 'filter'. Default: '%default'." }),
      opt({ flags: ['--state-verbose', '--state_verbose'], dest: 'state_verbose', default: null, convert: stateVerbose, help: 'Override the configured state_verbose value for minion output. Set to True or False. Default: %default.' }),
    ],
  };
}

/** The "Profiling support" group (`--profiling-path`, `--enable-profiling`). */
export function profilingGroup(): CommonGroup<'profiling_path' | 'profiling_enabled'> {
  return {
    title: 'Profiling support',
    options: [
      opt({ flags: ['--profiling-path'], dest: 'profiling_path', default: '/tmp/stats', help: "Folder that will hold all stats generations path. Default: '%default'." }),
      opt({ flags: ['--enable-profiling'], dest: 'profiling_enabled', action: 'store_true', default: false, help: 'Enable generating profiling stats. See also: --profiling-path.' }),
    ],
  };
}

/**
 * The "Logging Options" group (`-l`, `--log-file`, `--log-file-level`); `daemon` names the default
 * log file in the help (`/var/log/salt/<daemon>`).
 */
export function loggingGroup(daemon: 'master' | 'minion'): CommonGroup<'log_level' | 'log_file' | 'log_level_logfile'> {
  return {
    title: 'Logging Options',
    description: 'Logging options which override any settings defined on the configuration files.',
    options: [
      opt({ flags: ['-l', '--log-level'], dest: 'log_level', default: null, choices: LOG_LEVELS, help: logLevelHelp('Console') }),
      opt({ flags: ['--log-file'], dest: 'log_file', default: null, convert: logFilePath, help: `Log file path. Default: '/var/log/salt/${daemon}'.` }),
      opt({ flags: ['--log-file-level'], dest: 'log_level_logfile', default: null, choices: SORTED_LOG_LEVELS, help: logLevelHelp('Logfile') }),
    ],
  };
}
