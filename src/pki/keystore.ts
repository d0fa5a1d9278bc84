/**
 * The master's minion key store: Salt's key directories under `pki_dir` (`minions/` accepted,
 * `minions_pre/` pending, `minions_rejected/`, `minions_denied/`) and the operations of
 * `salt.key.Key` that `salt-key`, the wheel `key.*` functions and the master use.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { loadPublicKey } from '../protocol/rsa.js';
import { pemFinger } from '../protocol/finger.js';
import { fnmatch } from '../targeting/fnmatch.js';
import { isDir, isFile, listDir, readKeyFile, sortedIgnoreCase, writeFileAtomic } from './_files.js';
import { InvalidKeyStatusError, InvalidMinionIdError } from './errors.js';

/** Accepted keys. */
export const ACC = 'minions';
/** Pending (unaccepted) keys. */
export const PEND = 'minions_pre';
/** Rejected keys. */
export const REJ = 'minions_rejected';
/** Keys that differed from an accepted or pending key of the same id. */
export const DEN = 'minions_denied';
/** One-shot autosign stubs (`salt.daemons.masterapi.AutoKey.check_autosign_dir`). */
export const AUTOSIGN = 'minions_autosign';

export type KeyStatus = typeof ACC | typeof PEND | typeof REJ | typeof DEN;
/** The key directories in Salt's order (`Key._check_minions_directories`). */
export const KEY_STATUSES: readonly KeyStatus[] = [ACC, PEND, REJ, DEN];

/** Mode of a minion public key file written by the master (Salt writes them under umask 022). */
export const PUBLIC_KEY_MODE = 0o644;

/** Key names by status, in insertion order (`{"minions": [...], "minions_pre": [...]}`); `local` holds master key files. */
export type KeyListing = { [status: string]: string[] };
/** Per status, per key name, a value (finger or PEM text). */
export type KeyValues = { [status: string]: { [name: string]: string } };

/** What a key change fires on the master event bus, tag `salt/key`. */
export interface KeyEvent {
  result: true;
  act: 'accept' | 'reject' | 'delete';
  id: string;
}
/** Receives `salt/key` events; may be async (it is awaited, and its failures are ignored). */
export type KeyEventSink = (tag: string, data: KeyEvent) => void | Promise<void>;

export interface KeyStoreOptions {
  /** The master's `pki_dir`. */
  pkiDir: string;
  /** Hash of `finger()` when none is given (config `hash_type`); default `sha256`. */
  hashType?: string;
  /** The master's `cachedir`: `.dfn` goes there, and stale `minions/<id>` caches are removed from it. */
  cachedir?: string;
  /** Config `rotate_aes_key` (default true): rejecting or deleting keys drops `cachedir/.dfn`. */
  rotateAesKey?: boolean;
  /** Written into `.dfn` (3007 masters check it). */
  masterId?: string;
  /** Config `preserve_minion_cache`: never remove minion caches. */
  preserveMinionCache?: boolean;
  /** Config `preserve_minions`: keep the caches of the accepted minions being deleted. */
  preserveMinions?: boolean;
  /** Where `salt/key` events go; without it none are fired. */
  fireEvent?: KeyEventSink;
}

/** A glob (`"web*"`), a comma-separated list of globs, a list of globs, or a pre-gathered listing. */
export type KeySelector = string | readonly string[] | KeyListing;

/** Result of `accept`: the current state of the selected keys, and those refused as invalid public keys. */
export interface AcceptResult {
  keys: KeyListing;
  invalid: string[];
}

/**
 * Throws `InvalidMinionIdError` unless `id` can name a key file inside a key directory:
 * non-empty text, not `.` or `..`, without `/`, `\` or NUL.
 */
export function assertKeyName(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id === '' || id === '.' || id === '..' || /[/\\\0]/.test(id)) {
    throw new InvalidMinionIdError(id);
  }
}

function assertStatus(status: unknown): asserts status is KeyStatus {
  if (!KEY_STATUSES.includes(status as KeyStatus)) throw new InvalidKeyStatusError(status);
}

function splitMatch(match: string | readonly string[]): readonly string[] {
  if (typeof match === 'string') return match.includes(',') ? match.split(',') : [match];
  return match;
}

/**
 * The master's key store. Listings follow `salt.key.Key`: names sorted case-insensitively,
 * dot files and non-files skipped.
 * Accepted keys are cached in memory and re-read when the `minions/` directory changes.
 */
export class KeyStore {
  readonly pkiDir: string;
  readonly hashType: string;
  private readonly opts: KeyStoreOptions;
  private acceptedCache: { mtimeNs: bigint; keys: Map<string, string | null>; ids?: string[] } | undefined;

  constructor(opts: KeyStoreOptions) {
    this.opts = opts;
    this.pkiDir = opts.pkiDir;
    this.hashType = opts.hashType ?? 'sha256';
  }

  /** Path of the key file of `id` under `status`. Throws `InvalidMinionIdError` / `InvalidKeyStatusError`. */
  keyPath(id: string, status: KeyStatus): string {
    assertKeyName(id);
    assertStatus(status);
    return join(this.pkiDir, status, id);
  }

  // ---- reading -------------------------------------------------------------------------

  /** Salt's `list_keys()`: the four key statuses with their key names (`[]` for a missing directory). */
  listKeys(): KeyListing {
    const ret: KeyListing = {};
    for (const status of KEY_STATUSES) ret[status] = this.namesIn(status) ?? [];
    return ret;
  }

  /** Key names of one status, or `[]` when its directory is missing. */
  list(status: KeyStatus): string[];
  /** Without a status: like `listKeys()`. */
  list(): KeyListing;
  list(status?: KeyStatus): string[] | KeyListing {
    if (status === undefined) return this.listKeys();
    assertStatus(status);
    return this.namesIn(status) ?? [];
  }

  private namesIn(status: string): string[] | undefined {
    const dir = join(this.pkiDir, status);
    const names = listDir(dir);
    if (names === undefined) return undefined;
    return sortedIgnoreCase(names.filter((name) => isFile(join(dir, name))));
  }

  /** Salt's `local_keys()`: the `.pem`/`.pub` files directly in `pki_dir`, as `{local: [...]}`. */
  localKeys(): KeyListing {
    const names = listDir(this.pkiDir) ?? [];
    return {
      local: sortedIgnoreCase(names.filter((n) => (n.endsWith('.pub') || n.endsWith('.pem')) && isFile(join(this.pkiDir, n)))),
    };
  }

  /** Salt's `all_keys()`: `listKeys()` plus `local`. */
  allKeys(): KeyListing {
    return { ...this.listKeys(), ...this.localKeys() };
  }

  /**
   * Salt's `list_status(match)` (`salt-key -l`): `acc…` accepted, `pre…`/`un…` pending, `rej…`
   * rejected, `den…` denied, `all…` everything including `local`; anything else gives `{}`.
   */
  listStatus(match: string): KeyListing {
    const one = (status: KeyStatus): KeyListing => ({ [status]: this.namesIn(status) ?? [] });
    if (match.startsWith('acc')) return one(ACC);
    if (match.startsWith('pre') || match.startsWith('un')) return one(PEND);
    if (match.startsWith('rej')) return one(REJ);
    if (match.startsWith('den')) return one(DEN);
    if (match.startsWith('all')) return this.allKeys();
    return {};
  }

  /**
   * Salt's `name_match(match, full)`: the keys whose names glob-match `match` (a glob, a
   * comma-separated list of globs, or a list), by status; `full` also searches `local`.
   */
  nameMatch(match: string | readonly string[], full = false): KeyListing {
    const patterns = splitMatch(match);
    const listing = full ? this.allKeys() : this.listKeys();
    const ret: KeyListing = {};
    for (const [status, names] of Object.entries(listing)) {
      for (const name of sortedIgnoreCase(names)) {
        for (const pattern of patterns) {
          if (fnmatch(name, pattern)) (ret[status] ??= []).push(name);
        }
      }
    }
    return ret;
  }

  /**
   * Salt's `dict_match(match_dict)`: for each name of the given listing (taken as a glob),
   * the statuses it is found under now.
   */
  dictMatch(matchDict: KeyListing): KeyListing {
    const ret: KeyListing = {};
    const current = this.listKeys();
    for (const names of Object.values(matchDict)) {
      for (const name of sortedIgnoreCase(names)) {
        for (const status of KEY_STATUSES) {
          if ((current[status] ?? []).some((have) => fnmatch(have, name))) (ret[status] ??= []).push(name);
        }
      }
    }
    return ret;
  }

  private select(selector: KeySelector): KeyListing {
    if (typeof selector === 'string' || Array.isArray(selector)) return this.nameMatch(selector as string | string[]);
    return selector as KeyListing;
  }

  private resultOf(selector: KeySelector, matches: KeyListing): KeyListing {
    if (typeof selector === 'string' || Array.isArray(selector)) return this.nameMatch(selector as string | string[]);
    return this.dictMatch(matches);
  }

  /** The text of the key of `id` under `status`, or `undefined` when there is none. */
  getKey(id: string, status: KeyStatus): string | undefined {
    const path = this.keyPath(id, status);
    if (status === ACC) return this.acceptedKey(id);
    return readKeyFile(path);
  }

  /** The first status (Salt's order) holding a key for `id`, or `undefined`. */
  status(id: string): KeyStatus | undefined {
    assertKeyName(id);
    for (const status of KEY_STATUSES) if (isFile(join(this.pkiDir, status, id))) return status;
    return undefined;
  }

  /**
   * The accepted key of `id` (`minions/<id>`), from memory when the `minions/` directory has not
   * changed since it was read. `undefined` when not accepted. Meant for the master's hot path.
   */
  acceptedKey(id: string): string | undefined {
    assertKeyName(id);
    const cache = this.freshAcceptedCache();
    if (!cache) return undefined;
    if (cache.keys.has(id)) return cache.keys.get(id) ?? undefined;
    // Only a key known to be absent is remembered as absent; a failed read throws (KeyReadError).
    const text = readKeyFile(join(this.pkiDir, ACC, id)) ?? null;
    cache.keys.set(id, text);
    return text ?? undefined;
  }

  /** Ids of the accepted keys (cached like `acceptedKey`). */
  acceptedIds(): string[] {
    const cache = this.freshAcceptedCache();
    if (!cache) return [];
    cache.ids ??= this.namesIn(ACC) ?? [];
    return [...cache.ids];
  }

  private freshAcceptedCache() {
    let mtimeNs: bigint;
    try {
      mtimeNs = statSync(join(this.pkiDir, ACC), { bigint: true }).mtimeNs;
    } catch {
      this.acceptedCache = undefined;
      return undefined;
    }
    if (!this.acceptedCache || this.acceptedCache.mtimeNs !== mtimeNs) {
      this.acceptedCache = { mtimeNs, keys: new Map() };
    }
    return this.acceptedCache;
  }

  /** Forgets the cached accepted keys (done after every change made through this store). */
  invalidate(): void {
    this.acceptedCache = undefined;
  }

  /**
   * Salt's `finger(match)`: fingerprints (`pem_finger` with `hashType`, default the store's) of
   * the keys matching `match`, `local` master key files included.
   */
  finger(match: string | readonly string[], hashType = this.hashType): KeyValues {
    return this.fingersOf(this.nameMatch(match, true), hashType);
  }

  /** Salt's `finger_all()`: fingerprints of every key, `local` included. */
  fingerAll(hashType = this.hashType): KeyValues {
    return this.fingersOf(this.allKeys(), hashType);
  }

  private fingersOf(listing: KeyListing, hashType: string): KeyValues {
    const ret: KeyValues = {};
    for (const [status, names] of Object.entries(listing)) {
      ret[status] = {};
      for (const name of names) {
        const path = status === 'local' ? join(this.pkiDir, name) : join(this.pkiDir, status, name);
        let text: Buffer;
        try {
          text = readFileSync(path);
        } catch {
          ret[status]![name] = ''; // Salt's pem_finger gives "" for a file it cannot read.
          continue;
        }
        ret[status]![name] = pemFinger(text, hashType);
      }
    }
    return ret;
  }

  /** Salt's `key_str(match)` (`salt-key -p`): the PEM text of the matching keys. */
  keyStr(match: string | readonly string[]): KeyValues {
    return this.textsOf(this.nameMatch(match));
  }

  /** Salt's `key_str_all()` (`salt-key -P`): the PEM text of every key. */
  keyStrAll(): KeyValues {
    return this.textsOf(this.listKeys());
  }

  private textsOf(listing: KeyListing): KeyValues {
    const ret: KeyValues = {};
    for (const [status, names] of Object.entries(listing)) {
      ret[status] = {};
      for (const name of sortedIgnoreCase(names)) ret[status]![name] = readFileSync(join(this.pkiDir, status, name), 'utf8');
    }
    return ret;
  }

  // ---- writing -------------------------------------------------------------------------

  /** Writes the public key of `id` under `status` atomically, mode 0644 (creating the directory). */
  writeKey(id: string, status: KeyStatus, pem: string): void {
    writeFileAtomic(this.keyPath(id, status), pem, PUBLIC_KEY_MODE);
    this.invalidate();
  }

  /** Moves the key of `id` from one status to another (replacing a key already there). */
  moveKey(id: string, from: KeyStatus, to: KeyStatus): void {
    const target = this.keyPath(id, to);
    mkdirSync(join(this.pkiDir, to), { recursive: true, mode: 0o700 });
    renameSync(this.keyPath(id, from), target);
    this.invalidate();
  }

  /** Removes the key of `id` under `status`; false when there was none. */
  removeKey(id: string, status: KeyStatus): boolean {
    try {
      unlinkSync(this.keyPath(id, status));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    } finally {
      this.invalidate();
    }
  }

  /**
   * Salt's `accept`: moves the selected pending keys (and rejected / denied ones when asked) to
   * `minions/`, firing `salt/key` act `accept` for each. Keys that are not valid RSA public keys
   * stay where they are and are listed in `invalid`. Returns where the selected keys are now.
   */
  async accept(selector: KeySelector, opts: { includeRejected?: boolean; includeDenied?: boolean } = {}): Promise<AcceptResult> {
    const matches = cloneListing(this.select(selector));
    const from: KeyStatus[] = [PEND];
    if (opts.includeRejected) from.push(REJ);
    if (opts.includeDenied) from.push(DEN);
    const invalid: string[] = [];
    for (const status of from) {
      for (const id of [...(matches[status] ?? [])]) {
        let text: string;
        try {
          text = readFileSync(this.keyPath(id, status), 'utf8');
        } catch {
          continue;
        }
        if (!isValidPublicKey(text)) {
          invalid.push(id);
          matches[status] = matches[status]!.filter((n) => n !== id);
          continue;
        }
        if (this.tryMove(id, status, ACC)) await this.fire('accept', id);
      }
    }
    return { keys: this.resultOf(selector, matches), invalid };
  }

  /** Salt's `accept_all`: accepts every pending key. Returns `listKeys()`. */
  async acceptAll(): Promise<KeyListing> {
    for (const id of this.namesIn(PEND) ?? []) {
      if (this.tryMove(id, PEND, ACC)) await this.fire('accept', id);
    }
    return this.listKeys();
  }

  /**
   * Salt's `reject`: moves the selected pending keys (and accepted / denied ones when asked) to
   * `minions_rejected/`, firing `salt/key` act `reject`; then clears stale minion caches and
   * requests an AES key rotation (`rotateAesKey`). Returns where the selected keys are now.
   */
  async reject(selector: KeySelector, opts: { includeAccepted?: boolean; includeDenied?: boolean } = {}): Promise<KeyListing> {
    const matches = this.select(selector);
    const from: KeyStatus[] = [PEND];
    if (opts.includeAccepted) from.push(ACC);
    if (opts.includeDenied) from.push(DEN);
    for (const status of from) {
      for (const id of matches[status] ?? []) {
        if (this.tryMove(id, status, REJ)) await this.fire('reject', id);
      }
    }
    this.checkMinionCache();
    this.requestAesRotation();
    return this.resultOf(selector, matches);
  }

  /** Salt's `reject_all`: rejects every pending key. Returns `listKeys()`. */
  async rejectAll(): Promise<KeyListing> {
    for (const id of this.namesIn(PEND) ?? []) {
      if (this.tryMove(id, PEND, REJ)) await this.fire('reject', id);
    }
    this.checkMinionCache();
    this.requestAesRotation();
    return this.listKeys();
  }

  /**
   * Salt's `delete_key`: removes the selected keys of every status, firing `salt/key` act
   * `delete`; clears stale minion caches and requests an AES key rotation (`rotateAesKey`).
   * Returns where the selected keys are now (normally nowhere). `preserveMinions` overrides the
   * config's for this call (a minion's `revoke_auth` with `preserve_minion_cache`).
   */
  async delete(selector: KeySelector, options: { preserveMinions?: boolean } = {}): Promise<KeyListing> {
    const matches = this.select(selector);
    for (const [status, ids] of Object.entries(matches)) {
      if (!KEY_STATUSES.includes(status as KeyStatus)) continue;
      for (const id of ids) {
        if (this.tryRemove(id, status as KeyStatus)) await this.fire('delete', id);
      }
    }
    this.checkMinionCache((options.preserveMinions ?? this.opts.preserveMinions) ? matches[ACC] ?? [] : []);
    this.requestAesRotation();
    return this.resultOf(selector, matches);
  }

  /** Salt's `delete_all`: removes every key. Returns `listKeys()`. */
  async deleteAll(): Promise<KeyListing> {
    for (const [status, ids] of Object.entries(this.listKeys())) {
      for (const id of ids) {
        if (this.tryRemove(id, status as KeyStatus)) await this.fire('delete', id);
      }
    }
    this.checkMinionCache();
    this.requestAesRotation();
    return this.listKeys();
  }

  /** Salt's `delete_den`: removes every denied key. Returns `listKeys()`. */
  async deleteDenied(): Promise<KeyListing> {
    for (const id of this.namesIn(DEN) ?? []) {
      if (this.tryRemove(id, DEN)) await this.fire('delete', id);
    }
    this.checkMinionCache();
    return this.listKeys();
  }

  private tryMove(id: string, from: KeyStatus, to: KeyStatus): boolean {
    try {
      this.moveKey(id, from, to);
      return true;
    } catch (err) {
      if (err instanceof InvalidMinionIdError) throw err;
      return false;
    }
  }

  private tryRemove(id: string, status: KeyStatus): boolean {
    try {
      return this.removeKey(id, status);
    } catch (err) {
      if (err instanceof InvalidMinionIdError) throw err;
      return false;
    }
  }

  private async fire(act: KeyEvent['act'], id: string): Promise<void> {
    if (!this.opts.fireEvent) return;
    try {
      await this.opts.fireEvent('salt/key', { result: true, act, id });
    } catch {
      // Events are best effort, as in Salt (the master may not be running).
    }
  }

  /**
   * Salt's `check_minion_cache`: removes `cachedir/minions/<id>` for ids that no longer have any
   * key, except `preserve` ones; nothing when `preserveMinionCache` is set or there is no cachedir.
   */
  checkMinionCache(preserve: readonly string[] = []): void {
    if (!this.opts.cachedir || this.opts.preserveMinionCache) return;
    const cacheDir = join(this.opts.cachedir, ACC);
    if (!isDir(cacheDir)) return;
    const known = new Set(Object.values(this.listKeys()).flat());
    for (const id of readdirSync(cacheDir)) {
      if (known.has(id) || preserve.includes(id)) continue;
      try {
        rmSync(join(cacheDir, id), { recursive: true, force: true });
      } catch {
        // Salt logs and carries on.
      }
    }
  }

  /**
   * Salt's `dropfile`: asks the running master to rotate its AES key by creating
   * `cachedir/.dfn` with mode 0400 (holding the master id, which 3007 masters check). Does
   * nothing when `rotateAesKey` is false, there is no cachedir, or a request is already pending.
   */
  requestAesRotation(): void {
    if (this.opts.rotateAesKey === false || !this.opts.cachedir) return;
    const dfn = join(this.opts.cachedir, '.dfn');
    if (existsSync(dfn)) return;
    mkdirSync(this.opts.cachedir, { recursive: true, mode: 0o700 });
    let fd: number;
    try {
      fd = openSync(dfn, 'wx', 0o400);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
      throw err;
    }
    try {
      writeSync(fd, this.opts.masterId ?? '');
    } finally {
      closeSync(fd);
    }
  }
}

function cloneListing(listing: KeyListing): KeyListing {
  const out: KeyListing = {};
  for (const [status, names] of Object.entries(listing)) out[status] = [...names];
  return out;
}

/** True when `pem` parses as an RSA public key (Salt's `get_rsa_pub_key`, which drops `RSA ` first). */
export function isValidPublicKey(pem: string): boolean {
  try {
    loadPublicKey(pem);
    return true;
  } catch {
    return false;
  }
}
