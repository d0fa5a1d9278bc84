/**
 * Salt's RSA operations (salt.crypt): key generation and parsing, RSAES-OAEP, RSASSA-PKCS1-v1_5
 * and ANSI X9.31 "private_encrypt"/"public_decrypt" (minion `tok`, auth-reply `sig`).
 * Algorithm names are Salt's: `OAEP-SHA1`, `OAEP-SHA224`, `PKCS1v15-SHA1`, `PKCS1v15-SHA224`.
 */
import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  privateDecrypt,
  privateEncrypt,
  publicDecrypt,
  publicEncrypt,
  sign as cryptoSign,
  verify as cryptoVerify,
} from 'node:crypto';
import { RsaError, UnsupportedAlgorithmError } from './errors.js';

export type EncryptionAlgorithm = 'OAEP-SHA1' | 'OAEP-SHA224';
export type SigningAlgorithm = 'PKCS1v15-SHA1' | 'PKCS1v15-SHA224';

const OAEP_HASHES: Record<string, string> = { 'OAEP-SHA1': 'sha1', 'OAEP-SHA224': 'sha224' };
const SIGNING_HASHES: Record<string, string> = { 'PKCS1v15-SHA1': 'sha1', 'PKCS1v15-SHA224': 'sha224' };

function oaepHash(algo: string): string {
  const hash = Object.hasOwn(OAEP_HASHES, algo) ? OAEP_HASHES[algo] : undefined;
  if (!hash) throw new UnsupportedAlgorithmError(`Invalid encryption algorithm: ${algo}`);
  return hash;
}

function signingHash(algo: string): string {
  const hash = Object.hasOwn(SIGNING_HASHES, algo) ? SIGNING_HASHES[algo] : undefined;
  if (!hash) throw new UnsupportedAlgorithmError(`Invalid signing algorithm: ${algo}`);
  return hash;
}

/**
 * Generates an RSA key pair as Salt's `gen_keys` writes it: PKCS#1 private PEM
 * (`BEGIN RSA PRIVATE KEY`, encrypted with AES-256-CBC when a passphrase is given) and
 * SubjectPublicKeyInfo public PEM, both ending with a newline. Exponent 65537.
 */
export function generateKeyPair(bits = 2048, passphrase?: string): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 65537 });
  return { privatePem: exportPrivatePem(privateKey, passphrase), publicPem: exportPublicPem(publicKey) };
}

/** PKCS#1 PEM of a private key (AES-256-CBC-encrypted when a passphrase is given). */
export function exportPrivatePem(key: KeyObject, passphrase?: string): string {
  if (passphrase !== undefined) {
    return key.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string;
  }
  return key.export({ type: 'pkcs1', format: 'pem' }) as string;
}

/** SubjectPublicKeyInfo PEM (`BEGIN PUBLIC KEY`) of a public key, or of a private key's public half. */
export function exportPublicPem(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'pem' }) as string;
}

// Python's str.strip() whitespace and str.splitlines() separators.
const PY_WHITESPACE = '\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
const PY_STRIP = new RegExp(`^[${PY_WHITESPACE}]+|[${PY_WHITESPACE}]+$`, 'g');
const PY_LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/**
 * Salt's `clean_key`: strip surrounding whitespace, split into lines (CR, LF, CRLF ...), join
 * with LF. Inner blank lines and trailing spaces on lines are kept; no final newline.
 */
export function cleanKey(pem: string): string {
  const stripped = pem.replace(PY_STRIP, '');
  return stripped === '' ? '' : stripped.split(PY_LINE_BREAK).join('\n');
}

function asRsa(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== 'rsa') throw new RsaError(`invalid RSA ${what} key: got a ${key.asymmetricKeyType} key`);
  return key;
}

/**
 * Parses a public key the way Salt's verifier does: the text `RSA ` is removed and the PEM must
 * then be SubjectPublicKeyInfo (`BEGIN PUBLIC KEY`). A real PKCS#1 `BEGIN RSA PUBLIC KEY` is
 * therefore rejected, while an SPKI body labelled `RSA PUBLIC KEY` is accepted.
 * @throws RsaError "invalid RSA public key".
 */
export function loadPublicKey(pem: string | Buffer): KeyObject {
  const text = (Buffer.isBuffer(pem) ? pem.toString('latin1') : pem).split('RSA ').join('');
  if (!text.includes('-----BEGIN PUBLIC KEY-----')) throw new RsaError('invalid RSA public key: no BEGIN PUBLIC KEY block');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: 'pem' });
  } catch (err) {
    throw new RsaError('invalid RSA public key', { cause: err });
  }
  return asRsa(key, 'public');
}

/**
 * Parses a PEM private key (PKCS#1 or PKCS#8, optionally passphrase-encrypted).
 * @throws RsaError when it cannot be parsed, the passphrase is wrong, or it is not RSA.
 */
export function loadPrivateKey(pem: string | Buffer, passphrase?: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem', passphrase });
  } catch (err) {
    throw new RsaError(`invalid RSA private key: ${(err as Error).message}`, { cause: err });
  }
  return asRsa(key, 'private');
}

type PublicKeyInput = KeyObject | string;
type PrivateKeyInput = KeyObject | string;

function pubKey(k: PublicKeyInput): KeyObject {
  if (typeof k === 'string') return loadPublicKey(k);
  return k.type === 'private' ? createPublicKey(k) : k;
}
function privKey(k: PrivateKeyInput): KeyObject {
  return typeof k === 'string' ? loadPrivateKey(k) : k;
}

const modulusCache = new WeakMap<KeyObject, bigint>();

/** The modulus n of an RSA key (public or private). */
export function rsaModulus(key: KeyObject): bigint {
  let n = modulusCache.get(key);
  if (n === undefined) {
    const jwk = key.export({ format: 'jwk' });
    if (!jwk.n) throw new RsaError('not an RSA key: no modulus');
    n = BigInt('0x' + Buffer.from(jwk.n, 'base64url').toString('hex'));
    modulusCache.set(key, n);
  }
  return n;
}

function modulusBytes(key: KeyObject): number {
  return Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? rsaModulus(key).toString(2).length) / 8);
}

function toBigInt(b: Buffer): bigint {
  return b.length === 0 ? 0n : BigInt('0x' + b.toString('hex'));
}
function toBytes(n: bigint, size: number): Buffer {
  return Buffer.from(n.toString(16).padStart(size * 2, '0'), 'hex');
}

/**
 * RSAES-OAEP encryption (MGF1 with the same hash, empty label).
 * @throws UnsupportedAlgorithmError for algorithms other than OAEP-SHA1/OAEP-SHA224;
 *   RsaError when data is too long for the key (more than 214 bytes for 2048-bit OAEP-SHA1).
 */
export function oaepEncrypt(pub: PublicKeyInput, data: Buffer, algo: string = 'OAEP-SHA1'): Buffer {
  const hash = oaepHash(algo);
  try {
    return publicEncrypt({ key: pubKey(pub), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, data);
  } catch (err) {
    if (err instanceof RsaError) throw err;
    throw new RsaError(`OAEP encryption failed: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * RSAES-OAEP decryption.
 * @throws UnsupportedAlgorithmError for unknown algorithms; RsaError "Encryption/decryption failed."
 *   for a wrong key, wrong hash or altered ciphertext.
 */
export function oaepDecrypt(priv: PrivateKeyInput, data: Buffer, algo: string = 'OAEP-SHA1'): Buffer {
  const hash = oaepHash(algo);
  const key = privKey(priv);
  try {
    return privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, data);
  } catch (err) {
    throw new RsaError('Encryption/decryption failed.', { cause: err });
  }
}

/**
 * RSASSA-PKCS1-v1_5 signature (deterministic).
 * @throws UnsupportedAlgorithmError "Invalid signing algorithm: X" for unknown algorithms.
 */
export function sign(priv: PrivateKeyInput, data: Buffer, algo: string = 'PKCS1v15-SHA1'): Buffer {
  const hash = signingHash(algo);
  return cryptoSign(hash, data, { key: privKey(priv), padding: constants.RSA_PKCS1_PADDING });
}

/**
 * Verifies an RSASSA-PKCS1-v1_5 signature; false for any mismatch or malformed signature.
 * @throws UnsupportedAlgorithmError for unknown algorithms; RsaError for an unparseable key.
 */
export function verify(pub: PublicKeyInput, data: Buffer, sig: Buffer, algo: string = 'PKCS1v15-SHA1'): boolean {
  const hash = signingHash(algo);
  const key = pubKey(pub);
  try {
    return cryptoVerify(hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, sig);
  } catch {
    return false;
  }
}

/**
 * Salt's `gen_signature`: the content of the `master_pubkey_signature` file, i.e. base64 of
 * the PKCS1v15 signature over the public key file text (final newline included), plus `\n`.
 */
export function genPubkeySignature(priv: PrivateKeyInput, publicKeyFileText: string, algo: string = 'PKCS1v15-SHA1'): string {
  return sign(priv, Buffer.from(publicKeyFileText, 'utf8'), algo).toString('base64') + '\n';
}

/**
 * X9.31 "private_encrypt" as OpenSSL's `RSA_private_encrypt(..., RSA_X931_PADDING)`: pads to
 * `6B BB.. BA M CC` (or `6A M CC`), applies the private key, and outputs min(s, n − s).
 * Deterministic. Used for the minion `tok` (message `salt`) and the auth-reply `sig`.
 * @throws RsaError when msg is longer than the modulus size − 2 bytes.
 */
export function x931Sign(priv: PrivateKeyInput, msg: Buffer): Buffer {
  const key = privKey(priv);
  const k = modulusBytes(key);
  const j = k - msg.length - 2;
  if (j < 0) throw new RsaError(`data too large for key size: ${msg.length} bytes, at most ${k - 2} for a ${k * 8}-bit key`);
  const block = Buffer.alloc(k);
  if (j === 0) {
    block[0] = 0x6a;
  } else {
    block[0] = 0x6b;
    block.fill(0xbb, 1, j);
    block[j] = 0xba;
  }
  msg.copy(block, j + 1);
  block[k - 1] = 0xcc;
  let raw: Buffer;
  try {
    raw = privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, block);
  } catch (err) {
    throw new RsaError(`X9.31 signing failed: ${(err as Error).message}`, { cause: err });
  }
  const n = rsaModulus(key);
  const s = toBigInt(raw);
  const other = n - s;
  return toBytes(s < other ? s : other, k);
}

/**
 * X9.31 "public_decrypt" as OpenSSL's verifier: raw public operation, the `n − m` fix-up when
 * the low nibble is not `C`, then the padding check. Returns the recovered message.
 * Reproduces OpenSSL's quirks: a block with no `BB` before `BA` (a 253-byte message with a
 * 2048-bit key) and a block with no message at all are both rejected.
 * @throws RsaError "Unable to decrypt message" on a bad signature or padding.
 */
export function x931Verify(pub: PublicKeyInput, sig: Buffer): Buffer {
  const key = pubKey(pub);
  const k = modulusBytes(key);
  const n = rsaModulus(key);
  const fail = (why: string, cause?: unknown): never => {
    throw new RsaError(`Unable to decrypt message: ${why}`, cause === undefined ? undefined : { cause });
  };
  if (sig.length > k) fail(`signature of ${sig.length} bytes is longer than the ${k}-byte modulus`);
  if (toBigInt(sig) >= n) fail('signature is not smaller than the modulus');
  let raw: Buffer;
  try {
    raw = publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, Buffer.concat([Buffer.alloc(k - sig.length), sig]));
  } catch (err) {
    return fail('RSA public operation failed', err);
  }
  let m = toBigInt(raw);
  if ((m & 0xfn) !== 0xcn) m = n - m;
  const block = toBytes(m, k);
  if (block[0] !== 0x6a && block[0] !== 0x6b) fail('invalid header');
  let p = 1;
  let len = k - 2;
  if (block[0] === 0x6b) {
    const limit = k - 3;
    let i = 0;
    for (; i < limit; i++) {
      const c = block[p++];
      if (c === 0xba) break;
      if (c !== 0xbb) fail('invalid padding');
    }
    if (i === 0) fail('invalid padding');
    len = limit - i;
  }
  if (block[p + len] !== 0xcc) fail('invalid trailer');
  return Buffer.from(block.subarray(p, p + len));
}
