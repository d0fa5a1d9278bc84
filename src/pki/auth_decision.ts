/**
 * The disk side of the master's `_auth` handling (salt-wire 5.2): given a minion id and the
 * public key it sent, decide whether it is accepted, left pending, rejected, denied or refused
 * because the master is full, and move or write key files the way Salt does. Building and
 * signing the reply (5.3) and firing the event are left to the caller.
 */
import { readFileSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cleanKey, loadPublicKey } from '../protocol/rsa.js';
import { validMinionId } from '../jobs/minion_id.js';
import { exprMatch } from './_fnmatch.js';
import { isDir, isFile, readKeyFile } from './_files.js';
import { ACC, AUTOSIGN, DEN, KeyStore, PEND, REJ } from './keystore.js';

export type AuthOutcome = 'accept' | 'pend' | 'reject' | 'denied' | 'full' | 'invalid';

/** The `salt/auth` event data Salt fires for this outcome (some refusals carry no `act`). */
export interface AuthEventData {
  result: boolean;
  act?: 'accept' | 'pend' | 'reject' | 'denied' | 'full';
  id: string;
  pub: string;
}

export interface AuthDecision {
  result: AuthOutcome;
  /** The refusal reply's `ret`: `false`, `true` (pending) or `"full"`; absent when accepted. */
  ret?: boolean | 'full';
  /** On `accept`: the minion's key as stored in `minions/<id>` (encrypt the AES key to it). */
  pubPem?: string;
  /** The `salt/auth` event to fire (when `auth_events`), absent where Salt fires none. */
  event?: AuthEventData;
}

export interface AuthRequest {
  id: string;
  /** The `pub` field of the `_auth` load. */
  pub: string;
  /** The `autosign_grains` field of the `_auth` load. */
  autosignGrains?: Record<string, unknown>;
  /** Ids of the connected minions, for `max_minions`. */
  connectedIds?: Iterable<string>;
}

/** Master options the decision reads (Salt's names; defaults in brackets). */
export interface AuthDecisionOptions {
  open_mode?: boolean; // [false]
  auto_accept?: boolean; // [false]
  autosign_file?: string | null;
  autoreject_file?: string | null;
  autosign_timeout?: number; // [120] minutes
  autosign_grains_dir?: string | null;
  permissive_pki_access?: boolean; // [false]
  max_minions?: number; // [0] = unlimited
}

/**
 * Salt's `AutoKey.check_permissions`: a signing file is ignored when it is world-writable, or
 * group-writable without `permissive_pki_access` (as root, also when its group is not one of ours).
 */
export function signingFileTrusted(path: string, permissivePkiAccess = false): boolean {
  let st;
  try {
    st = statSync(path);
  } catch {
    return false;
  }
  if (st.mode & 0o002) return false;
  if (st.mode & 0o020) {
    if (!permissivePkiAccess) return false;
    if (process.getuid?.() === 0 && !(process.getgroups?.() ?? []).includes(st.gid)) return false;
  }
  return true;
}

/** Pattern lines of a signing file: stripped lines, `#` comments dropped. */
function signingLines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line, i, all) => !line.startsWith('#') && !(i === all.length - 1 && line === ''));
}

/**
 * Salt's `AutoKey.check_signing_file`: true when `id` matches a line of `file` (a glob, or a
 * regular expression matching the whole id). A missing or untrusted file matches nothing.
 */
export function matchesSigningFile(id: string, file: string | null | undefined, permissivePkiAccess = false): boolean {
  if (!file || !isFile(file) || !signingFileTrusted(file, permissivePkiAccess)) return false;
  return signingLines(file).some((line) => exprMatch(id, line));
}

/**
 * Salt's `AutoKey.check_autosign_dir`: deletes stubs in `minions_autosign/` older than
 * `timeoutMinutes` (when > 0), then consumes the stub named `id` if present.
 */
export function consumeAutosignStub(pkiDir: string, id: string, timeoutMinutes = 120, now = Date.now()): boolean {
  const dir = join(pkiDir, AUTOSIGN);
  if (timeoutMinutes > 0 && isDir(dir)) {
    const minTime = now - 60_000 * Math.trunc(timeoutMinutes);
    for (const name of readdirSync(dir)) {
      const stub = join(dir, name);
      try {
        const st = statSync(stub);
        if (st.isFile() && st.mtimeMs < minTime) unlinkSync(stub);
      } catch {
        // Removed meanwhile.
      }
    }
  }
  const stub = join(dir, id);
  if (!isFile(stub)) return false;
  try {
    unlinkSync(stub);
  } catch {
    return false;
  }
  return true;
}

/**
 * Salt's `AutoKey.check_autosign_grains`: true when some grain sent in `autosign_grains`
 * equals a line of the file of the same name in `autosign_grains_dir`.
 */
export function matchesAutosignGrains(
  grains: Record<string, unknown> | undefined,
  grainsDir: string | null | undefined,
  permissivePkiAccess = false,
): boolean {
  if (!grains || Object.keys(grains).length === 0 || !grainsDir || !isDir(grainsDir)) return false;
  for (const name of readdirSync(grainsDir)) {
    if (!Object.prototype.hasOwnProperty.call(grains, name)) continue;
    const file = join(grainsDir, name);
    if (!isFile(file)) continue;
    if (!signingFileTrusted(file, permissivePkiAccess)) continue;
    const value = grains[name];
    for (const raw of readFileSync(file, 'utf8').split(/\r\n|\r|\n/)) {
      const line = raw.trim();
      if (line.startsWith('#')) continue;
      if (value === line) return true;
    }
  }
  return false;
}

/** Salt's `AutoKey.check_autosign`: `auto_accept`, then the autosign file, stub, grains. */
export function shouldAutosign(pkiDir: string, req: AuthRequest, opts: AuthDecisionOptions): boolean {
  const permissive = opts.permissive_pki_access ?? false;
  if (opts.auto_accept) return true;
  if (matchesSigningFile(req.id, opts.autosign_file, permissive)) return true;
  if (consumeAutosignStub(pkiDir, req.id, opts.autosign_timeout ?? 120)) return true;
  return matchesAutosignGrains(req.autosignGrains, opts.autosign_grains_dir, permissive);
}

/** A stored key's text; undefined when absent; throws KeyReadError when it cannot be read. */
const readText = readKeyFile;

/**
 * Decides a minion's `_auth` request against the key directories (salt-wire 5.2) and updates
 * them as Salt does: a new key goes to `minions_pre/` (or `minions_rejected/` by
 * `autoreject_file`, or straight to `minions/` when autosigned); a key that differs from the
 * accepted or pending one is written to `minions_denied/`. Keys are compared after `clean_key`.
 * Never throws for a bad request: an invalid id, an empty key in open mode or an unparseable
 * stored key give `invalid`.
 */
export function decideAuth(store: KeyStore, req: AuthRequest, opts: AuthDecisionOptions = {}): AuthDecision {
  const { id } = req;
  const pub = typeof req.pub === 'string' ? req.pub : '';
  if (!validMinionId(id)) return { result: 'invalid', ret: false };
  const refuse = (result: AuthOutcome, act?: AuthEventData['act'], ret: boolean | 'full' = false): AuthDecision => ({
    result,
    ret,
    event: act === undefined ? { result: ret === true, id, pub } : { result: ret === true, act, id, pub },
  });

  const maxMinions = opts.max_minions ?? 0;
  if (maxMinions > 0) {
    const connected = new Set(req.connectedIds ?? []);
    if (connected.size > maxMinions && !connected.has(id)) return refuse('full', 'full', 'full');
  }

  const permissive = opts.permissive_pki_access ?? false;
  const autoReject = matchesSigningFile(id, opts.autoreject_file, permissive);
  const autoSign = shouldAutosign(store.pkiDir, req, opts);

  const pubfn = join(store.pkiDir, ACC, id);
  const pendfn = join(store.pkiDir, PEND, id);
  const rejfn = join(store.pkiDir, REJ, id);
  const openMode = opts.open_mode ?? false;
  const same = (stored: string | undefined) => stored !== undefined && cleanKey(stored) === cleanKey(pub);

  if (!openMode) {
    if (isFile(rejfn)) return refuse('reject');
    if (isFile(pubfn)) {
      if (!same(readText(pubfn))) {
        store.writeKey(id, DEN, pub);
        return refuse('denied', 'denied');
      }
    } else if (!isFile(pendfn)) {
      if (isDir(pendfn)) return refuse('invalid');
      if (autoReject) {
        store.writeKey(id, REJ, pub);
        return refuse('reject', 'reject');
      }
      if (!autoSign) {
        store.writeKey(id, PEND, pub);
        return refuse('pend', 'pend', true);
      }
    } else if (autoReject) {
      try {
        store.moveKey(id, PEND, REJ);
      } catch {
        // Salt ignores a failed move here.
      }
      return refuse('reject', 'reject');
    } else if (!same(readText(pendfn))) {
      store.writeKey(id, DEN, pub);
      return autoSign ? refuse('denied') : refuse('denied', 'denied');
    } else if (!autoSign) {
      return refuse('pend', 'pend', true);
    } else {
      store.removeKey(id, PEND);
    }
  }

  if (!openMode) {
    if (!isFile(pubfn)) store.writeKey(id, ACC, pub);
  } else {
    if (!pub) return { result: 'invalid', ret: false };
    const onDisk = readText(pubfn) ?? '';
    if (cleanKey(pub) !== cleanKey(onDisk)) store.writeKey(id, ACC, pub);
  }

  const pubPem = store.acceptedKey(id);
  if (pubPem === undefined) return { result: 'invalid', ret: false };
  try {
    loadPublicKey(pubPem);
  } catch {
    return { result: 'invalid', ret: false };
  }
  return { result: 'accept', pubPem, event: { result: true, act: 'accept', id, pub } };
}
