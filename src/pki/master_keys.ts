/**
 * RSA key pairs on disk, as `salt.crypt.gen_keys` writes them: `<name>.pem` (PKCS#1, mode 0400)
 * and `<name>.pub` (SubjectPublicKeyInfo, mode 0644). The master's own pair is `master.pem` /
 * `master.pub` in `pki_dir`.
 */
import { createPublicKey } from 'node:crypto';
import { accessSync, constants, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateKeyPair } from '../protocol/rsa.js';
import { isFile, writeFileAtomic } from './_files.js';
import { KeyWriteError } from './errors.js';

/** Mode of a private key file (Salt writes it under umask 0277). */
export const PRIVATE_KEY_MODE = 0o400;
/** Mode of a public key file written by `gen_keys` under the usual umask 022. */
export const PUBLIC_KEY_FILE_MODE = 0o644;
/** Default `keysize`. */
export const DEFAULT_KEYSIZE = 2048;

export interface KeyPairFiles {
  privPath: string;
  pubPath: string;
  privatePem: string;
  publicPem: string;
  /** True when this call generated the pair, false when the private key was already there. */
  created: boolean;
}

/**
 * `salt.crypt.gen_keys(dir, name, keysize)`: generates an RSA pair (exponent 65537) and writes
 * `<dir>/<name>.pem` (0400) and `<dir>/<name>.pub` (0644). When `<name>.pem` already exists,
 * nothing is generated or overwritten (Salt keeps the existing key). Creates `dir` when missing.
 * Throws `KeyWriteError` when `dir` is not writable.
 */
export async function genKeys(name: string, dir: string, keysize = DEFAULT_KEYSIZE): Promise<KeyPairFiles> {
  const privPath = join(dir, `${name}.pem`);
  const pubPath = join(dir, `${name}.pub`);
  if (isFile(privPath)) {
    return { privPath, pubPath, privatePem: readFileSync(privPath, 'utf8'), publicPem: readPub(pubPath), created: false };
  }
  mkdirSync(dir, { recursive: true });
  try {
    accessSync(dir, constants.W_OK);
  } catch (cause) {
    throw new KeyWriteError(`Write access denied to "${resolve(dir)}" for user "${userName()}".`, { cause });
  }
  const { privatePem, publicPem } = await generateKeyPair(keysize);
  try {
    writeFileAtomic(privPath, privatePem, PRIVATE_KEY_MODE);
    writeFileAtomic(pubPath, publicPem, PUBLIC_KEY_FILE_MODE);
  } catch (cause) {
    throw new KeyWriteError(`Cannot write the key pair ${privPath} / ${pubPath}: ${(cause as Error).message}`, { cause });
  }
  return { privPath, pubPath, privatePem, publicPem, created: true };
}

/**
 * Makes sure the master's `master.pem` / `master.pub` exist in `pkiDir` (default keysize 2048):
 * generates the pair when `master.pem` is missing, and re-derives `master.pub` from `master.pem`
 * when only the public half is missing. Returns both PEM texts as they are on disk.
 */
export async function ensureMasterKeys(pkiDir: string, keysize = DEFAULT_KEYSIZE): Promise<KeyPairFiles> {
  const pair = await genKeys('master', pkiDir, keysize);
  if (pair.created || isFile(pair.pubPath)) return pair;
  const publicPem = derivePublicPem(pair.privatePem);
  writeFileAtomic(pair.pubPath, publicPem, PUBLIC_KEY_FILE_MODE);
  return { ...pair, publicPem };
}

/** The SubjectPublicKeyInfo PEM of an (unencrypted) private key PEM. */
export function derivePublicPem(privatePem: string): string {
  return createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString();
}

function readPub(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function userName(): string {
  return process.env.USER ?? process.env.LOGNAME ?? String(process.getuid?.() ?? '');
}
