/**
 * Salt's symmetric "Crypticle" format (salt.crypt.Crypticle): AES-192-CBC with encrypt-then-MAC
 * HMAC-SHA256. Used for publishes (master AES key), aes requests and replies (AES key or P3
 * session key) and `_pillar` replies (one-time key).
 *
 * Key string: standard base64 of 56 bytes = 24-byte AES key ‖ 32-byte HMAC key (76 chars).
 * Blob: IV(16) ‖ AES-CBC(padded plaintext) ‖ HMAC-SHA256(hmac_key, IV ‖ ciphertext)(32).
 * Object plaintext: `pickle::` ‖ [32-char nonce] ‖ wire msgpack.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuthenticationError, InvalidKeyError, NonceError, PayloadError } from './errors.js';
import { decodeWire, encodeWire } from './payload.js';

const AES_KEY_BYTES = 24;
const HMAC_KEY_BYTES = 32;
const SIG_SIZE = 32;
const BLOCK = 16;
const NONCE_LENGTH = 32;

/** The 8 bytes every Crypticle object plaintext starts with. */
export const PICKLE_PAD = Buffer.from('pickle::', 'ascii');

/**
 * Splits a key string into its AES and HMAC keys. Characters outside the base64 alphabet
 * (e.g. a newline) are ignored, as Python's `b64decode` does.
 * @throws InvalidKeyError when the string is not base64 of exactly 56 bytes.
 */
export function parseKeyString(keyString: string | Buffer): { aesKey: Buffer; hmacKey: Buffer } {
  const text = Buffer.isBuffer(keyString) ? keyString.toString('latin1') : keyString;
  const cleaned = text.replace(/[^A-Za-z0-9+/=]/g, '');
  if (cleaned.length % 4 !== 0) {
    throw new InvalidKeyError(`invalid key: base64 text of ${cleaned.length} characters is not padded to a multiple of 4`);
  }
  const raw = Buffer.from(cleaned, 'base64');
  if (raw.length !== AES_KEY_BYTES + HMAC_KEY_BYTES) {
    throw new InvalidKeyError(`invalid key: expected ${AES_KEY_BYTES + HMAC_KEY_BYTES} bytes of key material, got ${raw.length}`);
  }
  return { aesKey: raw.subarray(0, AES_KEY_BYTES), hmacKey: raw.subarray(AES_KEY_BYTES) };
}

/** PADDING[n]: n bytes of value n (the padding Salt appends before encrypting). */
const PADDING = Array.from({ length: BLOCK + 1 }, (_, n) => Buffer.alloc(n, n));

/**
 * IVs are cut from a pool of random bytes, one CSPRNG call per 256 of them instead of one
 * each (a measurable share of a busy minion's CPU). Each IV is used once; a refill makes a new
 * pool, so an IV handed out earlier never changes.
 */
const IV_POOL_BYTES = 256 * BLOCK;
let ivPool = Buffer.alloc(0);
let ivOffset = 0;

function freshIv(): Buffer {
  if (ivOffset + BLOCK > ivPool.length) {
    ivPool = randomBytes(IV_POOL_BYTES);
    ivOffset = 0;
  }
  ivOffset += BLOCK;
  return ivPool.subarray(ivOffset - BLOCK, ivOffset);
}

/** Options of {@link Crypticle.dumps} and {@link Crypticle.encrypt}. */
export interface EncryptOptions {
  /** Fixed 16-byte IV, for reproducing test vectors only. Default: 16 random bytes. */
  iv?: Buffer;
}

export class Crypticle {
  readonly aesKey: Buffer;
  readonly hmacKey: Buffer;
  /**
   * The highest publish `serial` this instance has accepted (0 = none yet). {@link loads}
   * replaces any message whose top-level `serial` is not greater than this with `{}`.
   */
  lastSerial: number | bigint;

  /**
   * @param keyString the 76-char base64 key string.
   * @param opts.serial initial {@link lastSerial} (default 0).
   * @throws InvalidKeyError when the key string does not decode to 56 bytes.
   */
  constructor(keyString: string | Buffer, opts: { serial?: number | bigint } = {}) {
    const { aesKey, hmacKey } = parseKeyString(keyString);
    this.aesKey = aesKey;
    this.hmacKey = hmacKey;
    this.lastSerial = opts.serial ?? 0;
  }

  /** A fresh random key string: base64 of 56 random bytes (76 chars, ends with `=`). */
  static generateKeyString(): string {
    return randomBytes(AES_KEY_BYTES + HMAC_KEY_BYTES).toString('base64');
  }

  /** Encrypts raw bytes: PKCS#7-style pad, AES-192-CBC, then append the HMAC. */
  encrypt(data: Buffer, opts: EncryptOptions = {}): Buffer {
    const iv = opts.iv ?? freshIv();
    if (iv.length !== BLOCK) throw new RangeError(`Crypticle IV must be ${BLOCK} bytes: got ${iv.length}`);
    const cipher = createCipheriv('aes-192-cbc', this.aesKey, iv).setAutoPadding(false);
    const head = cipher.update(data);
    const tail = cipher.update(PADDING[BLOCK - (data.length % BLOCK)]!);
    const mac = createHmac('sha256', this.hmacKey).update(iv).update(head).update(tail).digest();
    return Buffer.concat([iv, head, tail, mac]);
  }

  /**
   * Checks the HMAC and decrypts. Like Salt, the padding is not validated: the last byte says
   * how many bytes to drop (0 drops everything, as Python's `data[:-0]` does).
   * @throws AuthenticationError when the blob is too short or its HMAC does not match.
   * @throws PayloadError when an authentic blob's body is not whole AES blocks.
   */
  decrypt(blob: Buffer): Buffer {
    if (blob.length < SIG_SIZE) throw new AuthenticationError();
    const body = blob.subarray(0, blob.length - SIG_SIZE);
    const sig = blob.subarray(blob.length - SIG_SIZE);
    const mac = createHmac('sha256', this.hmacKey).update(body).digest();
    if (!timingSafeEqual(mac, sig)) throw new AuthenticationError();
    const ciphertext = body.subarray(BLOCK);
    if (body.length < BLOCK * 2 || ciphertext.length % BLOCK !== 0) {
      throw new PayloadError(`malformed Crypticle blob: ${ciphertext.length} ciphertext bytes is not a positive multiple of ${BLOCK}`);
    }
    const decipher = createDecipheriv('aes-192-cbc', this.aesKey, body.subarray(0, BLOCK)).setAutoPadding(false);
    const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    const drop = padded[padded.length - 1];
    return padded.subarray(0, drop === 0 ? 0 : Math.max(0, padded.length - drop));
  }

  /**
   * Serialises and encrypts an object: `pickle::` ‖ [nonce] ‖ msgpack(obj).
   * @param nonce 32-char request nonce (replies to nonce-carrying requests); omit otherwise.
   * @throws PayloadError when obj cannot be encoded; TypeError for a nonce that is not 32 ASCII chars.
   */
  dumps(obj: unknown, nonce?: string, opts: EncryptOptions = {}): Buffer {
    const parts: Buffer[] = [PICKLE_PAD];
    if (nonce !== undefined && nonce !== null) {
      if (!/^[\x00-\x7f]{32}$/.test(nonce)) throw new TypeError(`Crypticle nonce must be 32 ASCII characters: got ${JSON.stringify(nonce)}`);
      parts.push(Buffer.from(nonce, 'ascii'));
    }
    parts.push(encodeWire(obj));
    return this.encrypt(Buffer.concat(parts), opts);
  }

  /**
   * Decrypts and deserialises a blob made by {@link dumps}. A plaintext without the
   * `pickle::` prefix yields `{}`. A top-level map `serial` is removed; unless it is greater
   * than {@link lastSerial} (which it then becomes) the whole result is `{}`, as in Salt.
   * @param nonce the nonce the blob must carry (the request's), or omit when none is expected.
   * @param opts.raw keep strings as Buffers (see decodeWire); the serial rule then does not apply.
   * @throws AuthenticationError on HMAC failure; NonceError when the nonce differs;
   *   PayloadError when the msgpack is malformed.
   */
  loads(blob: Buffer, nonce?: string, opts: { raw?: boolean } = {}): unknown {
    let data = this.decrypt(blob);
    if (data.length < PICKLE_PAD.length || !data.subarray(0, PICKLE_PAD.length).equals(PICKLE_PAD)) return {};
    data = data.subarray(PICKLE_PAD.length);
    if (nonce !== undefined && nonce !== null) {
      const got = data.subarray(0, NONCE_LENGTH);
      if (!got.equals(Buffer.from(nonce, 'utf8'))) {
        throw new NonceError(`Nonce verification error: expected ${JSON.stringify(nonce)}, the message carries ${JSON.stringify(got.toString('latin1'))}`);
      }
      data = data.subarray(NONCE_LENGTH);
    }
    const value = decodeWire(data, { raw: opts.raw === true });
    return this.applySerialRule(value);
  }

  private applySerialRule(value: unknown): unknown {
    let serial: unknown;
    if (value instanceof Map) {
      if (!value.has('serial')) return value;
      serial = value.get('serial');
      value.delete('serial');
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value) && Object.hasOwn(value, 'serial')) {
      serial = (value as Record<string, unknown>).serial;
      delete (value as Record<string, unknown>).serial;
    } else {
      return value;
    }
    // A replayed (or non-numeric) serial makes Salt drop the whole message.
    if ((typeof serial !== 'number' && typeof serial !== 'bigint') || !(serial > this.lastSerial)) return {};
    this.lastSerial = serial;
    return value;
  }
}
