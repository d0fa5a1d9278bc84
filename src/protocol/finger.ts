/**
 * Key fingerprints as `salt-key -F` and `master_finger` compute them (salt.utils.crypt.pem_finger,
 * file variant).
 */
import { createHash, getHashes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

/** Lowercase hex digest as `aa:bb:cc:...`. */
function colonHex(digest: Buffer): string {
  return digest.toString('hex').replace(/(..)(?!$)/g, '$1:');
}

function hasher(hashType: string) {
  if (!getHashes().includes(hashType)) throw new RangeError(`unknown hash_type ${JSON.stringify(hashType)}: expected one of md5, sha1, sha224, sha256, sha384, sha512`);
  return createHash(hashType);
}

/**
 * Fingerprint of a PEM file's text: lines (split after each LF) that are blank after stripping
 * are dropped, then the first and last remaining lines (BEGIN/END); the rest are hashed with
 * their line endings, CRLF counted as LF. A missing final newline does not change the result.
 * @param pemText the file's exact content.
 * @param hashType a Node/OpenSSL digest name, default `sha256` (Salt's `hash_type`).
 * @throws RangeError for an unknown hash type.
 */
export function pemFinger(pemText: string | Buffer, hashType = 'sha256'): string {
  const text = Buffer.isBuffer(pemText) ? pemText.toString('latin1') : pemText;
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const kept = lines.filter((l) => !/^[ \t\n\r\v\f]*$/.test(l)).slice(1, -1);
  const body = kept.join('').replace(/\r\n/g, '\n');
  return colonHex(hasher(hashType).update(Buffer.from(body, Buffer.isBuffer(pemText) ? 'latin1' : 'utf8')).digest());
}

/**
 * Fingerprint of a PEM file on disk (see {@link pemFinger}); `""` when the path is not a
 * regular file, as in Salt.
 * @throws the fs error when an existing file cannot be read; RangeError for an unknown hash type.
 */
export function pemFingerOfFile(path: string, hashType = 'sha256'): string {
  if (!statSync(path, { throwIfNoEntry: false })?.isFile()) return '';
  return pemFinger(readFileSync(path), hashType);
}

/**
 * Salt 3006.10's string variant `pem_finger(key=<pem>)`: hashes the WHOLE string, BEGIN/END
 * lines included, so it differs from the file variant (fixed upstream in 3006.28).
 */
export function pemFingerOfString3006(pem: string, hashType = 'sha256'): string {
  return colonHex(hasher(hashType).update(Buffer.from(pem, 'utf8')).digest());
}
