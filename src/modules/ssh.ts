/**
 * Salt's `ssh` execution module (Salt's file: ssh.py), the authorized_keys part: list, check,
 * add and remove a user's public keys. Keys are identified by their base64 body; their
 * fingerprint is the colon-separated hex digest (sha256 unless `fingerprint_hash_type`).
 */
import { createHash, getHashes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { defineFunction } from '../loader/define.js';
import { CommandExecutionError } from '../loader/errors.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { pyText } from './_syscmd.js';
import { isDir, isFile } from '../fs_checks.js';

/** One authorized key as `ssh.auth_keys` reports it. */
export interface AuthKey {
  enc: string;
  comment: string;
  options: string[];
  fingerprint: string;
}

const DEFAULT_CONFIG = '.ssh/authorized_keys';
const KEY_LINE = /^(.*?)\s?((?:sk-)?(?:ssh-|ecds)[\w@.-]+\s.+)$/;
const REPLACE_LINE = /((.*)\s)?((?:sk-)?(?:ssh|ecdsa)-[a-z0-9@.-]+)\s([a-zA-Z0-9+/]+={0,2})(\s(.*))?/;

const ALSO_ALLOWED = new Set([
  'rsa-sha2-512', 'rsa-sha2-256', 'rsa-sha2-512-cert-v01@openssh.com', 'rsa-sha2-256-cert-v01@openssh.com',
  'ssh-rsa-cert-v01@openssh.com', 'ecdsa-sha2-nistp256-cert-v01@openssh.com', 'ecdsa-sha2-nistp384-cert-v01@openssh.com',
  'ecdsa-sha2-nistp521-cert-v01@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com', 'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'ssh-ed25519-cert-v01@openssh.com', 'sk-ssh-ed25519@openssh.com', 'sk-ssh-ed25519-cert-v01@openssh.com',
]);

/**
 * The canonical key type for a short or long name (`rsa` → `ssh-rsa`, `e` → `ecdsa-sha2-nistp256`).
 * Throws CommandExecutionError for an unknown type.
 */
export function refineEnc(enc: string): string {
  if (['r', 'rsa', 'ssh-rsa'].includes(enc)) return 'ssh-rsa';
  if (['d', 'dsa', 'dss', 'ssh-dss'].includes(enc)) return 'ssh-dss';
  if (['e', 'ecdsa'].includes(enc)) return 'ecdsa-sha2-nistp256';
  if (['ecdsa-sha2-nistp521', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp256'].includes(enc)) return enc;
  if (['ed25519', 'ssh-ed25519'].includes(enc)) return 'ssh-ed25519';
  if (ALSO_ALLOWED.has(enc)) return enc;
  throw new CommandExecutionError(`Incorrect encryption key type '${enc}'.`);
}

function formatAuthLine(key: string, enc: string, comment: string, options: string[]): string {
  return `${options.length ? `${options.join(',')} ` : ''}${enc} ${key} ${comment}\n`;
}

/** Expands `%h`, `%u` and `%%` in an AuthorizedKeysFile path. */
function expandPath(path: string, user: string, home: string): string {
  let out = '';
  let escape = false;
  for (const ch of path) {
    if (escape) {
      escape = false;
      if (ch === '%') out += '%';
      else if (ch === 'u') out += user;
      else if (ch === 'h') out += home;
      else throw new CommandExecutionError(`AuthorizedKeysFile path: unknown token character "%${ch}"`);
    } else if (ch === '%') escape = true;
    else out += ch;
  }
  if (escape) throw new CommandExecutionError("AuthorizedKeysFile path: Last character can't be escape character");
  return out;
}

interface UserInfo {
  name?: string;
  home?: string;
  uid?: number;
  gid?: number;
}

async function userInfo(ctx: CallContext, user: string): Promise<UserInfo> {
  return ((await ctx.salt('user.info', [user])) ?? {}) as UserInfo;
}

async function configFile(ctx: CallContext, user: string, config: string): Promise<{ path: string; info: UserInfo }> {
  const info = await userInfo(ctx, user);
  if (!info.name) throw new CommandExecutionError(`User '${user}' does not exist`);
  const home = info.home ?? '';
  let path = expandPath(config, user, home);
  if (!isAbsolute(path)) path = join(home, path);
  return { path, info };
}

/** The key's fingerprint, or null when it is not valid base64. Throws for an unknown hash type. */
export function fingerprint(publicKey: string, hashType: unknown): string | null {
  const type = hashType ? pyText(hashType).toLowerCase() : 'sha256';
  if (!getHashes().includes(type)) throw new CommandExecutionError(`The fingerprint_hash_type ${type} is not supported.`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(publicKey) || publicKey.length % 4 !== 0) return null;
  const hex = createHash(type).update(Buffer.from(publicKey, 'base64')).digest('hex');
  return hex.match(/../g)!.join(':');
}

/** Parses an authorized_keys file into `{key: {enc, comment, options, fingerprint}}`. */
function validateKeys(file: string, hashType: unknown): Record<string, AuthKey> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CommandExecutionError(`Problem reading ssh key file ${file}`);
  }
  const ret: Record<string, AuthKey> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = KEY_LINE.exec(line);
    if (!m) continue;
    const comps = m[2].split(/\s+/).filter(Boolean);
    if (comps.length < 2) continue;
    const fp = fingerprint(comps[1], hashType);
    if (fp === null) continue;
    ret[comps[1]] = { enc: comps[0], comment: comps.slice(2).join(' '), options: m[1] ? m[1].split(',') : [], fingerprint: fp };
  }
  return ret;
}

async function authKeys(ctx: CallContext, user: unknown, config: string, hashType: unknown): Promise<Record<string, unknown>> {
  const single = !Array.isArray(user) && user !== null && user !== undefined && user !== '';
  const users: string[] = Array.isArray(user)
    ? user.map(pyText)
    : single
      ? [pyText(user)]
      : ((await ctx.salt('user.list_users')) as string[]);
  const keys: Record<string, Record<string, AuthKey>> = {};
  for (const u of users) {
    let full: string | null = null;
    try {
      full = (await configFile(ctx, u, config)).path;
    } catch (err) {
      if (!(err instanceof CommandExecutionError)) throw err;
    }
    if (full && isFile(full)) keys[u] = validateKeys(full, hashType);
  }
  if (single) return keys[users[0]] ?? {};
  return keys;
}

async function checkKey(
  ctx: CallContext,
  user: string,
  key: string,
  enc: string,
  comment: string,
  options: string[],
  config: string,
  hashType: unknown,
): Promise<'add' | 'update' | 'exists'> {
  const refined = refineEnc(enc);
  const current = (await authKeys(ctx, user, config, hashType)) as Record<string, AuthKey>;
  if (!(key in current)) return 'add';
  const cur = current[key];
  return formatAuthLine(key, cur.enc, cur.comment, cur.options) === formatAuthLine(key, refined, comment, options) ? 'exists' : 'update';
}

async function replaceAuthKey(ctx: CallContext, user: string, key: string, enc: string, comment: string, options: string[], config: string): Promise<void> {
  const authLine = formatAuthLine(key, enc, comment, options);
  const { path } = await configFile(ctx, user, config);
  try {
    const lines: string[] = [];
    for (const raw of readFileSync(path, 'utf8').split('\n')) {
      const line = raw.trim();
      if (!line) continue;
      if (line.startsWith('#')) {
        lines.push(`${line}\n`);
        continue;
      }
      const m = REPLACE_LINE.exec(`${line}\n`);
      lines.push(m && m[4] === key ? authLine : `${line}\n`);
    }
    writeFileSync(path, lines.join(''));
  } catch (err) {
    throw new CommandExecutionError(`Problem reading or writing to key file: ${(err as Error).message}`);
  }
}

async function setAuthKey(
  ctx: CallContext,
  user: string,
  key: string,
  encArg: string,
  comment: string,
  options: string[],
  config: string,
  hashType: unknown,
): Promise<string> {
  if (key.split(/\s+/).filter(Boolean).length > 1) return 'invalid';
  const enc = refineEnc(encArg);
  const info = await userInfo(ctx, user);
  if (!info.name) return 'fail';
  if (fingerprint(key, hashType) === null) return 'Invalid public key';
  const status = await checkKey(ctx, user, key, enc, comment, options, config, hashType);
  if (status === 'update') {
    await replaceAuthKey(ctx, user, key, enc, comment, options, config);
    return 'replace';
  }
  if (status === 'exists') return 'no change';
  const authLine = formatAuthLine(key, enc, comment, options);
  const { path } = await configFile(ctx, user, config);
  const home = info.home ?? '';
  if (path.startsWith(home) && !isDir(home)) return 'fail';
  const dir = dirname(path);
  const isRoot = process.geteuid?.() === 0;
  if (!isDir(dir)) {
    mkdirSync(dir, { recursive: true });
    if (isRoot) chownSync(dir, info.uid ?? 0, info.gid ?? 0);
    chmodSync(dir, 0o700);
  }
  const newFile = !isFile(path);
  try {
    if (!newFile) {
      const cur = readFileSync(path);
      if (cur.length && cur[cur.length - 1] !== 0x0a) appendFileSync(path, '\n');
    }
    appendFileSync(path, authLine);
  } catch (err) {
    throw new CommandExecutionError(`Could not write to key file: ${(err as Error).message}`);
  }
  if (newFile) {
    if (isRoot) chownSync(path, info.uid ?? 0, info.gid ?? 0);
    chmodSync(path, 0o600);
  }
  return 'new';
}

async function rmAuthKey(ctx: CallContext, user: string, key: string, config: string, hashType: unknown): Promise<string> {
  const current = (await authKeys(ctx, user, config, hashType)) as Record<string, AuthKey>;
  if (!(key in current)) return 'Key not present';
  const { path } = await configFile(ctx, user, config);
  if (!existsSync(path)) return `Authorized keys file ${path} not present`;
  try {
    const lines: string[] = [];
    for (const raw of readFileSync(path, 'utf8').split('\n')) {
      const line = raw.trim();
      if (!line) continue;
      if (line.startsWith('#')) {
        lines.push(`${line}\n`);
        continue;
      }
      const m = KEY_LINE.exec(line);
      if (!m) continue;
      const comps = m[2].split(/\s+/).filter(Boolean);
      if (comps.length < 2) {
        lines.push(`${line}\n`);
        continue;
      }
      if (comps[1] === key) continue;
      lines.push(`${line}\n`);
    }
    writeFileSync(path, lines.join(''));
  } catch (err) {
    ctx.log.warn(`Could not read/write key file: ${(err as Error).message}`);
    return 'Key not removed';
  }
  return 'Key removed';
}

function optionList(options: unknown): string[] {
  if (options === null || options === undefined || options === '') return [];
  return Array.isArray(options) ? options.map(pyText) : pyText(options).split(',');
}

const cfg = (config: unknown) => (config === null || config === undefined ? DEFAULT_CONFIG : pyText(config));

const mod: SaltModule = {
  name: 'ssh',
  virtual: () => (process.platform === 'win32' ? [false, 'The ssh execution module is not available on Windows'] : true),
  functions: {
    auth_keys: defineFunction(
      {
        args: ['user', 'config', 'fingerprint_hash_type'],
        defaults: { user: null, config: DEFAULT_CONFIG, fingerprint_hash_type: null },
        doc: `
          Return the authorized keys for users

          CLI Example:

          .. code-block:: bash

              salt '*' ssh.auth_keys
              salt '*' ssh.auth_keys root
              salt '*' ssh.auth_keys user=root
              salt '*' ssh.auth_keys user="[user1, user2]"
        `,
      },
      ({ user, config, fingerprint_hash_type }, ctx) => authKeys(ctx, user, cfg(config), fingerprint_hash_type),
    ),
    check_key: defineFunction(
      {
        args: ['user', 'key', 'enc', 'comment', 'options', 'config', 'cache_keys', 'fingerprint_hash_type'],
        defaults: { config: DEFAULT_CONFIG, cache_keys: null, fingerprint_hash_type: null },
        doc: `
          Check to see if a key needs updating, returns "update", "add" or "exists"

          CLI Example:

          .. code-block:: bash

              salt '*' ssh.check_key <user> <key> <enc> <comment> <options>
        `,
      },
      (p, ctx) =>
        checkKey(ctx, pyText(p.user), pyText(p.key), pyText(p.enc), p.comment ? pyText(p.comment) : '', optionList(p.options), cfg(p.config), p.fingerprint_hash_type),
    ),
    set_auth_key: defineFunction(
      {
        args: ['user', 'key', 'enc', 'comment', 'options', 'config', 'cache_keys', 'fingerprint_hash_type'],
        defaults: { enc: 'ssh-rsa', comment: '', options: null, config: DEFAULT_CONFIG, cache_keys: null, fingerprint_hash_type: null },
        doc: `
          Add a key to the authorized_keys file. The "key" parameter must only be the
          string of text that is the encoded key. If the key begins with "ssh-rsa"
          or ends with user@host, remove those from the key before passing it to this
          function.

          CLI Example:

          .. code-block:: bash

              salt '*' ssh.set_auth_key <user> '<key>' enc='dsa'
        `,
      },
      (p, ctx) =>
        setAuthKey(ctx, pyText(p.user), pyText(p.key), pyText(p.enc), p.comment ? pyText(p.comment) : '', optionList(p.options), cfg(p.config), p.fingerprint_hash_type),
    ),
    rm_auth_key: defineFunction(
      {
        args: ['user', 'key', 'config', 'fingerprint_hash_type'],
        defaults: { config: DEFAULT_CONFIG, fingerprint_hash_type: null },
        doc: `
          Remove an authorized key from the specified user's authorized key file

          CLI Example:

          .. code-block:: bash

              salt '*' ssh.rm_auth_key <user> <key>
        `,
      },
      ({ user, key, config, fingerprint_hash_type }, ctx) => rmAuthKey(ctx, pyText(user), pyText(key), cfg(config), fingerprint_hash_type),
    ),
  },
};

export default mod;
