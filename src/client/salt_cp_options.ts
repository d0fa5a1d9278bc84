/**
 * The `salt-cp` command line, as Salt 3006's SaltCPOptionParser reads it (optparse grammar, see
 * src/args/optparse.ts): `salt-cp [options] '<target>' SOURCE [SOURCE...] DEST`.
 *
 * Its options are salt's basic target flags (`-H -E -L -G -P -N -R`: salt-cp has no `-C`
 * compound flag, `-C` is `--chunked`), `-t` (default 5), the output and logging options, and the
 * File Options `-C/--chunked` and `-n/--no-compression`. The target and logging options are
 * taken from the `salt` table, the output options from the shared groups, so every program reads
 * them the same way.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { outputGroup, type CommonOptionsEnv, type LoggingCliOptions, type OutputCliOptions } from '../args/common_options.js';
import { parseOptions, usageExit, type OptionGroupSpec, type OptionSpec, type ParserSpec } from '../args/optparse.js';
import { SALT_VERSION } from '../version.js';
import { saltParserSpec } from './salt_options.js';

/** Every value the `salt-cp` command line sets, by its config option name. */
export interface SaltCpOptions extends OutputCliOptions, LoggingCliOptions {
  versions_report: boolean;
  saltfile: string | null;
  config_dir: string;
  timeout: number;
  list_hosts: boolean;
  pcre: boolean;
  list: boolean;
  grain: boolean;
  grain_pcre: boolean;
  nodegroup: boolean;
  range: boolean;
  delimiter: string;
  hard_crash: boolean;
  /** `-C/--chunked`. */
  chunked: boolean;
  /** False with `-n/--no-compression`. */
  gzip: boolean;
}

type TableEnv = CommonOptionsEnv;

/** salt-cp's targeting flags (TargetOptionsMixIn), with the `tgt_type` each selects. */
const TARGET_TYPES: [keyof SaltCpOptions, string][] = [
  ['list_hosts', 'list_hosts'],
  ['pcre', 'pcre'],
  ['list', 'list'],
  ['grain', 'grain'],
  ['grain_pcre', 'grain_pcre'],
  ['nodegroup', 'nodegroup'],
  ['range', 'range'],
];

function group(spec: ParserSpec, title: string): OptionGroupSpec {
  const g = spec.groups.find((x) => x.title === title);
  if (!g) throw new Error(`the salt option table has no "${title}" group`);
  return g;
}

/** The `salt-cp` parser: every flag once, in Salt's help order. */
export function saltCpParserSpec(env: TableEnv = process.env): ParserSpec {
  const salt = saltParserSpec(env);
  const saltOption = (dest: string): OptionSpec => {
    const o = salt.options.find((x) => x.dest === dest);
    if (!o) throw new Error(`the salt option table has no ${dest} option`);
    return o;
  };
  const dests = new Set<string>(TARGET_TYPES.map(([d]) => d));
  const target = group(salt, 'Target Options');
  return {
    prog: 'salt-cp',
    usage: "%prog [options] '<target>' SOURCE DEST",
    description: 'salt-cp is NOT intended to broadcast large files, it is intended to handle text\nfiles. salt-cp can be used to distribute configuration files.',
    epilog: 'You can find additional help about %prog issuing "man %prog" or on https://docs.saltproject.io',
    version: SALT_VERSION,
    options: [
      { flags: ['--version'], action: 'version', help: "show program's version number and exit" },
      saltOption('versions_report'),
      { flags: ['-h', '--help'], action: 'help', help: 'show this help message and exit' },
      saltOption('saltfile'),
      saltOption('config_dir'),
      { ...saltOption('timeout'), default: 5 },
      saltOption('hard_crash'),
    ],
    groups: [
      { ...target, options: target.options.filter((o) => o.dest !== undefined && dests.has(o.dest)) },
      group(salt, 'Additional Target Options'),
      outputGroup('salt-cp'),
      {
        title: 'File Options',
        options: [
          { flags: ['-C', '--chunked'], dest: 'chunked', action: 'store_true', default: false, help: 'Use chunked files transfer. Supports big files, recursive lookup and directories creation.' },
          { flags: ['-n', '--no-compression'], dest: 'gzip', action: 'store_false', default: true, help: 'Disable gzip compression.' },
        ],
      },
      group(salt, 'Logging Options'),
    ],
  };
}

/** A command line that copies files. */
export interface SaltCpCliOk {
  ok: true;
  options: SaltCpOptions;
  /** Config names set on the command line (only these override the config file). */
  explicit: ReadonlySet<string>;
  /** A list with `-L`, else the target expression. */
  tgt: string | string[];
  /** The chosen target flag's type (Salt's `selected_target_option`), null for a glob. */
  tgtType: string | null;
  /** The sources, made absolute with symlinks resolved (Python's `os.path.realpath`). */
  src: string[];
  dest: string;
}

/** The command line ends the program here: help, version, or an error. */
export interface SaltCpCliExit {
  ok: false;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Python's non-strict `os.path.realpath`: symlinks resolved as far as the path exists. */
export function pyRealpath(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    if (parent === abs) return abs;
    return resolve(pyRealpath(parent), basename(abs));
  }
}

/**
 * Reads a `salt-cp` command line (without the program name) as Salt 3006 does. Failure gives
 * what to print and the exit code: 0 for `--help`/`--version`; 64 for a bad option, several
 * target flags, or fewer than two arguments (then Salt prints the help first, then
 * `salt-cp: error: Insufficient arguments`).
 */
export function parseSaltCpArgv(argv: readonly string[], opts: { env?: TableEnv; columns?: number; realpath?: (p: string) => string } = {}): SaltCpCliOk | SaltCpCliExit {
  const spec = saltCpParserSpec(opts.env ?? process.env);
  const parsed = parseOptions(spec, argv, { columns: opts.columns });
  if (parsed.kind === 'exit') return { ok: false, exitCode: parsed.exitCode, stdout: parsed.stdout, stderr: parsed.stderr };
  const options = parsed.values as unknown as SaltCpOptions;
  const fail = (msg: string, stdout = ''): SaltCpCliExit => {
    const r = usageExit(spec, msg);
    return { ok: false, exitCode: r.exitCode, stdout: stdout + r.stdout, stderr: r.stderr };
  };
  const args = parsed.args;
  if (args.length <= 1) {
    const help = parseOptions(spec, ['--help'], { columns: opts.columns });
    return fail('Insufficient arguments', help.kind === 'exit' ? help.stdout : '');
  }
  const selected = TARGET_TYPES.filter(([dest]) => options[dest] === true);
  if (selected.length > 1) {
    const names = selected.map(([dest]) => spec.groups[0]!.options.find((o) => o.dest === dest)!.flags.find((f) => f.startsWith('--'))!);
    return fail(`The options ${names.join('/')} are mutually exclusive. Please only choose one of them`);
  }
  const first = args[0]!;
  const tgt = options.list ? (first.includes(',') ? first.split(',') : first.split(/\s+/).filter((x) => x !== '')) : first;
  const realpath = opts.realpath ?? pyRealpath;
  return { ok: true, options, explicit: parsed.explicit, tgt, tgtType: selected[0]?.[1] ?? null, src: args.slice(1, -1).map(realpath), dest: args.at(-1)! };
}
