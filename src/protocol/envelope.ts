/**
 * The outer maps Salt exchanges on its sockets (salt-wire.md §4.1, §6.2), validated into typed
 * values before anything else looks at them.
 *
 * Request (client → master, port 4506):
 *   clear: `{enc: "clear", load: {cmd, ...}, version}`
 *   aes:   `{enc: "aes", load: <Crypticle blob>, version, [id], [enc_algo], [sig_algo]}`
 * Publish (master → minion, port 4505): `{enc: "aes", load: <blob>, [sig_algo], [sig]}`
 *
 * Keys are written in the order Salt writes them, so re-encoding a decoded envelope gives the
 * same bytes. A missing `version` (pre-3004.1 peers) reads as 0, and version 0 is written by
 * leaving the field out.
 */
import { randomUUID } from 'node:crypto';
import { ProtocolError } from './errors.js';
import { decodeWire, encodeWire } from './payload.js';

/** A clear (unencrypted) request: `_auth`, CLI `publish`, `runner`, `wheel`, ... */
export interface ClearRequest {
  enc: 'clear';
  load: Record<string, unknown>;
  /** Request protocol version: 2 (3006.0–3006.11), 3 (3006.12+), 0 when absent. */
  version: number;
}

/** An encrypted request: `load` is a Crypticle blob (AES key for P2, session key for P3). */
export interface AesRequest {
  enc: 'aes';
  load: Buffer;
  version: number;
  /** P3: the minion id, which must equal the decrypted load's `id`. */
  id?: string;
  enc_algo?: string;
  sig_algo?: string;
}

export type RequestEnvelope = ClearRequest | AesRequest;

/** A publish frame on port 4505: `load` is a Crypticle blob under the master AES key. */
export interface PublishEnvelope {
  enc: 'aes';
  load: Buffer;
  /** PKCS1v15 signature over the `load` bytes (master `sign_pub_messages`, default on). */
  sig?: Buffer;
  sig_algo?: string;
}

/** A new request nonce: 32 lowercase hex characters (Python's `uuid4().hex`). */
export function newNonce(): string {
  return randomUUID().replace(/-/g, '');
}

function isPlainMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Map) && Object.getPrototypeOf(v) === Object.prototype;
}

function describe(v: unknown): string {
  if (v === null) return 'nil';
  if (Array.isArray(v)) return 'an array';
  if (Buffer.isBuffer(v)) return `${v.length} bytes`;
  if (v instanceof Map) return 'a map with non-string keys';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `a ${typeof v}`;
}

function optionalString(env: Record<string, unknown>, key: string): string | undefined {
  const v = env[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new ProtocolError(`bad envelope: '${key}' must be text, got ${describe(v)}`);
  return v;
}

/** A binary field that decoding may have turned into text because its bytes happened to be valid UTF-8. */
function binaryField(env: Record<string, unknown>, key: string, required: boolean): Buffer | undefined {
  const v = env[key];
  if (v === undefined && !required) return undefined;
  if (Buffer.isBuffer(v)) return v;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  throw new ProtocolError(`bad envelope: '${key}' must be bytes, got ${v === undefined ? 'nothing' : describe(v)}`);
}

function envelopeMap(buf: Buffer): Record<string, unknown> {
  const env = decodeWire(buf);
  if (!isPlainMap(env)) throw new ProtocolError(`bad load: envelope must be a map, got ${describe(env)}`);
  return env;
}

/**
 * Decodes and validates a request frame.
 * @throws PayloadError when the frame is not msgpack (Salt's transport answers `{"msg": "bad load"}`);
 *   ProtocolError when it is msgpack of the wrong shape (Salt answers the string `"bad load"`).
 */
export function decodeRequest(buf: Buffer): RequestEnvelope {
  const env = envelopeMap(buf);
  if (!('enc' in env) || !('load' in env)) {
    throw new ProtocolError(`bad load: envelope needs 'enc' and 'load', got keys ${JSON.stringify(Object.keys(env))}`);
  }
  const version = env.version ?? 0;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new ProtocolError(`bad load: 'version' must be a non-negative integer, got ${describe(version)}`);
  }
  if (env.enc === 'aes') {
    const out: AesRequest = { enc: 'aes', load: binaryField(env, 'load', true)!, version };
    const id = optionalString(env, 'id');
    const encAlgo = optionalString(env, 'enc_algo');
    const sigAlgo = optionalString(env, 'sig_algo');
    if (id !== undefined) out.id = id;
    if (encAlgo !== undefined) out.enc_algo = encAlgo;
    if (sigAlgo !== undefined) out.sig_algo = sigAlgo;
    return out;
  }
  // Salt routes every enc other than "aes" to the clear handlers.
  if (!isPlainMap(env.load)) throw new ProtocolError(`payload and load must be a dict: got ${describe(env.load)}`);
  return { enc: 'clear', load: env.load, version };
}

/** Encodes a request envelope with Salt's key order (enc, load, version, id, enc_algo, sig_algo). */
export function encodeRequest(env: RequestEnvelope): Buffer {
  const out: Record<string, unknown> = { enc: env.enc, load: env.load };
  if (env.version !== 0) out.version = env.version;
  if (env.enc === 'aes') {
    if (env.id !== undefined) out.id = env.id;
    if (env.enc_algo !== undefined) out.enc_algo = env.enc_algo;
    if (env.sig_algo !== undefined) out.sig_algo = env.sig_algo;
  }
  return encodeWire(out);
}

/**
 * Decodes and validates a publish frame.
 * @throws PayloadError when it is not msgpack; ProtocolError when `enc` is not `aes` (minions
 *   ignore such frames) or a field has the wrong type.
 */
export function decodePublish(buf: Buffer): PublishEnvelope {
  const env = envelopeMap(buf);
  if (env.enc !== 'aes') throw new ProtocolError(`bad publish: 'enc' must be "aes", got ${describe(env.enc)}`);
  const out: PublishEnvelope = { enc: 'aes', load: binaryField(env, 'load', true)! };
  const sigAlgo = optionalString(env, 'sig_algo');
  const sig = binaryField(env, 'sig', false);
  if (sigAlgo !== undefined) out.sig_algo = sigAlgo;
  if (sig !== undefined) out.sig = sig;
  return out;
}

/** Encodes a publish envelope with Salt's key order (enc, load, sig_algo, sig). */
export function encodePublish(env: PublishEnvelope): Buffer {
  const out: Record<string, unknown> = { enc: 'aes', load: env.load };
  if (env.sig_algo !== undefined) out.sig_algo = env.sig_algo;
  if (env.sig !== undefined) out.sig = env.sig;
  return encodeWire(out);
}

/** A ZMTP subscription message as a SUB socket sends it: `0x01`+topic or `0x00`+topic. */
export interface Subscription {
  subscribe: boolean;
  unsubscribe: boolean;
  topic: Buffer;
}

/**
 * Parses a subscription frame (first byte 1 = subscribe, 0 = unsubscribe, rest = topic).
 * @throws ProtocolError for an empty frame or another first byte.
 */
export function parseSubscription(frame: Buffer): Subscription {
  if (frame.length === 0 || frame[0] > 1) {
    throw new ProtocolError(`bad subscription frame: expected 0x00 or 0x01 then a topic, got ${frame.subarray(0, 8).toString('hex') || 'an empty frame'}`);
  }
  return { subscribe: frame[0] === 1, unsubscribe: frame[0] === 0, topic: Buffer.from(frame.subarray(1)) };
}
