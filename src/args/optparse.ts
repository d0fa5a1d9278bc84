/**
 * The command-line grammar of Python's `optparse`, which every Salt program uses, driven by a
 * declarative option table:
 * - `--long=value` and `--long value`; a long option may be abbreviated to any unique prefix;
 * - clustered short options (`-sv`), a short option's value glued on (`-t30`) or next;
 * - `--` ends the options; a lone `-` is an argument; options and arguments may be interspersed;
 * - int/float types and choices checked with optparse's messages;
 * - `-h/--help` and `--version` print and exit 0; a bad command line prints the usage and
 *   `<prog>: error: <msg>` to stderr and exits 64 (Salt's EX_USAGE).
 */
import { textWrap } from './_textwrap.js';
import { pyStrRepr } from './py_repr.js';

/** One option, described once. */
export interface OptionSpec {
  /** Its spellings, e.g. `['-t', '--timeout']`. */
  flags: readonly string[];
  /** Where the value goes: the option's name in the program's config (none for help/version). */
  dest?: string;
  /** What the option does; `store` (take a value) unless told. */
  action?: 'store' | 'store_true' | 'store_false' | 'help' | 'version';
  /** The value's type; `string` unless told. */
  type?: 'string' | 'int' | 'float';
  /** The only values allowed. */
  choices?: readonly string[];
  /** The value before the command line is read (None unless told). */
  default?: unknown;
  /** Placeholder shown in help (the upper-cased dest unless told). */
  metavar?: string;
  /** Help text; `%default` is replaced with the default. */
  help?: string;
  /** Turns the raw string value into the stored one (e.g. a path made relative to `.`). */
  convert?: (value: string) => unknown;
}

/** A titled section of the help. */
export interface OptionGroupSpec {
  title: string;
  description?: string;
  options: readonly OptionSpec[];
}

/** A whole program's command line. */
export interface ParserSpec {
  prog: string;
  /** Usage line; `%prog` is replaced with the program name. */
  usage: string;
  description?: string;
  epilog?: string;
  /** Printed by `--version` as `<prog> <version>`. */
  version?: string;
  /** Options outside any group, in help order (help and version are included by the caller). */
  options: readonly OptionSpec[];
  groups: readonly OptionGroupSpec[];
}

/** The command line was read. */
export interface OptparseOk {
  kind: 'ok';
  /** Every dest with its default or the value given. */
  values: Record<string, unknown>;
  /** Dests that the command line set (Salt lets only these override config file values). */
  explicit: Set<string>;
  /** The arguments left over, in order. */
  args: string[];
}

/** The program must stop here, printing what is given. */
export interface OptparseExit {
  kind: 'exit';
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Salt's exit code for a bad command line (EX_USAGE). */
export const EX_USAGE = 64;

class UsageError extends Error {}

function allOptions(spec: ParserSpec): OptionSpec[] {
  return [...spec.options, ...spec.groups.flatMap((g) => g.options)];
}

function takesValue(opt: OptionSpec): boolean {
  return (opt.action ?? 'store') === 'store';
}

const DIGIT_CLASS: Record<number, string> = { 2: '[01]', 8: '[0-7]', 10: '[0-9]', 16: '[0-9a-fA-F]' };
const BASE_PREFIX: Record<number, string> = { 2: '0b', 8: '0o', 16: '0x' };

/** Python's `int(text, base)`: blanks around, a sign, the base's prefix, `_` between digits. */
function pyInt(text: string, base: 2 | 8 | 10 | 16): number | bigint {
  const d = DIGIT_CLASS[base]!;
  const prefix = BASE_PREFIX[base];
  const re = new RegExp(`^\\s*([-+]?)(${prefix ? `${prefix}_?` : ''})?(${d}(?:_?${d})*)\\s*$`, 'i');
  const m = re.exec(text);
  if (!m) throw new Error(`invalid literal for int() with base ${base}`);
  const digits = m[3]!.replace(/_/g, '');
  const big = BigInt(base === 10 ? digits : `${prefix}${digits}`) * (m[1] === '-' ? -1n : 1n);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/** optparse's `_parse_num`: `0x` → hex, `0b` → binary, a leading `0` → octal, else decimal. */
function optparseInt(value: string): number | bigint {
  const head = value.slice(0, 2).toLowerCase();
  if (head === '0x') return pyInt(value, 16);
  if (head === '0b') return pyInt(value.slice(2) || '0', 2);
  if (value.startsWith('0')) return pyInt(value, 8);
  return pyInt(value, 10);
}

const PY_FLOAT = /^[-+]?(?:(?:[0-9](?:_?[0-9])*)?\.?[0-9](?:_?[0-9])*(?:e[-+]?[0-9](?:_?[0-9])*)?|[0-9](?:_?[0-9])*\.|inf|infinity|nan)$/i;

function convertValue(opt: OptionSpec, flag: string, value: string): unknown {
  const type = opt.type ?? 'string';
  if (type === 'int') {
    try {
      return optparseInt(value);
    } catch {
      throw new UsageError(`option ${flag}: invalid integer value: ${pyStrRepr(value)}`);
    }
  }
  if (type === 'float') {
    const s = value.trim();
    if (!PY_FLOAT.test(s)) throw new UsageError(`option ${flag}: invalid floating-point value: ${pyStrRepr(value)}`);
    const lower = s.toLowerCase().replace(/^[-+]/, '');
    if (lower === 'inf' || lower === 'infinity') return s.startsWith('-') ? -Infinity : Infinity;
    if (lower === 'nan') return NaN;
    return Number(s.replace(/_/g, ''));
  }
  if (opt.choices && !opt.choices.includes(value)) {
    throw new UsageError(
      `option ${flag}: invalid choice: ${pyStrRepr(value)} (choose from ${opt.choices.map(pyStrRepr).join(', ')})`,
    );
  }
  return opt.convert ? opt.convert(value) : value;
}

/** The usage line as optparse prints it (`Usage: ...\n`). */
export function formatUsage(spec: ParserSpec): string {
  return `Usage: ${spec.usage.replace(/%prog/g, spec.prog)}\n`;
}

/** What Salt prints to stderr for a bad command line: usage, blank line, `<prog>: error: <msg>`. */
export function usageErrorText(spec: ParserSpec, message: string): string {
  return `${formatUsage(spec)}\n${spec.prog}: error: ${message}\n`;
}

/** An exit result for a bad command line (exit code 64, Salt's EX_USAGE). */
export function usageExit(spec: ParserSpec, message: string): OptparseExit {
  return { kind: 'exit', exitCode: EX_USAGE, stdout: '', stderr: usageErrorText(spec, message) };
}

function matchLong(flag: string, longs: Map<string, OptionSpec>): string {
  if (longs.has(flag)) return flag;
  const possible = [...longs.keys()].filter((k) => k.startsWith(flag)).sort();
  if (possible.length === 1) return possible[0]!;
  if (possible.length === 0) throw new UsageError(`no such option: ${flag}`);
  throw new UsageError(`ambiguous option: ${flag} (${possible.join(', ')}?)`);
}

/**
 * Reads `argv` (without the program name) against `spec`, as optparse's `parse_args` does.
 * @returns the values, the set of explicitly given dests and the leftover arguments; or, for
 *   `--help`, `--version` and errors, what to print and the exit code.
 */
export function parseOptions(spec: ParserSpec, argv: readonly string[], opts: { columns?: number } = {}): OptparseOk | OptparseExit {
  const longs = new Map<string, OptionSpec>();
  const shorts = new Map<string, OptionSpec>();
  const values: Record<string, unknown> = {};
  for (const opt of allOptions(spec)) {
    for (const f of opt.flags) (f.startsWith('--') ? longs : shorts).set(f, opt);
    if (opt.dest !== undefined && !(opt.dest in values)) values[opt.dest] = opt.default ?? null;
  }
  const explicit = new Set<string>();
  const args: string[] = [];
  const rargs = [...argv];

  const apply = (opt: OptionSpec, flag: string, value: string | undefined): OptparseExit | undefined => {
    const action = opt.action ?? 'store';
    if (action === 'help') return { kind: 'exit', exitCode: 0, stdout: formatHelp(spec, opts.columns), stderr: '' };
    if (action === 'version') return { kind: 'exit', exitCode: 0, stdout: `${spec.prog} ${spec.version ?? ''}\n`, stderr: '' };
    if (opt.dest === undefined) return undefined;
    explicit.add(opt.dest);
    if (action === 'store_true') values[opt.dest] = true;
    else if (action === 'store_false') values[opt.dest] = false;
    else values[opt.dest] = convertValue(opt, flag, value!);
    return undefined;
  };
  const takeValue = (flag: string): string => {
    if (rargs.length < 1) throw new UsageError(`${flag} option requires 1 argument`);
    return rargs.shift()!;
  };

  try {
    while (rargs.length > 0) {
      const arg = rargs[0]!;
      if (arg === '--') {
        rargs.shift();
        break;
      }
      if (arg.startsWith('--')) {
        rargs.shift();
        const eq = arg.indexOf('=');
        const hadValue = eq !== -1;
        if (hadValue) rargs.unshift(arg.slice(eq + 1));
        const flag = matchLong(hadValue ? arg.slice(0, eq) : arg, longs);
        const opt = longs.get(flag)!;
        let value: string | undefined;
        if (takesValue(opt)) value = takeValue(flag);
        else if (hadValue) throw new UsageError(`${flag} option does not take a value`);
        const stop = apply(opt, flag, value);
        if (stop) return stop;
      } else if (arg.startsWith('-') && arg.length > 1) {
        rargs.shift();
        const chars = [...arg.slice(1)];
        for (let i = 0; i < chars.length; i++) {
          const flag = `-${chars[i]}`;
          const opt = shorts.get(flag);
          if (!opt) throw new UsageError(`no such option: ${flag}`);
          let value: string | undefined;
          let stopCluster = false;
          if (takesValue(opt)) {
            if (i + 1 < chars.length) {
              rargs.unshift(chars.slice(i + 1).join(''));
              stopCluster = true;
            }
            value = takeValue(flag);
          }
          const stop = apply(opt, flag, value);
          if (stop) return stop;
          if (stopCluster) break;
        }
      } else {
        args.push(rargs.shift()!);
      }
    }
  } catch (err) {
    if (err instanceof UsageError) return usageExit(spec, err.message);
    throw err;
  }
  return { kind: 'ok', values, explicit, args: [...args, ...rargs] };
}

function optionStrings(opt: OptionSpec): string {
  const shortFlags = opt.flags.filter((f) => !f.startsWith('--'));
  const longFlags = opt.flags.filter((f) => f.startsWith('--'));
  if (!takesValue(opt)) return [...shortFlags, ...longFlags].join(', ');
  const metavar = opt.metavar ?? (opt.dest ?? '').toUpperCase();
  return [...shortFlags.map((f) => `${f} ${metavar}`), ...longFlags.map((f) => `${f}=${metavar}`)].join(', ');
}

function pyStrOfDefault(v: unknown): string {
  if (v === null || v === undefined) return 'none';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) return '{}';
  return String(v);
}

/**
 * The help text as optparse's IndentedHelpFormatter lays it out for a terminal of `columns` columns
 * (default: $COLUMNS, else 80): usage, description, options, groups, epilog.
 */
export function formatHelp(spec: ParserSpec, columns?: number): string {
  const envColumns = Number.parseInt(process.env['COLUMNS'] ?? '', 10);
  const width = (columns ?? (Number.isFinite(envColumns) ? envColumns : 80)) - 2;
  const maxHelpPosition = 24;
  let maxLen = 0;
  for (const opt of spec.options) maxLen = Math.max(maxLen, optionStrings(opt).length + 2);
  for (const g of spec.groups) for (const opt of g.options) maxLen = Math.max(maxLen, optionStrings(opt).length + 4);
  const helpPosition = Math.min(maxLen + 2, maxHelpPosition);
  const helpWidth = Math.max(width - helpPosition, 11);

  const fill = (text: string, indent: number): string => {
    const pad = ' '.repeat(indent);
    return textWrap(text, Math.max(width - indent, 11)).map((l) => pad + l).join('\n') + '\n';
  };
  const formatOption = (opt: OptionSpec, indent: number): string => {
    const strings = optionStrings(opt);
    const optWidth = helpPosition - indent - 2;
    let out: string;
    let indentFirst: number;
    if (strings.length > optWidth) {
      out = `${' '.repeat(indent)}${strings}\n`;
      indentFirst = helpPosition;
    } else {
      out = `${' '.repeat(indent)}${strings.padEnd(optWidth)}  `;
      indentFirst = 0;
    }
    if (opt.help) {
      const text = opt.help.replace(/%default/g, pyStrOfDefault(opt.default));
      const lines = textWrap(text, helpWidth);
      out += `${' '.repeat(indentFirst)}${lines[0] ?? ''}\n`;
      for (const line of lines.slice(1)) out += `${' '.repeat(helpPosition)}${line}\n`;
    } else if (!out.endsWith('\n')) {
      out += '\n';
    }
    return out;
  };

  let help = formatUsage(spec) + '\n';
  if (spec.description) help += fill(spec.description, 0) + '\n';
  const sections: string[] = ['Options:\n'];
  if (spec.options.length > 0) {
    sections.push(spec.options.map((o) => formatOption(o, 2)).join(''));
    sections.push('\n');
  }
  for (const g of spec.groups) {
    const parts: string[] = [];
    if (g.description) parts.push(fill(g.description, 4));
    if (g.options.length > 0) parts.push(g.options.map((o) => formatOption(o, 4)).join(''));
    sections.push(`  ${g.title}:\n` + parts.join('\n'));
    sections.push('\n');
  }
  help += sections.slice(0, -1).join('');
  if (spec.epilog) help += '\n' + fill(spec.epilog.replace(/%prog/g, spec.prog), 0);
  return help;
}
