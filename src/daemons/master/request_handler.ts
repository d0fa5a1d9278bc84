/**
 * Serves one request from the master's ROUTER socket (port 4506): decode, authenticate, decrypt,
 * dispatch a closed set of commands, encode the reply. Runs inside a worker thread; it never
 * touches sockets, and everything shared with the rest of the master comes back as actions.
 *
 * Only `_auth`, `publish` (with a valid access key) and `ping` are accepted in the clear; every
 * other command must arrive AES-encrypted from a minion whose key is accepted.
 */
import { isMap, asBuffer } from '../../protocol/values.js';
import type { KeyObject } from 'node:crypto';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeWire, encodeWire } from '../../protocol/payload.js';
import { Crypticle } from '../../protocol/crypticle.js';
import { cleanKey, loadPrivateKey, loadPublicKey, oaepDecrypt, oaepEncrypt, sign, x931Sign, x931Verify } from '../../protocol/rsa.js';
import { packBin } from '../../protocol/binpack.js';
import type { KeyStore } from '../../pki/keystore.js';
import { decideAuth } from '../../pki/auth_decision.js';
import type { LocalJobCache } from '../../jobs/local_cache.js';
import type { MasterJobStore } from '../../returners/index.js';
import { validMinionId } from '../../jobs/minion_id.js';
import type { Logger } from '../../log/logger.js';
import type { MasterAction, WorkerInit, WorkerResult } from './messages.js';
import { handleMinionEvent } from './minion_events.js';
import { handleFileServerCommand } from '../../fileserver/index.js';
import { compilePillar } from '../../pillar/index.js';
import { handleMineCommand } from '../../mine/index.js';

const ENC_ALGOS = new Set(['OAEP-SHA1', 'OAEP-SHA224']);
const SIG_ALGOS = new Set(['PKCS1v15-SHA1', 'PKCS1v15-SHA224']);

type Load = Record<string, unknown>;



/** The msgpack string `"bad load"`: Salt's channel-level refusal, also the minion's re-auth trigger. */
const BAD_LOAD = encodeWire('bad load');

/** How many minion public keys a worker keeps parsed (least recently used go first). */
const MINION_KEY_CACHE = 512;

function replyOnly(reply: Buffer, actions: MasterAction[] = []): WorkerResult {
  return { reply, actions };
}

export interface RequestHandlerDeps {
  keys: KeyStore;
  jobs: LocalJobCache;
  store: MasterJobStore;
  log: Logger;
  /** When set, returns of master-published jobs are stored through it, after their event and reply. */
  /** Takes returns to write after the reply (the job-cache writer thread); none: written before. */
  returnWriter?: { add(load: Load): Promise<void> };
}

export class RequestHandler {
  private readonly opts: Load;
  private readonly masterPriv: KeyObject;
  private readonly masterPubClean: string;
  private aesKey: string;
  private aesSig: Buffer | undefined;
  private readonly sessions = new Map<string, { key: string; created: number }>();
  private readonly crypticles = new Map<string, Crypticle>();
  /**
   * Minion public keys recently used (a small LRU: with 10,000 minions a key object each, in
   * every worker, was tens of MiB) and, per minion, the last token that verified.
   */
  private readonly minionPubs = new Map<string, KeyObject>();
  private readonly verifiedTokens = new Map<string, Buffer>();
  private readonly accessKeys: Map<string, string>;

  constructor(init: WorkerInit, private readonly deps: RequestHandlerDeps) {
    this.opts = init.opts;
    this.masterPriv = loadPrivateKey(init.masterPrivatePem);
    this.masterPubClean = cleanKey(init.masterPublicPem);
    this.aesKey = init.aesKey;
    this.accessKeys = new Map(Object.entries(init.accessKeys));
    for (const [id, key] of Object.entries(init.sessions)) this.sessions.set(id, { key, created: Date.now() });
  }

  /** The master rotated its AES key. */
  setAesKey(key: string): void {
    this.aesKey = key;
    this.aesSig = undefined;
  }

  /** Another worker (or this one) issued a session key for `id`. */
  setSession(id: string, key: string): void {
    this.sessions.set(id, { key, created: Date.now() });
  }

  /** Minion keys changed on disk (accept/reject/delete): forget cached public keys. */
  keysChanged(): void {
    this.minionPubs.clear();
    this.verifiedTokens.clear();
  }

  private crypticle(key: string): Crypticle {
    let c = this.crypticles.get(key);
    if (!c) {
      c = new Crypticle(key);
      if (this.crypticles.size > 50_000) this.crypticles.clear();
      this.crypticles.set(key, c);
    }
    return c;
  }

  /** Serves one raw request body. Never throws: a failure becomes Salt's error reply. */
  async handle(body: Buffer): Promise<WorkerResult> {
    let env: unknown;
    try {
      env = decodeWire(body);
    } catch {
      this.deps.log.warn('Dropped an undecodable request (bad msgpack)');
      return replyOnly(encodeWire({ msg: 'bad load' }));
    }
    if (!isMap(env) || !('enc' in env) || !('load' in env)) {
      this.deps.log.warn('Dropped a request that is not a map with enc and load');
      return replyOnly(BAD_LOAD);
    }
    const version = typeof env.version === 'number' ? env.version : 0;
    const minVersion = Number(this.opts.minimum_auth_version ?? 0);
    if (minVersion > 0 && version < minVersion) {
      this.deps.log.warn(`Refused a request with protocol version ${version} < minimum_auth_version ${minVersion}`);
      return replyOnly(BAD_LOAD);
    }
    try {
      if (env.enc === 'aes') return await this.handleAes(env, version);
      return await this.handleClear(env.load, version);
    } catch (err) {
      this.deps.log.error(`Error serving a request: ${(err as Error).stack ?? err}`);
      return replyOnly(encodeWire('Some exception handling minion payload'));
    }
  }

  private async handleClear(load: unknown, version: number): Promise<WorkerResult> {
    if (!isMap(load)) return replyOnly(encodeWire('payload and load must be a dict'));
    if ('id' in load && (typeof load.id !== 'string' || load.id.includes('\0'))) {
      return replyOnly(encodeWire('bad load: id contains a null byte'));
    }
    switch (load.cmd) {
      case '_auth':
        return this.auth(load, version);
      case 'publish':
        return this.clearPublish(load);
      case 'ping':
        return replyOnly(encodeWire(load));
      default:
        this.deps.log.warn(`Refused unknown clear command ${JSON.stringify(String(load.cmd)).slice(0, 80)}`);
        return replyOnly(encodeWire({}));
    }
  }

  // ---- _auth -------------------------------------------------------------------------------

  private async auth(load: Load, version: number): Promise<WorkerResult> {
    const encAlgo = typeof load.enc_algo === 'string' ? load.enc_algo : 'OAEP-SHA1';
    const sigAlgo = typeof load.sig_algo === 'string' ? load.sig_algo : 'PKCS1v15-SHA1';
    // Salt leaves the request unanswered here when no token was sent (its quirk 1); we always answer.
    if (!ENC_ALGOS.has(encAlgo)) return replyOnly(encodeWire({ enc: 'clear', load: { ret: 'bad enc algo' } }));
    if (!SIG_ALGOS.has(sigAlgo)) return replyOnly(encodeWire({ enc: 'clear', load: { ret: 'bad sig algo' } }));

    const signed = version > 1;
    const nonce = load.nonce;
    const respond = (r: Load): Buffer => {
      if (!signed) return encodeWire({ enc: 'clear', load: r });
      const loadBytes = encodeWire(nonce === undefined ? r : { ...r, nonce });
      return encodeWire({ enc: 'clear', load: loadBytes, sig: sign(this.masterPriv, loadBytes, sigAlgo) });
    };
    const id = load.id;
    const pub = typeof load.pub === 'string' ? load.pub : '';
    const actions: MasterAction[] = [];
    const authEvent = (result: boolean, act?: string): void => {
      if (this.opts.auth_events === false) return;
      const data: Load = { result, id, pub };
      if (act) data.act = act;
      actions.push({ type: 'fire', tag: 'salt/auth', data });
    };

    if (!validMinionId(id) || !pub) {
      this.deps.log.warn(`Authentication request from invalid id ${JSON.stringify(String(id)).slice(0, 80)}`);
      authEvent(false);
      return replyOnly(respond({ ret: false }), actions);
    }
    const decision = decideAuth(
      this.deps.keys,
      { id, pub, autosignGrains: isMap(load.autosign_grains) ? load.autosign_grains : undefined },
      this.opts as never,
    );
    if (decision.event && this.opts.auth_events !== false) actions.push({ type: 'fire', tag: 'salt/auth', data: { ...decision.event } });
    if (decision.result !== 'accept') {
      if (decision.result === 'pend') this.deps.log.info(`Authentication of minion ${id} is pending`);
      else this.deps.log.warn(`Authentication of minion ${id} refused: ${decision.result}`);
      return replyOnly(respond({ ret: decision.ret ?? false }), actions);
    }

    let minionPub: KeyObject;
    try {
      minionPub = loadPublicKey(decision.pubPem ?? pub);
    } catch {
      this.deps.log.warn(`Minion ${id} sent a public key that cannot be parsed`);
      authEvent(false);
      return replyOnly(respond({ ret: false }), actions);
    }
    const session = await this.sessionFor(id, actions);
    const r: Load = { enc: 'pub', pub_key: this.masterPubClean, publish_port: Number(this.opts.publish_port ?? 4505) };
    if (load.token !== undefined) {
      const token = asBuffer(load.token);
      if (!token) return replyOnly(respond({ ret: false }), actions);
      const plain = oaepDecrypt(this.masterPriv, token, encAlgo);
      r.token = oaepEncrypt(minionPub, plain, encAlgo);
    }
    r.aes = oaepEncrypt(minionPub, Buffer.from(this.aesKey, 'ascii'), encAlgo);
    if (signed) r.session = oaepEncrypt(minionPub, Buffer.from(session, 'ascii'), encAlgo);
    r.sig = this.aesSignature();
    actions.push({ type: 'accepted', id });
    if (!signed) return replyOnly(encodeWire(r), actions);
    this.forgetMinion(id);
    return replyOnly(respond(r), actions);
  }

  /** X9.31 signature of the AES key digest; deterministic, so computed once per key. */
  private aesSignature(): Buffer {
    if (!this.aesSig) {
      const digest = createHash('sha256').update(this.aesKey, 'ascii').digest('hex');
      this.aesSig = x931Sign(this.masterPriv, Buffer.from(digest, 'ascii'));
    }
    return this.aesSig;
  }

  /** The minion's session key, created (and persisted under cachedir/sessions) when missing or expired. */
  private async sessionFor(id: string, actions: MasterAction[]): Promise<string> {
    const ttl = Number(this.opts.publish_session ?? 86400) * 1000;
    const have = this.sessions.get(id) ?? (await this.readSessionFile(id));
    if (have && Date.now() - have.created < ttl) return have.key;
    const key = Crypticle.generateKeyString();
    this.sessions.set(id, { key, created: Date.now() });
    actions.push({ type: 'session', id, key });
    const dir = join(String(this.opts.cachedir), 'sessions');
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const tmp = join(dir, `.${id}.${process.pid}.${Math.random().toString(36).slice(2)}`);
      await writeFile(tmp, key, { mode: 0o600 });
      await rename(tmp, join(dir, id));
    } catch (err) {
      this.deps.log.warn(`Could not persist the session key of ${id}: ${(err as Error).message}`);
    }
    return key;
  }

  private async readSessionFile(id: string): Promise<{ key: string; created: number } | undefined> {
    try {
      const path = join(String(this.opts.cachedir), 'sessions', id);
      const key = (await readFile(path, 'ascii')).trim();
      if (key.length !== 76) return undefined;
      const found = { key, created: Date.now() };
      this.sessions.set(id, found);
      return found;
    } catch {
      return undefined;
    }
  }

  // ---- clear publish -------------------------------------------------------------------------

  private clearPublish(load: Load): WorkerResult {
    const key = typeof load.key === 'string' ? load.key : '';
    const user = typeof load.user === 'string' ? load.user : '';
    let valid = false;
    if (key) {
      const own = this.accessKeys.get(user.startsWith('sudo_') ? user.slice(5) : user);
      valid = own === key || [...this.accessKeys.values()].includes(key);
    }
    if (!valid) {
      this.deps.log.warn(`Authentication failure of type "user" occurred for user ${user || '(none)'}`);
      return replyOnly(encodeWire({ error: { name: 'AuthenticationError', message: 'Authentication error occurred.' } }));
    }
    const shapeOk =
      (typeof load.tgt === 'string' || Array.isArray(load.tgt)) &&
      (typeof load.fun === 'string' || Array.isArray(load.fun)) &&
      (load.arg === undefined || Array.isArray(load.arg));
    if (!shapeOk) {
      return replyOnly(encodeWire({ enc: 'clear', load: { error: 'Invalid publish load: tgt, fun and arg are required' } }));
    }
    return { publish: { load, user: user.startsWith('sudo_') ? user.slice(5) : user || 'root' }, actions: [] };
  }

  // ---- encrypted minion commands -------------------------------------------------------------

  private async minionPub(id: string): Promise<KeyObject | undefined> {
    const cached = this.minionPubs.get(id);
    if (cached) {
      this.minionPubs.delete(id);
      this.minionPubs.set(id, cached);
      return cached;
    }
    const pem = this.deps.keys.acceptedKey(id);
    if (!pem) return undefined;
    const key = loadPublicKey(pem);
    this.minionPubs.set(id, key);
    if (this.minionPubs.size > MINION_KEY_CACHE) this.minionPubs.delete(this.minionPubs.keys().next().value as string);
    return key;
  }

  private forgetMinion(id: string): void {
    this.minionPubs.delete(id);
    this.verifiedTokens.delete(id);
  }

  /**
   * Whether `tok` is the X9.31 signature of b"salt" by the accepted key of `id`. A minion sends
   * the same token with every request (the signature is deterministic), so the last token that
   * verified is remembered with the key and an identical one is accepted without the RSA work.
   */
  private async tokenValid(id: string, tok: unknown): Promise<boolean> {
    const sig = asBuffer(tok);
    if (!sig) return false;
    if (this.verifiedTokens.get(id)?.equals(sig)) return true;
    const pub = await this.minionPub(id);
    if (!pub) return false;
    try {
      const ok = x931Verify(pub, sig).toString('latin1') === 'salt';
      if (ok) this.verifiedTokens.set(id, Buffer.from(sig));
      return ok;
    } catch {
      return false;
    }
  }

  private async handleAes(env: Load, version: number): Promise<WorkerResult> {
    const blob = asBuffer(env.load);
    if (!blob) return replyOnly(BAD_LOAD);
    let key: string;
    if (version > 2) {
      if (!validMinionId(env.id)) return replyOnly(BAD_LOAD);
      const session = this.sessions.get(env.id) ?? (await this.readSessionFile(env.id));
      if (!session) return replyOnly(BAD_LOAD);
      key = session.key;
    } else {
      key = this.aesKey;
    }
    let load: unknown;
    try {
      load = this.crypticle(key).loads(blob);
    } catch {
      this.deps.log.warn(`Dropped an AES request that failed to decrypt (id ${JSON.stringify(String(env.id ?? '?')).slice(0, 80)})`);
      return replyOnly(BAD_LOAD);
    }
    if (!isMap(load)) return replyOnly(encodeWire('payload and load must be a dict'));
    if ('id' in load && (typeof load.id !== 'string' || load.id.includes('\0'))) {
      return replyOnly(encodeWire('bad load: id contains a null byte'));
    }
    let nonce: string | undefined;
    if (version > 1) {
      nonce = typeof load.nonce === 'string' ? load.nonce : undefined;
      delete load.nonce;
    }
    if (version > 2) {
      const ttl = Number(this.opts.request_server_ttl ?? 0);
      if (ttl > 0 && !(typeof load.ts === 'number' && Date.now() / 1000 - load.ts <= ttl)) return replyOnly(BAD_LOAD);
      if (env.id !== load.id || !(await this.tokenValid(String(load.id), load.tok))) {
        this.deps.log.warn(`Dropped a request from ${String(env.id).slice(0, 80)} with a bad id or token`);
        return replyOnly(BAD_LOAD);
      }
    } else if ('tok' in load && 'id' in load) {
      if (!validMinionId(load.id) || !(await this.tokenValid(load.id, load.tok))) return replyOnly(BAD_LOAD);
    }
    // Protocol 2 without a token: knowing the AES key is the authentication (Salt's file client sends
    // `_file_envs`, `_serve_file`... with no id); each command checks the fields it needs.
    delete load.tok;
    const actions: MasterAction[] = [];
    const encrypt = (value: unknown): Buffer => encodeWire(this.crypticle(key).dumps(value, nonce));
    const cmd = load.cmd;
    switch (cmd) {
      case '_return':
        return replyOnly(encrypt(await this.minionReturn(load, actions)), actions);
      case '_minion_event':
        handleMinionEvent(load, actions, this.deps.log);
        return replyOnly(encrypt(null), actions);
      case '_pillar':
        return replyOnly(await this.pillar(load, env, version, nonce, actions), actions);
      case '_master_tops':
        // No master_tops modules are supported: every minion gets none (Salt answers {} likewise).
        return replyOnly(encrypt({}), actions);
      case 'revoke_auth':
        return replyOnly(encrypt(await this.revokeAuth(load, version)), actions);
      case '_file_recv':
        // Writing files on the master needs proof of identity even under protocol 2.
        if (version <= 2 && !(validMinionId(load.id) && (await this.tokenValid(load.id, load.tok)))) {
          this.deps.log.warn(`Received incomplete call from ${String(load.id).slice(0, 80)} for '_file_recv', missing 'tok'`);
          return replyOnly(encrypt(false), actions);
        }
        return replyOnly(encrypt(await handleFileServerCommand('_file_recv', load, this.opts)), actions);
      default: {
        const mineReply = await handleMineCommand(String(cmd), load, this.opts);
        if (mineReply !== undefined) return replyOnly(encrypt(mineReply), actions);
        const fsReply = await handleFileServerCommand(String(cmd), load, this.opts);
        if (fsReply !== undefined) return replyOnly(encrypt(fsReply), actions);
        // Salt answers False for a command it does not expose.
        this.deps.log.debug(`Unknown or unsupported AES command ${JSON.stringify(String(cmd)).slice(0, 80)}`);
        return replyOnly(encrypt(false), actions);
      }
    }
  }

  private async minionReturn(load: Load, actions: MasterAction[]): Promise<boolean> {
    if (!('return' in load) || typeof load.jid !== 'string' || !validMinionId(load.id)) return false;
    let jid = load.jid;
    if (jid !== 'nocache' && jid !== 'req' && this.deps.returnWriter) {
      await this.deps.returnWriter.add(load);
    } else if (jid !== 'nocache') {
      try {
        // A minion-started job (scheduler: jid "req") gets its jid from the job cache; the store
        // applies job_cache / master_job_cache / ext_job_cache.
        const outcome = await this.deps.store.storeReturn(load);
        if (jid === 'req' && outcome.jid) jid = load.jid = outcome.jid;
      } catch (err) {
        this.deps.log.error(`Could not store the return of ${load.id} for ${jid}: ${(err as Error).message}`);
      }
    }
    actions.push({ type: 'fire', tag: `salt/job/${jid}/ret/${load.id}`, data: load });
    return true;
  }

  private async pillar(load: Load, env: Load, version: number, nonce: string | undefined, actions: MasterAction[]): Promise<Buffer> {
    const id = load.id;
    if (!validMinionId(id) || !isMap(load.grains)) return encodeWire({ error: 'Pillar request needs an id and grains' });
    const grains = { ...load.grains, id };
    const { pillar } = await compilePillar({
      id,
      grains,
      saltenv: typeof load.saltenv === 'string' ? load.saltenv : null,
      pillarenv: typeof load.pillarenv === 'string' ? load.pillarenv : null,
      pillarOverride: isMap(load.pillar_override) ? load.pillar_override : {},
      opts: this.opts,
    });
    if (this.opts.minion_data_cache !== false) {
      actions.push({ type: 'minionData', id, grains, pillar });
      await this.writeMinionData(id, grains, pillar);
      if (this.opts.minion_data_cache_events !== false) {
        actions.push({ type: 'fire', tag: `minion/refresh/${id}`, data: { 'Minion data cache refresh': id } });
      }
    }
    const pub = await this.minionPub(id);
    if (!pub) return encodeWire({ error: `No accepted key for minion ${id}` });
    const encAlgo = typeof env.enc_algo === 'string' && ENC_ALGOS.has(env.enc_algo) ? env.enc_algo : 'OAEP-SHA1';
    const sigAlgo = typeof env.sig_algo === 'string' && SIG_ALGOS.has(env.sig_algo) ? env.sig_algo : 'PKCS1v15-SHA1';
    const oneTime = Crypticle.generateKeyString();
    const encKey = oaepEncrypt(pub, Buffer.from(oneTime, 'ascii'), encAlgo);
    const crypticle = new Crypticle(oneTime);
    if (version <= 1) return encodeWire({ key: encKey, pillar: crypticle.dumps(pillar) });
    if (nonce === undefined) return encodeWire({ error: 'Nonce not included in request' });
    const data = encodeWire({ key: encKey, pillar, nonce });
    const signed = crypticle.dumps({ data, sig: sign(this.masterPriv, data, sigAlgo) });
    return encodeWire({ key: encKey, pillar: signed });
  }

  private async writeMinionData(id: string, grains: Load, pillar: Load): Promise<void> {
    const dir = join(String(this.opts.cachedir), 'minions', id);
    try {
      await mkdir(dir, { recursive: true });
      const tmp = join(dir, `.data.p.${process.pid}.${Math.random().toString(36).slice(2)}`);
      await writeFile(tmp, packBin({ grains, pillar }));
      await rename(tmp, join(dir, 'data.p'));
    } catch (err) {
      this.deps.log.warn(`Could not write the data cache of ${id}: ${(err as Error).message}`);
    }
  }

  /** `revoke_auth`: a minion asks the master to delete its own key (`allow_minion_key_revoke`). */
  private async revokeAuth(load: Load, version: number): Promise<boolean | Load> {
    if (!validMinionId(load.id)) return {};
    if (version <= 2 && !(await this.tokenValid(load.id, load.tok))) {
      this.deps.log.warn(`Minion ${load.id} asked to revoke its key without a valid token`);
      return {};
    }
    if (this.opts.allow_minion_key_revoke === false) {
      this.deps.log.warn(`Minion ${load.id} requested key revoke, but allow_minion_key_revoke is False`);
      return load;
    }
    await this.deps.keys.delete(load.id, { preserveMinions: load.preserve_minion_cache === true });
    this.forgetMinion(load.id);
    return true;
  }

  // ---- publishes ------------------------------------------------------------------------------

  /** Encrypts and signs a publish load (with its serial) into the single frame sent on 4505. */
  wrapPublish(load: Load): Buffer {
    const blob = this.crypticle(this.aesKey).dumps(load);
    if (this.opts.sign_pub_messages === false) return encodeWire({ enc: 'aes', load: blob });
    const sigAlgo = typeof this.opts.publish_signing_algorithm === 'string' ? this.opts.publish_signing_algorithm : 'PKCS1v15-SHA1';
    return encodeWire({ enc: 'aes', load: blob, sig_algo: sigAlgo, sig: sign(this.masterPriv, blob, sigAlgo) });
  }
}
