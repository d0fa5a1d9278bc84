/**
 * The minion side of Salt's `_auth` handshake (salt-wire 5): sends the public key, verifies the
 * master's signed reply, keeps `minion_master.pub` (trust on first use, `master_finger`), and
 * extracts the AES key and the per-minion session key.
 */
import { isMap, asBuffer } from '../../protocol/values.js';
import { createHash, randomUUID, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Crypticle } from '../../protocol/crypticle.js';
import { decodeWire, encodeWire } from '../../protocol/payload.js';
import { cleanKey, generateKeyPair, loadPrivateKey, loadPublicKey, oaepDecrypt, oaepEncrypt, verify, x931Sign, x931Verify } from '../../protocol/rsa.js';
import { pemFinger } from '../../protocol/finger.js';
import type { ReqClient } from '../../transport/zeromq.js';

type Load = Record<string, unknown>;



/** Why a sign-in did not give credentials. */
export class AuthRefusedError extends Error {
  override name = 'AuthRefusedError';
  constructor(
    readonly code: 'EPENDING' | 'EREJECTED' | 'EFULL' | 'EALGO' | 'EMASTERKEY' | 'EFINGER' | 'EBADREPLY',
    message: string,
  ) {
    super(message);
  }
}

export interface Credentials {
  aesKey: string;
  /** Per-minion request key (protocol 3); null when the master only speaks protocol 2. */
  sessionKey: string | null;
  publishPort: number;
  masterPub: KeyObject;
}

export interface MinionKeys {
  privateKey: KeyObject;
  publicPem: string;
  /** X9.31 signature of b"salt" with minion.pem: the `tok` proving who sends a request. */
  tok: Buffer;
}

/** Loads `minion.pem`/`minion.pub` from pki_dir, generating them (0400 / 0644) on first start. */
export async function loadOrCreateMinionKeys(pkiDir: string, keysize = 2048): Promise<MinionKeys> {
  await mkdir(pkiDir, { recursive: true, mode: 0o700 });
  const privPath = join(pkiDir, 'minion.pem');
  const pubPath = join(pkiDir, 'minion.pub');
  if (!existsSync(privPath) || !existsSync(pubPath)) {
    const { privatePem, publicPem } = generateKeyPair(keysize);
    await writeFile(privPath + '.tmp', privatePem, { mode: 0o400 });
    await rename(privPath + '.tmp', privPath);
    await chmod(privPath, 0o400);
    await writeFile(pubPath + '.tmp', publicPem, { mode: 0o644 });
    await rename(pubPath + '.tmp', pubPath);
  }
  const privateKey = loadPrivateKey(await readFile(privPath, 'utf8'));
  const publicPem = await readFile(pubPath, 'utf8');
  return { privateKey, publicPem, tok: x931Sign(privateKey, Buffer.from('salt')) };
}

export interface AuthOptions {
  id: string;
  pkiDir: string;
  encAlgo: string;
  sigAlgo: string;
  masterFinger?: string;
  hashType: string;
  /** Grain values for `autosign_grains`. */
  autosignGrains?: Load;
  timeoutMs: number;
}

/** One sign-in attempt. Throws AuthRefusedError (pending, rejected ...) or a transport error. */
export async function signIn(channel: ReqClient, keys: MinionKeys, opts: AuthOptions): Promise<Credentials> {
  const cachedPath = join(opts.pkiDir, 'minion_master.pub');
  const cachedPem = existsSync(cachedPath) ? await readFile(cachedPath, 'utf8') : undefined;
  const nonce = randomUUID().replace(/-/g, '');
  const load: Load = { cmd: '_auth', id: opts.id, nonce, enc_algo: opts.encAlgo, sig_algo: opts.sigAlgo, pub: cleanKey(keys.publicPem) };
  const token = Crypticle.generateKeyString();
  if (cachedPem) load.token = oaepEncrypt(loadPublicKey(cachedPem), Buffer.from(token, 'ascii'), opts.encAlgo);
  if (opts.autosignGrains && Object.keys(opts.autosignGrains).length) load.autosign_grains = opts.autosignGrains;

  const raw = await channel.send(encodeWire({ enc: 'clear', load, version: 3 }), opts.timeoutMs);
  const reply = decodeWire(raw);
  if (!isMap(reply) || !('load' in reply)) throw new AuthRefusedError('EBADREPLY', `Unexpected auth reply from the master: ${JSON.stringify(reply)?.slice(0, 200)}`);
  if (isMap(reply.load)) {
    const ret = reply.load.ret;
    if (ret === 'bad enc algo' || ret === 'bad sig algo') throw new AuthRefusedError('EALGO', `The master refused the algorithm: ${ret}`);
  }
  const loadBytes = asBuffer(reply.load);
  const r = isMap(reply.load) ? reply.load : loadBytes ? decodeWire(loadBytes) : undefined;
  if (!isMap(r)) throw new AuthRefusedError('EBADREPLY', 'Auth reply load is not a map');

  let masterPem = cachedPem;
  if (typeof r.pub_key === 'string') {
    if (cachedPem && load.token !== undefined && cleanKey(cachedPem) !== cleanKey(r.pub_key)) {
      throw new AuthRefusedError('EMASTERKEY', `The master key has changed, the salt master could have been subverted, verify salt master's public key (${cachedPath})`);
    }
    if (!cachedPem) {
      await writeFile(cachedPath, cleanKey(r.pub_key), { mode: 0o644 });
      masterPem = cleanKey(r.pub_key);
    }
  }
  if (masterPem && loadBytes && !isMap(reply.load)) {
    const sig = asBuffer(reply.sig);
    if (!sig || !verify(loadPublicKey(masterPem), loadBytes, sig, opts.sigAlgo)) {
      throw new AuthRefusedError('EMASTERKEY', 'The auth reply signature does not verify with the cached master key');
    }
  }
  if (r.nonce !== undefined && r.nonce !== nonce) throw new AuthRefusedError('EBADREPLY', 'The auth reply nonce does not match the request');
  if ('ret' in r) {
    if (r.ret === false) throw new AuthRefusedError('EREJECTED', 'The Salt Master has rejected this minion\'s public key!');
    if (r.ret === 'full') throw new AuthRefusedError('EFULL', 'The Salt Master is full (max_minions reached)');
    throw new AuthRefusedError('EPENDING', 'The Salt Master has cached the public key for this node, this salt minion will wait for 10 seconds before attempting to re-authenticate');
  }
  if (!masterPem) throw new AuthRefusedError('EBADREPLY', 'The auth reply has no master public key');
  if (opts.masterFinger && pemFinger(masterPem, opts.hashType) !== opts.masterFinger) {
    throw new AuthRefusedError('EFINGER', `The specified fingerprint in the master configuration file: ${opts.masterFinger}\nDoes not match the authenticating master's key: ${pemFinger(masterPem, opts.hashType)}\nVerify that the configured fingerprint matches the fingerprint of the correct master and that this master has not been compromised.`);
  }
  const masterPub = loadPublicKey(masterPem);
  const aesBlob = asBuffer(r.aes);
  const aesSig = asBuffer(r.sig);
  if (!aesBlob || !aesSig) throw new AuthRefusedError('EBADREPLY', 'The auth reply lacks the AES key or its signature');
  const aesKey = oaepDecrypt(keys.privateKey, aesBlob, opts.encAlgo).toString('ascii');
  const digest = createHash('sha256').update(aesKey, 'ascii').digest('hex');
  let recovered: string;
  try {
    recovered = x931Verify(masterPub, aesSig).toString('latin1');
  } catch {
    recovered = '';
  }
  if (recovered !== digest) throw new AuthRefusedError('EMASTERKEY', 'The AES key signature from the master does not verify');
  if (cachedPem && load.token !== undefined) {
    const back = asBuffer(r.token);
    if (!back || oaepDecrypt(keys.privateKey, back, opts.encAlgo).toString('ascii') !== token) {
      throw new AuthRefusedError('EMASTERKEY', 'The master did not return our token: it does not hold the cached master key');
    }
  }
  const session = asBuffer(r.session);
  return {
    aesKey,
    sessionKey: session ? oaepDecrypt(keys.privateKey, session, opts.encAlgo).toString('ascii') : null,
    publishPort: typeof r.publish_port === 'number' ? r.publish_port : 4505,
    masterPub,
  };
}
