/**
 * Replays the real Salt traffic in wire/capture.json (3006.10, request protocol 2) and
 * wire/capture-v3.json (3006.x head, protocol 3): decode every frame, re-encode it byte for
 * byte, decrypt with the session keys, verify every signature and token.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { loadCases, type ConformanceCase } from '../../test/support/conformance.js';
import { decodeWire, encodeWire } from './payload.js';
import { Crypticle } from './crypticle.js';
import { cleanKey, exportPublicPem, loadPrivateKey, oaepDecrypt, verify, x931Verify } from './rsa.js';
import { decodePublish, decodeRequest, encodePublish, encodeRequest, parseSubscription } from './envelope.js';
import { PayloadError, ProtocolError, UnsupportedAlgorithmError } from './errors.js';
import { assertTaggedEqual, bytesOf } from './_tagged.js';

type Keys = Record<string, any>;
type Rec = Record<string, any>;

/** Cases that hold no frames to replay, with the reason. */
const NOT_FRAMES: Record<string, string> = {
  'session-timeline': 'exchange order and timing: input for the master/minion channel state machines, not the wire codec',
  'session-cli-output': 'salt CLI stdout: replayed by the CLI/output layers',
};

/** Frames that Salt did not make (the capture script crafted them), so re-encoding is not expected to give them back. */
function crafted(caseId: string, side: 'request' | 'reply'): boolean {
  return side === 'request' && caseId.startsWith('probe-');
}

/** Compares decrypted bytes with an expectation given as text or as tagged bytes. */
function assertBytes(actual: Buffer, expected: unknown, what: string): void {
  if (typeof expected === 'string') assert.equal(actual.toString('utf8'), expected, what);
  else assert.equal(actual.toString('hex'), bytesOf(expected).toString('hex'), what);
}

function checkFrames(frames: Buffer[], exp: Rec): void {
  assert.equal(frames.length, exp.frame_count);
  if (exp.delimiter_frame_empty !== undefined) assert.equal(frames[0].length === 0, exp.delimiter_frame_empty);
}

/** The key string that decrypts an aes request (or its reply, which uses the request's key). */
function keyFor(exp: Rec, keys: Keys, requestKey?: string): string {
  if (exp.decrypted_with === 'aes_key') return keys.aes_key;
  assert.equal(exp.decrypted_with, 'session_key');
  const key = exp.session_key ?? requestKey;
  assert.ok(keys.session_keys.includes(key), 'the session key is one of the session keys');
  return key;
}

/**
 * Known edits in the corpus: in these cases the `load` field had host paths rewritten after
 * capture (`/tmp/...` → `/srv/...`, `/opt/...`), while the captured blob and the `plaintext`
 * field still hold the original paths. Everything else is compared exactly; the decoded load is
 * compared after applying exactly these rewrites.
 */
const CORPUS_PATH_EDITS: Record<string, [string, string][]> = {};
for (const id of ['pillar', 'pillar-after-restart']) {
  CORPUS_PATH_EDITS[id] = [
    ['/tmp/conformance/', '/srv/conformance/'],
    ['/tmp/realsalt', '/opt/realsalt'],
  ];
}

function withCorpusEdits(caseId: string, value: unknown): unknown {
  const edits = CORPUS_PATH_EDITS[caseId];
  if (!edits) return value;
  const rewrite = (v: unknown): unknown => {
    if (typeof v === 'string') return edits.reduce((s, [from, to]) => (s.startsWith(from) ? to + s.slice(from.length) : s), v);
    if (Array.isArray(v)) return v.map(rewrite);
    if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v) && !(v instanceof Map)) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rewrite(x)]));
    }
    return v;
  };
  return rewrite(value);
}

interface RequestFacts {
  load?: Rec;
  envelope?: Rec;
  tokenPlaintext?: Buffer;
  keyString?: string;
}

function replayRequest(c: ConformanceCase, frames: Buffer[], exp: Rec, keys: Keys): RequestFacts {
  checkFrames(frames, exp);
  const frame = frames[frames.length - 1];
  if (exp.envelope_error) {
    assert.throws(() => decodeWire(frame), PayloadError);
    assert.throws(() => decodeRequest(frame), PayloadError);
    return {};
  }
  const envelope = decodeWire(frame) as Rec;
  assertTaggedEqual(envelope, exp.envelope, 'request envelope');
  if (!crafted(c.id, 'request')) {
    assert.equal(encodeWire(envelope).toString('hex'), frame.toString('hex'), 'request re-encodes byte for byte');
  }

  const isMap = envelope !== null && typeof envelope === 'object' && !Array.isArray(envelope);
  if (!isMap || !('enc' in envelope) || !('load' in envelope)) {
    assert.throws(() => decodeRequest(frame), ProtocolError);
    return { envelope };
  }
  const typed = decodeRequest(frame);
  assert.equal(typed.enc, envelope.enc === 'aes' ? 'aes' : 'clear');
  assert.equal(typed.version, envelope.version ?? 0);
  if (!crafted(c.id, 'request')) {
    assert.equal(encodeRequest(typed).toString('hex'), frame.toString('hex'), 'encodeRequest(decodeRequest(frame)) == frame');
  }

  const facts: RequestFacts = { envelope };
  if (typed.enc === 'clear') {
    facts.load = typed.load;
  } else if (exp.decrypted_with) {
    facts.keyString = keyFor(exp, keys);
    const crypticle = new Crypticle(facts.keyString);
    assertBytes(crypticle.decrypt(typed.load), exp.plaintext, 'request plaintext');
    facts.load = crypticle.loads(typed.load) as Rec;
    assert.equal(encodeWire(facts.load).toString('hex'), crypticle.decrypt(typed.load).subarray(8).toString('hex'), 'load re-encodes byte for byte');
    assertTaggedEqual(withCorpusEdits(c.id, facts.load), exp.load, 'decrypted request load');
  }
  const load = facts.load ?? {};

  if (exp.pub_equals_clean_key_of_minion_pub !== undefined) {
    assert.equal(load.pub === cleanKey(keys.minion_public_pem), exp.pub_equals_clean_key_of_minion_pub);
    if (exp.pub_equals_clean_key_of_minion_pub === false && keys.probe_public_pem) {
      assert.equal(load.pub, cleanKey(keys.probe_public_pem), 'a foreign key sent by the probe');
    }
  }
  if (exp.token_plaintext !== undefined) {
    facts.tokenPlaintext = oaepDecrypt(keys.master_private_pem, load.token, load.enc_algo);
    assertBytes(facts.tokenPlaintext, exp.token_plaintext, 'request token');
  }
  if (exp.token_decrypt_error === 'UnsupportedAlgorithm') {
    assert.throws(() => oaepDecrypt(keys.master_private_pem, Buffer.from(load.token), load.enc_algo), UnsupportedAlgorithmError);
  }
  if (exp.tok_recovered !== undefined) {
    assertBytes(x931Verify(keys.minion_public_pem, load.tok), exp.tok_recovered, 'tok');
  }
  return facts;
}

function replayReply(c: ConformanceCase, frames: Buffer[], exp: Rec, keys: Keys, req: RequestFacts): void {
  checkFrames(frames, exp);
  const frame = frames[frames.length - 1];
  const envelope = decodeWire(frame) as any;
  assertTaggedEqual(envelope, exp.envelope, 'reply envelope');
  assert.equal(encodeWire(envelope).toString('hex'), frame.toString('hex'), 'reply re-encodes byte for byte');
  const reqLoad = req.load ?? {};
  const sigAlgo = reqLoad.sig_algo ?? 'PKCS1v15-SHA1';
  const encAlgo = reqLoad.enc_algo ?? 'OAEP-SHA1';

  // Signed clear replies (_auth): {enc, load: msgpack bytes, sig}.
  if (exp.sig_valid !== undefined) {
    assert.equal(verify(keys.master_public_pem, envelope.load, envelope.sig, sigAlgo), exp.sig_valid);
  }
  if (exp.load !== undefined) {
    const signed = decodeWire(envelope.load) as Rec;
    assertTaggedEqual(signed, exp.load, 'signed reply load');
    assert.equal(encodeWire(signed).toString('hex'), envelope.load.toString('hex'), 'signed load re-encodes byte for byte');
    if (exp.nonce_matches_request !== undefined) assert.equal(signed.nonce === reqLoad.nonce, exp.nonce_matches_request);
    if (exp.pub_key_equals_clean_key_of_master_pub !== undefined) {
      assert.equal(signed.pub_key === cleanKey(keys.master_public_pem), exp.pub_key_equals_clean_key_of_master_pub);
    }
    if (exp.aes_plaintext !== undefined) {
      const aes = oaepDecrypt(keys.minion_private_pem, signed.aes, encAlgo);
      assertBytes(aes, exp.aes_plaintext, 'aes key');
      const recovered = x931Verify(keys.master_public_pem, signed.sig);
      assertBytes(recovered, exp.aes_sig_recovered, 'X9.31 sig over the aes digest');
      const digest = createHash('sha256').update(aes).digest('hex');
      assert.equal(recovered.toString('ascii') === digest, exp.aes_sig_valid);
    }
    if (exp.session_plaintext !== undefined) {
      assertBytes(oaepDecrypt(keys.minion_private_pem, signed.session, encAlgo), exp.session_plaintext, 'session key');
    }
    if (exp.token_plaintext !== undefined) {
      const token = oaepDecrypt(keys.minion_private_pem, signed.token, encAlgo);
      assertBytes(token, exp.token_plaintext, 'reply token');
      assert.equal(req.tokenPlaintext !== undefined && token.equals(req.tokenPlaintext), exp.token_matches_request);
    }
  }

  // Encrypted replies: the body is a msgpack str holding a Crypticle blob.
  if (exp.decrypted_with !== undefined) {
    assert.ok(Buffer.isBuffer(envelope), 'encrypted reply body is bytes');
    const crypticle = new Crypticle(keyFor(exp, keys, req.keyString));
    const plaintext = crypticle.decrypt(envelope);
    assertBytes(plaintext, exp.plaintext, 'reply plaintext');
    assert.equal(plaintext.subarray(8, 40).toString('ascii'), exp.nonce_prefix);
    assert.equal(exp.nonce_prefix === reqLoad.nonce, exp.nonce_matches_request);
    assertTaggedEqual(crypticle.loads(envelope, reqLoad.nonce), exp.value, 'reply value');
  }

  // _pillar send_private reply: {key: OAEP(one-time key), pillar: Crypticle(one-time key){data, sig}}.
  if (exp.pillar_key_plaintext !== undefined) {
    const pillarKey = oaepDecrypt(keys.minion_private_pem, envelope.key, encAlgo);
    assertBytes(pillarKey, exp.pillar_key_plaintext, 'pillar key');
    const decrypted = new Crypticle(pillarKey.toString('ascii')).loads(envelope.pillar) as Rec;
    assertTaggedEqual(decrypted, exp.pillar_decrypted, 'pillar blob');
    assert.equal(verify(keys.master_public_pem, decrypted.data, decrypted.sig, 'PKCS1v15-SHA1'), exp.pillar_sig_valid);
    const data = decodeWire(decrypted.data) as Rec;
    assertTaggedEqual(data, exp.pillar_data, 'pillar data');
    assert.equal(Buffer.isBuffer(data.key) && data.key.equals(envelope.key), exp.pillar_data_key_matches);
    assert.equal(data.nonce === reqLoad.nonce, exp.pillar_data_nonce_matches_request);
  }
}

function replayPublish(c: ConformanceCase, frames: Buffer[], exp: Rec, keys: Keys): void {
  assert.equal(frames.length, exp.frame_count);
  const frame = frames[0];
  if (exp.subscription) {
    const sub = parseSubscription(frame);
    assert.equal(sub.subscribe, exp.subscription.subscribe);
    assert.equal(sub.unsubscribe, exp.subscription.unsubscribe);
    assert.deepEqual(sub.topic, bytesOf(exp.subscription.topic));
    return;
  }
  const envelope = decodeWire(frame);
  assertTaggedEqual(envelope, exp.envelope, 'publish envelope');
  assert.equal(encodeWire(envelope).toString('hex'), frame.toString('hex'), 'publish re-encodes byte for byte');
  const pub = decodePublish(frame);
  assert.equal(encodePublish(pub).toString('hex'), frame.toString('hex'), 'encodePublish(decodePublish(frame)) == frame');
  assert.equal(verify(keys.master_public_pem, pub.load, pub.sig!, pub.sig_algo), exp.sig_valid);
  const crypticle = new Crypticle(keys.aes_key);
  const plaintext = crypticle.decrypt(pub.load);
  assertBytes(plaintext, exp.plaintext, 'publish plaintext');
  assertTaggedEqual(decodeWire(plaintext.subarray(8)), exp.load, 'publish load with serial');
  assertTaggedEqual(crypticle.loads(pub.load), exp.crypticle_loads_fresh, 'Crypticle.loads removes serial');
  assert.equal(crypticle.lastSerial, exp.load.serial);
  assertTaggedEqual(crypticle.loads(pub.load), {}, 'a replayed publish yields {}');
}

function replaySessionKeys(exp: Rec): void {
  for (const [priv, pub] of [['master_private_pem', 'master_public_pem'], ['minion_private_pem', 'minion_public_pem']]) {
    assert.equal(exportPublicPem(loadPrivateKey(exp[priv])), exp[pub], `${pub} is the public half of ${priv}`);
  }
  assert.equal(exportPublicPem(loadPrivateKey(exp.probe_other_key.private_pem)), exp.probe_other_key.public_pem + '\n');
  assert.equal(exp.minion_master_pub_file, cleanKey(exp.master_public_pem), 'minion_master.pub is clean_key form');
  assert.equal(exp.accepted_key_file_on_master, cleanKey(exp.minion_public_pem), 'minions/<id> is clean_key form');
  for (const ks of [exp.aes_key, exp.root_key, ...(exp.session_keys ?? [])]) {
    assert.equal(ks.length, 76);
    assert.doesNotThrow(() => new Crypticle(ks));
  }
}

for (const file of ['capture.json', 'capture-v3.json']) {
  const cases = loadCases('wire', file);
  const session = cases.find((c) => c.id === 'session-keys')!.expected as Keys;
  for (const c of cases) {
    const skip = NOT_FRAMES[c.id];
    test(`${file} ${c.id}: ${c.what ?? ''}`.slice(0, 150), { skip }, () => {
      const input = c.input as Rec;
      const keys: Keys = { ...session, ...(input.keys ?? {}) };
      if (c.id === 'session-keys') return replaySessionKeys(c.expected);
      if (input.channel === 'publish') return replayPublish(c, (input.frames as unknown[]).map(bytesOf), c.expected, keys);
      assert.equal(input.channel, 'request');
      const req = replayRequest(c, (input.request_frames as unknown[]).map(bytesOf), c.expected.request, keys);
      if (c.expected.reply === null) {
        assert.equal(input.reply_frames, null, 'the master never replied');
        return;
      }
      replayReply(c, (input.reply_frames as unknown[]).map(bytesOf), c.expected.reply, keys, req);
    });
  }
}
