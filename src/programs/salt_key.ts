/**
 * `salt-key`: manage the master's minion keys (salt/cli/key.py, salt.key.KeyCLI). Argument
 * parsing and printing only; the work is done by the key store (`src/pki`).
 */
import { existsSync, mkdirSync, readFileSync, appendFileSync, writeFileSync, chmodSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadMasterConfig } from '../config/index.js';
import { fireMasterEvent } from '../events/index.js';
import { formatOutput } from '../output/index.js';
import { pemFingerOfFile } from '../protocol/finger.js';
import { genPubkeySignature } from '../protocol/rsa.js';
import { ACC, DEN, KeyStore, PEND, REJ, type KeyEventSink, type KeyListing } from '../pki/keystore.js';
import { genKeys } from '../pki/master_keys.js';
import { SALT_VERSION, versionsReport } from '../version.js';

/** Where `main` reads and writes; tests pass their own. */
export interface SaltKeyIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Reads one line from stdin (without its newline); null at end of input. */
  readLine: () => Promise<string | null>;
  /** Whether stdout is a terminal (colours are on by default only then). */
  stdoutIsTTY: boolean;
}

type OptKind = 'flag' | 'value' | 'int';
interface OptSpec {
  dest: string;
  kind: OptKind;
  short?: string;
  long: string[];
  metavar?: string;
  help: string;
}

// Salt's SaltKeyOptionParser with its mixins (config dir, logging, output, user, hard crash).
const OPTIONS: OptSpec[] = [
  { dest: 'version', kind: 'flag', short: 'V', long: ['--version'], help: "show program's version number and exit" },
  { dest: 'versions_report', kind: 'flag', long: ['--versions-report'], help: "Show program's dependencies version number and exit." },
  { dest: 'help', kind: 'flag', short: 'h', long: ['--help'], help: 'show this help message and exit' },
  { dest: 'saltfile', kind: 'value', long: ['--saltfile'], metavar: 'SALTFILE', help: 'Specify the path to a Saltfile.' },
  { dest: 'user', kind: 'value', short: 'u', long: ['--user'], metavar: 'USER', help: 'Specify user to run salt-key.' },
  { dest: 'hard_crash', kind: 'flag', long: ['--hard-crash'], help: 'Raise any original exception rather than exiting gracefully.' },
  { dest: 'config_dir', kind: 'value', short: 'c', long: ['--config-dir'], metavar: 'CONFIG_DIR', help: "Pass in an alternative configuration directory. Default: '/etc/salt'." },
  { dest: 'quiet', kind: 'flag', short: 'q', long: ['--quiet'], help: 'Suppress output.' },
  { dest: 'yes', kind: 'flag', short: 'y', long: ['--yes'], help: 'Answer "Yes" to all questions presented. Default: False.' },
  { dest: 'rotate_aes_key', kind: 'value', long: ['--rotate-aes-key'], metavar: 'ROTATE_AES_KEY', help: 'Setting this to False prevents the master from refreshing the key session when keys are deleted or rejected, this lowers the security of the key deletion/rejection operation. Default: True.' },
  { dest: 'preserve_minions', kind: 'value', long: ['--preserve-minions'], metavar: 'PRESERVE_MINIONS', help: 'Setting this to True prevents the master from deleting the minion cache when keys are deleted, this may have security implications if compromised minions auth with a previous deleted minion ID. Default: False.' },
  { dest: 'log_level', kind: 'value', long: ['--log-level'], metavar: 'LOG_LEVEL', help: 'Console logging log level (accepted, salt-key logs nothing to the console).' },
  { dest: 'key_logfile', kind: 'value', long: ['--log-file'], metavar: 'KEY_LOGFILE', help: "Log file path. Default: '/var/log/salt/key'." },
  { dest: 'log_level_logfile', kind: 'value', long: ['--log-file-level'], metavar: 'LOG_LEVEL_LOGFILE', help: "Logfile logging log level. Default: 'warning'." },
  { dest: 'output', kind: 'value', long: ['--out', '--output'], metavar: 'OUTPUT', help: 'Print the output from the salt-key command using the specified outputter.' },
  { dest: 'output_indent', kind: 'int', long: ['--out-indent', '--output-indent'], metavar: 'OUTPUT_INDENT', help: 'Print the output indented by the provided value in spaces. Negative values disable indentation. Only applicable in outputters that support indentation.' },
  { dest: 'output_file', kind: 'value', long: ['--out-file', '--output-file'], metavar: 'OUTPUT_FILE', help: 'Write the output to the specified file.' },
  { dest: 'output_file_append', kind: 'flag', long: ['--out-file-append', '--output-file-append'], help: 'Append the output to the specified file.' },
  { dest: 'no_color', kind: 'flag', long: ['--no-color', '--no-colour'], help: 'Disable all colored output.' },
  { dest: 'force_color', kind: 'flag', long: ['--force-color', '--force-colour'], help: 'Force colored output.' },
  { dest: 'state_output', kind: 'value', long: ['--state-output', '--state_output'], metavar: 'STATE_OUTPUT', help: 'Override the configured state_output value for minion output.' },
  { dest: 'state_verbose', kind: 'value', long: ['--state-verbose', '--state_verbose'], metavar: 'STATE_VERBOSE', help: 'Override the configured state_verbose value for minion output.' },
  { dest: 'list', kind: 'value', short: 'l', long: ['--list'], metavar: 'ARG', help: "List the public keys. The args 'pre', 'un', and 'unaccepted' will list unaccepted/unsigned keys. 'acc' or 'accepted' will list accepted/signed keys. 'rej' or 'rejected' will list rejected keys. 'den' or 'denied' will list denied keys. Finally, 'all' will list all keys." },
  { dest: 'list_all', kind: 'flag', short: 'L', long: ['--list-all'], help: 'List all public keys. Deprecated: use "--list all".' },
  { dest: 'accept', kind: 'value', short: 'a', long: ['--accept'], metavar: 'ACCEPT', help: 'Accept the specified public key (use --include-rejected and --include-denied to match rejected and denied keys in addition to pending keys). Globs are supported.' },
  { dest: 'accept_all', kind: 'flag', short: 'A', long: ['--accept-all'], help: 'Accept all pending keys.' },
  { dest: 'reject', kind: 'value', short: 'r', long: ['--reject'], metavar: 'REJECT', help: 'Reject the specified public key. Use --include-accepted and --include-denied to match accepted and denied keys in addition to pending keys. Globs are supported.' },
  { dest: 'reject_all', kind: 'flag', short: 'R', long: ['--reject-all'], help: 'Reject all pending keys.' },
  { dest: 'include_all', kind: 'flag', long: ['--include-all'], help: 'Include rejected/accepted keys when accepting/rejecting. Deprecated: use "--include-rejected" and "--include-accepted".' },
  { dest: 'include_accepted', kind: 'flag', long: ['--include-accepted'], help: 'Include accepted keys when rejecting.' },
  { dest: 'include_rejected', kind: 'flag', long: ['--include-rejected'], help: 'Include rejected keys when accepting.' },
  { dest: 'include_denied', kind: 'flag', long: ['--include-denied'], help: 'Include denied keys when accepting/rejecting.' },
  { dest: 'print', kind: 'value', short: 'p', long: ['--print'], metavar: 'PRINT', help: 'Print the specified public key.' },
  { dest: 'print_all', kind: 'flag', short: 'P', long: ['--print-all'], help: 'Print all public keys.' },
  { dest: 'delete', kind: 'value', short: 'd', long: ['--delete'], metavar: 'DELETE', help: 'Delete the specified key. Globs are supported.' },
  { dest: 'delete_all', kind: 'flag', short: 'D', long: ['--delete-all'], help: 'Delete all keys.' },
  { dest: 'finger', kind: 'value', short: 'f', long: ['--finger'], metavar: 'FINGER', help: "Print the specified key's fingerprint." },
  { dest: 'finger_all', kind: 'flag', short: 'F', long: ['--finger-all'], help: "Print all keys' fingerprints." },
  { dest: 'gen_keys', kind: 'value', long: ['--gen-keys'], metavar: 'GEN_KEYS', help: 'Set a name to generate a keypair for use with salt.' },
  { dest: 'gen_keys_dir', kind: 'value', long: ['--gen-keys-dir'], metavar: 'GEN_KEYS_DIR', help: 'Set the directory to save the generated keypair, only works with "gen_keys_dir" option. Default: \'.\'.' },
  { dest: 'keysize', kind: 'int', long: ['--keysize'], metavar: 'KEYSIZE', help: 'Set the keysize for the generated key, only works with the "--gen-keys" option, the key size must be 2048 or higher, otherwise it will be rounded up to 2048. Default: 2048.' },
  { dest: 'gen_signature', kind: 'flag', long: ['--gen-signature'], help: "Create a signature file of the master's public-key named master_pubkey_signature. The signature can be sent to a minion in the master's auth-reply and enables the minion to verify the master's public-key cryptographically. This requires a new signing-key-pair which can be auto-created with the --auto-create parameter." },
  { dest: 'priv', kind: 'value', long: ['--priv'], metavar: 'PRIV', help: 'The private-key file to create a signature with.' },
  { dest: 'signature_path', kind: 'value', long: ['--signature-path'], metavar: 'SIGNATURE_PATH', help: 'The path where the signature file should be written.' },
  { dest: 'pub', kind: 'value', long: ['--pub'], metavar: 'PUB', help: 'The public-key file to create a signature for.' },
  { dest: 'auto_create', kind: 'flag', long: ['--auto-create'], help: 'Auto-create a signing key-pair if it does not yet exist.' },
];

const DEFAULTS: Record<string, unknown> = {
  list: '', accept: '', reject: '', print: '', delete: '', finger: '', gen_keys: '', gen_keys_dir: '.', keysize: 2048,
  priv: '', signature_path: '', pub: '', rotate_aes_key: true, preserve_minions: false,
};

/** optparse's failure: printed after the usage line, exit status 2. */
class UsageError extends Error {
  readonly code = 'EUSAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

interface ParsedArgs {
  values: Record<string, unknown>;
  given: Set<string>;
}

/** optparse's `_match_abbrev`: an exact long option, or the only one starting with `name`. */
function findLong(name: string): { spec: OptSpec; flag: string } {
  const exact = OPTIONS.find((o) => o.long.includes(name));
  if (exact) return { spec: exact, flag: name };
  const candidates = OPTIONS.flatMap((o) => o.long.filter((l) => l.startsWith(name)).map((flag) => ({ spec: o, flag })));
  if (candidates.length === 0) throw new UsageError(`no such option: ${name}`);
  if (candidates.length > 1) {
    throw new UsageError(`ambiguous option: ${name} (${candidates.map((c) => c.flag).sort().join(', ')}?)`);
  }
  return candidates[0]!;
}

function convert(spec: OptSpec, flag: string, raw: string): unknown {
  if (spec.kind !== 'int') return raw;
  if (!/^\s*[-+]?\d+\s*$/.test(raw)) throw new UsageError(`option ${flag}: invalid integer value: '${raw}'`);
  return parseInt(raw, 10);
}

/** Parses argv (without the program name) the way Python's optparse does for salt-key. */
function parseArgs(argv: readonly string[]): ParsedArgs {
  const values: Record<string, unknown> = { ...DEFAULTS };
  const given = new Set<string>();
  const set = (spec: OptSpec, value: unknown) => {
    values[spec.dest] = value;
    given.add(spec.dest);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(0, eq) : arg;
      const { spec, flag } = findLong(name);
      if (spec.kind === 'flag') {
        if (eq >= 0) throw new UsageError(`${flag} option does not take a value`);
        set(spec, true);
      } else if (eq >= 0) {
        set(spec, convert(spec, flag, arg.slice(eq + 1)));
      } else {
        if (i + 1 >= argv.length) throw new UsageError(`${flag} option requires an argument`);
        set(spec, convert(spec, flag, argv[++i]!));
      }
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const ch = arg[j]!;
        const spec = OPTIONS.find((o) => o.short === ch);
        if (!spec) throw new UsageError(`no such option: -${ch}`);
        if (spec.kind === 'flag') {
          set(spec, true);
          continue;
        }
        if (j + 1 < arg.length) set(spec, convert(spec, `-${ch}`, arg.slice(j + 1)));
        else if (i + 1 < argv.length) set(spec, convert(spec, `-${ch}`, argv[++i]!));
        else throw new UsageError(`-${ch} option requires an argument`);
        break;
      }
    }
    // Positional arguments are ignored, as salt-key does.
  }
  return { values, given };
}

/** Salt's process_* checks that run after parsing. */
function checkArgs(values: Record<string, unknown>): void {
  const list = values.list as string;
  if (list && !['acc', 'pre', 'un', 'rej', 'den', 'all'].some((p) => list.startsWith(p))) {
    throw new UsageError(`'${list}' is not a valid argument to '--list'`);
  }
  const keysize = values.keysize as number;
  if (keysize < 2048) throw new UsageError('The minimum value for keysize is 2048');
  if (keysize > 32768) throw new UsageError('The maximum value for keysize is 32768');
  for (const dest of ['rotate_aes_key', 'preserve_minions']) {
    const v = values[dest];
    if (typeof v === 'string' && (v.toLowerCase() === 'true' || v.toLowerCase() === 'false')) values[dest] = v.toLowerCase() === 'true';
  }
}

const USAGE = 'Usage: salt-key [options]\n';

function helpText(): string {
  const lines = [USAGE, 'Salt key is used to manage Salt authentication keys', '', 'Options:'];
  for (const o of OPTIONS) {
    const names = [...(o.short ? [`-${o.short}${o.kind === 'flag' ? '' : ` ${o.metavar}`}`] : []), ...o.long.map((l) => (o.kind === 'flag' ? l : `${l}=${o.metavar}`))];
    const head = `  ${names.join(', ')}`;
    lines.push(head.length < 24 ? head.padEnd(26) + o.help : `${head}\n${' '.repeat(26)}${o.help}`);
  }
  return lines.join('\n') + '\n';
}

// The first command set wins, in KeyCLI._update_opts order; list_all is the default.
const COMMAND_ORDER = [
  'gen_keys', 'gen_signature', 'list', 'list_all', 'print', 'print_all', 'accept', 'accept_all',
  'reject', 'reject_all', 'delete', 'delete_all', 'finger', 'finger_all',
] as const;

function defaultIO(): SaltKeyIO {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    readLine: () =>
      new Promise((resolve) => {
        const rl = createInterface({ input: process.stdin, terminal: false });
        let answered = false;
        rl.once('line', (line) => {
          answered = true;
          rl.close();
          resolve(line);
        });
        rl.once('close', () => {
          if (!answered) resolve(null);
        });
      }),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
  };
}

function pyRstrip(text: string): string {
  return text.replace(/[\s\x1c-\x1f\x85]+$/u, '');
}

/**
 * Runs `salt-key` with `argv` (without the program name) and returns the exit status.
 * Like Salt, failures while working are reported as `Error: <message>` on stderr with status 0;
 * bad options print the usage and give status 2.
 */
export async function main(argv: string[], ioOverrides: Partial<SaltKeyIO> = {}): Promise<number> {
  const io: SaltKeyIO = { ...defaultIO(), ...ioOverrides };
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(argv);
    if (parsed.values.help) {
      io.stdout(helpText());
      return 0;
    }
    if (parsed.values.version) {
      io.stdout(`salt-key ${SALT_VERSION} (Sulfur)\n`);
      return 0;
    }
    if (parsed.values.versions_report) {
      io.stdout(versionsReport().join('\n') + '\n');
      return 0;
    }
    checkArgs(parsed.values);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`${USAGE}\nsalt-key: error: ${err.message}\n`);
    return 2;
  }
  try {
    await run(parsed, io);
  } catch (err) {
    if (parsed.values.hard_crash) throw err;
    io.stderr(`Error: ${(err as Error).message ?? String(err)}\n`);
  }
  return 0;
}

async function loadOpts(parsed: ParsedArgs, io: SaltKeyIO): Promise<Record<string, unknown>> {
  const { values, given } = parsed;
  // MergeConfigMixIn: options given on the command line override the configuration.
  const overrides: Record<string, unknown> = {};
  for (const dest of ['user', 'rotate_aes_key', 'preserve_minions', 'keysize', 'output', 'output_indent', 'output_file', 'state_output', 'state_verbose', 'key_logfile', 'log_level_logfile']) {
    if (given.has(dest)) overrides[dest] = values[dest];
  }
  let config: Record<string, unknown>;
  try {
    config = (await loadMasterConfig({ configDir: values.config_dir as string | undefined, overrides })) as unknown as Record<string, unknown>;
  } catch (err) {
    // Generating keys needs no configuration (Salt falls back to the keys directory).
    if (!values.gen_keys) throw err;
    config = { hash_type: 'sha256', keysize: 2048, ...overrides };
  }
  const opts: Record<string, unknown> = { ...config };
  if (opts.output === null || opts.output === undefined || opts.output === '') delete opts.output;
  // OutputOptionsMixIn.process_output_file: start from an empty file unless appending.
  if (typeof opts.output_file === 'string' && opts.output_file && !values.output_file_append && existsSync(opts.output_file)) {
    writeFileSync(opts.output_file, '');
  }
  for (const dest of ['output_file_append', 'no_color', 'force_color', 'quiet', 'yes']) opts[dest] = Boolean(values[dest]);
  if (opts.force_color) opts.color = true;
  else if (opts.no_color || opts.output_file || !io.stdoutIsTTY) opts.color = false;
  else opts.color = true;
  return opts;
}

async function run(parsed: ParsedArgs, io: SaltKeyIO): Promise<void> {
  const { values } = parsed;
  const opts = await loadOpts(parsed, io);
  const cmdName = COMMAND_ORDER.find((c) => values[c]) ?? 'list_all';
  const display = (data: unknown, out: string) => displayOutput(data, out, opts, io);

  if (cmdName === 'gen_keys') {
    const dir = values.gen_keys_dir as string;
    mkdirSync(dir, { recursive: true });
    const pair = await genKeys(values.gen_keys as string, dir, (opts.keysize as number | undefined) ?? 2048);
    display({ return: pemFingerOfFile(pair.pubPath) }, 'key');
    return;
  }
  if (cmdName === 'gen_signature') {
    display({ return: await genKeysSignature(values, opts) }, 'key');
    return;
  }

  const store = new KeyStore({
    pkiDir: opts.pki_dir as string,
    hashType: (opts.hash_type as string | undefined) ?? 'sha256',
    cachedir: opts.cachedir as string | undefined,
    rotateAesKey: opts.rotate_aes_key !== false,
    masterId: typeof opts.id === 'string' ? opts.id : '',
    preserveMinionCache: Boolean(opts.preserve_minion_cache),
    preserveMinions: opts.preserve_minions === true,
    fireEvent: masterEventSink(opts),
  });

  const match = cmdName === 'list_all' ? 'all' : cmdName.endsWith('_all') ? '*' : (values[cmdName] as string);
  const fun = cmdName.replace('_all', '');
  let includeAccepted = Boolean(values.include_accepted);
  let includeRejected = Boolean(values.include_rejected);
  const includeDenied = Boolean(values.include_denied);
  if (fun === 'accept') {
    includeRejected = Boolean(values.include_all) || includeRejected;
    includeAccepted = false;
  } else if (fun === 'reject') {
    includeAccepted = Boolean(values.include_all) || includeAccepted;
    includeRejected = false;
  }

  switch (fun) {
    case 'list':
      display(withoutLocal(store.listStatus(match)), 'key');
      return;
    case 'print':
      display(withoutLocal(store.keyStr(match)), 'key');
      return;
    case 'finger':
      display(store.finger(match), 'key');
      return;
  }

  // accept / reject / delete: show what matches, confirm, act.
  const found = withoutLocal(store.nameMatch(match));
  let selected: KeyListing;
  if (fun === 'delete') {
    selected = found;
  } else {
    selected = {};
    if (PEND in found) selected[PEND] = found[PEND]!;
    if (includeAccepted && found[ACC]?.length) selected[ACC] = found[ACC]!;
    if (includeRejected && found[REJ]?.length) selected[REJ] = found[REJ]!;
    if (includeDenied && found[DEN]?.length) selected[DEN] = found[DEN]!;
  }
  if (Object.keys(selected).length === 0) {
    const statuses = ['unaccepted'];
    if (includeAccepted) statuses.push('accepted');
    if (includeRejected) statuses.push('rejected');
    if (includeDenied) statuses.push('denied');
    const statStr = statuses.length === 1 ? statuses[0] : `${statuses.slice(0, -1).join(', ')} or ${statuses[statuses.length - 1]}`;
    io.stdout(`The key glob '${match}' does not match any ${statStr} keys.\n`);
    return;
  }
  const verb = `${fun.replace(/e$/, '')}ed`;
  io.stdout(`The following keys are going to be ${verb}:\n`);
  display(selected, 'key');
  if (!values.yes) {
    const deleting = fun === 'delete';
    io.stdout(deleting ? 'Proceed? [N/y] ' : 'Proceed? [n/Y] ');
    const answer = await io.readLine();
    if (answer === null) throw new Error('EOF when reading a line');
    const veri = answer === '' ? (deleting ? 'n' : 'y') : answer;
    if (!veri.toLowerCase().startsWith('y')) return;
  }

  let done: KeyListing;
  if (fun === 'accept') {
    const result = await store.accept(selected, { includeRejected, includeDenied });
    for (const id of result.invalid) io.stderr(`Unable to accept invalid key for ${id}.\n`);
    done = result.keys;
  } else if (fun === 'reject') {
    done = await store.reject(selected, { includeAccepted, includeDenied });
  } else {
    await store.delete(selected);
    done = selected;
  }
  for (const ids of Object.values(done)) {
    for (const id of ids) io.stdout(`Key for minion ${id} ${verb}.\n`);
  }
}

/**
 * Fires `salt/key` events on the master's bus, best effort: once the bus cannot be reached
 * (master not running) the remaining events are skipped quietly.
 */
function masterEventSink(opts: Record<string, unknown>): KeyEventSink {
  let busDown = false;
  return async (tag, data) => {
    if (busDown) return;
    try {
      await fireMasterEvent(opts.sock_dir as string, tag, { ...data }, {
        ipcMode: opts.ipc_mode === 'tcp' ? 'tcp' : 'ipc',
        tcpPubPort: typeof opts.tcp_master_pub_port === 'number' ? opts.tcp_master_pub_port : undefined,
        tcpPullPort: typeof opts.tcp_master_pull_port === 'number' ? opts.tcp_master_pull_port : undefined,
      });
    } catch {
      busDown = true;
    }
  };
}

function withoutLocal<T extends Record<string, unknown>>(listing: T): T {
  const copy = { ...listing };
  delete copy.local;
  return copy;
}

/**
 * salt.output.display_output: format with `--out` when given, else `out`; print the
 * right-stripped text and a newline (nothing for empty text), or append it to `--out-file`.
 */
function displayOutput(data: unknown, out: string, opts: Record<string, unknown>, io: SaltKeyIO): void {
  const outName = typeof opts.output === 'string' && opts.output ? opts.output : out;
  const text = pyRstrip(String(formatOutput(data, outName, opts, {}) ?? ''));
  const file = opts.output_file;
  if (typeof file === 'string' && file) {
    if (data !== null || text) appendFileSync(file, text + '\n');
    return;
  }
  if (text) io.stdout(text + '\n');
}

/**
 * `salt-key --gen-signature`: signs the master public key (`--pub`, default `master.pub`) with the
 * signing key (`--priv`, default `master_sign.pem`, generated with `--auto-create`) and writes
 * `master_pubkey_signature` (base64 + newline) unless it exists. Returns Salt's result value.
 */
async function genKeysSignature(values: Record<string, unknown>, opts: Record<string, unknown>): Promise<string | boolean> {
  const pkiDir = opts.pki_dir as string;
  let pub = values.pub as string;
  let priv = values.priv as string;
  if (pub) {
    if (!existsSync(pub)) return `Public-key ${pub} does not exist`;
  } else if (existsSync(`${pkiDir}/master.pub`)) {
    pub = `${pkiDir}/master.pub`;
  }
  if (priv) {
    if (!existsSync(priv)) return `Private-key ${priv} does not exist`;
  } else if (existsSync(`${pkiDir}/master_sign.pem`)) {
    priv = `${pkiDir}/master_sign.pem`;
  }
  const signName = (opts.master_sign_key_name as string | undefined) ?? 'master_sign';
  if (!priv) {
    if (!values.auto_create) return 'No usable private-key found';
    priv = (await genKeys(signName, pkiDir, (opts.keysize as number | undefined) ?? 2048)).privPath;
  }
  if (!pub) return 'No usable public-key found';
  const sigDir = (values.signature_path as string) || pkiDir;
  const signPath = `${sigDir}/${(opts.master_pubkey_signature as string | undefined) ?? 'master_pubkey_signature'}`;
  const signature = genPubkeySignature(readFileSync(priv, 'utf8'), readFileSync(pub, 'utf8'));
  if (existsSync(signPath)) return false;
  writeFileSync(signPath, signature);
  chmodSync(signPath, 0o644);
  return true;
}
