/**
 * The `salt-run` command line, as Salt's SaltRunOptionParser reads it (optparse grammar, see
 * src/args/optparse.ts): `salt-run [options] <function> [arguments]`.
 *
 * Every flag is listed once with its `dest`, which is also the name of the master config option
 * it overrides (`-t` → `timeout`, `--out` → `output`). The order is Salt's help order (its
 * mix-ins sorted by priority).
 */
import {
  argsStdinOption,
  configDirOption,
  eauthGroup,
  hardCrashOption,
  loggingGroup,
  noParseOption,
  outputGroup,
  profilingGroup,
  saltfileOption,
  versionsReportOption,
  type BasicCliOptions,
  type CommonOptionsEnv,
  type EauthCliOptions,
  type LoggingCliOptions,
  type OutputCliOptions,
  type ProfilingCliOptions,
} from '../args/common_options.js';
import { parseOptions, usageExit, type OptionGroupSpec, type OptionSpec, type ParserSpec } from '../args/optparse.js';
import { isJid } from '../protocol/jid.js';
import { SALT_VERSION } from '../version.js';

/** Every value the `salt-run` command line sets, by its config option name. */
export interface SaltRunCliOptions extends BasicCliOptions, EauthCliOptions, OutputCliOptions, ProfilingCliOptions, LoggingCliOptions {
  timeout: number;
  jid: string | null;
  doc: boolean;
  async: boolean;
  skip_grains: boolean;
  quiet: boolean;
}

type TableEnv = CommonOptionsEnv;

/** The `salt-run` parser: every flag once, in Salt's help order. */
export function saltRunParserSpec(env: TableEnv = process.env): ParserSpec {
  const options: OptionSpec[] = [
    { flags: ['--version'], action: 'version', help: "show program's version number and exit" },
    versionsReportOption(),
    { flags: ['-h', '--help'], action: 'help', help: 'show this help message and exit' },
    saltfileOption(),
    configDirOption(env),
    { flags: ['-t', '--timeout'], dest: 'timeout', type: 'int', default: 1, help: 'Change the timeout, if applicable, for the running command (in seconds). Default: %default.' },
    argsStdinOption(),
    { flags: ['--jid'], dest: 'jid', default: null, help: 'Pass a JID to be used instead of generating one.' },
    hardCrashOption(env),
    noParseOption(env),
    { flags: ['-d', '--doc', '--documentation'], dest: 'doc', action: 'store_true', default: false, help: 'Display documentation for runners, pass a runner or runner.function to see documentation on only that runner or function.' },
    { flags: ['--async'], dest: 'async', action: 'store_true', default: false, help: 'Start the runner operation and immediately return control.' },
    { flags: ['--skip-grains'], dest: 'skip_grains', action: 'store_true', default: false, help: 'Do not load grains.' },
  ];
  const groups: OptionGroupSpec[] = [
    eauthGroup(),
    outputGroup('salt-run'),
    profilingGroup(),
    {
      title: 'Output Options',
      description: 'Configure your preferred output format.',
      options: [{ flags: ['--quiet'], dest: 'quiet', action: 'store_true', default: false, help: 'Do not display the results of the run.' }],
    },
    loggingGroup('master'),
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
