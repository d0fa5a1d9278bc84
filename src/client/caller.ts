/**
 * salt-call's engine (Salt's salt/cli/caller.py): runs one execution function in this process,
 * the way a minion would, and prints or returns Salt's `ret` map.
 *
 * Masterless (`--local`, `file_client: local`) it needs nothing but the loader. Otherwise it first
 * signs in to the master as this minion, fetches the pillar, and after the call sends the return
 * to the master (`_return` with jid `req`) so the job lands in the master's job cache. The network
 * code is imported only in that case, so a local call never loads ZeroMQ.
 */
import { mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadArgsAndKwargs } from '../args/load_args.js';
import { parseInput } from '../args/parse.js';
import { yamlifyArg } from '../args/yamlify.js';
import {
  ArgumentBindingError,
  BUILTIN_MODULES,
  CommandExecutionError,
  CommandNotFoundError,
  deriveRetcode,
  formatTraceback,
  Loader,
  pyDocstring,
  SaltInvocationError,
  type SaltFunction,
} from '../loader/index.js';
import { nullLogger, type Logger } from '../log/logger.js';
import { displayOutput } from '../output/index.js';
import { genJid } from '../protocol/jid.js';

type Opts = Record<string, unknown>;
type Load = Record<string, unknown>;

/** Where salt-call writes (stdout and stderr by default). */
export interface CallerIo {
  out(s: string): void;
  err(s: string): void;
}

const stdio: CallerIo = { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) };

/**
 * salt-call must stop with this exit code after printing `stdout`/`stderr` (Salt's `sys.exit`
 * and `SystemExit(message)` inside the caller).
 */
export class CallerExit extends Error {
  override readonly name = 'CallerExit';
  readonly code = 'ECALLEREXIT';

  constructor(
    readonly exitCode: number,
    readonly stderr = '',
    readonly stdout = '',
  ) {
    super(stderr.trim() || `salt-call exits with ${exitCode}`);
  }
}

/** salt-call's `ret` map: what `--metadata` prints and what the master receives. */
export interface CallReturn {
  jid: string;
  return?: unknown;
  retcode?: number;
  /** The outputter: the function's own, or `nested` for the docs of a missing function. */
  out?: string;
  id?: string;
  fun?: string;
  /** The argument words as typed (not parsed). */
  fun_args?: string[];
  metadata?: unknown;
  success?: boolean;
}

/** How a {@link Caller} is set up besides the opts. */
export interface CallerOptions {
  io?: CallerIo;
  log?: Logger;
  /** Waits between tries (tests shorten it); default a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /** The master connection to use instead of signing in (tests pass a stand-in). */
  master?: MasterLink;
}

const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The talk with the master a non-local salt-call needs (see {@link connectToMaster}). */
export interface MasterLink {
  /** The minion's pillar as the master compiles it. */
  fetchPillar(grains: Load): Promise<Load>;
  /** Sends a load on the encrypted request channel and waits for the reply. */
  send(load: Load): Promise<unknown>;
  close(): void;
}

/** True when salt-call does not talk to a master: `--local`, `file_client: local` or `master_type: disable`. */
export function isLocalCall(opts: Opts): boolean {
  return opts.local === true || opts.file_client === 'local' || opts.master_type === 'disable';
}

/** Salt's `_module_dirs` for execution modules: `<d>/modules` or `<d>/_modules` of each module_dirs entry, the entries, extmods. */
function executionModuleDirs(opts: Opts): string[] {
  const dirs = Array.isArray(opts.module_dirs) ? opts.module_dirs.map(String) : [];
  const cliDirs: string[] = [];
  for (const d of dirs) {
    for (const sub of ['modules', '_modules']) {
      const maybe = join(d, sub);
      if (isDir(maybe)) {
        cliDirs.unshift(maybe);
        break;
      }
    }
  }
  const ext = typeof opts.extension_modules === 'string' ? [join(opts.extension_modules, 'modules')] : [];
  return [...cliDirs, ...dirs, ...ext];
}

/**
 * Starts importing the built-in module `fun` belongs to (its first provider), so that its code
 * loads while the grains are gathered, mostly waiting for helper programs. Import errors are left
 * to the loader, which imports the same module.
 */
function prefetchModule(fun: unknown): void {
  if (typeof fun !== 'string' || !fun.includes('.')) return;
  const name = fun.slice(0, fun.indexOf('.'));
  // The first provider only: it is the one the loader tries first.
  if (Object.hasOwn(BUILTIN_MODULES, name)) BUILTIN_MODULES[name]![0]?.().catch(() => undefined);
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * salt-call's caller: opts as Salt's SaltCall builds them (minion config merged with the command
 * line, `fun` and `arg` set), the loader, grains, pillar and, when not local, the master link.
 */
export class Caller {
  readonly opts: Opts;
  readonly loader: Loader;
  private readonly io: CallerIo;
  private readonly log: Logger;
  private readonly master?: MasterLink;

  private constructor(opts: Opts, loader: Loader, io: CallerIo, log: Logger, master?: MasterLink) {
    this.opts = opts;
    this.loader = loader;
    this.io = io;
    this.log = log;
    this.master = master;
  }

  /**
   * Gathers the grains (none with `skip_grains`; `refresh_grains_cache` ignores the grains cache),
   * signs in to the master unless the call is local (then also fetches the pillar and lets
   * functions fire master events), and sets up the loader. Sets `opts.caller`, `opts.grains`, `opts.pillar`.
   * @throws CallerExit when the master cannot be reached or refuses this minion, with Salt's
   *   texts and exit codes (2: key not accepted or no answer; 77: key rejected; 42: no master
   *   address; 1: other sign-in failures).
   */
  static async create(opts: Opts, options: CallerOptions = {}): Promise<Caller> {
    const io = options.io ?? stdio;
    const log = options.log ?? nullLogger;
    opts.caller = true;
    prefetchModule(opts.fun);
    // The full grains, as the minion daemon and Salt's salt-call have them (cache honoured). Their
    // code is imported only when needed: it is a large part of a local call's start-up time.
    let grains: Load = {};
    if (opts.skip_grains !== true || opts.grains_cache === true) {
      const { loadGrains } = await import('../grains/load.js');
      grains = await loadGrains(opts, { forceRefresh: opts.refresh_grains_cache === true, log: log.child('salt.loader.grains') });
    }
    opts.grains = grains;
    let master: MasterLink | undefined;
    let pillar: Load = {};
    if ((opts.file_client ?? 'remote') === 'remote' || opts.use_master_when_local === true) {
      master = options.master ?? (await connectToMaster(opts, { io, log, sleep: options.sleep ?? realSleep }));
      pillar = await master.fetchPillar(grains);
    }
    opts.pillar = pillar;
    const link = master;
    const loader = new Loader({
      opts,
      grains,
      pillar,
      log: log.child('salt.loader'),
      moduleDirs: executionModuleDirs(opts),
      fireMaster: link
        ? async (tag, data) => {
            await link.send({ cmd: '_minion_event', id: opts.id, tag, data, pretag: null });
          }
        : undefined,
    });
    return new Caller(opts, loader, io, log, master);
  }

  /** Closes the master connection, if any. */
  close(): void {
    this.master?.close();
  }

  /** `-d`: every function whose name starts with `opts.fun`, sorted, with its raw docstring. */
  async printDocs(): Promise<void> {
    const prefix = typeof this.opts.fun === 'string' ? this.opts.fun : '';
    for (const name of await this.loader.listFunctions()) {
      if (!name.startsWith(prefix)) continue;
      const fn = await this.loader.get(name);
      if (fn?.doc) this.io.out(`${name}:\n${pyDocstring(fn.doc)}\n\n`);
    }
  }

  /** `-g`: the grains under `local`. */
  printGrains(): void {
    this.display({ local: this.opts.grains ?? {} }, 'grains');
  }

  /**
   * Runs the call and prints `{local: <return>}` (the whole `ret` map with `--metadata`) through
   * the function's outputter or `--out`.
   * @returns the exit code: the function's retcode with `retcode_passthrough`, otherwise 1 when
   *   the retcode is not 0 (also when there is none, as for the docs of a missing function), else 0.
   * @throws CallerExit for the failures Salt reports on stderr (see {@link call}).
   */
  async run(): Promise<number> {
    const ret = await this.call();
    let out = ret.out ?? 'nested';
    let printRet: unknown;
    if (this.opts.print_metadata === true) {
      printRet = ret;
      out = 'nested';
    } else {
      printRet = ret.return ?? {};
    }
    this.display({ local: printRet }, out, ret.retcode ?? 0);
    if (this.opts.retcode_passthrough === true) {
      if (ret.retcode === undefined) throw new CallerExit(1, "KeyError: 'retcode'\n");
      return ret.retcode;
    }
    return ret.retcode !== 0 ? 1 : 0;
  }

  private display(data: unknown, out: string, retcode = 0): void {
    displayOutput(data, out, this.opts, { _retcode: retcode }, (s) => this.io.out(s));
  }

  /**
   * Runs `opts.fun` with `opts.arg` (parsed as Salt's CLI does, `no_parse` names kept as text) and
   * the `__pub_*` data salt-call publishes (fun, pid, jid, tgt `salt-call`, metadata). Sends the
   * return to the master unless local.
   *
   * @returns the `ret` map; for a missing function that other functions start with, their docs.
   * @throws CallerExit with Salt's texts: a missing function (`'x.y' is not available.`, 255),
   *   invalid keyword arguments or an unknown executor (the message, 1), arguments not fitting the
   *   function (`Passed invalid arguments: ...` and its docstring, 1), CommandExecutionError
   *   (`Error running 'x.y': ...`, 1), CommandNotFoundError (1), any other error (a traceback, 1).
   */
  async call(): Promise<CallReturn> {
    const fun = String(this.opts.fun ?? '');
    const ret: CallReturn = { jid: genJid({ unique: this.opts.unique_jid === true }) };
    const func = await this.loader.get(fun);
    if (!func) return this.missingFunction(fun, ret);

    const metadata = this.opts.metadata !== undefined && this.opts.metadata !== null ? yamlifyArg(this.opts.metadata) : undefined;
    const sdata: Load = { fun, pid: process.pid, jid: ret.jid, tgt: 'salt-call' };
    if (metadata !== undefined) sdata.metadata = metadata;
    const procFile = join(String(this.opts.cachedir ?? '.'), 'proc', ret.jid);
    const rawArgs = Array.isArray(this.opts.arg) ? this.opts.arg.map(String) : [];
    try {
      const noParse = Array.isArray(this.opts.no_parse) ? this.opts.no_parse.map(String) : [];
      const { args, kwargs } = loadArgsAndKwargs(func.signature, parseInput(rawArgs, { noParse }), sdata);
      await this.writeProcFile(procFile, sdata);
      const context: Load = {};
      ret.return = await this.execute(func, args, kwargs, context);
      ret.retcode = deriveRetcode(context, ret.return);
    } catch (err) {
      removeFile(procFile);
      throw this.callFailure(fun, func, err);
    }
    removeFile(procFile);
    if (func.outputter) ret.out = func.outputter;

    const returners = String(this.opts.return ?? '').split(',');
    // Salt's `(not is_local) or returners` is always true: "".split(",") is a non-empty list.
    ret.id = String(this.opts.id);
    ret.fun = fun;
    ret.fun_args = rawArgs;
    if (metadata !== undefined) ret.metadata = metadata;
    for (const returner of returners) {
      if (!returner) continue;
      ret.success = true;
      // No returner modules exist yet; Salt ignores a returner that fails or is missing.
      this.log.debug(`The returner ${returner} is not available; skipped`);
    }
    if (!isLocalCall(this.opts) && this.opts.no_return_event !== true && this.master) {
      try {
        await this.master.send({ cmd: '_return', id: this.opts.id, ...ret, jid: 'req' });
      } catch (err) {
        this.log.debug(`The return could not be sent to the master: ${(err as Error).message}`);
      }
    }
    return ret;
  }

  /** The executors (`module_executors`, `--module-executors`); only `direct_call` exists here. */
  private async execute(func: SaltFunction, args: unknown[], kwargs: Load, context: Load): Promise<unknown> {
    // Without `module_executors` the list is Salt's default `[direct_call]` (no YAML to read).
    const configured = this.opts.module_executors;
    const executors: unknown = configured === undefined || configured === null ? ['direct_call'] : yamlifyArg(configured);
    const names = typeof executors === 'string' ? [executors] : Array.isArray(executors) ? executors.map(String) : ['direct_call'];
    const ctx = this.loader.makeContext({ context });
    let result: unknown = null;
    for (const name of names) {
      if (name !== 'direct_call') throw new SaltInvocationError(`Executor '${name}' is not available`);
      result = await func.fn(ctx, args, kwargs);
      if (result !== null && result !== undefined) break;
    }
    return result;
  }

  private async missingFunction(fun: string, ret: CallReturn): Promise<CallReturn> {
    let docs: Record<string, unknown> = {};
    try {
      docs = await this.loader.getDoc(`${fun}*`);
    } catch (err) {
      this.log.debug(`sys.doc ${fun}* failed: ${(err as Error).message}`);
    }
    if (Object.keys(docs).length > 0) {
      docs[fun] = this.loader.missingFunString(fun);
      ret.out = 'nested';
      ret.return = docs;
      return ret;
    }
    throw new CallerExit(255, `${this.loader.missingFunString(fun)}\n`);
  }

  private callFailure(fun: string, func: SaltFunction, err: unknown): CallerExit {
    if (err instanceof CallerExit) return err;
    // Python raises TypeError for arguments that do not fit, and Salt treats every TypeError so.
    if (err instanceof ArgumentBindingError || (err instanceof Error && err.name === 'TypeError')) {
      return new CallerExit(1, `\nPassed invalid arguments: ${err.message}.\n\nUsage:\n`, `${pyDocstring(func.doc)}\n`);
    }
    if (err instanceof SaltInvocationError) return new CallerExit(1, `${err.message}\n`);
    if (err instanceof CommandExecutionError) return new CallerExit(1, `Error running '${fun}': ${err.message}\n`);
    if (err instanceof CommandNotFoundError) return new CallerExit(1, `Command required for '${fun}' not found: ${err.message}\n`);
    return new CallerExit(1, formatTraceback(err));
  }

  /**
   * The job's entry in `<cachedir>/proc` while it runs, packed as Salt's `payload.dumps` does
   * (the network encoding), so tools listing a minion's running jobs see it.
   */
  private async writeProcFile(path: string, sdata: Load): Promise<void> {
    try {
      const { encodeWire } = await import('../protocol/payload.js');
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, encodeWire(sdata));
    } catch {
      this.io.err(`Cannot write to process directory. Do you have permissions to write to ${path} ?\n`);
    }
  }
}

function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

// --- the master side -------------------------------------------------------------------------

const AUTH_FAILED = 'Attempt to authenticate with the salt master failed';
const NOT_ACCEPTED = 'Minion failed to authenticate with the master, has the minion key been accepted?';

/** Resolves `master` (a host, an IP, or a list whose first entry is used) like Salt's `resolve_dns`. */
async function resolveMaster(opts: Opts, log: Logger, sleep: (ms: number) => Promise<void>): Promise<string> {
  const m = Array.isArray(opts.master) ? opts.master[0] : opts.master;
  const host = m === undefined || m === null ? 'salt' : String(m);
  if (host === '') {
    const err = "Master address: 'unknown address' could not be resolved. Invalid or unresolveable address. Set 'master' value in minion config.";
    log.error(err);
    throw new CallerExit(42, `${err}\n`);
  }
  const { isIP } = await import('node:net');
  if (isIP(host)) return host;
  const { lookup } = await import('node:dns/promises');
  const tryLookup = async (): Promise<string | undefined> => {
    try {
      return (await lookup(host, { family: opts.ipv6 === true ? 6 : 4 })).address;
    } catch {
      return undefined;
    }
  };
  const first = await tryLookup();
  if (first) return first;
  const retry = Number(opts.retry_dns ?? 30);
  if (!retry) return '127.0.0.1';
  let count = opts.retry_dns_count === null || opts.retry_dns_count === undefined ? null : Number(opts.retry_dns_count);
  for (;;) {
    if (count !== null) {
      if (count === 0) throw new CallerExit(1, `Master hostname: '${host}' not found or not responsive.\n`);
      count -= 1;
    }
    log.error(`Master hostname: '${host}' not found or not responsive. Retrying in ${retry} seconds`);
    await sleep(retry * 1000);
    const addr = await tryLookup();
    if (addr) return addr;
  }
}

/**
 * Signs in to the master as this minion (keys from `pki_dir`, created on first use) and opens the
 * encrypted request channel. A caller does not wait for its key to be accepted: like Salt it says
 * so and exits 2.
 * @throws CallerExit with Salt's texts and exit codes (see {@link Caller.create}).
 */
export async function connectToMaster(opts: Opts, deps: { io: CallerIo; log: Logger; sleep: (ms: number) => Promise<void> }): Promise<MasterLink> {
  const { io, log, sleep } = deps;
  const [{ AuthRefusedError, loadOrCreateMinionKeys, signIn }, { RequestChannel }, { ReqClient, tcpUri }] = await Promise.all([
    import('../daemons/minion/auth.js'),
    import('../daemons/minion/request_channel.js'),
    import('../transport/zeromq.js'),
  ]);
  const id = String(opts.id);
  const host = await resolveMaster(opts, log, sleep);
  const uri = tcpUri(host, Number(opts.master_port ?? 4506));
  const keys = await loadOrCreateMinionKeys(String(opts.pki_dir), Number(opts.keysize ?? 2048));
  const encAlgo = String(opts.encryption_algorithm ?? 'OAEP-SHA1');
  const sigAlgo = String(opts.signing_algorithm ?? 'PKCS1v15-SHA1');
  const authOptions = {
    id,
    pkiDir: String(opts.pki_dir),
    encAlgo,
    sigAlgo,
    masterFinger: typeof opts.master_finger === 'string' && opts.master_finger ? opts.master_finger : undefined,
    hashType: String(opts.hash_type ?? 'sha256'),
    timeoutMs: Number(opts.auth_timeout ?? 60) * 1000,
  };
  const authClient = new ReqClient(uri);
  const signInOnce = async () => {
    try {
      return await signIn(authClient, keys, authOptions);
    } catch (err) {
      if (!(err instanceof AuthRefusedError)) {
        if ((err as Error).name === 'RequestTimeoutError') {
          log.warn('SaltReqTimeoutError: Message timed out');
          throw new CallerExit(2, '', `${NOT_ACCEPTED}\n`);
        }
        throw new CallerExit(1, `${AUTH_FAILED}: ${(err as Error).message}\n`);
      }
      switch (err.code) {
        case 'EPENDING':
          log.error(
            `The Salt Master has cached the public key for this node, this salt minion will wait for ${String(opts.acceptance_wait_time ?? 10)} seconds before attempting to re-authenticate`,
          );
          throw new CallerExit(2, '', `${NOT_ACCEPTED}\n`);
        case 'EREJECTED':
          if (opts.rejected_retry === true) {
            log.error(
              "The Salt Master has rejected this minion's public key.\nTo repair this issue, delete the public key for this minion on the Salt Master.\nThe Salt Minion will attempt to re-authenicate.",
            );
            throw new CallerExit(2, '', `${NOT_ACCEPTED}\n`);
          }
          log.critical(
            "The Salt Master has rejected this minion's public key!\nTo repair this issue, delete the public key for this minion on the Salt Master and restart this minion.\nOr restart the Salt Master in open mode to clean out the keys. The Salt Minion will now exit.",
          );
          // Salt sleeps 10-20 s here so that service managers do not restart it in a tight loop.
          await sleep((10 + Math.floor(Math.random() * 11)) * 1000);
          throw new CallerExit(77);
        case 'EALGO': {
          const what = err.message.includes('sig') ? 'signing' : 'encryption';
          log.error(`This minion is using a ${what} algorithm that is not supported by it's Master. Please check your minion configutation.`);
          throw new CallerExit(1, `${AUTH_FAILED}\n`);
        }
        case 'EFINGER':
          log.critical(err.message);
          throw new CallerExit(42);
        default:
          log.critical(err.message);
          throw new CallerExit(1, `${AUTH_FAILED}\n`);
      }
    }
  };
  let channel: InstanceType<typeof RequestChannel>;
  try {
    const creds = await signInOnce();
    channel = new RequestChannel(uri, creds, keys, { id, encAlgo, sigAlgo, reauth: signInOnce });
  } catch (err) {
    authClient.close();
    throw err;
  }
  const timeouts = { timeoutMs: Number(opts.request_channel_timeout ?? 60) * 1000, tries: Number(opts.request_channel_tries ?? 3) };
  // salt:// files (state.apply, cp.*) come from the master, as for the minion daemon.
  const { registerMasterFileClient } = await import('../fileserver/index.js');
  registerMasterFileClient((load) => channel.send(load, timeouts));

  return {
    send: (load) => channel.send(load, timeouts),
    fetchPillar: async (grains) => {
      try {
        return await fetchPillar(channel, keys.privateKey, opts, id, grains, timeouts);
      } catch (err) {
        log.error(`Could not get pillar from the master: ${(err as Error).message}`);
        return {};
      }
    },
    close: () => {
      channel.close();
      authClient.close();
    },
  };
}

function isMap(v: unknown): v is Load {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function asBuffer(v: unknown): Buffer | undefined {
  if (Buffer.isBuffer(v)) return v;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  return undefined;
}

/**
 * `_pillar` with the master's `send_private` reply (salt-wire): decrypt the one-time key with the
 * minion key, open the payload, check the master's signature, the key and the request nonce.
 * (The same steps as the minion daemon's pillar request.)
 * @throws Error naming the check that failed.
 */
async function fetchPillar(
  channel: { sendDetailed(load: Load, o: { timeoutMs: number; tries: number }): Promise<{ value: unknown; nonce: string }>; credentials: { masterPub: import('node:crypto').KeyObject } },
  privateKey: import('node:crypto').KeyObject,
  opts: Opts,
  id: string,
  grains: Load,
  timeouts: { timeoutMs: number; tries: number },
): Promise<Load> {
  const [{ Crypticle }, { decodeWire }, { oaepDecrypt, verify }] = await Promise.all([
    import('../protocol/crypticle.js'),
    import('../protocol/payload.js'),
    import('../protocol/rsa.js'),
  ]);
  const load: Load = {
    cmd: '_pillar',
    id,
    grains,
    saltenv: opts.saltenv ?? null,
    pillarenv: opts.pillarenv ?? null,
    pillar_override: {},
    extra_minion_data: {},
    ver: '2',
  };
  const { value, nonce } = await channel.sendDetailed(load, timeouts);
  if (!isMap(value)) throw new Error('pillar reply is not a map');
  if (typeof value.error === 'string') throw new Error(value.error);
  const encKey = asBuffer(value.key);
  const blob = asBuffer(value.pillar);
  if (!encKey || !blob) throw new Error('pillar reply lacks key or pillar');
  const oneTime = oaepDecrypt(privateKey, encKey, String(opts.encryption_algorithm ?? 'OAEP-SHA1')).toString('ascii');
  const inner = new Crypticle(oneTime).loads(blob);
  if (!isMap(inner)) throw new Error('pillar payload is not a map');
  const data = asBuffer(inner.data);
  const sig = asBuffer(inner.sig);
  if (!data || !sig || !verify(channel.credentials.masterPub, data, sig, String(opts.signing_algorithm ?? 'PKCS1v15-SHA1'))) {
    throw new Error('the pillar signature does not verify with the master key');
  }
  const d = decodeWire(data);
  if (!isMap(d) || !asBuffer(d.key)?.equals(encKey) || d.nonce !== nonce) throw new Error('the pillar key or nonce does not match the request');
  return isMap(d.pillar) ? d.pillar : {};
}
